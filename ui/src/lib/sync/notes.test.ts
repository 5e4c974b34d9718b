import { afterEach, describe, expect, it } from 'vitest';
import type { ActionNote } from '../bindings/ActionNote';
import samples from '../bindings/note-samples.json';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeNote, describeNotes } from './notes';

// One note of each code (crates/pbx365/src/sync/note.rs, test export_bindings_note_samples)
// with the engine's English for it.
const pairs = samples as { message: string; note: ActionNote }[];

afterEach(() => chooseLocale('en'));

describe('describeNote', () => {
  it('words English as the engine does', () => {
    for (const { message, note } of pairs) expect(describeNote(note), note.code).toBe(message);
  });

  it('words every known note in Chinese, its values kept, no English sentence left', () => {
    chooseLocale('zh-CN');
    for (const { note } of pairs.filter((pair) => pair.note.code !== 'other')) {
      const worded = describeNote(note);
      const values = Object.entries(note)
        .filter(([name]) => name !== 'code')
        .map(([, value]) => String(value));
      for (const value of values) expect(worded, note.code).toContain(value);
      const rest = withoutValues(worded, values);
      expect(rest, note.code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, note.code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('joins several notes in the UI language', () => {
    chooseLocale('zh-CN');
    const text = describeNotes([{ code: 'unclassified-created' }, { code: 'display-name-cut', limit: 64 }]);
    expect(text).toContain('；');
    expect(text).toContain('64');
  });
});
