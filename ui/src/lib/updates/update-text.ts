import type { UpdateFailure } from '../bindings/UpdateFailure';
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
