import { describe, expect, it } from 'vitest';
import { createMockOperations } from './mock-operations';
import { isResetFailure } from './reset-operations';
import { createMockReset, resetScenarioFromAddress } from './reset-mock';

const quick = { fail: false, stepMs: 0 };

describe('the mock reset', () => {
  it('reads its failure and pace from the page address', () => {
    expect(resetScenarioFromAddress('')).toEqual({ fail: false, stepMs: 120 });
    expect(resetScenarioFromAddress('?mock-reset=fail&mock-step-ms=5')).toEqual({ fail: true, stepMs: 5 });
  });

  it('plans three steps naming the tenants, and re-plans for deleting the app', async () => {
    const reset = createMockReset(quick, new Set());
    const keep = await reset.resetPlan('contoso', false);
    expect(keep.steps.map((step) => step.step)).toEqual(['pbx', 'entra', 'this-computer']);
    expect(keep.tenant.name).toBe('Contoso');
    expect(keep.steps[1]?.summary).toMatchObject({ code: 'entra-remove-certificate', tenant: keep.tenant });
    expect(keep.warnings).toEqual([]);
    const remove = await reset.resetPlan('contoso', true);
    expect(remove.delete_app).toBe(true);
    expect(remove.steps[1]?.summary.code).toBe('entra-delete-app');
    expect(remove.warnings).toEqual([{ code: 'delete-app-stops-others', app_id: '6731de76-14a6-49ae-97bc-6eba6914391e' }]);
  });

  it('gives a guided profile the Entra part as hand steps', async () => {
    const plan = await createMockReset(quick, new Set()).resetPlan('fabrikam', true);
    expect(plan.mode).toBe('guided');
    expect(plan.hand_steps.map((step) => step.text.code)).toEqual(['delete-app']);
  });

  it('removes the profile from every list once it finished, and finds nothing to do after', async () => {
    // Shared as createMockBackend shares it.
    const removed = new Set<string>();
    const backend = { ...createMockOperations({ sync: 'ok', rotation: 'ok', stepMs: 0 }, [], removed), ...createMockReset(quick, removed) };
    const events: string[] = [];
    const report = await backend.resetRun('northwind', false, (event) => events.push(event.step));
    expect(report.steps.map((step) => step.step)).toEqual(['pbx', 'entra', 'this-computer']);
    expect(events).toEqual(['pbx', 'pbx', 'entra', 'entra', 'this-computer', 'this-computer']);
    expect((await backend.certificateStatuses()).map((status) => status.profile)).toEqual(['contoso', 'fabrikam']);
    expect(await backend.profileNames()).toEqual(['contoso', 'fabrikam']);
    expect((await backend.resetPlan('northwind', false)).nothing_to_do).toBe(true);
    expect((await backend.resetRun('northwind', false, () => {})).nothing_to_do).toBe(true);
  });

  it('stops at Microsoft Entra once when asked to, and the next run continues there', async () => {
    const removed = new Set<string>();
    const reset = createMockReset({ fail: true, stepMs: 0 }, removed);
    const failure: unknown = await reset.resetRun('contoso', true, () => {}).catch((cause: unknown) => cause);
    expect(isResetFailure(failure) && failure.step).toBe('entra');
    expect(isResetFailure(failure) && failure.cause?.code).toBe('microsoft');
    expect(removed.has('contoso')).toBe(false);
    const plan = await reset.resetPlan('contoso', false);
    expect(plan.resumes?.step).toBe('entra');
    expect(plan.steps.map((step) => step.done)).toEqual([true, false, false]);
    const report = await reset.resetRun('contoso', false, () => {});
    expect(report.steps[0]?.done_earlier).toBe(true);
    expect(removed.has('contoso')).toBe(true);
  });
});
