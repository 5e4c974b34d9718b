import type { ProgressText } from '../bindings/ProgressText';
import type { Replicating } from '../bindings/Replicating';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';
import { applyStepTitle } from './errors';
import { describeRetryReason } from './retry-reason';

type Code = ProgressText['code'];
type Options = { locale?: Locale };
type Wording = { [C in Code]: (text: Extract<ProgressText, { code: C }>, o: Options) => string };

/** An apply step's title starts a sentence here. */
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What Entra has not replicated yet (entra's `Replicating`), as a noun phrase. */
const REPLICATED: Record<Replicating, (o: Options) => string> = {
  'new-app': (o) => m.progress_replicated_new_app({}, o),
  app: (o) => m.progress_replicated_app({}, o),
  'unanswered-app': (o) => m.progress_replicated_unanswered_app({}, o),
  'new-service-principal': (o) => m.progress_replicated_new_service_principal({}, o),
  'last-run-app': (o) => m.progress_replicated_last_run_app({}, o),
  'new-certificate': (o) => m.progress_replicated_new_certificate({}, o),
};

/** Each progress code of the engine (progress/text.rs `ProgressText`), worded from its values. */
const WORDING: Wording = {
  'connecting-pbx': (_, o) => m.progress_connecting_pbx({}, o),
  'signing-in-pbx': (_, o) => m.progress_signing_in_pbx({}, o),
  'signing-in-microsoft': (_, o) => m.progress_signing_in_microsoft({}, o),
  'resuming-microsoft-sign-in': (_, o) => m.progress_resuming_microsoft_sign_in({}, o),
  'waiting-for-browser-sign-in': (_, o) => m.progress_waiting_for_browser_sign_in({}, o),
  'enter-device-code': (t, o) =>
    m.progress_enter_device_code({ verification_uri: t.verification_uri, user_code: t.user_code }, o),
  'reading-tenant': (_, o) => m.progress_reading_tenant({}, o),
  'checking-tenant-exists': (_, o) => m.progress_checking_tenant_exists({}, o),
  'looking-for-app-registration': (_, o) => m.progress_looking_for_app_registration({}, o),
  'reading-pbx-settings': (_, o) => m.progress_reading_pbx_settings({}, o),
  'reading-app-registration': (_, o) => m.progress_reading_app_registration({}, o),
  'read-pbx-users': (t, o) => m.progress_read_pbx_users({ read: t.read }, o),
  'counting-users-in-scope': (_, o) => m.progress_counting_users_in_scope({}, o),
  applying: (t, o) => m.progress_applying({ step: capitalised(applyStepTitle(t.step, o.locale)) }, o),
  'waiting-for-guided-steps': (t, o) => m.progress_waiting_for_guided_steps({ detail: t.detail }, o),
  'waiting-for-replication': (_, o) => m.progress_waiting_for_replication({}, o),
  'checking-pbx': (_, o) => m.progress_checking_pbx({}, o),
  'checking-app-registration': (_, o) => m.progress_checking_app_registration({}, o),
  'asking-pbx-to-list-users': (_, o) => m.progress_asking_pbx_to_list_users({}, o),
  'microsoft-throttled': (t, o) => m.progress_microsoft_throttled({ seconds: t.seconds }, o),
  'entra-replicating': (t, o) =>
    m.progress_entra_replicating({ what: REPLICATED[t.what](o), attempt: t.attempt, seconds: t.seconds }, o),
  retrying: (t, o) => m.progress_retrying({ reason: describeRetryReason(t.reason, o.locale), seconds: t.seconds }, o),
};

/**
 * A progress event's text in the UI language, or in `locale` (the mock engine words its
 * English `message` with it).
 */
export function describeProgress(text: ProgressText, locale?: Locale): string {
  const word = WORDING[text.code] as (text: ProgressText, o: Options) => string;
  return word(text, locale ? { locale } : {});
}
