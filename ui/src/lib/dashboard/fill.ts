import type { Backend } from '../backend';
import type { ProfileHealth } from './health';

/**
 * Health checks in flight at a time. Each signs in to a PBX and to Microsoft: a service provider's
 * hundred profiles at once would flood both and this computer, and the first cards would wait as
 * long as the last.
 */
export const HEALTH_CHECKS_AT_A_TIME = 4;

/** Runs `work` on every item, at most `limit` at a time, starting them in the items' order. */
export async function eachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** One profile's health: its certificate, last verification and last sync. */
export async function loadHealth(backend: Backend, profile: string): Promise<ProfileHealth> {
  const [certificate, verification, runs] = await Promise.all([
    backend.certificateStatus(profile),
    backend.lastVerification(profile),
    backend.syncHistory(profile, 1),
  ]);
  return { profile, certificate, verification, lastRun: runs[0] ?? null };
}
