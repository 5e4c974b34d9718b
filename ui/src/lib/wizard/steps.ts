import { m } from '../i18n';

/** One step of the setup wizard, in the order of DESIGN.md's flow. */
export interface WizardStep {
  id: string;
  /** Short name in the left rail (a getter: read in the current language). */
  readonly title: string;
  /** The page heading. */
  readonly heading: string;
  /** What the step does, in the admin's terms. */
  readonly summary: string;
}

export const WIZARD_STEPS: readonly WizardStep[] = [
  {
    id: 'connect-pbx',
    get title() {
      return m.step_connect_pbx_title();
    },
    get heading() {
      return m.step_connect_pbx_heading();
    },
    get summary() {
      return m.step_connect_pbx_summary();
    },
  },
  {
    id: 'microsoft-account',
    get title() {
      return m.step_microsoft_account_title();
    },
    get heading() {
      return m.step_microsoft_account_heading();
    },
    get summary() {
      return m.step_microsoft_account_summary();
    },
  },
  {
    id: 'app-registration',
    get title() {
      return m.step_app_registration_title();
    },
    get heading() {
      return m.step_app_registration_heading();
    },
    get summary() {
      return m.step_app_registration_summary();
    },
  },
  {
    id: 'key-pair',
    get title() {
      return m.step_key_pair_title();
    },
    get heading() {
      return m.step_key_pair_heading();
    },
    get summary() {
      return m.step_key_pair_summary();
    },
  },
  {
    id: 'consent',
    get title() {
      return m.step_consent_title();
    },
    get heading() {
      return m.step_consent_heading();
    },
    get summary() {
      return m.step_consent_summary();
    },
  },
  {
    id: 'sync-options',
    get title() {
      return m.step_sync_options_title();
    },
    get heading() {
      return m.step_sync_options_heading();
    },
    get summary() {
      return m.step_sync_options_summary();
    },
  },
  {
    id: 'review-apply',
    get title() {
      return m.step_review_apply_title();
    },
    get heading() {
      return m.step_review_apply_heading();
    },
    get summary() {
      return m.step_review_apply_summary();
    },
  },
  {
    id: 'verify',
    get title() {
      return m.step_verify_title();
    },
    get heading() {
      return m.step_verify_heading();
    },
    get summary() {
      return m.step_verify_summary();
    },
  },
];
