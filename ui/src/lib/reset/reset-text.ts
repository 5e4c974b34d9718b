import type { ResetStep } from '../bindings/ResetStep';
import type { ResetText } from '../bindings/ResetText';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';

/** A reset event's text (reset/plan.rs `ResetText`) in the UI language, or in `locale`. */
export function describeReset(step: ResetStep, text: ResetText, locale?: Locale): string {
  const o = locale ? { locale } : {};
  switch (text.code) {
    case 'continuing':
      return m.reset_text_continuing({ number: text.step_number }, o);
    case 'starting':
      return STARTING[step]({}, o);
    case 'finished':
      // The step's own account of what it did is still the engine's English.
      return text.detail;
  }
}

const STARTING: Record<ResetStep, (inputs: object, options: { locale?: Locale }) => string> = {
  pbx: m.reset_text_starting_pbx,
  entra: m.reset_text_starting_entra,
  'this-computer': m.reset_text_starting_this_computer,
};
