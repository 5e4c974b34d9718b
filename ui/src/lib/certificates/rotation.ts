import { m } from '../i18n';
import type { PlannedStep } from '../bindings/PlannedStep';
import type { RotationEvent } from '../bindings/RotationEvent';
import type { RotationStep } from '../bindings/RotationStep';
import { describeRotation } from './rotation-text';

export type StepState = 'done' | 'running' | 'waiting' | 'failed' | 'pending';

export interface StepView {
  step: RotationStep;
  number: number;
  state: StepState;
  message: string;
}

/** The steps as the plan lists them, before anything runs (titled when drawn: rotationStepTitle). */
export function initialSteps(steps: readonly PlannedStep[]): StepView[] {
  return steps.map((step) => ({
    step: step.step,
    number: step.number,
    state: step.done ? 'done' : 'pending',
    message: step.done ? m.rotation_done_earlier() : '',
  }));
}

/** An event marks its step running (or waiting) and every earlier step done. */
export function applyRotationEvent(steps: readonly StepView[], event: RotationEvent): StepView[] {
  const index = steps.findIndex((view) => view.step === event.step);
  return steps.map((view, position) => {
    if (position < index) {
      return view.state === 'done' ? view : { ...view, state: 'done' };
    }
    if (position === index) {
      return { ...view, state: event.waiting ? 'waiting' : 'running', message: describeRotation(event.text) };
    }
    return view;
  });
}

/** Every step done once the rotation returns its report. */
export function finishSteps(steps: readonly StepView[]): StepView[] {
  return steps.map((view) => ({ ...view, state: 'done' }));
}

/** The failed step marked, earlier ones done, later ones left pending. */
export function failSteps(steps: readonly StepView[], failed: RotationStep, cause: string): StepView[] {
  const index = steps.findIndex((view) => view.step === failed);
  return steps.map((view, position) => {
    if (position < index) {
      return { ...view, state: 'done' };
    }
    if (position === index) {
      return { ...view, state: 'failed', message: cause };
    }
    return { ...view, state: 'pending' };
  });
}
