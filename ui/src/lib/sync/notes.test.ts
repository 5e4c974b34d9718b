import { afterEach, describe, expect, it } from 'vitest';
import type { ActionNote } from '../bindings/ActionNote';
import samples from '../bindings/note-samples.json';
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
      let rest = describeNote(note);
      for (const [name, value] of Object.entries(note)) {
        if (name === 'code') continue;
        expect(rest, note.code).toContain(String(value));
        rest = rest.split(String(value)).join(' ');
      }
      expect(rest, note.code).not.toMatch(/[A-Za-z]+[\s,]+[A-Za-z]+[\s,]+[A-Za-z]+/);
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
