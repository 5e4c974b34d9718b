import { describe, expect, it } from 'vitest';
import type { PlannedStep } from '../bindings/PlannedStep';
import { applyRotationEvent, failSteps, finishSteps, initialSteps } from './rotation';

const PLANNED: PlannedStep[] = [
  { step: 'generate-key-pair', number: 1, title: 'Generate', done: true },
  { step: 'add-new-certificate', number: 2, title: 'Add', done: false },
  { step: 'wait-for-microsoft', number: 3, title: 'Wait', done: false },
  { step: 'remove-old-certificate', number: 4, title: 'Remove', done: false },
];

describe('rotation steps', () => {
  it('starts with the steps an earlier run finished marked done', () => {
    expect(initialSteps(PLANNED).map((step) => step.state)).toEqual(['done', 'pending', 'pending', 'pending']);
  });

  it('marks the step of an event running or waiting, and the steps before it done', () => {
    const steps = applyRotationEvent(initialSteps(PLANNED), {
      step: 'wait-for-microsoft',
      text: { code: 'waiting-for-acceptance' },
      message: 'Waiting until Microsoft accepts the new certificate (the PBX lists Microsoft 365 users)…',
      waiting: true,
      hand_step: null,
    });
    expect(steps.map((step) => step.state)).toEqual(['done', 'done', 'waiting', 'pending']);
    expect(steps[2]?.message).toBe('Waiting until Microsoft accepts the new certificate (the PBX lists Microsoft 365 users)…');
  });

  it('shows where a failed rotation stopped', () => {
    const steps = failSteps(initialSteps(PLANNED), 'wait-for-microsoft', 'not accepted');
    expect(steps.map((step) => step.state)).toEqual(['done', 'done', 'failed', 'pending']);
    expect(steps[2]?.message).toBe('not accepted');
  });

  it('marks everything done when it finishes', () => {
    expect(finishSteps(initialSteps(PLANNED)).every((step) => step.state === 'done')).toBe(true);
  });
});
