import { CERTIFICATES, hrefFor } from '../shell/routes';

const ROTATE = `${CERTIFICATES}/rotate/`;

/** The address of a profile's rotation screen (where a certificate reminder leads). */
export function rotationHref(profile: string): string {
  return hrefFor(`${ROTATE}${encodeURIComponent(profile)}`);
}

/** The profile whose rotation screen `location.hash` names, if it names one. */
export function rotationProfile(hash: string): string | undefined {
  const path = hash.replace(/^#\/?/, '');
  if (!path.startsWith(ROTATE) || path.length === ROTATE.length) {
    return undefined;
  }
  return decodeURIComponent(path.slice(ROTATE.length));
}
