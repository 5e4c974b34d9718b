import { isTauri } from '@tauri-apps/api/core';
import { createTauriBackend } from './tauri';
import type { Backend } from './types';

export type { AppInfo, Backend } from './types';

/**
 * The desktop app's IPC when the UI runs inside Tauri, the in-memory mock otherwise. The mock
 * is its own chunk, loaded only in a plain browser: the desktop app never parses it before its
 * first paint.
 */
export async function selectBackend(insideTauri: boolean = isTauri()): Promise<Backend> {
  if (insideTauri) {
    return createTauriBackend();
  }
  const { createMockBackend } = await import('./mock');
  return createMockBackend();
}
