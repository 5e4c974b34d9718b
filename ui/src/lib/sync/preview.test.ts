import { describe, expect, it } from 'vitest';
import { mockPlan } from '../backend/mock-data';
import { countByKind, filterRows, PREVIEW_KINDS, previewRows } from './preview';

describe('previewRows', () => {
  it('lists every action, then the skipped, then the reported users', () => {
    const plan = mockPlan();
    const rows = previewRows(plan);
    expect(rows).toHaveLength(plan.actions.length + plan.skipped.length + plan.reported.length);
    expect(rows.map((row) => row.kind).slice(-6)).toEqual(['skip', 'skip', 'skip', 'skip', 'report', 'report']);
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
  });

  it('describes a new user by the fields it gets and a change as before → after', () => {
    const rows = previewRows(mockPlan());
    expect(rows.find((row) => row.kind === 'create')?.detail).toBe('Display name: Adele Vance; E-mail: adele.vance@contoso.com');
    expect(rows.find((row) => row.kind === 'update')?.detail).toBe('Department: Sales → Customer Success');
    expect(rows.find((row) => row.kind === 'skip')?.detail).toBe('Guest account, and guests are not synced');
  });

  it('counts the rows of each kind as the plan does', () => {
    const plan = mockPlan();
    const counts = countByKind(previewRows(plan));
    expect(counts).toEqual({
      create: plan.counts.create,
      adopt: plan.counts.adopt,
      update: plan.counts.update,
      disable: plan.counts.disable,
      skip: plan.counts.skip,
      report: plan.counts.report,
    });
  });
});

describe('filterRows', () => {
  const rows = previewRows(mockPlan());

  it('keeps only the chosen kinds', () => {
    const shown = filterRows(rows, new Set(['disable', 'report'] as const), '');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((row) => row.kind === 'disable' || row.kind === 'report')).toBe(true);
  });

  it('searches names, extensions and details, ignoring case and spaces around', () => {
    expect(filterRows(rows, new Set(PREVIEW_KINDS), '  MEGAN ').map((row) => row.pbxName)).toEqual(['megan.bowen']);
    expect(filterRows(rows, new Set(PREVIEW_KINDS), '1005').map((row) => row.extension)).toEqual(['1005']);
    expect(filterRows(rows, new Set(PREVIEW_KINDS), 'no longer in').map((row) => row.pbxName)).toEqual(['former.employee']);
  });

  it('shows nothing when no kind is chosen', () => {
    expect(filterRows(rows, new Set(), '')).toEqual([]);
  });
});
