import type { StepId } from '../bindings/StepId';

/** Where a step stands, as the rail and the step pages say it. */
export type StepMark = 'done' | 'stale' | 'todo';

/** The engine's steps in their order (crates/pbx365/src/progress.rs `StepId::ALL`). */
export const ENGINE_ORDER: readonly StepId[] = [
  'connect-pbx',
  'microsoft',
  'app-registration',
  'key-pair',
  'consent',
  'sync-options',
  'review',
  'apply',
  'verify',
];

/** The engine steps each wizard page runs, by the page ids of steps.ts. */
export const PAGE_STEPS: Readonly<Record<string, readonly StepId[]>> = {
  'connect-pbx': ['connect-pbx'],
  'microsoft-account': ['microsoft'],
  'app-registration': ['app-registration'],
  'key-pair': ['key-pair'],
  consent: ['consent'],
  'sync-options': ['sync-options'],
  'review-apply': ['review', 'apply'],
  verify: ['verify'],
};

/** The page that runs engine step `step`. */
export function pageOf(step: StepId): string {
  return Object.keys(PAGE_STEPS).find((page) => PAGE_STEPS[page]?.includes(step)) ?? 'connect-pbx';
}

/**
 * What the wizard knows of its steps: those the engine holds as done (in order), the input each
 * step was last checked with, and the input its form holds now (both as canonical JSON).
 */
export interface StepRecord {
  completed: readonly StepId[];
  checked: Readonly<Partial<Record<StepId, string>>>;
  drafts: Readonly<Partial<Record<StepId, string>>>;
}

/** A form's input as the text it is compared by: object keys sorted, so order never matters. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** Whether the form of `step` holds something other than what the step was checked with. */
export function edited(record: StepRecord, step: StepId): boolean {
  const draft = record.drafts[step];
  return draft !== undefined && record.checked[step] !== undefined && draft !== record.checked[step];
}

/**
 * `done`: the engine holds it, checked with what its form shows, and every step before it is
 * done. `stale`: it was checked once, but its form or a step before it changed since (the
 * engine forgets a step's successors when the step runs again). `todo`: never checked.
 */
export function markOf(record: StepRecord, step: StepId): StepMark {
  const index = ENGINE_ORDER.indexOf(step);
  const doneSoFar = ENGINE_ORDER.slice(0, index + 1).every((s) => record.completed.includes(s) && !edited(record, s));
  if (doneSoFar) {
    return 'done';
  }
  return record.checked[step] !== undefined ? 'stale' : 'todo';
}

/** A page's mark: stale if any of its steps is, done when all are, else to do. */
export function pageMark(record: StepRecord, page: string): StepMark {
  const marks = (PAGE_STEPS[page] ?? []).map((step) => markOf(record, step));
  if (marks.includes('stale')) {
    return 'stale';
  }
  return marks.length > 0 && marks.every((mark) => mark === 'done') ? 'done' : 'todo';
}

/** The first step before `step` that is not done: what must happen before `step` can run. */
export function unmetBefore(record: StepRecord, step: StepId): StepId | null {
  const index = ENGINE_ORDER.indexOf(step);
  return ENGINE_ORDER.slice(0, Math.max(index, 0)).find((s) => markOf(record, s) !== 'done') ?? null;
}

/** The first step before page `page` that is not done, as the page that runs it. */
export function unmetPageBefore(record: StepRecord, page: string): string | null {
  const first = PAGE_STEPS[page]?.[0];
  const unmet = first === undefined ? null : unmetBefore(record, first);
  return unmet === null ? null : pageOf(unmet);
}

/**
 * The engine's completed steps after `step` ran: it forgets `step` and everything after it when
 * the step starts (wizard/mod.rs `begin`), and holds `step` when it succeeded. A step refused as
 * out of order never started, so nothing was forgotten.
 */
export function completedAfter(completed: readonly StepId[], step: StepId, outcome: 'ok' | 'failed' | 'refused'): StepId[] {
  if (outcome === 'refused') {
    return [...completed];
  }
  const index = ENGINE_ORDER.indexOf(step);
  const kept = completed.filter((s) => ENGINE_ORDER.indexOf(s) < index);
  return outcome === 'ok' ? [...kept, step] : kept;
}
