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
    return { tone: 'bad', label: 'Broken', action: 'Rotate the certificate' };
  }
  if (health.verification !== null && !health.verification.passed) {
    return { tone: 'bad', label: 'Needs attention', action: 'Run the verification again and apply its fixes' };
  }
  if (health.lastRun?.status === 'failed') {
    return { tone: 'bad', label: 'Needs attention', action: 'Open the last sync run to see why it failed' };
  }
  if (state.state === 'expiring') {
    return { tone: 'warning', label: 'Action soon', action: 'Rotate the certificate before it expires' };
  }
  if (health.lastRun?.status === 'completed-with-failures' || health.lastRun?.status === 'interrupted') {
    return { tone: 'warning', label: 'Working, with warnings', action: 'Review the users that failed in the last sync' };
  }
  if (state.state === 'unknown') {
    return { tone: 'neutral', label: 'Unknown', action: null };
  }
  return { tone: 'good', label: 'Healthy', action: null };
}
