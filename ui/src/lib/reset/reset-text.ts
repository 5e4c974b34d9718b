import type { ResetApp } from '../bindings/ResetApp';
import type { ResetDetail } from '../bindings/ResetDetail';
import type { ResetEdition } from '../bindings/ResetEdition';
import type { ResetPbx } from '../bindings/ResetPbx';
import type { ResetStep } from '../bindings/ResetStep';
import type { ResetSummary } from '../bindings/ResetSummary';
import type { ResetTenant } from '../bindings/ResetTenant';
import type { ResetText } from '../bindings/ResetText';
import type { ResetWarning } from '../bindings/ResetWarning';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';
import { describeEditionWarning } from '../wizard/warning-wording';

type Options = { locale?: Locale };
type Words<T extends { code: string }> = { [C in T['code']]: (text: Extract<T, { code: C }>, o: Options) => string };

const options = (locale?: Locale): Options => (locale ? { locale } : {});

/** A sentence starts with the app's name ("The app registration … was already deleted."). */
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The PBX tenant as the reset names it (reset/text.rs `ResetPbx`). */
export function resetPbx(pbx: ResetPbx, locale?: Locale): string {
  const o = options(locale);
  return pbx.domain ? m.reset_pbx_named({ domain: pbx.domain, url: pbx.url }, o) : m.reset_pbx_unnamed({ url: pbx.url }, o);
}

/** The Microsoft 365 tenant: its name and Directory (tenant) ID, whichever are known. */
export function resetTenant(tenant: ResetTenant, locale?: Locale): string {
  if (tenant.name !== null && tenant.id !== null) return m.reset_tenant_named({ name: tenant.name, id: tenant.id }, options(locale));
  return tenant.name ?? tenant.id ?? m.reset_tenant_unknown({}, options(locale));
}

function resetApp(app: ResetApp, o: Options): string {
  return app.name !== null ? m.reset_app_named({ name: app.name, app_id: app.app_id }, o) : m.reset_app_unnamed({ app_id: app.app_id }, o);
}

function resetEdition(edition: ResetEdition, o: Options): string {
  const name = edition.version !== null ? `PortSIP ${edition.version}` : m.reset_edition_unknown({}, o);
  if (edition.current_users === null || edition.licensed_users === null) return name;
  return m.reset_edition_users({ edition: name, current: edition.current_users, licensed: edition.licensed_users }, o);
}

/** What each step of the plan will do (reset/text.rs `ResetSummary`). */
const SUMMARIES: Words<ResetSummary> = {
  'pbx-done-earlier': (t, o) => m.reset_summary_pbx_done_earlier({ pbx: resetPbx(t.pbx, o.locale) }, o),
  'pbx-stop': (t, o) => {
    const inputs = { pbx: resetPbx(t.pbx, o.locale), edition: resetEdition(t.edition, o) };
    return t.stop === 'destroy' ? m.reset_summary_pbx_destroy(inputs, o) : m.reset_summary_pbx_clear(inputs, o);
  },
  'entra-done-earlier': (t, o) => m.reset_summary_entra_done_earlier({ tenant: resetTenant(t.tenant, o.locale) }, o),
  'entra-no-app': (t, o) => m.reset_summary_entra_no_app({ tenant: resetTenant(t.tenant, o.locale) }, o),
  'entra-by-hand': (t, o) => {
    const inputs = { tenant: resetTenant(t.tenant, o.locale), app: resetApp(t.app, o) };
    return t.delete_app ? m.reset_summary_entra_by_hand_delete(inputs, o) : m.reset_summary_entra_by_hand_remove(inputs, o);
  },
  'entra-app-gone': (t, o) => m.reset_summary_entra_app_gone({ tenant: resetTenant(t.tenant, o.locale), app: resetApp(t.app, o) }, o),
  'entra-delete-app': (t, o) => m.reset_summary_entra_delete_app({ tenant: resetTenant(t.tenant, o.locale), app: resetApp(t.app, o) }, o),
  'entra-no-pbx-certificate': (t, o) =>
    m.reset_summary_entra_no_pbx_certificate({ tenant: resetTenant(t.tenant, o.locale), app: resetApp(t.app, o) }, o),
  'entra-remove-certificate': (t, o) => {
    const inputs = { tenant: resetTenant(t.tenant, o.locale), app: resetApp(t.app, o), thumbprints: t.thumbprints };
    return t.others === 0
      ? m.reset_summary_entra_remove_certificate(inputs, o)
      : m.reset_summary_entra_remove_certificate_keeping({ ...inputs, count: t.others }, o);
  },
  'this-computer': (t, o) =>
    m.reset_summary_this_computer({ profile: t.profile, pbx: resetPbx(t.pbx, o.locale), tenant: resetTenant(t.tenant, o.locale) }, o),
};

/** What a step did (reset/text.rs `ResetDetail`). */
const DETAILS: Words<ResetDetail> = {
  'done-earlier': (_, o) => m.reset_detail_done_earlier({}, o),
  'pbx-destroyed': (_, o) => m.reset_detail_pbx_destroyed({}, o),
  'pbx-cleared': (_, o) => m.reset_detail_pbx_cleared({}, o),
  'no-app': (_, o) => m.reset_detail_no_app({}, o),
  'by-hand': (t, o) =>
    t.delete_app ? m.reset_detail_by_hand_delete({ app: resetApp(t.app, o) }, o) : m.reset_detail_by_hand_remove({ app: resetApp(t.app, o) }, o),
  'app-deleted': (t, o) => m.reset_detail_app_deleted({ app: resetApp(t.app, o) }, o),
  'app-already-deleted': (t, o) => m.reset_detail_app_already_deleted({ app: capitalised(resetApp(t.app, o)) }, o),
  'app-gone': (t, o) => m.reset_detail_app_gone({ app: capitalised(resetApp(t.app, o)) }, o),
  'no-pbx-certificate-on-app': (t, o) => m.reset_detail_no_pbx_certificate_on_app({ app: capitalised(resetApp(t.app, o)) }, o),
  'certificate-removed': (t, o) => m.reset_detail_certificate_removed({ app: resetApp(t.app, o), thumbprints: t.thumbprints }, o),
  'profile-removed': (t, o) =>
    m.reset_detail_profile_removed({ profile: t.profile, count: t.runs }, o) +
    (t.kept_certificate !== null ? m.reset_detail_kept_certificate({ path: t.kept_certificate }, o) : ''),
};

/** Something to know before confirming (reset/text.rs `ResetWarning`). */
const WARNINGS: Words<ResetWarning> = {
  'nothing-saved': (t, o) => m.reset_warning_nothing_saved({ profile: t.profile }, o),
  'pbx-version': (t, o) => describeEditionWarning(t.warning, o.locale),
  'other-app': (t, o) =>
    t.ours !== null ? m.reset_warning_other_app({ current: t.current, ours: t.ours }, o) : m.reset_warning_other_app_no_ours({ current: t.current }, o),
  'delete-app-stops-others': (t, o) => m.reset_warning_delete_app_stops_others({ app_id: t.app_id }, o),
};

function word<T extends { code: string }>(words: Words<T>, text: T, locale?: Locale): string {
  const wording = (words as unknown as Record<string, (text: T, o: Options) => string>)[text.code];
  return wording ? wording(text, options(locale)) : '';
}

/** A step of the plan in the UI language, or in `locale`. */
export const describeResetSummary = (summary: ResetSummary, locale?: Locale) => word(SUMMARIES, summary, locale);

/** What a step did, in the UI language or in `locale`. */
export const describeResetDetail = (detail: ResetDetail, locale?: Locale) => word(DETAILS, detail, locale);

/** A warning of the plan, in the UI language or in `locale`. */
export const describeResetWarning = (warning: ResetWarning, locale?: Locale) => word(WARNINGS, warning, locale);

/** A reset event's text (reset/plan.rs `ResetText`) in the UI language, or in `locale`. */
export function describeReset(step: ResetStep, text: ResetText, locale?: Locale): string {
  const o = options(locale);
  switch (text.code) {
    case 'continuing':
      return m.reset_text_continuing({ number: text.step_number }, o);
    case 'starting':
      return STARTING[step]({}, o);
    case 'finished':
      return describeResetDetail(text.detail, locale);
  }
}

const STARTING: Record<ResetStep, (inputs: object, options: Options) => string> = {
  pbx: m.reset_text_starting_pbx,
  entra: m.reset_text_starting_entra,
  'this-computer': m.reset_text_starting_this_computer,
};
