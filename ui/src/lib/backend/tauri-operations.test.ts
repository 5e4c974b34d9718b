import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn(async (_command: string, _args?: Record<string, unknown>): Promise<unknown> => undefined);

vi.mock('@tauri-apps/api/core', () => ({
  invoke,
  Channel: class {
    onmessage: (message: unknown) => void = () => {};
  },
}));

const { createTauriOperations } = await import('./tauri-operations');

describe('tauri sync commands', () => {
  beforeEach(() => invoke.mockClear());

  it("passes the run's choice about unclassified users to the preview and the run, in camelCase", async () => {
    const operations = createTauriOperations();
    await operations.syncPreview('fabrikam', true);
    await operations.syncNow('fabrikam', false, () => {});
    expect(invoke.mock.calls[0]).toEqual(['sync_preview', { profile: 'fabrikam', createUnclassified: true }]);
    expect(invoke.mock.calls[1]?.[0]).toBe('sync_now');
    expect(invoke.mock.calls[1]?.[1]).toMatchObject({ profile: 'fabrikam', createUnclassified: false });
    expect(invoke.mock.calls[1]?.[1]).toHaveProperty('events');
  });
});
