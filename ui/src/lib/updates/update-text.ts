import type { UpdateFailure } from '../bindings/UpdateFailure';
import type { UpdatesOff } from '../bindings/UpdatesOff';
import { m } from '../i18n';

/** A check's or an install's failure in the UI's language; nothing was installed in any. */
export function describeUpdateFailure(failure: UpdateFailure): string {
  switch (failure.code) {
    case 'unreachable':
      return m.update_failure_unreachable({ endpoint: failure.endpoint, detail: failure.detail });
    case 'bad-manifest':
      return m.update_failure_bad_manifest({ endpoint: failure.endpoint, detail: failure.detail });
    case 'no-package':
      return m.update_failure_no_package({ targets: failure.targets.join(', ') });
    case 'signature-invalid':
      return m.update_failure_signature_invalid({ detail: failure.detail });
    case 'download-failed':
      return m.update_failure_download_failed({ detail: failure.detail });
    case 'install-failed':
      return m.update_failure_install_failed({ detail: failure.detail });
    case 'nothing-to-install':
      return m.update_failure_nothing_to_install();
  }
}

/** A rejection of the update commands: an `UpdateFailure`, or the IPC's own error text. */
export function describeUpdateError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return describeUpdateFailure(error as UpdateFailure);
  }
  return m.update_failure_other({ detail: String(error) });
}

/** Why update checks are off, in the UI's language (the CLI's English: `UpdatesOff`'s Display). */
export function describeUpdatesOff(reason: UpdatesOff): string {
  switch (reason.code) {
    case 'demo':
      return m.update_off_demo();
    case 'policy':
      return m.update_off_policy({ file: reason.file });
    case 'policy-unreadable':
      return m.update_off_policy_unreadable({ file: reason.file, reason: reason.reason });
    case 'environment':
      return m.update_off_environment({ variable: reason.variable });
    case 'environment-invalid':
      return m.update_off_environment_invalid({ variable: reason.variable, value: reason.value });
    case 'setting':
      return m.update_off_setting({ file: reason.file });
    case 'settings-unreadable':
      return m.update_off_settings_unreadable({ file: reason.file, reason: reason.reason });
    case 'endpoint-not-https':
      return m.update_off_endpoint_not_https({ endpoint: reason.endpoint });
    case 'endpoint-invalid':
      return m.update_off_endpoint_invalid({ value: reason.value, reason: reason.reason });
    case 'no-endpoint':
      return m.update_off_no_endpoint();
  }
}
