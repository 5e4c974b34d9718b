import type { CloudChoice } from '../bindings/CloudChoice';
import type { Feature } from '../bindings/Feature';
import type { OptionalGrant } from '../bindings/OptionalGrant';
import type { Profile } from '../bindings/Profile';
import type { StepId } from '../bindings/StepId';
import type { SyncOptions } from '../bindings/SyncOptions';
import { canonical } from './progress';

/*
 * The input each step with a form is checked with, as the text a form's current input is
 * compared by (progress.ts). A form and a resumed profile describe the same choice the same way,
 * so a returning admin who changes nothing has nothing stale.
 */

/** Connect: where and as whom (the password is not a choice: a new one signs in the same). */
export function connectInput(pbx: { url: string; domain: string | null; username: string }): string {
  return canonical({ url: pbx.url.trim(), domain: pbx.domain?.trim() ?? '', username: pbx.username.trim() });
}

/** Microsoft: the cloud and the mode, and in guided mode the two IDs (not how one signs in). */
export function microsoftInput(choice: { mode: 'auto' | 'guided'; cloud: CloudChoice; tenantId: string; appId: string }): string {
  return choice.mode === 'auto'
    ? canonical({ mode: 'auto', cloud: choice.cloud })
    : canonical({ mode: 'guided', cloud: choice.cloud, tenant_id: choice.tenantId.trim().toLowerCase(), app_id: choice.appId.trim().toLowerCase() });
}

/** What the app registration page's form holds. */
export interface AppForm {
  features: Feature[];
  optionalGrants: OptionalGrant[];
}

/** The app registration form of a new setup: users and single sign-on, no optional grants. */
export const DEFAULT_APP_FORM: AppForm = { features: ['users', 'sso'], optionalGrants: [] };

/** The app registration form as it starts: as the admin left it, else the resumed profile's choices. */
export function appFormStart(kept: AppForm | undefined, saved: Profile | null): AppForm {
  return kept ?? (saved ? { features: [...saved.features], optionalGrants: [...saved.optional_grants] } : DEFAULT_APP_FORM);
}

/** App registration: the features and the optional grants, in any order. */
export function appInput(features: readonly Feature[], grants: readonly OptionalGrant[]): string {
  return canonical({ features: [...features].sort(), optional_grants: [...grants].sort() });
}

export function syncInput(options: SyncOptions): string {
  return canonical(options);
}

/** The inputs a resumed profile's completed steps were checked with. */
export function checkedFromProfile(profile: Profile, completed: readonly StepId[]): Partial<Record<StepId, string>> {
  const inputs: Partial<Record<StepId, string>> = {
    'connect-pbx': connectInput(profile.pbx),
    microsoft: microsoftInput({
      mode: profile.microsoft.mode,
      cloud: profile.microsoft.cloud,
      tenantId: profile.microsoft.tenant_id ?? '',
      appId: profile.app?.app_id ?? '',
    }),
    'app-registration': appInput(profile.features, profile.optional_grants),
    ...(profile.sync && { 'sync-options': syncInput(profile.sync) }),
  };
  return Object.fromEntries(completed.map((step) => [step, inputs[step] ?? '{}']));
}
