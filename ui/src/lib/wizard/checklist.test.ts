import { describe, expect, it } from 'vitest';
import type { StepId } from '../bindings/StepId';
import { checkState, expressNext } from './checklist';
import type { StepRecord } from './progress';

const record = (completed: StepId[], drafts: Partial<Record<StepId, string>> = {}): StepRecord => ({
  completed,
  checked: Object.fromEntries(completed.map((step) => [step, step === 'sync-options' ? '{"t":1}' : '{}'])),
  drafts,
});
const SIGNED_IN: StepId[] = ['connect-pbx', 'microsoft'];
const CHECKED: StepId[] = [...SIGNED_IN, 'app-registration', 'key-pair', 'consent', 'sync-options'];

describe('expressNext', () => {
  it('runs the checks once the admin has signed in, then the review, then waits for Apply', () => {
    expect(expressNext(record(['connect-pbx']), 'auto', false, false)).toBeNull();
    expect(expressNext(record(SIGNED_IN), 'auto', false, false)).toBe('checks');
    expect(expressNext(record(CHECKED), 'auto', false, false)).toBe('review');
    expect(expressNext(record([...CHECKED, 'review']), 'auto', false, false)).toBeNull();
  });

  it('re-runs the checks the engine forgot when a step before them ran again', () => {
    expect(expressNext(record([...SIGNED_IN, 'app-registration']), 'auto', false, false)).toBe('checks');
  });

  it('leaves guided mode, a running step, a failure and an unchecked edit to the admin', () => {
    expect(expressNext(record(SIGNED_IN), 'guided', false, false)).toBeNull();
    expect(expressNext(record(SIGNED_IN), null, false, false)).toBeNull();
    expect(expressNext(record(SIGNED_IN), 'auto', true, false)).toBeNull();
    expect(expressNext(record(SIGNED_IN), 'auto', false, true)).toBeNull();
    expect(expressNext(record(CHECKED, { 'sync-options': '{"t":2}' }), 'auto', false, false)).toBeNull();
  });
});

describe('checkState', () => {
  it('says done, running, failed, out of date or pending', () => {
    expect(checkState(record(CHECKED), 'key-pair', false, false)).toBe('done');
    expect(checkState(record(SIGNED_IN), 'key-pair', true, false)).toBe('running');
    expect(checkState(record(SIGNED_IN), 'key-pair', false, true)).toBe('failed');
    expect(checkState(record(SIGNED_IN), 'key-pair', false, false)).toBe('pending');
    expect(checkState(record(CHECKED, { 'sync-options': '{"t":2}' }), 'sync-options', false, false)).toBe('stale');
  });
});
