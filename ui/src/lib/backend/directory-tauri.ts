import { invoke } from '@tauri-apps/api/core';
import type { DirectoryCheck } from '../bindings/DirectoryCheck';
import type { DirectoryGroup } from '../bindings/DirectoryGroup';
import type { DirectoryPerson } from '../bindings/DirectoryPerson';
import type { DirectoryOperations } from './directory-operations';

/** The directory commands of src-tauri (directory_commands.rs); each method is one command. */
export function createTauriDirectory(): DirectoryOperations {
  return {
    directorySearchPeople: (query) => invoke<DirectoryPerson[]>('directory_search_people', { query }),
    directorySearchGroups: (query) => invoke<DirectoryGroup[]>('directory_search_groups', { query }),
    directoryCheckPeople: (entries) => invoke<DirectoryCheck>('directory_check_people', { entries }),
  };
}
