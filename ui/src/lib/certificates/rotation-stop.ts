import type { RotationCause } from '../bindings/RotationCause';
import type { RotationNext } from '../bindings/RotationNext';
import type { RotationState } from '../bindings/RotationState';
import type { StopRecord } from '../bindings/StopRecord';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';

type Options = { locale?: Locale };
type Words<T extends { code: string }> = { [C in T['code']]: (text: Extract<T, { code: C }>, o: Options) => string };

/**
 * On one line, with a capital first letter and a final full stop, as the engine makes a cause a
 * sentence (rotation/stop.rs `sentence`); a Chinese sentence ends with its own stop.
 */
function sentence(text: string): string {
  const line = text.split(/\s+/).filter(Boolean).join(' ');
  const capital = line.charAt(0).toUpperCase() + line.slice(1);
  return /[.!?。！？]$/.test(capital) ? capital : `${capital}.`;
}

/** What failed (rotation/stop.rs `RotationCause`); another layer's sentence is quoted. */
const CAUSES: Words<RotationCause> = {
  quoted: (t) => t.detail,
  'journal-unwritable': (t, o) => m.rotation_cause_journal_unwritable({ detail: t.detail }, o),
  'certificate-unreadable': (t, o) => m.rotation_cause_certificate_unreadable({ reason: t.reason }, o),
  'current-certificate-unreadable': (t, o) => m.rotation_cause_current_certificate_unreadable({ reason: t.reason }, o),
  'app-certificates-unreadable': (t, o) => m.rotation_cause_app_certificates_unreadable({ detail: t.detail }, o),
  'key-pair-not-made': (t, o) => m.rotation_cause_key_pair_not_made({ detail: t.detail }, o),
  'key-pair-not-confirmed': (t, o) => m.rotation_cause_key_pair_not_confirmed({ detail: t.detail }, o),
  'certificate-not-saved': (t, o) => m.rotation_cause_certificate_not_saved({ detail: t.detail }, o),
  'pbx-cannot-list': (t, o) => m.rotation_cause_pbx_cannot_list({ detail: t.detail }, o),
  'no-app': (_, o) => m.rotation_cause_no_app({}, o),
  'no-microsoft-sign-in': (t, o) =>
    t.reason !== null ? m.rotation_cause_no_microsoft_sign_in({ reason: t.reason }, o) : m.rotation_cause_no_object_id({}, o),
};

/** The integration's state when the rotation stopped (rotation/stop.rs `RotationState`). */
const STATES: Words<RotationState> = {
  'nothing-changed': (_, o) => m.rotation_state_nothing_changed({}, o),
  'not-started': (_, o) => m.rotation_state_not_started({}, o),
  'already-running': (_, o) => m.rotation_state_already_running({}, o),
  'sync-interrupted': (_, o) => m.rotation_state_sync_interrupted({}, o),
  'sync-interrupted-by-hand': (_, o) => m.rotation_state_sync_interrupted_by_hand({}, o),
  'key-pair-unknown': (t, o) => m.rotation_state_key_pair_unknown({ reason: t.reason }, o),
  'old-removed': (_, o) => m.rotation_state_old_removed({}, o),
  'not-accepted-yet': (_, o) => m.rotation_state_not_accepted_yet({}, o),
  'acceptance-unchecked': (_, o) => m.rotation_state_acceptance_unchecked({}, o),
  'old-still-on-app': (t, o) => m.rotation_state_old_still_on_app({ thumbprint: t.thumbprint }, o),
};

/** What to do to finish (rotation/stop.rs `RotationNext`). */
const NEXTS: Words<RotationNext> = {
  'fix-then-run-again': (t, o) => m.rotation_next_fix_then_run_again({ profile: t.profile }, o),
  'run-again': (t, o) => m.rotation_next_run_again({ profile: t.profile }, o),
  'wait-then-run-again': (t, o) => m.rotation_next_wait_then_run_again({ profile: t.profile }, o),
  'run-again-or-upload': (t, o) => m.rotation_next_run_again_or_upload({ profile: t.profile, file: t.file }, o),
  'upload-then-run-again': (t, o) => m.rotation_next_upload_then_run_again({ profile: t.profile, file: t.file }, o),
  'run-again-or-delete-by-hand': (t, o) => m.rotation_next_run_again_or_delete_by_hand({ profile: t.profile }, o),
  'wait-for-running': (_, o) => m.rotation_next_wait_for_running({}, o),
  'check-app-certificates': (_, o) => m.rotation_next_check_app_certificates({}, o),
  'run-setup-first': (_, o) => m.rotation_next_run_setup_first({}, o),
  'sign-in-again': (_, o) => m.rotation_next_sign_in_again({}, o),
  'choose-another-name': (_, o) => m.rotation_next_choose_another_name({}, o),
  'fix-connection': (_, o) => m.rotation_next_fix_connection({}, o),
};

function word<T extends { code: string }>(words: Words<T>, text: T, locale?: Locale): string {
  const wording = (words as unknown as Record<string, (text: T, o: Options) => string>)[text.code];
  return wording ? wording(text, locale ? { locale } : {}) : '';
}

/** Why a rotation stopped, as a sentence in the UI language or in `locale`. */
export const describeRotationCause = (cause: RotationCause, locale?: Locale) => sentence(word(CAUSES, cause, locale));

/**
 * Why the last rotation stopped, for the next plan's resume note: its cause in the UI language;
 * a journal written before the cause was kept has only the engine's English sentence.
 */
export const describeStopRecord = (stop: StopRecord, locale?: Locale) =>
  stop.cause ? word(CAUSES, stop.cause, locale) : stop.error;

/** What a stopped rotation leaves, in the UI language or in `locale`. */
export const describeRotationState = (state: RotationState, locale?: Locale) => word(STATES, state, locale);

/** What to do to finish a stopped rotation, in the UI language or in `locale`. */
export const describeRotationNext = (next: RotationNext, locale?: Locale) => word(NEXTS, next, locale);
