import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { createTauriDiagnostics } from './diagnostics-tauri';
import { createTauriDirectory } from './directory-tauri';
import { createTauriReset } from './reset-tauri';
import { createTauriOperations } from './tauri-operations';
import { createTauriUpdates } from './update-tauri';
import { createTauriWizard } from './wizard-tauri';
import type { AppInfo, Backend } from './types';

/** The event src-tauri emits when a clicked notification opens a screen (`NAVIGATE_EVENT`). */
export const NAVIGATE_EVENT = 'navigate';

/** The backend inside the desktop app: each method is one Tauri command. */
export function createTauriBackend(): Backend {
  return {
    kind: 'tauri',
    ...createTauriOperations(),
    ...createTauriReset(),
    ...createTauriWizard(),
    ...createTauriDirectory(),
    ...createTauriDiagnostics(),
    ...createTauriUpdates(),
    appInfo: () => invoke<AppInfo>('app_info'),
    reportFirstPaint: (paint) => invoke<void>('report_first_paint', { ...paint }),
    setUiLanguage: (language, saved) => invoke<void>('set_ui_language', { language, saved }),
    onNavigate: (listener) => listen<{ route: string }>(NAVIGATE_EVENT, (event) => listener(event.payload.route)),
  };
}
