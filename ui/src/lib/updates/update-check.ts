import type { UpdateOperations } from '../backend/update-operations';
import type { UpdateStatus } from '../bindings/UpdateStatus';

const checks = new WeakMap<UpdateOperations, Promise<UpdateStatus>>();

/**
 * The run's one update check: the notice asks at start and About shows the same answer, so
 * opening About neither asks the update server again nor forgets the update the check found.
 */
export function updateCheck(backend: UpdateOperations): Promise<UpdateStatus> {
  let check = checks.get(backend);
  if (check === undefined) {
    check = backend.checkForUpdate();
    checks.set(backend, check);
  }
  return check;
}
