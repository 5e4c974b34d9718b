import { WIZARD_STEPS, type WizardStep } from '../wizard/steps';

export const DASHBOARD = 'dashboard';
export const SYNC = 'sync';
export const CERTIFICATES = 'certificates';
/** The setup of a saved profile opened at one step (`#/edit/contoso/sync-options`). */
export const EDIT = 'edit';
/** Versions, diagnostics for support and the third-party licences. */
export const ABOUT = 'about';

/** Pages outside the wizard; a page may take a path after its id (`#/certificates/rotate/contoso`). */
const PAGES: readonly string[] = [DASHBOARD, SYNC, CERTIFICATES, EDIT, ABOUT];

/** Where a new installation starts: there is no integration to show on the dashboard yet. */
export const START_ROUTE = WIZARD_STEPS[0]?.id ?? DASHBOARD;

/**
 * Where the app goes when its address names no screen: the dashboard once a profile is saved
 * (null: stay where the address says, or on the first step of a new installation).
 */
export function openingRoute(hash: string, hasProfiles: boolean): string | null {
  const id = hash.replace(/^#\/?/, '');
  const named = PAGES.includes(id.split('/')[0] ?? '') || WIZARD_STEPS.some((step) => step.id === id);
  return named || !hasProfiles ? null : DASHBOARD;
}

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

/**
 * The route of a screen about one profile: `page` (`sync`, `dashboard/disconnect`) then the
 * profile's name as one path segment, escaped so spaces, slashes and any script survive, then
 * `rest` (`now`). Every action on a profile goes through an address like this one: a screen
 * never guesses which profile it acts on.
 */
export function profileRoute(page: string, profile: string, ...rest: string[]): string {
  return [page, encodeURIComponent(profile), ...rest].join('/');
}

/**
 * The profile a hash names after `page` (`#/sync/contoso/now` → `contoso` for `sync`), and what
 * follows it; undefined when the hash names no profile there (or one that is not validly escaped).
 */
export function profileInHash(hash: string, page: string): { profile: string; rest: string[] } | undefined {
  const path = hash.replace(/^#\/?/, '');
  const prefix = `${page}/`;
  if (!path.startsWith(prefix)) {
    return undefined;
  }
  const [segment = '', ...rest] = path.slice(prefix.length).split('/');
  if (segment === '') {
    return undefined;
  }
  try {
    return { profile: decodeURIComponent(segment), rest: rest.filter((part) => part !== '') };
  } catch {
    return undefined;
  }
}

/** The address of a profile's Sync page; `now` opens it asking to sync now. */
export function syncHref(profile: string, now = false): string {
  return hrefFor(now ? profileRoute(SYNC, profile, SYNC_NOW) : profileRoute(SYNC, profile));
}

/** The last segment of `#/sync/<profile>/now`: the tray's "Sync …" asks there. */
export const SYNC_NOW = 'now';

/** Where a profile's certificate is rotated and where it is disconnected. */
export const ROTATE = `${CERTIFICATES}/rotate`;
export const DISCONNECT = `${DASHBOARD}/disconnect`;

/** The screens that act on one profile, by the address part before its name. */
const PROFILE_PAGES: readonly string[] = [SYNC, ROTATE, DISCONNECT, EDIT];

/** The profile the screen at `hash` acts on, if it acts on one: the header names it. */
export function actedOnProfile(hash: string): string | undefined {
  for (const page of PROFILE_PAGES) {
    const found = profileInHash(hash, page);
    if (found) {
      return found.profile;
    }
  }
  return undefined;
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
