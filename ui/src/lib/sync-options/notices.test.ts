import { afterEach, describe, expect, it } from 'vitest';
import type { SyncOptionsNotice } from '../bindings/SyncOptionsNotice';
import samples from '../bindings/sync-options-notice-samples.json';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeSyncOptionsNotice } from './notices';

// One notice of each code (crates/pbx365/src/wizard/sync_options.rs, test
// export_bindings_sync_options_notice_samples) with the engine's English for it.
const pairs = samples as { message: string; notice: SyncOptionsNotice }[];

afterEach(() => chooseLocale('en'));

describe('describeSyncOptionsNotice', () => {
  it("words English as the engine does, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const { message, notice } of pairs) expect(describeSyncOptionsNotice(notice, 'en')).toBe(message);
  });

  it('words every notice in Chinese, naming each administrator, no English sentence left', () => {
    chooseLocale('zh-CN');
    for (const { notice } of pairs) {
      const worded = describeSyncOptionsNotice(notice);
      for (const name of notice.administrators) expect(worded).toContain(name);
      const rest = withoutValues(worded, notice.administrators);
      expect(rest).not.toMatch(ENGLISH_PHRASE);
      expect(rest).toMatch(/\p{Script=Han}/u);
    }
  });
});
