import type { SyncOptionsNotice } from '../bindings/SyncOptionsNotice';
import { formatList, m } from '../i18n';
import type { Locale } from '../paraglide/runtime.js';

/**
 * A notice of the engine on the accepted options (wizard/sync_options.rs `SyncOptionsNotice`)
 * in the UI language, or in `locale` (the mock engine's English).
 */
export function describeSyncOptionsNotice(notice: SyncOptionsNotice, locale?: Locale): string {
  const o = locale ? { locale } : {};
  switch (notice.code) {
    case 'administrators-dropped':
      return m.sync_options_notice_administrators_dropped(
        {
          gone: m.admin_sign_in_gone({}, o),
          count: notice.administrators.length,
          // The engine's English lists them with commas; the UI in its own language.
          administrators: locale ? notice.administrators.join(', ') : formatList(notice.administrators),
        },
        o,
      );
  }
}
