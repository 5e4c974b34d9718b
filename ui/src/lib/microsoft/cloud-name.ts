import type { CloudChoice } from '../bindings/CloudChoice';
import type { NationalCloud } from '../bindings/NationalCloud';
import { m } from '../i18n';

/** The national cloud of a choice: an authority such as the emulator plays one (global unless said). */
export function nationalOf(choice: CloudChoice): NationalCloud {
  return choice.kind === 'custom' ? (choice.national ?? 'global') : choice.kind;
}

/** The name a screen gives the Microsoft cloud it talks to. */
export function cloudName(national: NationalCloud): string {
  return national === 'china' ? m.cloud_name_china() : m.cloud_name_global();
}
