import { hrefFor, profileInHash, profileRoute, ROTATE } from '../shell/routes';

/** The address of a profile's rotation screen (where a certificate reminder leads). */
export function rotationHref(profile: string): string {
  return hrefFor(profileRoute(ROTATE, profile));
}

/** The profile whose rotation screen `location.hash` names, if it names one. */
export function rotationProfile(hash: string): string | undefined {
  return profileInHash(hash, ROTATE)?.profile;
}
