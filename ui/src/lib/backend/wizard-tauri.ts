import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { WizardOperations } from './wizard-operations';

/** The event src-tauri emits each step's progress as (`PROGRESS_EVENT`). */
const PROGRESS_EVENT = 'wizard-progress';

/** The wizard's Tauri commands; each method is one command. */
export function createTauriWizard(): WizardOperations {
  return {
    demoDefaults: () => invoke('demo_defaults'),
    wizardOpen: (name) => invoke('wizard_open', { name }),
    wizardState: () => invoke('wizard_state'),
    wizardResume: (until) => invoke('wizard_resume', { until }),
    connectPbx: (login) => invoke('connect_pbx', { login }),
    signInMicrosoft: (input) => invoke('sign_in_microsoft', { input }),
    useGuidedIds: (input) => invoke('use_guided_ids', { input }),
    planAppRegistration: (input) => invoke('plan_app_registration', { input }),
    planKeyPair: (input) => invoke('plan_key_pair', { input }),
    planConsent: () => invoke('plan_consent'),
    openAdminConsent: () => invoke('open_admin_consent'),
    setSyncOptions: (options) => invoke('set_sync_options', { options }),
    runChecks: (input) => invoke('run_checks', { input }),
    review: () => invoke('review'),
    apply: () => invoke('apply'),
    verify: () => invoke('verify'),
    cancelStep: () => invoke('cancel_step'),
    onProgress: (listener) => listen<ProgressEvent>(PROGRESS_EVENT, (event) => listener(event.payload)),
    // The clipboard-manager plugin's command, granted as clipboard-manager:allow-write-text.
    copyText: (text) => invoke('plugin:clipboard-manager|write_text', { text }),
  };
}
