import type { AppRegistrationSummary } from '../bindings/AppRegistrationSummary';
import type { ApplyOutcome } from '../bindings/ApplyOutcome';
import type { ConsentSummary } from '../bindings/ConsentSummary';
import type { DoctorReport } from '../bindings/DoctorReport';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { Feature } from '../bindings/Feature';
import type { KeyPairSummary } from '../bindings/KeyPairSummary';
import type { MicrosoftSummary } from '../bindings/MicrosoftSummary';
import type { PbxSummary } from '../bindings/PbxSummary';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { Review } from '../bindings/Review';
import type { StepId } from '../bindings/StepId';
import type { SyncOptionsSummary } from '../bindings/SyncOptionsSummary';
import type { Backend } from '../backend';
import type { DemoDefaults } from '../backend/wizard-operations';
import { toErrorReport } from '../backend/wizard-operations';

/** The profile the wizard is setting up, as the header names it. */
export interface WizardProfile {
  name: string;
  /** Whether its file exists: it was set up before, or apply has saved it. */
  saved: boolean;
}

/** What the steps have found so far, the running step's progress and the last failure. */
export class WizardSession {
  readonly backend: Backend;
  demo = $state<DemoDefaults | null>(null);
  profile = $state<WizardProfile | null>(null);
  running = $state<StepId | null>(null);
  progress = $state<ProgressEvent | null>(null);
  error = $state<{ step: StepId; report: ErrorReport } | null>(null);
  pbx = $state<PbxSummary | null>(null);
  microsoft = $state<MicrosoftSummary | null>(null);
  app = $state<AppRegistrationSummary | null>(null);
  /** The features `app` was planned for: its summary does not repeat them, and sync options ask about each. */
  features = $state<Feature[] | null>(null);
  keyPair = $state<KeyPairSummary | null>(null);
  consent = $state<ConsentSummary | null>(null);
  syncOptions = $state<SyncOptionsSummary | null>(null);
  review = $state<Review | null>(null);
  applied = $state<ApplyOutcome | null>(null);
  verification = $state<DoctorReport | null>(null);

  constructor(backend: Backend) {
    this.backend = backend;
    void backend.onProgress((event) => {
      if (event.step === this.running) {
        this.progress = event;
      }
    });
    void backend.demoDefaults().then((demo) => (this.demo = demo));
  }

  /** Runs one step; on failure keeps the engine's report for the step's page and returns null. */
  async run<T>(step: StepId, work: () => Promise<T>): Promise<T | null> {
    this.running = step;
    this.progress = null;
    this.error = null;
    try {
      return await work();
    } catch (cause) {
      this.error = { step, report: toErrorReport(cause) };
      return null;
    } finally {
      this.running = null;
      this.progress = null;
    }
  }

  /** Opens (or reopens) the wizard on the profile named `name`. */
  async open(name: string): Promise<void> {
    const state = await this.backend.wizardOpen(name);
    this.profile = { name, saved: state.profile_exists };
  }

  /** Apply wrote the profile. */
  markSaved(): void {
    if (this.profile) {
      this.profile = { ...this.profile, saved: true };
    }
  }

  errorFor(step: StepId): ErrorReport | null {
    return this.error?.step === step ? this.error.report : null;
  }

  async cancel(): Promise<void> {
    await this.backend.cancelStep();
  }
}
