import type { RetryReason } from '../bindings/RetryReason';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';

type Code = RetryReason['code'];
type Options = { locale?: Locale };
type Wording = { [C in Code]: (reason: Extract<RetryReason, { code: C }>, o: Options) => string };

/** Each retry reason of the engine (access/retry/reason.rs `RetryReason`), worded from its values. */
const WORDING: Wording = {
  'pbx-slow-down': (_, o) => m.retry_reason_pbx_slow_down({}, o),
  'pbx-failed': (r, o) => m.retry_reason_pbx_failed({ status: r.status }, o),
  'pbx-refused': (_, o) => m.retry_reason_pbx_refused({}, o),
  'pbx-timed-out': (_, o) => m.retry_reason_pbx_timed_out({}, o),
  'pbx-name-unresolved': (_, o) => m.retry_reason_pbx_name_unresolved({}, o),
  'pbx-connection-broke': (_, o) => m.retry_reason_pbx_connection_broke({}, o),
  // Another failure of the PBX's client: its own sentence, quoted.
  'pbx-other': (r) => r.detail,
  'pbx-answer-lost': (r, o) => m.retry_reason_pbx_answer_lost({ cause: describeRetryReason(r.cause, o.locale) }, o),
  'microsoft-busy-for-pbx': (_, o) => m.retry_reason_microsoft_busy_for_pbx({}, o),
  'microsoft-failed': (r, o) => m.retry_reason_microsoft_failed({ status: r.status }, o),
  'microsoft-not-reached': (_, o) => m.retry_reason_microsoft_not_reached({}, o),
  'microsoft-timed-out': (_, o) => m.retry_reason_microsoft_timed_out({}, o),
  'microsoft-connection-broke': (_, o) => m.retry_reason_microsoft_connection_broke({}, o),
};

/** Why a call pauses before trying again, in the UI language or in `locale`. */
export function describeRetryReason(reason: RetryReason, locale?: Locale): string {
  const word = WORDING[reason.code] as (reason: RetryReason, o: Options) => string;
  return word(reason, locale ? { locale } : {});
}
