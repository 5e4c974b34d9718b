import { WIZARD_STEPS, type WizardStep } from '../wizard/steps';

export const DASHBOARD = 'dashboard';
export const SYNC = 'sync';
export const CERTIFICATES = 'certificates';

/** Pages outside the wizard; a page may take a path after its id (`#/certificates/rotate/contoso`). */
const PAGES: readonly string[] = [DASHBOARD, SYNC, CERTIFICATES];

/** Where a new installation starts: there is no integration to show on the dashboard yet. */
export const START_ROUTE = WIZARD_STEPS[0]?.id ?? DASHBOARD;

/** The screen that `location.hash` names (`#/connect-pbx`), or the start screen. */
export function routeFromHash(hash: string): string {
  const id = hash.replace(/^#\/?/, '');
  const page = id.split('/')[0] ?? '';
  if (PAGES.includes(page)) {
    return page;
  }
  if (WIZARD_STEPS.some((step) => step.id === id)) {
    return id;
  }
  return START_ROUTE;
}

export function hrefFor(route: string): string {
  return `#/${route}`;
}

/** The steps before and after a step, for the Previous/Next links. */
export function neighbours(stepId: string): { previous?: WizardStep; next?: WizardStep } {
  const index = WIZARD_STEPS.findIndex((step) => step.id === stepId);
  if (index < 0) {
    return {};
  }
  const previous = WIZARD_STEPS[index - 1];
  const next = WIZARD_STEPS[index + 1];
  return { ...(previous && { previous }), ...(next && { next }) };
}
