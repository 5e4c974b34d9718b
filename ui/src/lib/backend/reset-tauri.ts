import { Channel, invoke } from '@tauri-apps/api/core';
import type { ResetEvent } from '../bindings/ResetEvent';
import type { ResetPlan } from '../bindings/ResetPlan';
import type { ResetReport } from '../bindings/ResetReport';
import type { ResetOperations } from './reset-operations';

/** The reset commands of src-tauri (reset_commands.rs); each method is one command. */
export function createTauriReset(): ResetOperations {
  return {
    // Tauri hands the commands' snake_case arguments over in camelCase.
    resetPlan: (profile, deleteApp) => invoke<ResetPlan>('reset_plan', { profile, deleteApp }),
    resetRun: (profile, deleteApp, onEvent) => {
      const events = new Channel<ResetEvent>();
      events.onmessage = onEvent;
      return invoke<ResetReport>('reset_run', { profile, deleteApp, events });
    },
  };
}
