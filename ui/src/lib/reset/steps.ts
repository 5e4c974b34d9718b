import { m } from '../i18n';
import type { PlannedReset } from '../bindings/PlannedReset';
import type { ResetEvent } from '../bindings/ResetEvent';
import type { ResetReport } from '../bindings/ResetReport';
import type { ResetDetail } from '../bindings/ResetDetail';
import type { ResetSummary } from '../bindings/ResetSummary';
import { describeReset } from './reset-text';
import type { ResetStep } from '../bindings/ResetStep';

export type ResetStepState = 'pending' | 'running' | 'done' | 'failed';

/** One step of a reset as the Disconnect screen shows it: what it will do, then how it goes. */
export interface ResetStepView {
  step: ResetStep;
  number: number;
  /** What the step will do (the plan's code, naming the tenant; worded with describeResetSummary). */
  summary: ResetSummary;
  state: ResetStepState;
  /** The latest progress report, or what the step did. */
  message: string;
  /** What the finished step did (worded with describeResetDetail). */
  detail?: ResetDetail;
}

/**
 * The heading of each step's card, as the setup's review (review/ReviewApply.svelte) names the
 * same places; read when drawn, so that it follows a change of language.
 */
export const HEADINGS: Record<ResetStep, string> = {
  get pbx() {
    return m.place_pbx();
  },
  get entra() {
    return m.place_entra();
  },
  get 'this-computer'() {
    return m.place_this_computer();
  },
};

export const STATE_LABELS: Record<ResetStepState, string> = {
  get pending() {
    return m.reset_state_pending();
  },
  get running() {
    return m.reset_state_running();
  },
  get done() {
    return m.reset_state_done();
  },
  get failed() {
    return m.reset_state_failed();
  },
};

/** The steps as the plan lists them, before anything runs. */
export function plannedSteps(steps: readonly PlannedReset[]): ResetStepView[] {
  return steps.map((planned) => ({
    step: planned.step,
    number: planned.number,
    summary: planned.summary,
    state: planned.done ? 'done' : 'pending',
    // A done step's summary already says the earlier reset did it.
    message: '',
  }));
}

/** An event marks its step running with its message, and every earlier step done. */
export function applyResetEvent(steps: readonly ResetStepView[], event: ResetEvent): ResetStepView[] {
  const index = steps.findIndex((view) => view.step === event.step);
  return steps.map((view, position) => {
    if (position < index && view.state !== 'done') {
      return { ...view, state: 'done' };
    }
    if (position === index) {
      return { ...view, state: 'running', message: describeReset(event.step, event.text) };
    }
    return view;
  });
}

/** Every step done, each with what the report says it did. */
export function finishedSteps(steps: readonly ResetStepView[], report: ResetReport): ResetStepView[] {
  return steps.map((view) => {
    const outcome = report.steps.find((candidate) => candidate.step === view.step);
    return outcome ? { ...view, state: 'done', detail: outcome.detail } : { ...view, state: 'done' };
  });
}

/**
 * The step that stopped marked with why, the earlier ones done, the later ones not started; with
 * no step (nothing was changed) every step is left as it was.
 */
export function stoppedSteps(steps: readonly ResetStepView[], stopped: ResetStep | null, cause: string): ResetStepView[] {
  const index = stopped === null ? -1 : steps.findIndex((view) => view.step === stopped);
  if (index < 0) {
    return steps.map((view) => (view.state === 'running' ? { ...view, state: 'pending', message: '' } : view));
  }
  return steps.map((view, position) => {
    if (position < index) {
      return { ...view, state: 'done' };
    }
    if (position === index) {
      return { ...view, state: 'failed', message: cause };
    }
    return { ...view, state: 'pending', message: '' };
  });
}
