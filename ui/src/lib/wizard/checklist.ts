import type { StepId } from '../bindings/StepId';
import { edited, markOf, type StepRecord } from './progress';

/** The read-only checks the express setup runs by itself once the admin has signed in (steps 3–6). */
export const CHECK_STEPS: readonly StepId[] = ['app-registration', 'key-pair', 'consent', 'sync-options'];

/** Where one check of the checklist stands. */
export type CheckState = 'pending' | 'running' | 'done' | 'failed' | 'stale';

export function checkState(record: StepRecord, step: StepId, running: boolean, failed: boolean): CheckState {
  if (failed) {
    return 'failed';
  }
  const mark = markOf(record, step);
  if (mark === 'done') {
    return 'done';
  }
  if (running) {
    return 'running';
  }
  return mark === 'stale' ? 'stale' : 'pending';
}

/** What the express setup runs by itself on the review page, if anything. */
export type ExpressStep = 'checks' | 'review';

/**
 * In automatic mode, once the admin has signed in: the checks the engine does not hold (none
 * yet, or forgotten because a step before them ran again), then the review, which only reads.
 * Nothing runs while a step runs or after a failure (the admin reads it first), nor while a
 * form holds an edit that was not checked (the page says to check it). Apply never runs by
 * itself: it writes.
 */
export function expressNext(record: StepRecord, mode: 'auto' | 'guided' | null, busy: boolean, failed: boolean): ExpressStep | null {
  if (mode !== 'auto' || busy || failed || markOf(record, 'microsoft') !== 'done') {
    return null;
  }
  if (CHECK_STEPS.some((step) => edited(record, step))) {
    return null;
  }
  if (CHECK_STEPS.some((step) => !record.completed.includes(step))) {
    return 'checks';
  }
  return record.completed.includes('review') ? null : 'review';
}
