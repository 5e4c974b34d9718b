import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (event: { payload: unknown }) => void;
const listeners = new Map<string, Handler>();

vi.mock('@tauri-apps/api/event', () => ({
  listen: vi.fn(async (name: string, handler: Handler) => {
    listeners.set(name, handler);
    return () => listeners.delete(name);
  }),
}));

const { createTauriBackend, NAVIGATE_EVENT } = await import('./tauri');

describe('tauri backend navigation', () => {
  beforeEach(() => listeners.clear());

  it("hands the route of the app's navigate event to the window", async () => {
    const routes: string[] = [];
    const stop = await createTauriBackend().onNavigate((route) => routes.push(route));
    listeners.get(NAVIGATE_EVENT)?.({ payload: { route: 'certificates/rotate/contoso' } });
    expect(routes).toEqual(['certificates/rotate/contoso']);
    stop();
    expect(listeners.has(NAVIGATE_EVENT)).toBe(false);
  });
});
