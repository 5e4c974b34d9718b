import type { CertificateState } from '../bindings/CertificateState';
import type { Tone } from '../sync/progress';

/** "Expires today", "1 day left", "30 days left", "Expired 1 day ago". */
export function daysLeftLabel(days: number | null): string {
  if (days === null) {
    return 'Expiry unknown';
  }
  if (days === 0) {
    return 'Expires today';
  }
  if (days < 0) {
    const ago = -days;
    return `Expired ${ago} ${ago === 1 ? 'day' : 'days'} ago`;
  }
  return `${days} ${days === 1 ? 'day' : 'days'} left`;
}

export interface Badge {
  label: string;
  tone: Tone;
}

export function stateBadge(state: CertificateState): Badge {
  switch (state.state) {
    case 'healthy':
      return { label: 'Healthy', tone: 'good' };
    case 'expiring':
      return { label: `Expiring (${state.threshold_days}-day reminder)`, tone: 'warning' };
    case 'expired':
      return { label: 'Expired', tone: 'bad' };
    case 'mismatched':
      return { label: 'Mismatched', tone: 'bad' };
    case 'unknown':
      return { label: 'Unknown', tone: 'neutral' };
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
  return at.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A thumbprint in groups of four, easier to compare by eye with Entra's. */
export function groupThumbprint(thumbprint: string | null): string {
  return thumbprint === null ? '—' : (thumbprint.match(/.{1,4}/g) ?? []).join(' ');
}
