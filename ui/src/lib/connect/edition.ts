import { m } from '../i18n';
import type { PbxEdition } from '../bindings/PbxEdition';

/** A PortSIP release, `major.minor.patch`; a version written without a patch level is `.0`. */
export interface PbxVersion {
  major: number;
  minor: number;
  patch: number;
}

/** The first PortSIP version without "administrators sign in with Microsoft". */
export const ADMIN_SIGN_IN_REMOVED: PbxVersion = { major: 22, minor: 6, patch: 0 };

/**
 * Why "administrators sign in with Microsoft" is not offered, in one line: the engine's
 * sentence (crates/pbx365/src/wizard/sync_options.rs `ADMIN_SIGN_IN_GONE`).
 */
export const ADMIN_SIGN_IN_GONE =
  'PortSIP 22.6 removed "administrators sign in with Microsoft": administrators sign in with their PBX password.';

const MAX_COMPONENT = 0xffff_ffff;
const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';
const isWordChar = (char: string | undefined) => char !== undefined && /[A-Za-z0-9._]/.test(char);

/** Whether a word starts at `at`: nothing before it that is part of a number or a word. */
const startsWord = (text: string, at: number) => at === 0 || !isWordChar(text[at - 1]);

/** The decimal number at `at`, and where it ends; null without digits or beyond a u32. */
function numberAt(text: string, at: number): [number, number] | null {
  let end = at;
  while (isDigit(text[end])) {
    end += 1;
  }
  const value = end > at ? Number(text.slice(at, end)) : NaN;
  return Number.isFinite(value) && value <= MAX_COMPONENT ? [value, end] : null;
}

/** `major.minor` and an optional `.patch` at `at`. */
function versionAt(text: string, at: number): PbxVersion | null {
  const major = numberAt(text, at);
  if (major === null || text[major[1]] !== '.') {
    return null;
  }
  const minor = numberAt(text, major[1] + 1);
  if (minor === null) {
    return null;
  }
  const patch = text[minor[1]] === '.' ? numberAt(text, minor[1] + 1) : null;
  return { major: major[0], minor: minor[0], patch: patch?.[0] ?? 0 };
}

/**
 * Reads a version as leniently as the engine does (portsip's `PbxVersion::from_str`): the first
 * `major.minor[.patch]` that starts a word or follows a `v` that does, anything after it ignored.
 * "22.6.0", "22.6", "v22.6.1 (build 1234)" and "PortSIP PBX 22.5.2" are read; "22", "latest"
 * and "build1234.5" are not (null).
 */
export function parseVersion(text: string): PbxVersion | null {
  for (let at = 0; at < text.length; at += 1) {
    if (!isDigit(text[at])) {
      continue;
    }
    const afterV = (text[at - 1] === 'v' || text[at - 1] === 'V') && startsWord(text, at - 1);
    if (startsWord(text, at) || afterV) {
      const version = versionAt(text, at);
      if (version !== null) {
        return version;
      }
    }
  }
  return null;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: PbxVersion, b: PbxVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * Whether this PBX still has "administrators sign in with Microsoft" (older than 22.6). A PBX
 * whose version is unknown or unreadable is treated as the newest, as the engine does.
 */
export function adminSignInOffered(edition: PbxEdition | null | undefined): boolean {
  const version = edition?.version == null ? null : parseVersion(edition.version);
  return version !== null && compareVersions(version, ADMIN_SIGN_IN_REMOVED) < 0;
}

/** How many more users the licence allows; null when the PBX did not say both counts. */
export function licencesLeft(edition: PbxEdition): number | null {
  return edition.licensed_users === null || edition.current_users === null
    ? null
    : edition.licensed_users - edition.current_users;
}

/** The version, the licence and its headroom, as far as the PBX said them. */
export function editionParts(edition: PbxEdition): string[] {
  const parts = [edition.version === null ? m.edition_version_unknown() : `PortSIP ${edition.version}`];
  const { licensed_users: licensed, current_users: current } = edition;
  const left = licencesLeft(edition);
  if (licensed !== null && current !== null && left !== null) {
    parts.push(m.edition_current_of_licensed({ current, count: licensed }));
    parts.push(left > 0 ? m.edition_left({ count: left }) : left === 0 ? m.edition_none_left() : m.edition_over({ count: -left }));
  } else if (licensed !== null) {
    parts.push(m.edition_licensed({ count: licensed }));
  } else if (current !== null) {
    parts.push(m.edition_licence_not_reported({ count: current }));
  }
  return parts;
}

/** "PortSIP 22.6.0 · 212 of 400 licensed users · 188 left". */
export function editionText(edition: PbxEdition): string {
  return editionParts(edition).join(' · ');
}
