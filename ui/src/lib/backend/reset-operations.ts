import type { ErrorReport } from '../bindings/ErrorReport';
import type { ResetEvent } from '../bindings/ResetEvent';
import type { ResetPlan } from '../bindings/ResetPlan';
import type { ResetReport } from '../bindings/ResetReport';
import type { ResetStep } from '../bindings/ResetStep';

/**
 * Why a reset did not finish (`ResetFailure` in src-tauri/src/reset_commands.rs): the engine's
 * report — a stable code, the English sentence (what is done already, and that running the reset
 * again continues where it stopped), the values the UI words it with and the step's own failure
 * as `cause` — and the step that stopped, `null` when nothing was changed.
 */
export interface ResetFailure extends ErrorReport {
  step: ResetStep | null;
}

/** Disconnect, the reset of one profile's integration (src-tauri/src/reset_commands.rs). */
export interface ResetOperations {
  /**
   * What disconnecting `profile` would do, for the admin to confirm; reads only. `deleteApp`
   * deletes the app registration instead of only taking the PBX's certificate off it.
   */
  resetPlan(profile: string, deleteApp: boolean): Promise<ResetPlan>;
  /**
   * The reset, once its plan was confirmed: the PBX, Microsoft Entra, then this computer;
   * `onEvent` receives each step's progress. Rejects with a {@link ResetFailure}; calling it
   * again continues where it stopped.
   */
  resetRun(profile: string, deleteApp: boolean, onEvent: (event: ResetEvent) => void): Promise<ResetReport>;
}

export function isResetFailure(value: unknown): value is ResetFailure {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value && 'step' in value;
}
