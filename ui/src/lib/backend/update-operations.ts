import type { UpdateInstalled } from '../bindings/UpdateInstalled';
import type { UpdateStatus } from '../bindings/UpdateStatus';

/** Signed updates (src-tauri/src/update_commands.rs). */
export interface UpdateOperations {
  /**
   * Asks the update endpoint for a newer release. Says `off` (demo mode, an administrator's
   * policy, the environment or the user's settings) without asking anyone. Rejects with an
   * `UpdateFailure`.
   */
  checkForUpdate(): Promise<UpdateStatus>;
  /**
   * Downloads the release the last check found, verifies its signature against the release key
   * and installs it; the new version runs from the next start. Ask first. Rejects with an
   * `UpdateFailure`, and then nothing was installed.
   */
  installUpdate(): Promise<UpdateInstalled>;
}
