import type { ActionNote } from '../bindings/ActionNote';
import { m } from '../i18n';

/** One note of the engine (sync/note.rs `ActionNote`) in the UI language. */
export function describeNote(note: ActionNote): string {
  switch (note.code) {
    case 'unclassified-created':
      return m.sync_note_unclassified_created();
    case 'display-name-cut':
      return m.sync_note_display_name_cut({ limit: note.limit });
    case 'left-unfinished':
      return m.sync_note_left_unfinished({ run_id: note.run_id });
    case 'other':
      // A note of a later version, read from the history database: shown as it was written.
      return note.text;
  }
}

/** A user's notes, in the UI language, as one text. */
export function describeNotes(notes: readonly ActionNote[]): string {
  return notes.map(describeNote).join(m.sync_note_separator());
}
