import { invoke } from '@tauri-apps/api/core';
import { createTauriOperations } from './tauri-operations';
import { createTauriWizard } from './wizard-tauri';
import type { AppInfo, Backend } from './types';

/** The backend inside the desktop app: each method is one Tauri command. */
export function createTauriBackend(): Backend {
  return {
    kind: 'tauri',
    ...createTauriOperations(),
    ...createTauriWizard(),
    appInfo: () => invoke<AppInfo>('app_info'),
  };
}
