import type { DirectoryCheck } from '../bindings/DirectoryCheck';
import type { DirectoryGroup } from '../bindings/DirectoryGroup';
import type { DirectoryPerson } from '../bindings/DirectoryPerson';

/**
 * The tenant's directory for the pickers (src-tauri/src/directory_commands.rs), read through the
 * open wizard's Microsoft sign-in. Only automatic mode has it: in guided mode each call rejects
 * with the `directory-guided` error report, and the UI keeps typed lists.
 */
export interface DirectoryOperations {
  /** People whose name has a word starting with `query`, or whose UPN starts with it; none under 2 characters. */
  directorySearchPeople(query: string): Promise<DirectoryPerson[]>;
  /** Groups whose name has a word starting with `query`, or whose mail address starts with it. */
  directorySearchGroups(query: string): Promise<DirectoryGroup[]>;
  /** Pasted user principal names or mail addresses looked up; the ones nobody has come back in `unknown`. */
  directoryCheckPeople(entries: string[]): Promise<DirectoryCheck>;
}
