import { describe, expect, it } from 'vitest';
import { selectBackend } from './index';
import { createMockBackend } from './mock';
import { createMockOperations, scenarioFromAddress, type MockCall } from './mock-operations';
import { errorMessage } from './operations';

describe('selectBackend', () => {
  it('uses Tauri IPC inside the desktop app', async () => {
    expect((await selectBackend(true)).kind).toBe('tauri');
  });

  it('falls back to the mock in a plain browser', async () => {
    expect((await selectBackend(false)).kind).toBe('mock');
  });
});

describe('mock backend', () => {
  it('reports the UI version and no demo mode by default', async () => {
    await expect(createMockBackend().appInfo()).resolves.toEqual({
      version: __UI_VERSION__,
      demo: false,
    });
  });

  it('returns a copy, so callers cannot change what it reports next time', async () => {
    const backend = createMockBackend({ demo: true });
    const first = await backend.appInfo();
    first.demo = false;
    expect((await backend.appInfo()).demo).toBe(true);
  });
});

describe('mock scenarios', () => {
  it('reads failures and pace from the page address, with safe defaults', () => {
    expect(scenarioFromAddress('')).toEqual({ sync: 'ok', rotation: 'ok', stepMs: 120 });
    expect(scenarioFromAddress('?mock-sync=failures&mock-rotation=fail&mock-step-ms=5')).toEqual({
      sync: 'failures',
      rotation: 'fail',
      stepMs: 5,
    });
    expect(scenarioFromAddress('?mock-step-ms=-3').stepMs).toBe(120);
    expect(scenarioFromAddress('?mock-sync=signin').sync).toBe('signin');
    expect(scenarioFromAddress('?mock-sync=whatever').sync).toBe('ok');
  });

  it('stops a cancelled sync and counts what was not done', async () => {
    const backend = createMockBackend({}, { sync: 'ok', rotation: 'ok', stepMs: 1 });
    const summary = await backend.syncNow('contoso', false, (event) => {
      if (event.event === 'progress' && event.done === 3) {
        void backend.cancelSync('contoso');
      }
    });
    expect(summary.status).toBe('cancelled');
    expect(summary.outcome.not_done).toBe(summary.planned.create + summary.planned.adopt + summary.planned.update + summary.planned.disable - 3);
  });
});

describe('mock sync of a guided-mode profile', () => {
  const quick = { sync: 'ok', rotation: 'ok', stepMs: 0 } as const;

  it('reads the PBX view and holds back the users it cannot classify unless told to create them', async () => {
    const operations = createMockOperations(quick);
    const held = await operations.syncPreview('fabrikam', false);
    expect(held.source).toBe('pbx');
    expect(held.notices).toContain('unclassified-held');
    expect(held.skipped.filter((user) => user.reason === 'unclassified')).toHaveLength(3);
    expect(held.skipped.some((user) => user.reason === 'guest')).toBe(false);

    const created = await operations.syncPreview('fabrikam', true);
    expect(created.notices).toContain('unclassified-created');
    expect(created.notices).not.toContain('unclassified-held');
    expect(created.skipped.some((user) => user.reason === 'unclassified')).toBe(false);
    expect(created.counts.create).toBe(held.counts.create + 3);
    expect(created.counts.skip).toBe(held.counts.skip - 3);
  });

  it('records what each preview and run was asked, as the desktop commands receive it', async () => {
    const calls: MockCall[] = [];
    const operations = createMockOperations(quick, calls);
    await operations.syncPreview('fabrikam', true);
    const summary = await operations.syncNow('fabrikam', true, () => {});
    expect(summary.source).toBe('pbx');
    expect(summary.outcome.created).toBe(summary.planned.create);
    expect(calls).toEqual([
      { command: 'sync_preview', args: { profile: 'fabrikam', createUnclassified: true } },
      { command: 'sync_now', args: { profile: 'fabrikam', createUnclassified: true } },
    ]);
  });

  it('fails the profiles that read Graph when the Microsoft sign-in no longer works, saying what to do', async () => {
    const operations = createMockOperations({ ...quick, sync: 'signin' });
    await expect(operations.syncPreview('contoso', false)).rejects.toMatch(/Sign in to Microsoft again/);
    await expect(operations.syncNow('contoso', false, () => {})).rejects.toMatch(/Nothing was read or changed/);
    await expect(operations.syncPreview('fabrikam', false)).resolves.toMatchObject({ source: 'pbx' });
  });
});

describe('errorMessage', () => {
  it("shows the engine's sentence from an error report, and anything else as text", () => {
    expect(errorMessage({ code: 'pbx-auth', message: 'Sign in again.' })).toBe('Sign in again.');
    expect(errorMessage('The PBX is unreachable.')).toBe('The PBX is unreachable.');
    expect(errorMessage(new Error('boom'))).toBe('boom');
  });

  it('shows why a rotation could not start and what to do, never [object Object]', () => {
    const failure = {
      profile: 'contoso',
      step: 'generate-key-pair',
      cause: { code: 'quoted', detail: 'The PBX refused the saved sign-in.' },
      sync_works: true,
      state: { code: 'not-started' },
      next: { code: 'fix-connection' },
    };
    expect(errorMessage(failure)).toBe(
      'The PBX refused the saved sign-in. Fix the connection to the PBX (Connect PBX), then rotate again.',
    );
  });
});
