import { intlLocale, m } from '../i18n';
import type { CertificateState } from '../bindings/CertificateState';
import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { MismatchCause } from '../bindings/MismatchCause';
import type { Unchecked } from '../bindings/Unchecked';
import { describeError } from '../i18n/errors';
import type { Tone } from '../sync/progress';

/** "Expires today", "1 day left", "30 days left", "Expired 1 day ago". */
export function daysLeftLabel(days: number | null): string {
  if (days === null) {
    return m.cert_expiry_unknown();
  }
  if (days === 0) {
    return m.cert_expires_today();
  }
  if (days < 0) {
    return m.cert_expired_days_ago({ count: -days });
  }
  return m.cert_days_left({ count: days });
}

export interface Badge {
  label: string;
  tone: Tone;
}

export function stateBadge(state: CertificateState): Badge {
  switch (state.state) {
    case 'healthy':
      return { label: m.cert_state_healthy(), tone: 'good' };
    case 'expiring':
      return { label: m.cert_state_expiring({ days: state.threshold_days }), tone: 'warning' };
    case 'expired':
      return { label: m.cert_state_expired(), tone: 'bad' };
    case 'mismatched':
      return { label: m.cert_state_mismatched(), tone: 'bad' };
    case 'unknown':
      return { label: m.state_unknown(), tone: 'neutral' };
  }
}

/** A date as the admin reads it, in their locale; the raw value when it is not a date. */
export function formatDate(rfc3339: string | null, locale?: string): string {
  if (rfc3339 === null) {
    return '—';
  }
  const at = new Date(rfc3339);
  if (Number.isNaN(at.getTime())) {
    return rfc3339;
  }
  return at.toLocaleString(locale ?? intlLocale(), { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The certificate's state as a sentence in the UI language, worded from the typed state (the
 * engine's `message` is its English twin). A mismatch's detail is the engine's own text.
 */
export function statusSentence(status: CertificateStatus): string {
  const until = formatDate(status.expires_at);
  const state = status.state;
  switch (state.state) {
    case 'healthy':
      return m.cert_status_healthy({ until, count: state.days_left });
    case 'expiring': {
      const sentence = m.cert_status_expiring({ until, count: state.days_left });
      return status.app_match.kind === 'unchecked'
        ? `${sentence} ${m.cert_status_unchecked({ reason: uncheckedReason(status.app_match) })}`
        : sentence;
    }
    case 'expired':
      return m.cert_status_expired({ when: formatDate(state.expired_at) });
    case 'mismatched':
      return m.cert_status_mismatched();
    case 'unknown':
      return m.cert_status_unknown({ reason: uncheckedReason(state) });
  }
}

/** Why a certificate could not be checked, in the UI language; the PBX's or Microsoft's own text stays quoted. */
export function uncheckedReason(unchecked: Unchecked): string {
  // An engine error is worded by the catalogue; a status from before the engine sent a cause
  // has only its English reason.
  const detail = unchecked.error ? describeError(unchecked.error) : unchecked.detail || unchecked.reason;
  switch (unchecked.cause) {
    case 'no-app-registration':
      return m.cert_unchecked_no_app_registration();
    case 'pbx-unreadable':
      return m.cert_unchecked_pbx_unreadable({ detail });
    case 'pbx-sign-in-failed':
      return m.cert_unchecked_pbx_sign_in_failed({ detail });
    case 'not-connected':
      return m.cert_unchecked_not_connected({ detail });
  }
}

/** What a mismatch means and what to do, in the UI language; Microsoft's words stay quoted. */
export function mismatchDetail(status: CertificateStatus, cause: MismatchCause, said: string | null): string {
  const thumbprint = status.pbx_certificate?.sha1_thumbprint ?? '—';
  switch (cause) {
    case 'no-key-pair':
      return m.cert_mismatch_no_key_pair();
    case 'refused-by-microsoft':
      return m.cert_mismatch_refused({ thumbprint, said: said ?? '' });
    case 'not-on-app':
      return m.cert_mismatch_not_on_app({ thumbprint });
  }
}

/** A thumbprint in groups of four, easier to compare by eye with Entra's. */
export function groupThumbprint(thumbprint: string | null): string {
  return thumbprint === null ? '—' : (thumbprint.match(/.{1,4}/g) ?? []).join(' ');
}
