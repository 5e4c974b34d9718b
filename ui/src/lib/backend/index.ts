import { isTauri } from '@tauri-apps/api/core';
import { createMockBackend } from './mock';
import { createTauriBackend } from './tauri';
import type { Backend } from './types';

export type { AppInfo, Backend } from './types';

/** The desktop app's IPC when the UI runs inside Tauri, the in-memory mock otherwise. */
export function selectBackend(insideTauri: boolean = isTauri()): Backend {
  return insideTauri ? createTauriBackend() : createMockBackend();
}
