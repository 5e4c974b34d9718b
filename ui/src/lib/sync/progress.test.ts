import { describe, expect, it } from 'vitest';
import type { UserOutcome } from '../bindings/UserOutcome';
import { applyEvent, EMPTY_COUNTS, formatDuration, percentDone, startProgress } from './progress';

const user = (seq: number, status: UserOutcome['status']): UserOutcome => ({
  seq, action: 'create', status, object_id: `o${seq}`, principal: `u${seq}@contoso.com`, pbx_user_id: null,
  pbx_name: `u${seq}`, extension: null, reason: null, error: status === 'failed' ? { code: 'pbx', detail: 'refused' } : null, notes: [],
});

describe('applyEvent', () => {
  it('takes the total from the plan and the counts from each progress event', () => {
    let progress = applyEvent(startProgress(), {
      event: 'planned', run_id: 7, counts: { create: 3, adopt: 1, update: 2, disable: 1, skip: 5, report: 1, unchanged: 40 },
    });
    expect(progress.total).toBe(7);
    progress = applyEvent(progress, { event: 'progress', done: 2, total: 7, counts: { ...EMPTY_COUNTS, created: 2 }, user: user(1, 'done') });
    expect(progress.done).toBe(2);
    expect(progress.counts.created).toBe(2);
    expect(percentDone(progress)).toBe(28);
  });

  it('keeps the newest count when the channel delivers events out of order, and ends at 100', () => {
    let progress = applyEvent(startProgress(), { event: 'progress', done: 5, total: 7, counts: { ...EMPTY_COUNTS, created: 5 }, user: user(4, 'done') });
    progress = applyEvent(progress, { event: 'progress', done: 3, total: 7, counts: { ...EMPTY_COUNTS, created: 3 }, user: user(2, 'failed') });
    expect([progress.done, progress.counts.created]).toEqual([5, 5]);
    expect(progress.failures.map((failure) => failure.seq)).toEqual([2]);
    const outcome = { ...EMPTY_COUNTS, created: 6, failed: 1, unchanged: 40 };
    progress = applyEvent(progress, {
      event: 'finished',
      summary: {
        id: 1, profile: 'contoso', started_at: '', finished_at: '', duration_ms: 10, status: 'completed-with-failures',
        source: 'graph', resumed_from: null, planned: { create: 7, adopt: 0, update: 0, disable: 0, skip: 0, report: 0, unchanged: 40 },
        outcome, error: null,
      },
    });
    expect(percentDone(progress)).toBe(100);
  });

  it('keeps the latest failures first, at most five', () => {
    let progress = startProgress();
    for (let seq = 0; seq < 7; seq += 1) {
      progress = applyEvent(progress, { event: 'progress', done: seq + 1, total: 7, counts: EMPTY_COUNTS, user: user(seq, 'failed') });
    }
    expect(progress.failures.map((failure) => failure.seq)).toEqual([6, 5, 4, 3, 2]);
  });

  it('shows a throttling pause until the next event', () => {
    let progress = applyEvent(startProgress(), { event: 'waiting', millis: 2500, reason: { code: 'pbx-failed', status: 503 } });
    expect(progress.waiting).toBe('The PBX failed (HTTP 503) — retrying in 3 s');
    progress = applyEvent(progress, { event: 'phase', phase: 'applying' });
    expect(progress.waiting).toBeNull();
  });

  it('records the users read on each side', () => {
    let progress = applyEvent(startProgress(), { event: 'read', side: 'microsoft', users: 250 });
    progress = applyEvent(progress, { event: 'read', side: 'pbx', users: 12 });
    expect([progress.microsoftUsers, progress.pbxUsers]).toEqual([250, 12]);
  });
});

describe('percentDone', () => {
  it('is 0 before anything is planned and 100 at the end', () => {
    expect(percentDone({ done: 0, total: 0 })).toBe(0);
    expect(percentDone({ done: 9, total: 9 })).toBe(100);
  });
});

describe('formatDuration', () => {
  it('reads as milliseconds, seconds, or minutes and seconds', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
  });
});
