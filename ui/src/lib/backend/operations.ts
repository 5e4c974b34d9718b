import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { DriftReport } from '../bindings/DriftReport';
import type { Plan } from '../bindings/Plan';
import type { ProfileSummary } from '../bindings/ProfileSummary';
import type { RotationEvent } from '../bindings/RotationEvent';
import type { RotationPlan } from '../bindings/RotationPlan';
import type { RotationReport } from '../bindings/RotationReport';
import type { RotationStep } from '../bindings/RotationStep';
import type { RunDetail } from '../bindings/RunDetail';
import type { RunSummary } from '../bindings/RunSummary';
import type { SyncEvent } from '../bindings/SyncEvent';
import type { VerificationSummary } from '../bindings/VerificationSummary';
import type { RotationCause } from '../bindings/RotationCause';
import { describeRotationCause, describeRotationNext } from '../certificates/rotation-stop';
import type { RotationNext } from '../bindings/RotationNext';
import type { RotationState } from '../bindings/RotationState';

/**
 * Why a rotation stopped (the engine's `RotationError`): where, what the integration does now,
 * and how to finish. A second rotation picks up from `step`.
 */
export interface RotationFailure {
  profile: string;
  step: RotationStep;
  cause: RotationCause;
  /** Sync still works with the old certificate. */
  sync_works: boolean;
  state: RotationState;
  next: RotationNext;
}

/** Sync runs (src-tauri/src/sync_commands.rs), one method per command. */
export interface SyncOperations {
  /** The saved profiles' names, in the order the app lists them. */
  profileNames(): Promise<string[]>;
  /** The saved profiles as screens that act on one name it (its PBX, its Microsoft tenant), in the same order. */
  profileSummaries(): Promise<ProfileSummary[]>;
  /**
   * The dry run: exactly what `syncNow` would do with the same `createUnclassified`.
   *
   * `createUnclassified` is the admin's choice for one run: whether new users the source cannot
   * classify (the PBX's view of Microsoft 365 does not say who is a guest or disabled) are created
   * anyway, or held back and listed in `skipped` with the reason `unclassified`.
   */
  syncPreview(profile: string, createUnclassified: boolean): Promise<Plan>;
  /**
   * Runs a sync; `onEvent` receives every progress event until the run's summary returns.
   * `createUnclassified` as for {@link syncPreview}: pass the choice of the preview the admin saw.
   */
  syncNow(profile: string, createUnclassified: boolean, onEvent: (event: SyncEvent) => void): Promise<RunSummary>;
  /** Asks the running sync of `profile` to stop after the requests in flight. */
  cancelSync(profile: string): Promise<void>;
  syncHistory(profile: string, limit: number): Promise<RunSummary[]>;
  syncRun(runId: number): Promise<RunDetail>;
  /** The run as CSV text, one line per user. */
  exportRunCsv(runId: number): Promise<string>;
  drift(profile: string): Promise<DriftReport>;
}

/** Certificates, reminders and autostart (src-tauri/src/certificate_commands.rs). */
export interface CertificateOperations {
  /** Every saved profile's certificate status, in profile order. */
  certificateStatuses(): Promise<CertificateStatus[]>;
  /** One saved profile's certificate status (the dashboard fills its cards one by one). */
  certificateStatus(profile: string): Promise<CertificateStatus>;
  lastVerification(profile: string): Promise<VerificationSummary | null>;
  rotationPlan(profile: string): Promise<RotationPlan>;
  /** Rejects with a {@link RotationFailure} when a step fails. */
  rotateCertificate(profile: string, onEvent: (event: RotationEvent) => void): Promise<RotationReport>;
  autostartEnabled(): Promise<boolean>;
  setAutostart(enabled: boolean): Promise<void>;
}

export function isRotationFailure(value: unknown): value is RotationFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    'step' in value &&
    'cause' in value &&
    'next' in value &&
    'state' in value
  );
}

/** The sentence to show for a failed call: the engine's message, or the error as text. */
export function errorMessage(cause: unknown): string {
  if (isRotationFailure(cause)) {
    return `${describeRotationCause(cause.cause)} ${describeRotationNext(cause.next)}`;
  }
  if (typeof cause === 'object' && cause !== null && 'message' in cause && typeof cause.message === 'string') {
    return cause.message;
  }
  return String(cause);
}
