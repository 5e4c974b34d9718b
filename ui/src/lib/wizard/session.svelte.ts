import { m } from '../i18n';
import { announce } from '../shell/announcer.svelte';
import type { AppRegistrationSummary } from '../bindings/AppRegistrationSummary';
import type { ApplyOutcome } from '../bindings/ApplyOutcome';
import type { ConsentSummary } from '../bindings/ConsentSummary';
import type { DoctorReport } from '../bindings/DoctorReport';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { Feature } from '../bindings/Feature';
import type { KeyPairSummary } from '../bindings/KeyPairSummary';
import type { MicrosoftSummary } from '../bindings/MicrosoftSummary';
import type { PbxSummary } from '../bindings/PbxSummary';
import type { Profile } from '../bindings/Profile';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { Review } from '../bindings/Review';
import type { StepId } from '../bindings/StepId';
import type { SyncOptionsSummary } from '../bindings/SyncOptionsSummary';
import type { WizardState } from '../bindings/WizardState';
import type { Backend } from '../backend';
import type { DemoDefaults } from '../backend/wizard-operations';
import { toErrorReport } from '../backend/wizard-operations';
import type { ChecksInput } from '../bindings/ChecksInput';
import { adminSignInOffered } from '../connect/edition';
import { optionsFromForm, type SyncForm, syncFormStart } from '../sync-options/form-state';
import { CHECK_STEPS } from './checklist';
import { type AppForm, appFormStart, appInput, checkedFromProfile, syncInput } from './inputs';
import { completedAfter, markOf, PAGE_STEPS, pageMark, type StepMark, type StepRecord, unmetPageBefore } from './progress';

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
  /** The steps the engine holds as done, in order. */
  completed = $state<StepId[]>([]);
  /** Per step, the input it was last checked with (canonical JSON; `{}` for steps without one). */
  checked = $state<Partial<Record<StepId, string>>>({});
  /** Per step, the input its form holds now. */
  drafts = $state<Partial<Record<StepId, string>>>({});
  /** The saved profile a returning admin resumed: the forms start from its choices. */
  saved = $state<Profile | null>(null);
  /** A saved profile's setup is being brought back (`resume`): every step's progress shows. */
  resuming = $state(false);
  /** The checklist (steps 3–6 at once) is running. */
  checking = $state(false);
  /** The last progress of each check while the checklist runs. */
  checkProgress = $state<Partial<Record<StepId, ProgressEvent>>>({});
  /** What each page's form held, so coming back to a page shows what was typed there. */
  private readonly forms = new Map<string, unknown>();

  constructor(backend: Backend) {
    this.backend = backend;
    void backend.onProgress((event) => {
      if (this.checking) {
        this.checkProgress = { ...this.checkProgress, [event.step]: event };
      } else if (event.step === this.running || this.resuming) {
        this.progress = event;
      }
    });
    void backend.demoDefaults().then((demo) => (this.demo = demo));
  }

  /**
   * Runs one step checked with `input` (canonical JSON, see inputs.ts); on failure keeps the
   * engine's report for the step's page and returns null. Like the engine, a step that starts
   * forgets what the steps after it had decided.
   */
  async run<T>(step: StepId, work: () => Promise<T>, input = '{}'): Promise<T | null> {
    this.running = step;
    this.progress = null;
    this.error = null;
    try {
      const result = await work();
      this.completed = completedAfter(this.completed, step, 'ok');
      this.checked = { ...this.checked, [step]: input };
      // The step's result appears on its page; a screen reader hears that it is there (a failure
      // is said by StepStatus's alert).
      announce(m.status_step_done());
      return result;
    } catch (cause) {
      const report = toErrorReport(cause);
      this.completed = completedAfter(this.completed, step, report.code === 'out-of-order' ? 'refused' : 'failed');
      this.error = { step, report };
      return null;
    } finally {
      this.running = null;
      this.progress = null;
    }
  }

  /** Opens (or reopens) the wizard on the profile named `name`: the engine starts afresh. */
  async open(name: string): Promise<void> {
    const state = await this.backend.wizardOpen(name);
    this.profile = { name, saved: state.profile_exists };
    this.completed = [];
    if (this.saved?.name !== name) {
      // Another profile: the forms no longer start from the one resumed before.
      this.saved = null;
    }
  }

  /**
   * A returning admin: opens the saved profile `name` and has the engine bring it back to page
   * `page` — saved sign-ins resumed, every step before it run with the profile's choices.
   * Returns whether it got there; if not, the failure is on the step that stopped it (a
   * `sign-in-again` report when a saved sign-in expired).
   */
  async resume(name: string, page: string): Promise<boolean> {
    const until = PAGE_STEPS[page]?.[0] ?? 'connect-pbx';
    this.resuming = true;
    this.error = null;
    this.forms.clear();
    this.drafts = {};
    this.checked = {};
    try {
      this.adopt(await this.backend.wizardOpen(name));
      this.adopt(await this.backend.wizardResume(until));
      return true;
    } catch (cause) {
      const report = toErrorReport(cause);
      const state = await this.backend.wizardState().catch(() => null);
      if (state) {
        this.adopt(state);
      }
      this.error = { step: state?.next ?? until, report };
      return false;
    } finally {
      this.resuming = false;
      this.progress = null;
    }
  }

  /**
   * Runs steps 3–6 at once with what their forms hold (else the resumed profile's choices, else
   * the defaults), as the express setup does once the admin has signed in. A failure stays on
   * the check that failed; the checks before it are kept.
   */
  async runChecks(): Promise<boolean> {
    const app = appFormStart(this.formOf<AppForm>('app-registration'), this.saved);
    const sync = syncFormStart(this.formOf<SyncForm>('sync-options'), this.saved?.sync);
    const input: ChecksInput = {
      app: { features: app.features, display_name: null, optional_grants: app.optionalGrants },
      key_pair: { certificate_path: this.saved?.certificate_path ?? null },
      sync: optionsFromForm(sync, app.features, adminSignInOffered(this.pbx?.edition)),
    };
    const inputs: Partial<Record<StepId, string>> = {
      'app-registration': appInput(app.features, app.optionalGrants),
      'key-pair': '{}',
      consent: '{}',
      'sync-options': syncInput(input.sync),
    };
    this.running = 'app-registration';
    this.checking = true;
    this.checkProgress = {};
    this.progress = null;
    this.error = null;
    this.completed = completedAfter(this.completed, 'app-registration', 'failed');
    const take = (state: WizardState) => {
      const kept = CHECK_STEPS.filter((step) => state.completed.includes(step));
      this.completed = [...state.completed];
      this.app = state.app_registration;
      this.features = kept.includes('app-registration') ? [...app.features] : null;
      this.keyPair = state.key_pair;
      this.consent = state.consent;
      this.syncOptions = state.sync_options;
      this.review = null;
      this.applied = null;
      this.verification = null;
      this.checked = { ...this.checked, ...Object.fromEntries(kept.map((step) => [step, inputs[step]])) };
    };
    try {
      take(await this.backend.runChecks(input));
      announce(m.status_step_done());
      return true;
    } catch (cause) {
      const report = toErrorReport(cause);
      const state = await this.backend.wizardState().catch(() => null);
      if (state) {
        take(state);
      }
      this.error = { step: state?.next ?? 'app-registration', report };
      return false;
    } finally {
      this.checking = false;
      this.running = null;
      this.checkProgress = {};
    }
  }

  /** Step 9: waits until the PBX lists the users, then runs every check of the doctor. */
  async verify(): Promise<void> {
    const report = await this.run('verify', () => this.backend.verify());
    if (report) {
      this.verification = report;
    }
  }

  /** Takes over where the engine stands: its findings, and the inputs its steps were checked with. */
  private adopt(state: WizardState): void {
    this.profile = { name: state.profile.name, saved: state.profile_exists };
    this.saved = state.profile_exists ? state.profile : null;
    this.completed = [...state.completed];
    this.pbx = state.pbx;
    this.microsoft = state.microsoft;
    this.app = state.app_registration;
    this.features = state.app_registration ? [...state.profile.features] : null;
    this.keyPair = state.key_pair;
    this.consent = state.consent;
    this.syncOptions = state.sync_options;
    this.review = state.review;
    this.applied = state.apply;
    this.verification = state.verification;
    this.checked = checkedFromProfile(state.profile, state.completed);
  }

  /** What the rail and the pages judge the steps by. */
  get record(): StepRecord {
    return { completed: this.completed, checked: this.checked, drafts: this.drafts };
  }

  /** Done, stale or to do: page `page` of steps.ts. */
  mark(page: string): StepMark {
    return pageMark(this.record, page);
  }

  /** Engine step `step`'s mark. */
  stepMark(step: StepId): StepMark {
    return markOf(this.record, step);
  }

  /** The page that must be done before page `page` can run, or null. */
  unmetBefore(page: string): string | null {
    return unmetPageBefore(this.record, page);
  }

  /** The form of `step` now holds `input` (canonical JSON): different from the checked one makes it stale. */
  setDraft(step: StepId, input: string): void {
    if (this.drafts[step] !== input) {
      this.drafts = { ...this.drafts, [step]: input };
    }
  }

  /** Keeps what page `page`'s form holds, for when the admin comes back to it. */
  keepForm(page: string, form: unknown): void {
    this.forms.set(page, form);
  }

  /** What page `page`'s form held when it was last shown. */
  formOf<T>(page: string): T | undefined {
    return this.forms.get(page) as T | undefined;
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
