import { DISCONNECT, hrefFor, profileInHash, profileRoute } from '../shell/routes';

/** The address of a profile's Disconnect screen, under the dashboard. */
export function disconnectHref(profile: string): string {
  return hrefFor(profileRoute(DISCONNECT, profile));
}

/** The profile whose Disconnect screen `location.hash` names, if it names one. */
export function disconnectProfile(hash: string): string | undefined {
  return profileInHash(hash, DISCONNECT)?.profile;
}
