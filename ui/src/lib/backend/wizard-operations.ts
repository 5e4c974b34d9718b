import type { AppRegistrationInput } from '../bindings/AppRegistrationInput';
import type { AppRegistrationSummary } from '../bindings/AppRegistrationSummary';
import type { ApplyOutcome } from '../bindings/ApplyOutcome';
import type { ChecksInput } from '../bindings/ChecksInput';
import type { ConsentSummary } from '../bindings/ConsentSummary';
import type { DoctorReport } from '../bindings/DoctorReport';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { GuidedIds } from '../bindings/GuidedIds';
import type { KeyPairInput } from '../bindings/KeyPairInput';
import type { KeyPairSummary } from '../bindings/KeyPairSummary';
import type { NationalCloud } from '../bindings/NationalCloud';
import type { MicrosoftSignIn } from '../bindings/MicrosoftSignIn';
import type { MicrosoftSummary } from '../bindings/MicrosoftSummary';
import type { PbxLogin } from '../bindings/PbxLogin';
import type { PbxSummary } from '../bindings/PbxSummary';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { Review } from '../bindings/Review';
import type { StepId } from '../bindings/StepId';
import type { SyncOptions } from '../bindings/SyncOptions';
import type { SyncOptionsSummary } from '../bindings/SyncOptionsSummary';
import type { WizardState } from '../bindings/WizardState';

/** What demo mode prefills (`demo_defaults` in src-tauri/src/demo.rs); public demo values. */
export interface DemoDefaults {
  pbxUrl: string;
  username: string;
  password: string;
  domain: string | null;
  /** The emulators' CA certificate (PEM), trusted for the emulated PBX. */
  caPem: string | null;
  microsoftAuthority: string;
  /** The national cloud the emulated Microsoft cloud plays (`pbx365-setup --demo --cloud`). */
  microsoftCloud: NationalCloud;
  microsoftAdmin: string;
}

/**
 * The setup wizard (src-tauri/src/wizard_commands.rs): one method per engine step. Every step
 * rejects with the engine's {@link ErrorReport}.
 */
export interface WizardOperations {
  demoDefaults(): Promise<DemoDefaults | null>;
  wizardOpen(name: string): Promise<WizardState>;
  /** Where the open wizard stands. */
  wizardState(): Promise<WizardState>;
  /**
   * Brings the open setup of a saved profile back to step `until` (at most the review): saved
   * sign-ins resumed, every step before it run with the profile's choices. An expired saved
   * sign-in rejects with code `sign-in-again`.
   */
  wizardResume(until: StepId): Promise<WizardState>;
  connectPbx(login: PbxLogin): Promise<PbxSummary>;
  signInMicrosoft(input: MicrosoftSignIn): Promise<MicrosoftSummary>;
  useGuidedIds(input: GuidedIds): Promise<MicrosoftSummary>;
  planAppRegistration(input: AppRegistrationInput): Promise<AppRegistrationSummary>;
  planKeyPair(input: KeyPairInput): Promise<KeyPairSummary>;
  planConsent(): Promise<ConsentSummary>;
  openAdminConsent(): Promise<void>;
  setSyncOptions(options: SyncOptions): Promise<SyncOptionsSummary>;
  /**
   * Steps 3–6 at once, their reads concurrent (the express setup's checklist). Rejects with the
   * first failing step's report; {@link wizardState} then says which checks are done.
   */
  runChecks(input: ChecksInput): Promise<WizardState>;
  review(): Promise<Review>;
  apply(): Promise<ApplyOutcome>;
  verify(): Promise<DoctorReport>;
  /** Cancels the running step; `false` when none was running. */
  cancelStep(): Promise<boolean>;
  /** Receives every step's progress; returns the function that stops listening. */
  onProgress(listener: (event: ProgressEvent) => void): Promise<() => void>;
  copyText(text: string): Promise<void>;
}

export function isErrorReport(value: unknown): value is ErrorReport {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

/** Any failure as an ErrorReport, so every screen shows failures one way. */
export function toErrorReport(cause: unknown): ErrorReport {
  if (isErrorReport(cause)) {
    return cause;
  }
  return { code: 'internal', message: String(cause), field: null, apply_step: null };
}
