import type { ApplyStep } from '../bindings/ApplyStep';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { StaleWhat } from '../bindings/StaleWhat';
import type { StepId } from '../bindings/StepId';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';
import { formatList } from './format';

type Params = Record<string, string>;

/** The engine's step names (progress.rs `StepId::title`), worded by the catalogue. */
const STEP_TITLES: Record<StepId, () => string> = {
  'connect-pbx': m.engine_step_connect_pbx,
  microsoft: m.engine_step_microsoft,
  'app-registration': m.engine_step_app_registration,
  'key-pair': m.engine_step_key_pair,
  consent: m.engine_step_consent,
  'sync-options': m.engine_step_sync_options,
  review: m.engine_step_review,
  apply: m.engine_step_apply,
  verify: m.engine_step_verify,
};

/** The writes of the apply step (profile.rs `ApplyStep::title`). */
const APPLY_STEP_TITLES: Record<ApplyStep, (inputs?: object, options?: { locale?: Locale }) => string> = {
  preflight: m.apply_step_preflight,
  'app-registration': m.apply_step_app_registration,
  'service-principal': m.apply_step_service_principal,
  'key-pair': m.apply_step_key_pair,
  'certificate-on-app': m.apply_step_certificate_on_app,
  'certificate-file': m.apply_step_certificate_file,
  consent: m.apply_step_consent,
  'remove-grants': m.apply_step_remove_grants,
  'pbx-settings': m.apply_step_pbx_settings,
  secrets: m.apply_step_secrets,
};

function stepTitle(id: string | undefined): string {
  return (STEP_TITLES as Record<string, (() => string) | undefined>)[id ?? '']?.() ?? id ?? '';
}

/** `locale`: a language other than the UI's (the mock engine speaks English). */
export function applyStepTitle(id: ApplyStep, locale?: Locale): string {
  return APPLY_STEP_TITLES[id]({}, locale ? { locale } : {});
}

const p = (params: Params, name: string) => params[name] ?? '';

/** What is done when a reset stops at step 1, 2 or 3 (reset/error.rs `state_at`). */
const RESET_STOPPED_STATES: Record<string, () => string> = {
  '1': m.reset_stopped_state_pbx,
  '2': m.reset_stopped_state_entra,
  '3': m.reset_stopped_state_this_computer,
};

/** What changed since the review (access/stale.rs `StaleWhat`), worded from its values. */
const STALE_WHAT: Record<StaleWhat['what'], (params: Params) => string> = {
  'no-app-plan': () => m.error_review_stale_no_app_plan(),
  'settings-unreadable': (q) => m.error_review_stale_settings_unreadable({ detail: p(q, 'detail') }),
  'settings-not-comparable': (q) => m.error_review_stale_settings_not_comparable({ detail: p(q, 'detail') }),
  'settings-changed': () => m.error_review_stale_settings_changed(),
  'key-pair-replaced': () => m.error_review_stale_key_pair_replaced(),
  'app-deleted': (q) => m.error_review_stale_app_deleted({ appId: p(q, 'app_id') }),
  'permissions-changed': (q) => m.error_review_stale_permissions_changed({ appId: p(q, 'app_id') }),
};

/**
 * Each error code of the engine (access/error.rs `Error::code`) worded from its `params`.
 * Codes missing here fall back to the engine's English sentence.
 */
const WORDING: Record<string, (params: Params, report: ErrorReport) => string> = {
  input: (q) => m.error_input({ detail: p(q, 'detail') }),
  pbx: (q) => m.error_pbx({ detail: p(q, 'detail') }),
  'pbx-role': (q) => m.error_pbx_role({ username: p(q, 'username'), role: p(q, 'role') }),
  microsoft: (q) => m.error_microsoft({ detail: p(q, 'detail') }),
  'microsoft-sign-in-needed': (q) => m.error_microsoft_sign_in_needed({ profile: p(q, 'profile'), reason: p(q, 'reason') }),
  'groups-not-readable': (q) => m.error_groups_not_readable({ profile: p(q, 'profile') }),
  'pbx-no-redirect-uri': () => m.error_pbx_no_redirect_uri(),
  'sign-in-again': (q) =>
    m.error_sign_in_again({
      service: p(q, 'service'),
      profile: p(q, 'profile'),
      reason: q['reason'] ?? m.error_sign_in_again_refused(),
      step: stepTitle(q['step']),
    }),
  'microsoft-unavailable': (q) => m.error_microsoft_unavailable({ profile: p(q, 'profile'), reason: p(q, 'reason') }),
  'microsoft-unreachable': (q) => m.error_microsoft_unreachable({ host: p(q, 'host'), reason: p(q, 'reason') }),
  'sign-in-declined': () => m.error_sign_in_declined(),
  'sign-in-timed-out': (q) => m.error_sign_in_timed_out({ seconds: p(q, 'seconds') }),
  'cannot-grant': (q) =>
    m.error_cannot_grant({ account: p(q, 'account'), permissions: formatList(p(q, 'permissions').split(', ').filter(Boolean)) }),
  'out-of-order': (q) => m.error_out_of_order({ step: stepTitle(q['step']), needed: stepTitle(q['needed']) }),
  cancelled: (q) => m.error_cancelled({ step: stepTitle(q['step']) }),
  'pbx-gone': (q) => m.error_pbx_gone({ url: p(q, 'url'), reason: p(q, 'reason') }),
  'review-stale': (q) => m.error_review_stale({ what: STALE_WHAT[q['what'] as StaleWhat['what']]?.(q) ?? p(q, 'what') }),
  'apply-failed': (q, report) =>
    m.error_apply_failed({
      step: APPLY_STEP_TITLES[q['step'] as ApplyStep]?.() ?? p(q, 'step'),
      cause: report.cause ? describeError(report.cause) : '',
    }),
  profile: (q) => m.error_profile({ detail: p(q, 'detail') }),
  keyring: (q) => m.error_keyring({ detail: p(q, 'detail') }),
  busy: (q) => m.error_busy({ detail: p(q, 'detail') }),
  certificate: (q) => m.error_certificate({ detail: p(q, 'detail') }),
  schedule: (q) => m.error_schedule({ detail: p(q, 'detail') }),
  file: (q) => m.error_file({ detail: p(q, 'detail') }),
  'not-verified': (q) =>
    m.error_not_verified({
      seconds: p(q, 'seconds'),
      last: p(q, 'last'),
      hint: q['mode'] === 'guided' ? m.error_not_verified_hint_guided() : m.error_not_verified_hint_auto(),
    }),
  'no-wizard': () => m.error_no_wizard(),
  'reset-stopped': (q, report) =>
    m.error_reset_stopped({
      profile: p(q, 'profile'),
      number: p(q, 'number'),
      cause: report.cause ? describeError(report.cause) : '',
      state: (RESET_STOPPED_STATES[p(q, 'number')] ?? m.reset_stopped_state_this_computer)(),
    }),
  journal: (q) => m.error_journal({ detail: p(q, 'detail') }),
  history: (q) => m.error_history({ detail: p(q, 'detail') }),
  'remove-file': (q) => m.error_remove_file({ path: p(q, 'path'), detail: p(q, 'detail') }),
};

/**
 * The failure in the UI's language; the engine's English sentence where the code is unknown or
 * the report carries no values (a report from before `params`).
 */
export function describeError(report: ErrorReport): string {
  const wording = WORDING[report.code];
  return wording && report.params !== undefined ? wording(report.params, report) : report.message;
}

/** The codes the catalogue words (for tests). */
export const WORDED_CODES = Object.keys(WORDING);
