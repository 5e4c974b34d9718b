import { describe, expect, it } from 'vitest';
import { mockPlan } from '../backend/mock-data';
import type { SyncOperations } from '../backend/operations';
import type { Plan } from '../bindings/Plan';
import type { RunSummary } from '../bindings/RunSummary';
import { SyncSession } from './session.svelte';

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (cause: unknown) => void;
}

/** Operations whose answers the test gives by hand, recording what each call asked. */
function fakeOperations() {
  const previews: (Pending<Plan> & { createUnclassified: boolean })[] = [];
  const runs: (Pending<RunSummary> & { createUnclassified: boolean })[] = [];
  const operations: Pick<SyncOperations, 'syncPreview' | 'syncNow' | 'cancelSync'> = {
    syncPreview: (_profile, createUnclassified) =>
      new Promise<Plan>((resolve, reject) => previews.push({ resolve, reject, createUnclassified })),
    syncNow: (_profile, createUnclassified) =>
      new Promise<RunSummary>((resolve, reject) => runs.push({ resolve, reject, createUnclassified })),
    cancelSync: async () => {},
  };
  return { operations, previews, runs };
}

const SUMMARY = { id: 1 } as RunSummary;

describe('SyncSession', () => {
  it('holds unclassified users back when nothing was previewed', async () => {
    const { operations, runs } = fakeOperations();
    const session = new SyncSession(operations, 'fabrikam');
    const run = session.syncNow(() => {});
    expect(runs[0]?.createUnclassified).toBe(false);
    runs[0]?.resolve(SUMMARY);
    await expect(run).resolves.toBe(SUMMARY);
  });

  it('runs with the choice of the preview on screen, never while a new preview loads', async () => {
    const { operations, previews, runs } = fakeOperations();
    const session = new SyncSession(operations, 'fabrikam');
    const ticked = session.preview(true);
    expect(session.createUnclassified).toBe(true);
    expect(session.canSync).toBe(false);
    expect(session.runChoice).toBe(false);
    await expect(session.syncNow(() => {})).rejects.toThrow(/preview is still loading/);
    expect(runs).toHaveLength(0);

    previews[0]?.resolve(mockPlan('fabrikam', true));
    await ticked;
    expect(session.canSync).toBe(true);
    expect(session.runChoice).toBe(true);
    const run = session.syncNow(() => {});
    expect(runs[0]?.createUnclassified).toBe(true);
    expect(session.canSync).toBe(false);
    runs[0]?.resolve(SUMMARY);
    await run;
  });

  it('resets the choice after every run and clears the preview the run made out of date', async () => {
    const { operations, previews, runs } = fakeOperations();
    const session = new SyncSession(operations, 'fabrikam');
    const ticked = session.preview(true);
    previews[0]?.resolve(mockPlan('fabrikam', true));
    await ticked;
    const run = session.syncNow(() => {});
    runs[0]?.reject('The PBX could not be reached.');
    await expect(run).rejects.toBe('The PBX could not be reached.');
    expect(session.createUnclassified).toBe(false);
    expect(session.runChoice).toBe(false);
    expect(session.shown).toBeUndefined();
    expect(session.clearedByRun).toBe(true);
  });

  it('keeps the choice of the preview still on screen when a new one fails', async () => {
    const { operations, previews } = fakeOperations();
    const session = new SyncSession(operations, 'fabrikam');
    const first = session.preview();
    previews[0]?.resolve(mockPlan('fabrikam', false));
    await first;
    const ticked = session.preview(true);
    previews[1]?.reject('The saved Microsoft sign-in no longer works. Sign in to Microsoft again.');
    await ticked;
    expect(session.previewError).toBe('The saved Microsoft sign-in no longer works. Sign in to Microsoft again.');
    expect(session.createUnclassified).toBe(false);
    expect(session.shown?.createUnclassified).toBe(false);
    expect(session.previewing).toBe(false);
  });

  it('shows only the latest preview asked for, whatever order the answers come in', async () => {
    const { operations, previews } = fakeOperations();
    const session = new SyncSession(operations, 'fabrikam');
    const ticked = session.preview(true);
    const unticked = session.preview(false);
    previews[1]?.resolve(mockPlan('fabrikam', false));
    await unticked;
    expect(session.previewing).toBe(false);
    previews[0]?.resolve(mockPlan('fabrikam', true));
    await ticked;
    expect(session.shown?.createUnclassified).toBe(false);
    expect(session.shown?.plan.notices).toContain('unclassified-held');
    expect(session.createUnclassified).toBe(false);
  });
});
