import { EDIT, hrefFor, profileInHash, profileRoute } from '../shell/routes';
import { ENGINE_ORDER, PAGE_STEPS } from './progress';
import { WIZARD_STEPS, type WizardStep } from './steps';

/** The pages a saved profile's setup can be opened at: the review and every step before it. */
export const EDITABLE_STEPS: readonly WizardStep[] = WIZARD_STEPS.filter((step) => {
  const first = PAGE_STEPS[step.id]?.[0];
  return first !== undefined && ENGINE_ORDER.indexOf(first) <= ENGINE_ORDER.indexOf('review');
});

/** `#/edit/<profile>/<step>`: the setup of a saved profile, opened at one step. */
export function editHref(profile: string, step: string): string {
  return hrefFor(profileRoute(EDIT, profile, step));
}

/** The profile and the editable step `#/edit/<profile>/<step>` names, or undefined. */
export function editTarget(hash: string): { profile: string; step: WizardStep } | undefined {
  const found = profileInHash(hash, EDIT);
  const step = EDITABLE_STEPS.find((candidate) => candidate.id === found?.rest[0]);
  return found && step ? { profile: found.profile, step } : undefined;
}
