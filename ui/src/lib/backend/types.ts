import type { FirstPaint } from '../first-paint';
import type { Locale } from '../paraglide/runtime.js';
import type { DiagnosticsOperations } from './diagnostics-operations';
import type { DirectoryOperations } from './directory-operations';
import type { CertificateOperations, SyncOperations } from './operations';
import type { ResetOperations } from './reset-operations';
import type { UpdateOperations } from './update-operations';
import type { WizardOperations } from './wizard-operations';

/** What the running app reports about itself (`app_info` in src-tauri/src/commands.rs). */
export interface AppInfo {
  version: string;
  demo: boolean;
}

/**
 * Everything the UI asks of the product. The desktop app answers through Tauri's IPC; the
 * browser preview and the browser tests answer with a mock that talks to nothing.
 */
export interface Backend
  extends SyncOperations,
    CertificateOperations,
    ResetOperations,
    WizardOperations,
    DirectoryOperations,
    DiagnosticsOperations,
    UpdateOperations {
  /** `tauri` inside the desktop app, `mock` in a plain browser. */
  readonly kind: 'tauri' | 'mock';
  appInfo(): Promise<AppInfo>;
  /** When the page started and drew its first frame; the app prints it only for `make footprint`. */
  reportFirstPaint(paint: FirstPaint): Promise<void>;
  /**
   * The language the window shows, so the tray speaks it too; `saved` when it is the admin's
   * saved choice (the app keeps a copy for starting hidden in the tray), not the OS language.
   */
  setUiLanguage(language: Locale, saved: boolean): Promise<void>;
  /**
   * Screens the app asks the window to show (a clicked notification opens the screen it is
   * about); `route` is what `#/` is followed by. Resolves to the function that stops listening.
   */
  onNavigate(listener: (route: string) => void): Promise<() => void>;
}
