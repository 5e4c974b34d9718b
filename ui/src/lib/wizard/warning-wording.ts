import type { EditionWarning } from '../bindings/EditionWarning';
import type { KeyReason } from '../bindings/KeyReason';
import type { WizardWarning } from '../bindings/WizardWarning';
import { formatList } from '../i18n/format';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';
import { describeSyncOptionsNotice } from '../sync-options/notices';

type Options = { locale?: Locale };
type Wording<T extends { code: string }> = { [C in T['code']]: (text: Extract<T, { code: C }>, o: Options) => string };

/** A list the engine joins with ", " in its English; the UI's own language lists it its way. */
const list = (items: string[], o: Options) => (o.locale ? items.join(', ') : formatList(items));

const account = (name: string | null, o: Options) => name ?? m.wizard_warning_signed_in_account({}, o);

/** Why pbx365 may not fit the PBX's version (pbx_versions.rs `EditionWarning`). */
const EDITION: Wording<EditionWarning> = {
  unreported: (t, o) => m.edition_warning_unreported({ error: t.error, oldest: t.oldest, newest: t.newest }, o),
  unreadable: (t, o) => m.edition_warning_unreadable({ version: t.version, oldest: t.oldest, newest: t.newest }, o),
  'too-old': (t, o) => m.edition_warning_too_old({ version: t.version, oldest: t.oldest, newest: t.newest }, o),
  'too-new': (t, o) => m.edition_warning_too_new({ version: t.version, oldest: t.oldest, newest: t.newest }, o),
};

const PURPOSES = {
  'mail-send': m.wizard_warning_grant_purpose_mail_send,
  'user-phone': m.wizard_warning_grant_purpose_user_phone,
};

/** Each warning of the wizard (wizard/warning.rs `WizardWarning`), worded from its values. */
const WARNINGS: Wording<WizardWarning> = {
  'cannot-grant': (t, o) => m.wizard_warning_cannot_grant({ account: account(t.account, o) }, o),
  'directory-switch': (t, o) => m.wizard_warning_directory_switch({ current: t.current, tenant_id: t.tenant_id }, o),
  'domain-not-verified': (t, o) => m.wizard_warning_domain_not_verified({ domain: t.domain }, o),
  edition: (t, o) => describeEditionWarning(t.warning, o.locale),
  'sync-options': (t, o) => describeSyncOptionsNotice(t.notice, o.locale),
  'certificate-expires-soon': (t, o) => m.wizard_warning_certificate_expires_soon({ days: t.days }, o),
  'grant-not-used': (t, o) =>
    m.wizard_warning_grant_not_used(
      {
        permission: t.permission,
        edition: t.version === null ? m.edition_version_unknown({}, o) : m.wizard_warning_edition({ version: t.version }, o),
        purpose: PURPOSES[t.grant]({}, o),
      },
      o,
    ),
  'permissions-kept': (t, o) =>
    m.wizard_warning_permissions_kept({ permissions: list(t.permissions, o), account: account(t.account, o) }, o),
  'permissions-unaddressable': (t, o) => m.wizard_warning_permissions_unaddressable({ permissions: list(t.permissions, o) }, o),
  'app-switch': (t, o) => m.wizard_warning_app_switch({ current: t.current, app_id: t.app_id }, o),
  'over-licence': (t, o) => m.wizard_warning_over_licence({ in_scope: t.in_scope, licensed: t.licensed }, o),
};

const KEY_REASONS: Wording<KeyReason> = {
  'no-key-pair': (_, o) => m.key_reason_no_key_pair({}, o),
  'not-valid-now': (t, o) => m.key_reason_not_valid_now({ not_before: t.not_before, not_after: t.not_after }, o),
  'still-valid': (t, o) => m.key_reason_still_valid({ thumbprint: t.thumbprint, not_after: t.not_after }, o),
};

function word<T extends { code: string }>(table: Wording<T>, text: T, locale?: Locale): string {
  const wording = table[text.code as T['code']] as (text: T, o: Options) => string;
  return wording(text, locale ? { locale } : {});
}

/** A wizard warning in the UI language, or in `locale` (the mock engine's English). */
export function describeWarning(warning: WizardWarning, locale?: Locale): string {
  return word(WARNINGS, warning, locale);
}

/** A warning about the PBX's PortSIP version in the UI language, or in `locale`. */
export function describeEditionWarning(warning: EditionWarning, locale?: Locale): string {
  return word(EDITION, warning, locale);
}

/** Why the key-pair step keeps or replaces the PBX's certificate, in the UI language or `locale`. */
export function describeKeyReason(reason: KeyReason, locale?: Locale): string {
  return word(KEY_REASONS, reason, locale);
}
