import { describe, expect, it } from 'vitest';
import { mockPlan } from '../backend/mock-data';
import type { Notice } from '../bindings/Notice';
import planSource from '../../../../crates/pbx365/src/sync/plan.rs?raw';
import {
  countByKind,
  filterRows,
  NOTICE_SENTENCES,
  PREVIEW_KINDS,
  previewRows,
  REASON_LABELS,
  unclassifiedUsers,
} from './preview';

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

describe('unclassifiedUsers', () => {
  it('lists the users held back, with their display names', () => {
    const { held, created } = unclassifiedUsers(mockPlan('fabrikam', false));
    expect(created).toEqual([]);
    expect(held.map((user) => [user.displayName, user.principal])).toEqual([
      ['Priya Nair', 'priya.nair_northwind.example#EXT#@fabrikam.onmicrosoft.com'],
      ['Leo Fischer', 'leo.fischer@fabrikam.com'],
      ['Yuki Tanaka', 'yuki.tanaka@fabrikam.com'],
    ]);
  });

  it('lists them with their PBX user and extension when the run creates them', () => {
    const { held, created } = unclassifiedUsers(mockPlan('fabrikam', true));
    expect(held).toEqual([]);
    expect(created.map((user) => [user.displayName, user.pbxName, user.extension])).toEqual([
      ['Priya Nair', 'priya.nair', '1013'],
      ['Leo Fischer', 'leo.fischer', '1014'],
      ['Yuki Tanaka', 'yuki.tanaka', '1015'],
    ]);
  });

  it('finds none in a plan read from Graph, which tells guests and disabled accounts apart', () => {
    expect(unclassifiedUsers(mockPlan('contoso'))).toEqual({ held: [], created: [] });
  });

  it('shows a held-back user in the table as a skip, saying why', () => {
    const rows = previewRows(mockPlan('fabrikam'));
    expect(rows.find((row) => row.principal === 'leo.fischer@fabrikam.com')).toMatchObject({
      kind: 'skip',
      detail: REASON_LABELS.unclassified,
    });
  });
});

/** The `Notice::sentence` texts of the engine, by the notice's name in the bindings. */
function engineNoticeSentences(rust: string): Map<string, string> {
  const body = rust.slice(rust.indexOf('impl Notice {'));
  const sentences = new Map<string, string>();
  for (const match of body.matchAll(/Notice::(\w+) => \{?\s*"((?:[^"\\]|\\.)*)"/g)) {
    const [, variant = '', text = ''] = match;
    sentences.set(variant.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase(), text.replace(/\\"/g, '"'));
  }
  return sentences;
}

describe('the engine and the page say the same', () => {
  const engine = engineNoticeSentences(planSource);

  it('shows every notice with the sentence of the engine', () => {
    expect([...engine.keys()].sort()).toEqual(Object.keys(NOTICE_SENTENCES).sort());
    for (const notice of ['photos-by-pbx', 'unclassified-created'] satisfies Notice[]) {
      expect(NOTICE_SENTENCES[notice]).toBe(engine.get(notice));
    }
  });

  it('says what the engine says of held-back users, pointing to the checkbox instead of the command line', () => {
    const [engineWhy] = engine.get('unclassified-held')?.split(' Check them below;') ?? [];
    expect(engineWhy).toBeTruthy();
    expect(NOTICE_SENTENCES['unclassified-held'].startsWith(`${engineWhy} Check them below;`)).toBe(true);
    expect(NOTICE_SENTENCES['unclassified-held']).toContain('Create these users anyway');
  });
});
