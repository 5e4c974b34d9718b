import { describe, expect, it } from 'vitest';
import type { StepId } from '../bindings/StepId';
import { canonical, completedAfter, markOf, pageMark, type StepRecord, unmetPageBefore } from './progress';

const UP_TO_REVIEW: StepId[] = ['connect-pbx', 'microsoft', 'app-registration', 'key-pair', 'consent', 'sync-options', 'review'];
const SYNC = canonical({ sync_time: '0 2 * * *', users: { sync_photos: true } });

function reviewed(): StepRecord {
  return {
    completed: UP_TO_REVIEW,
    checked: { 'sync-options': SYNC, review: '{}' },
    drafts: { 'sync-options': SYNC },
  };
}

describe('step marks', () => {
  it('a reviewed setup is done up to the review and has apply to do', () => {
    const record = reviewed();
    expect(markOf(record, 'sync-options')).toBe('done');
    expect(pageMark(record, 'review-apply')).toBe('todo');
    expect(markOf(record, 'review')).toBe('done');
    expect(unmetPageBefore(record, 'verify')).toBe('review-apply');
  });

  it('an edited form makes its step and every checked step after it stale', () => {
    const record = { ...reviewed(), drafts: { 'sync-options': canonical({ users: { sync_photos: true }, sync_time: '30 3 * * *' }) } };
    expect(markOf(record, 'consent')).toBe('done');
    expect(markOf(record, 'sync-options')).toBe('stale');
    expect(markOf(record, 'review')).toBe('stale');
    expect(pageMark(record, 'review-apply')).toBe('stale');
    expect(markOf(record, 'verify')).toBe('todo');
    expect(unmetPageBefore(record, 'review-apply')).toBe('sync-options');
  });

  it('an edit undone is no change: key order does not matter', () => {
    const record = { ...reviewed(), drafts: { 'sync-options': canonical({ users: { sync_photos: true }, sync_time: '0 2 * * *' }) } };
    expect(markOf(record, 'review')).toBe('done');
  });

  it('a step run again forgets its successors; a refused one forgets nothing', () => {
    expect(completedAfter(UP_TO_REVIEW, 'sync-options', 'ok')).toEqual(UP_TO_REVIEW.slice(0, 6));
    expect(completedAfter(UP_TO_REVIEW, 'sync-options', 'failed')).toEqual(UP_TO_REVIEW.slice(0, 5));
    expect(completedAfter(UP_TO_REVIEW, 'apply', 'refused')).toEqual(UP_TO_REVIEW);
    const rerun = { ...reviewed(), completed: completedAfter(UP_TO_REVIEW, 'sync-options', 'ok') };
    expect(markOf(rerun, 'sync-options')).toBe('done');
    expect(markOf(rerun, 'review')).toBe('stale');
  });

  it('nothing checked: every step is to do and only the first is open', () => {
    const record: StepRecord = { completed: [], checked: {}, drafts: {} };
    expect(pageMark(record, 'connect-pbx')).toBe('todo');
    expect(unmetPageBefore(record, 'connect-pbx')).toBeNull();
    expect(unmetPageBefore(record, 'sync-options')).toBe('connect-pbx');
  });
});
