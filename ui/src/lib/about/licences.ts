/**
 * The third-party licences the build lists (never written by hand): the Rust crates' from
 * cargo-about (ui/scripts/cargo-licences.js), the bundled npm packages' from
 * rollup-plugin-license (vite.config.ts). Both are grouped by licence text.
 */
export interface LicenceGroup {
  /** The SPDX expression, e.g. `MIT` or `Apache-2.0 OR MIT`. */
  id: string;
  text: string;
  /** `name version` of each package under this text. */
  packages: string[];
}

/** Where the build puts the lists, next to index.html. */
export const CARGO_LICENCES = 'third-party/cargo.json';
export const NPM_LICENCES = 'third-party/npm.json';

function isGroup(value: unknown): value is LicenceGroup {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const group = value as Record<string, unknown>;
  return (
    typeof group['id'] === 'string' &&
    typeof group['text'] === 'string' &&
    Array.isArray(group['packages']) &&
    group['packages'].every((name) => typeof name === 'string')
  );
}

/** The list at `url`, or null when this build has none (a development server, say) or it is not a list. */
export async function loadLicences(url: string, fetcher: typeof fetch = fetch): Promise<LicenceGroup[] | null> {
  try {
    const response = await fetcher(url);
    if (!response.ok) {
      return null;
    }
    const data: unknown = await response.json();
    return Array.isArray(data) && data.every(isGroup) ? data : null;
  } catch {
    return null;
  }
}

/** How many packages the groups name, each once. */
export function packageCount(groups: readonly LicenceGroup[]): number {
  return new Set(groups.flatMap((group) => group.packages)).size;
}

/** One licence (SPDX expression) with the texts it comes in and how many packages use it. */
export interface LicenceFamily {
  id: string;
  packages: number;
  groups: LicenceGroup[];
}

/**
 * The groups gathered under their licence, the most used first: a few hundred texts differ only
 * in their copyright line, so a page of them would be thousands of lines long.
 */
export function byLicence(groups: readonly LicenceGroup[]): LicenceFamily[] {
  const families = new Map<string, LicenceGroup[]>();
  for (const group of groups) {
    families.set(group.id, [...(families.get(group.id) ?? []), group]);
  }
  return [...families]
    .map(([id, members]) => ({ id, packages: packageCount(members), groups: members }))
    .sort((a, b) => b.packages - a.packages || a.id.localeCompare(b.id));
}
