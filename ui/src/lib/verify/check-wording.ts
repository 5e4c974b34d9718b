import type { CheckCode } from '../bindings/CheckCode';
import type { CheckId } from '../bindings/CheckId';
import type { CheckMessage } from '../bindings/CheckMessage';
import { editionText } from '../connect/edition';
import { describeError } from '../i18n/errors';
import { describeEditionWarning } from '../wizard/warning-wording';
import { formatList } from '../i18n/format';
import { m } from '../paraglide/messages.js';

type Params = Partial<Record<string, string>>;

/** The doctor's checks (doctor/mod.rs `CheckId::title`), named by the catalogue. */
const TITLES: Record<CheckId, () => string> = {
  'pbx-reachable': m.check_title_pbx_reachable,
  'pbx-admin-role': m.check_title_pbx_admin_role,
  'pbx-settings-match': m.check_title_pbx_settings_match,
  'pbx-certificate': m.check_title_pbx_certificate,
  'redirect-uris': m.check_title_redirect_uris,
  'certificate-on-app': m.check_title_certificate_on_app,
  'permissions-exact': m.check_title_permissions_exact,
  'permissions-granted': m.check_title_permissions_granted,
  'pbx-lists-users': m.check_title_pbx_lists_users,
};

export function checkTitle(id: CheckId): string {
  return TITLES[id]();
}

const v = (params: Params, name: string) => params[name] ?? '';

/** A list value (items joined with ", " by the engine) as a list in the UI language. */
const list = (params: Params, name: string) => formatList(v(params, name).split(', ').filter(Boolean));

function redirectProblems(q: Params): string {
  const problems = [
    ...(q['missing'] ? [m.check_msg_redirect_uris_missing({ uris: list(q, 'missing') })] : []),
    ...(q['extra'] ? [m.check_msg_redirect_uris_extra({ uris: list(q, 'extra') })] : []),
    ...(q['id_tokens'] === 'off' ? [m.check_msg_redirect_uris_id_tokens_off()] : []),
  ];
  return m.check_msg_redirect_uris_differ({ problems: problems.join(m.check_msg_problem_separator()) });
}

/** The warning of a permissions check that passed with more than the PBX needs. */
function extraWarning(q: Params): string {
  return q['extra'] ? ` ${m.check_msg_permissions_extra_warning({ extra: list(q, 'extra'), pbx: v(q, 'pbx') })}` : '';
}

/** Each explanation and fix of the doctor (doctor/message.rs `CheckCode`) worded from its params. */
const WORDING: Record<CheckCode, (q: Params) => string> = {
  detail: (q) => m.check_msg_detail({ detail: v(q, 'detail') }),
  'skip-pbx-unreachable': () => m.check_msg_skip_pbx_unreachable(),
  'skip-pbx-sign-in': () => m.check_msg_skip_pbx_sign_in(),
  'skip-guided': () => m.check_msg_skip_guided(),
  'skip-microsoft-sign-in': (q) => m.check_msg_skip_microsoft_sign_in({ reason: v(q, 'reason') }),
  'skip-pbx-unread': () => m.check_msg_skip_pbx_unread(),
  'skip-no-edition': () => m.check_msg_skip_no_edition(),
  'reachable-https': (q) => m.check_msg_reachable_https({ url: v(q, 'url') }),
  'reachable-http': (q) => m.check_msg_reachable_http({ url: v(q, 'url') }),
  'admin-role': (q) => m.check_msg_admin_role({ username: v(q, 'username'), role: v(q, 'role') }),
  'not-admin-role': (q) => m.check_msg_not_admin_role({ username: v(q, 'username'), role: v(q, 'role') }),
  'settings-match': (q) => m.check_msg_settings_match({ app: v(q, 'app'), directory: v(q, 'directory'), cloud: v(q, 'cloud') }),
  'settings-differ': (q) => m.check_msg_settings_differ({ fields: list(q, 'fields') }),
  'certificate-valid': (q) =>
    m.check_msg_certificate_valid({ thumbprint: v(q, 'thumbprint'), not_after: v(q, 'not_after'), days: v(q, 'days') }),
  'certificate-valid-rotate-soon': (q) =>
    m.check_msg_certificate_valid_rotate_soon({ thumbprint: v(q, 'thumbprint'), not_after: v(q, 'not_after'), days: v(q, 'days') }),
  'certificate-not-now': (q) =>
    m.check_msg_certificate_not_now({ thumbprint: v(q, 'thumbprint'), not_before: v(q, 'not_before'), not_after: v(q, 'not_after') }),
  'no-key-pair': () => m.check_msg_no_key_pair(),
  'no-app-registration': () => m.check_msg_no_app_registration(),
  'app-gone': (q) => m.check_msg_app_gone({ app_id: v(q, 'app_id') }),
  'redirect-uris-match': (q) => m.check_msg_redirect_uris_match({ uris: list(q, 'uris') }),
  'redirect-uris-differ': redirectProblems,
  'no-pbx-certificate': () => m.check_msg_no_pbx_certificate(),
  'certificate-on-app': (q) =>
    m.check_msg_certificate_on_app({
      thumbprint: v(q, 'thumbprint'),
      not_before: v(q, 'not_before'),
      not_after: v(q, 'not_after'),
      others: v(q, 'others'),
    }),
  'certificate-dates-differ': (q) =>
    m.check_msg_certificate_dates_differ({
      thumbprint: v(q, 'thumbprint'),
      app_start: v(q, 'app_start'),
      app_end: v(q, 'app_end'),
      not_before: v(q, 'not_before'),
      not_after: v(q, 'not_after'),
    }),
  'certificate-not-on-app': (q) => m.check_msg_certificate_not_on_app({ thumbprint: v(q, 'thumbprint') }),
  'permissions-missing': (q) => m.check_msg_permissions_missing({ missing: list(q, 'missing'), pbx: v(q, 'pbx') }) + extraWarning(q),
  'permissions-declared': (q) =>
    m.check_msg_permissions_declared({ permissions: list(q, 'permissions'), pbx: v(q, 'pbx') }) + extraWarning(q),
  'permissions-granted': (q) =>
    m.check_msg_permissions_granted({ permissions: list(q, 'permissions'), pbx: v(q, 'pbx') }) + extraWarning(q),
  'no-service-principal': () => m.check_msg_no_service_principal(),
  'lists-users': (q) => m.check_msg_lists_users({ count: Number(v(q, 'count')) }),
  'fix-rerun-setup': (q) => m.check_msg_fix_rerun_setup({ profile: v(q, 'profile') }),
  'fix-rerun-setup-review': (q) => m.check_msg_fix_rerun_setup_review({ profile: v(q, 'profile') }),
  'fix-pbx-address': () => m.check_msg_fix_pbx_address(),
  'fix-tls': () => m.check_msg_fix_tls(),
  'fix-pbx-reachable': () => m.check_msg_fix_pbx_reachable(),
  'fix-admin-account': () => m.check_msg_fix_admin_account(),
  'fix-rotate': () => m.check_msg_fix_rotate(),
  'fix-generate-key-pair': () => m.check_msg_fix_generate_key_pair(),
  'fix-check-pbx': () => m.check_msg_fix_check_pbx(),
  'fix-check-pbx-run-doctor': () => m.check_msg_fix_check_pbx_run_doctor(),
  'fix-remove-key-dates': () => m.check_msg_fix_remove_key_dates(),
  'fix-remove-extra-permissions': (q) => m.check_msg_fix_remove_extra_permissions({ profile: v(q, 'profile'), extra: list(q, 'extra') }),
  'fix-microsoft-busy': () => m.check_msg_fix_microsoft_busy(),
  'fix-certificate-unknown': () => m.check_msg_fix_certificate_unknown(),
  'fix-app-unknown': () => m.check_msg_fix_app_unknown(),
  'fix-consent': () => m.check_msg_fix_consent(),
};

/** Every code this module words, for the tests. */
export const WORDED_CHECK_CODES = Object.keys(WORDING) as CheckCode[];

/**
 * A check's explanation or fix in the UI language; the values it quotes stay as they came, but
 * an engine error quoted as `detail` or `reason` is worded by the catalogue too.
 */
export function describeCheck(message: CheckMessage): string {
  const params: Params = { ...message.params };
  if (message.error) {
    for (const name of ['detail', 'reason']) {
      if (params[name] !== undefined) params[name] = describeError(message.error);
    }
  }
  const text = WORDING[message.code](params);
  const edition = message.edition;
  if (!edition) return text;
  const runs = m.check_msg_pbx_runs({ edition: editionText(edition) });
  return [text, runs, ...(edition.warning ? [describeEditionWarning(edition.warning)] : [])].join(' ');
}
