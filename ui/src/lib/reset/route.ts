import { DASHBOARD, hrefFor } from '../shell/routes';

const DISCONNECT = `${DASHBOARD}/disconnect/`;

/** The address of a profile's Disconnect screen, under the dashboard. */
export function disconnectHref(profile: string): string {
  return hrefFor(`${DISCONNECT}${encodeURIComponent(profile)}`);
}

/** The profile whose Disconnect screen `location.hash` names, if it names one. */
export function disconnectProfile(hash: string): string | undefined {
  const path = hash.replace(/^#\/?/, '');
  if (!path.startsWith(DISCONNECT) || path.length === DISCONNECT.length) {
    return undefined;
  }
  return decodeURIComponent(path.slice(DISCONNECT.length));
}
