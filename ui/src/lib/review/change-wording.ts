import type { Change } from '../bindings/Change';
import type { ChangeCode } from '../bindings/ChangeCode';
import { formatList } from '../i18n/format';
import { m } from '../paraglide/messages.js';

type Params = Partial<Record<string, string>>;

const v = (params: Params, name: string) => params[name] ?? '';

/** A list value (items joined with ", " by the engine) as a list in the UI language. */
const list = (params: Params, name: string) => formatList(v(params, name).split(', ').filter(Boolean));

/** The settings the review compares (wizard/review.rs `label`), named by the catalogue. */
const FIELDS: Record<string, () => string> = {
  application_id: m.review_field_application_id,
  directory_id: m.review_field_directory_id,
  national_cloud: m.review_field_national_cloud,
  sync_time: m.review_field_sync_time,
  'users.enabled': m.review_field_users_enabled,
  'users.sync_type': m.review_field_users_sync_type,
  'users.selected_users': m.review_field_users_selected_users,
  'users.starting_extension_number': m.review_field_users_starting_extension_number,
  'users.sync_photo': m.review_field_users_sync_photo,
  'users.sync_guest_users': m.review_field_users_sync_guest_users,
  'sign_in_as_administrator.enabled': m.review_field_sign_in_as_administrator_enabled,
  'sign_in_as_administrator.selected_users': m.review_field_sign_in_as_administrator_selected_users,
  'sign_in_as_standard_user.enabled': m.review_field_sign_in_as_standard_user_enabled,
  'personal_contacts.enabled': m.review_field_personal_contacts_enabled,
  'shared_mailbox.enabled': m.review_field_shared_mailbox_enabled,
  // pbx365's own, on this computer (sync/concurrency.rs PBX_CONCURRENCY_FIELD).
  'users.pbx_concurrency': m.review_field_users_pbx_concurrency,
};

/** The engine's stand-ins for a missing value (wizard/review.rs `shown`, `NEW_APP_ID`) and booleans. */
const VALUES: Record<string, () => string> = {
  '(not set)': m.review_value_not_set,
  '(empty)': m.review_value_empty,
  '(none)': m.review_value_none,
  "(the new app's ID)": m.review_value_new_app_id,
  true: m.review_value_true,
  false: m.review_value_false,
};

/** Each change of the review (wizard/review.rs `ChangeCode`) worded from its params. */
const WORDING: Record<ChangeCode, (q: Params, change: Change) => string> = {
  setting: (_q, change) => (change.field ? (FIELDS[change.field]?.() ?? change.field) : change.summary),
  'app-gone': (q) => m.review_change_app_gone({ app_id: v(q, 'app_id') }),
  'create-app': (q) => m.review_change_create_app({ name: v(q, 'name'), uris: list(q, 'uris'), permissions: list(q, 'permissions') }),
  'add-redirect-uri': (q) => m.review_change_add_redirect_uri({ uri: v(q, 'uri') }),
  'remove-redirect-uri': (q) => m.review_change_remove_redirect_uri({ uri: v(q, 'uri') }),
  'turn-on-id-tokens': () => m.review_change_turn_on_id_tokens(),
  'declare-permission': (q) => m.review_change_declare_permission({ permission: v(q, 'permission') }),
  'stop-declaring-permission': (q) => m.review_change_stop_declaring_permission({ permission: v(q, 'permission') }),
  'create-service-principal': () => m.review_change_create_service_principal(),
  'generate-key-pair': () => m.review_change_generate_key_pair(),
  'regenerate-key-pair': (q) => m.review_change_regenerate_key_pair({ not_before: v(q, 'not_before'), not_after: v(q, 'not_after') }),
  'add-new-certificate': (q) => m.review_change_add_new_certificate({ others: v(q, 'others') }),
  'add-certificate': (q) =>
    m.review_change_add_certificate({ thumbprint: v(q, 'thumbprint'), not_after: v(q, 'not_after'), others: v(q, 'others') }),
  'grant-permission': (q) => m.review_change_grant_permission({ permission: v(q, 'permission') }),
  'grant-permission-mail-send': (q) => m.review_change_grant_permission_mail_send({ permission: v(q, 'permission') }),
  'grant-permission-user-phone': (q) => m.review_change_grant_permission_user_phone({ permission: v(q, 'permission') }),
  'remove-permission': (q) => m.review_change_remove_permission({ permission: v(q, 'permission') }),
  'create-profile': (q) => m.review_change_create_profile({ profile: v(q, 'profile') }),
  'save-pbx-sign-in': () => m.review_change_save_pbx_sign_in(),
  'save-pbx-password': () => m.review_change_save_pbx_password(),
  'save-microsoft-sign-in': () => m.review_change_save_microsoft_sign_in(),
  'save-certificate': (q) => m.review_change_save_certificate({ path: v(q, 'path') }),
};

export const WORDED_CHANGE_CODES = Object.keys(WORDING) as ChangeCode[];

/** A review row's change in the UI language: the action, or the setting's name. */
export function describeChange(change: Change): string {
  return WORDING[change.code](change.params, change);
}

/** A setting's value as the review shows it: the engine's stand-ins and booleans worded, others as they are. */
export function describeValue(value: string): string {
  return VALUES[value]?.() ?? value;
}
