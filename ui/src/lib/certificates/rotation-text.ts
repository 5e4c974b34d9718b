import type { Mode } from '../bindings/Mode';
import type { RotationStep } from '../bindings/RotationStep';
import type { RotationText } from '../bindings/RotationText';
import type { RotationWarning } from '../bindings/RotationWarning';
import type { SyncSoon } from '../bindings/SyncSoon';
import { describeProgress } from '../i18n/progress';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';

type Code = RotationText['code'];
type Options = { locale?: Locale };
type Wording = { [C in Code]: (text: Extract<RotationText, { code: C }>, o: Options) => string };

/** Each rotation code of the engine (rotation/text.rs `RotationText`), worded from its values. */
const WORDING: Wording = {
  resuming: (t, o) => m.rotation_text_resuming({ number: t.step_number }, o),
  'sync-soon': (t, o) => describeSyncSoon(t.warning, o),
  'making-key-pair': (_, o) => m.rotation_text_making_key_pair({}, o),
  'rotating-to-newer-key-pair': (t, o) => m.rotation_text_rotating_to_newer_key_pair({ thumbprint: t.thumbprint }, o),
  'key-pair-made': (t, o) =>
    t.by_hand
      ? m.rotation_text_key_pair_made_by_hand({ thumbprint: t.thumbprint }, o)
      : m.rotation_text_key_pair_made({ thumbprint: t.thumbprint }, o),
  'adding-certificate': (_, o) => m.rotation_text_adding_certificate({}, o),
  'certificate-added': (_, o) => m.rotation_text_certificate_added({}, o),
  'certificate-already-on-app': (_, o) => m.rotation_text_certificate_already_on_app({}, o),
  'upload-certificate': (t, o) => m.rotation_text_upload_certificate({ path: t.path }, o),
  'microsoft-wait': (t, o) => describeProgress(t.wait, o.locale),
  'waiting-for-upload': (t, o) => m.rotation_text_waiting_for_upload({ wait: describeProgress(t.wait, o.locale) }, o),
  'waiting-for-acceptance': (_, o) => m.rotation_text_waiting_for_acceptance({}, o),
  accepted: (t, o) => m.rotation_text_accepted({ thumbprint: t.thumbprint, users: t.users }, o),
  'removing-old-certificate': (_, o) => m.rotation_text_removing_old_certificate({}, o),
  'remove-old-by-hand': (t, o) =>
    m.rotation_text_remove_old_by_hand({ new_thumbprint: t.new_thumbprint, old_thumbprints: t.old_thumbprints }, o),
  complete: (t, o) => m.rotation_text_complete({ users: t.users, thumbprint: t.thumbprint }, o),
};

/** The PBX's scheduled sync falls inside the rotation (sync_window.rs `SyncSoon`). */
function describeSyncSoon(soon: SyncSoon, o: Options): string {
  return m.rotation_sync_soon(
    {
      at: soon.at,
      assumption: soon.unknown_zone !== null ? m.rotation_sync_soon_unknown_zone({ zone: soon.unknown_zone }, o) : '',
      when: soon.minutes === 0 ? m.rotation_sync_soon_now({}, o) : m.rotation_sync_soon_in_minutes({ count: soon.minutes }, o),
    },
    o,
  );
}

/** Something to know before confirming a rotation (rotation/text.rs `RotationWarning`), in the UI language or in `locale`. */
export function describeRotationWarning(warning: RotationWarning, locale?: Locale): string {
  const o = locale ? { locale } : {};
  return warning.code === 'sync-soon' ? describeSyncSoon(warning.warning, o) : m.rotation_warning_sync_interrupted({}, o);
}

/** A rotation event's text in the UI language, or in `locale` (the mock engine's English). */
export function describeRotation(text: RotationText, locale?: Locale): string {
  const word = WORDING[text.code] as (text: RotationText, o: Options) => string;
  return word(text, locale ? { locale } : {});
}

/** A rotation step's title (journal.rs `RotationStep::title`), by hand in guided mode. */
export function rotationStepTitle(step: RotationStep, mode: Mode): string {
  const guided = mode === 'guided';
  switch (step) {
    case 'generate-key-pair':
      return m.rotation_step_generate_key_pair();
    case 'add-new-certificate':
      return guided ? m.rotation_step_add_new_certificate_by_hand() : m.rotation_step_add_new_certificate();
    case 'wait-for-microsoft':
      return m.rotation_step_wait_for_microsoft();
    case 'remove-old-certificate':
      return guided ? m.rotation_step_remove_old_certificate_by_hand() : m.rotation_step_remove_old_certificate();
  }
}
