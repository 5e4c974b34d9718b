import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn(async (_command: string, _args?: Record<string, unknown>): Promise<unknown> => undefined);

vi.mock('@tauri-apps/api/core', () => ({
  invoke,
  Channel: class {
    onmessage: (message: unknown) => void = () => {};
  },
}));

const { createTauriReset } = await import('./reset-tauri');

describe('tauri reset commands', () => {
  beforeEach(() => invoke.mockClear());

  it('asks for the plan and the run with the same choice about the app, in camelCase', async () => {
    const reset = createTauriReset();
    await reset.resetPlan('fabrikam', true);
    const events: unknown[] = [];
    await reset.resetRun('fabrikam', true, (event) => events.push(event));
    expect(invoke.mock.calls[0]).toEqual(['reset_plan', { profile: 'fabrikam', deleteApp: true }]);
    expect(invoke.mock.calls[1]?.[0]).toBe('reset_run');
    const args = invoke.mock.calls[1]?.[1] as { profile: string; deleteApp: boolean; events: { onmessage: (event: unknown) => void } };
    expect(args).toMatchObject({ profile: 'fabrikam', deleteApp: true });
    // The channel hands the engine's progress to the caller.
    args.events.onmessage({ step: 'pbx', message: 'Stop the PBX’s Microsoft 365 integration…' });
    expect(events).toHaveLength(1);
  });
});
