import { m } from '../i18n';
import type { Backend } from '../backend';
import { errorMessage } from '../backend/operations';
import type { ProfileSummary } from '../bindings/ProfileSummary';

/**
 * The Microsoft 365 tenant as screens name it: its domain, else its name, else its Directory ID
 * (guided mode never reads the domain).
 */
export function tenantLabel(summary: ProfileSummary): string {
  if (summary.tenant_domain) {
    return summary.tenant_domain;
  }
  if (summary.tenant_name) {
    return summary.tenant_name;
  }
  if (summary.tenant_id) {
    return m.target_tenant_id({ id: summary.tenant_id });
  }
  return m.target_not_recorded();
}

/** The profile a screen acts on (and whether its PBX and tenant are the demo's emulators), or why it cannot be named. */
export type Target = { summary: ProfileSummary; demo: boolean } | { error: string };

/** Looks up `profile` among the saved ones; an unknown name is an error that says what to do. */
export async function loadTarget(backend: Pick<Backend, 'profileSummaries' | 'appInfo'>, profile: string): Promise<Target> {
  try {
    const [summaries, info] = await Promise.all([backend.profileSummaries(), backend.appInfo()]);
    const summary = summaries.find((candidate) => candidate.name === profile);
    return summary
      ? { summary, demo: info.demo }
      : { error: m.target_unknown_profile({ profile }) };
  } catch (cause) {
    return { error: m.target_read_failed({ profile, reason: errorMessage(cause) }) };
  }
}
