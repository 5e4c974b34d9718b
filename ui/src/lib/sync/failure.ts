import type { UserFailure } from '../bindings/UserFailure';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';

type Code = UserFailure['code'];
type Options = { locale?: Locale };
type Wording = { [C in Code]: (failure: Extract<UserFailure, { code: C }>, o: Options) => string };

/** Each per-user failure of a sync run (sync/failure.rs `UserFailure`), worded from its values. */
const WORDING: Wording = {
  // The PBX client's own sentence (the PBX's answer inside it) is quoted as it came.
  pbx: (f, o) => m.sync_failure_pbx({ detail: f.detail }, o),
  'no-pbx-user': (_, o) => m.sync_failure_no_pbx_user({}, o),
  journal: (f, o) => m.sync_failure_journal({ detail: f.detail }, o),
};

/** Why one user's change failed, in the UI language or in `locale`. */
export function describeUserFailure(failure: UserFailure, locale?: Locale): string {
  const word = WORDING[failure.code] as (failure: UserFailure, o: Options) => string;
  return word(failure, locale ? { locale } : {});
}
