import { m } from '../i18n';
import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { RunSummary } from '../bindings/RunSummary';
import type { VerificationSummary } from '../bindings/VerificationSummary';
import type { Tone } from '../sync/progress';

/** One profile's integration as the dashboard sums it up. */
export interface ProfileHealth {
  profile: string;
  certificate: CertificateStatus;
  verification: VerificationSummary | null;
  lastRun: RunSummary | null;
}

export interface HealthVerdict {
  tone: Tone;
  label: string;
  /** The most urgent thing to do, if any. */
  action: string | null;
}

/** The worst of the certificate, the last verification and the last sync decides. */
export function verdict(health: ProfileHealth): HealthVerdict {
  const state = health.certificate.state;
  if (state.state === 'expired' || state.state === 'mismatched') {
    return { tone: 'bad', label: m.health_broken(), action: m.health_action_rotate() };
  }
  if (health.verification !== null && !health.verification.passed) {
    return { tone: 'bad', label: m.health_needs_attention(), action: m.health_action_verify_again() };
  }
  if (health.lastRun?.status === 'failed') {
    return { tone: 'bad', label: m.health_needs_attention(), action: m.health_action_open_last_run() };
  }
  if (state.state === 'expiring') {
    return { tone: 'warning', label: m.health_action_soon(), action: m.health_action_rotate_before_expiry() };
  }
  if (health.lastRun?.status === 'completed-with-failures' || health.lastRun?.status === 'interrupted') {
    return { tone: 'warning', label: m.health_working_with_warnings(), action: m.health_action_review_failed_users() };
  }
  if (state.state === 'unknown') {
    return { tone: 'neutral', label: m.state_unknown(), action: null };
  }
  return { tone: 'good', label: m.cert_state_healthy(), action: null };
}
