import { describe, expect, it, vi } from 'vitest';

const invoke = vi.fn(async (_command: string, _args?: Record<string, unknown>): Promise<unknown> => undefined);

vi.mock('@tauri-apps/api/core', () => ({
  invoke,
  Channel: class {
    onmessage: (message: unknown) => void = () => {};
  },
}));

const { createTauriBackend } = await import('./tauri');

describe('tauri backend language', () => {
  it('tells the app the language by the names set_ui_language takes (src-tauri/src/tray.rs)', async () => {
    await createTauriBackend().setUiLanguage('zh-CN', true);
    expect(invoke.mock.calls).toEqual([['set_ui_language', { language: 'zh-CN', saved: true }]]);
  });
});
