import { invoke } from '@tauri-apps/api/core';
import type { UpdateInstalled } from '../bindings/UpdateInstalled';
import type { UpdateStatus } from '../bindings/UpdateStatus';
import type { UpdateOperations } from './update-operations';

export function createTauriUpdates(): UpdateOperations {
  return {
    checkForUpdate: () => invoke<UpdateStatus>('update_check'),
    installUpdate: () => invoke<UpdateInstalled>('update_install'),
  };
}
