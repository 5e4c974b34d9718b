import { describe, expect, it } from 'vitest';
import type { PlannedReset } from '../bindings/PlannedReset';
import { disconnectHref, disconnectProfile } from './route';
import { applyResetEvent, finishedSteps, HEADINGS, plannedSteps, stoppedSteps } from './steps';

const PBX = { domain: 'fabrikam.com', url: 'https://pbx.fabrikam.com:8887' };
const TENANT = { name: 'Fabrikam', id: null };
const PLANNED: PlannedReset[] = [
  { step: 'pbx', number: 1, place: 'PBX', summary: { code: 'pbx-done-earlier', pbx: PBX }, done: false },
  { step: 'entra', number: 2, place: 'Microsoft Entra', summary: { code: 'entra-no-app', tenant: TENANT }, done: false },
  {
    step: 'this-computer',
    number: 3,
    place: 'This computer',
    summary: { code: 'this-computer', profile: 'fabrikam', pbx: PBX, tenant: TENANT },
    done: false,
  },
];

describe('the steps of a Disconnect', () => {
  it('are headed as the setup review heads the same places', () => {
    expect(plannedSteps(PLANNED).map((view) => HEADINGS[view.step])).toEqual(['On the PBX', 'In Microsoft Entra', 'On this computer']);
    expect(plannedSteps(PLANNED).every((view) => view.state === 'pending')).toBe(true);
  });

  it('keep what an earlier reset did', () => {
    const resumed = plannedSteps([{ ...PLANNED[0]!, done: true }, PLANNED[1]!, PLANNED[2]!]);
    expect(resumed.map((view) => view.state)).toEqual(['done', 'pending', 'pending']);
  });

  it('follow the progress: a step reported runs, the ones before it are done', () => {
    let steps = plannedSteps(PLANNED);
    steps = applyResetEvent(steps, { step: 'pbx', text: { code: 'starting' }, message: "Stop the PBX's Microsoft 365 integration…" });
    expect(steps[0]).toMatchObject({ state: 'running', message: "Stop the PBX's Microsoft 365 integration…" });
    steps = applyResetEvent(steps, { step: 'entra', text: { code: 'starting' }, message: 'Remove the integration from Microsoft Entra…' });
    expect(steps.map((view) => view.state)).toEqual(['done', 'running', 'pending']);
  });

  it('end with what each step did', () => {
    const steps = finishedSteps(plannedSteps(PLANNED), {
      profile: 'fabrikam',
      steps: [
        { step: 'pbx', place: 'PBX', detail: { code: 'pbx-destroyed' }, done_earlier: false },
        { step: 'entra', place: 'Microsoft Entra', detail: { code: 'done-earlier' }, done_earlier: true },
        { step: 'this-computer', place: 'This computer', detail: { code: 'profile-removed', profile: 'fabrikam', runs: 2, kept_certificate: null }, done_earlier: false },
      ],
      hand_steps: [],
      nothing_to_do: false,
    });
    expect(steps.map((view) => view.state)).toEqual(['done', 'done', 'done']);
    expect(steps.map((view) => view.detail?.code)).toEqual(['pbx-destroyed', 'done-earlier', 'profile-removed']);
  });

  it('show where a reset stopped, and nothing done when it did not start', () => {
    const running = applyResetEvent(plannedSteps(PLANNED), { step: 'entra', text: { code: 'starting' }, message: '…' });
    expect(stoppedSteps(running, 'entra', '').map((view) => view.state)).toEqual(['done', 'failed', 'pending']);
    const first = applyResetEvent(plannedSteps(PLANNED), { step: 'pbx', text: { code: 'starting' }, message: '…' });
    expect(stoppedSteps(first, null, '').map((view) => view.state)).toEqual(['pending', 'pending', 'pending']);
  });
});

describe('the address of the Disconnect screen', () => {
  it('lives under the dashboard and round-trips any profile name', () => {
    expect(disconnectHref('fabrikam')).toBe('#/dashboard/disconnect/fabrikam');
    expect(disconnectProfile('#/dashboard/disconnect/fabrikam')).toBe('fabrikam');
    expect(disconnectProfile(disconnectHref('a b/c'))).toBe('a b/c');
    expect(disconnectProfile('#/dashboard')).toBeUndefined();
    expect(disconnectProfile('#/dashboard/disconnect/')).toBeUndefined();
  });
});
