import { Channel, invoke } from '@tauri-apps/api/core';
import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { DriftReport } from '../bindings/DriftReport';
import type { Plan } from '../bindings/Plan';
import type { RotationEvent } from '../bindings/RotationEvent';
import type { RotationPlan } from '../bindings/RotationPlan';
import type { RotationReport } from '../bindings/RotationReport';
import type { RunDetail } from '../bindings/RunDetail';
import type { RunSummary } from '../bindings/RunSummary';
import type { SyncEvent } from '../bindings/SyncEvent';
import type { Profile } from '../bindings/Profile';
import type { ProfileSummary } from '../bindings/ProfileSummary';
import type { CertificateOperations, SyncOperations } from './operations';

function channelTo<T>(onEvent: (event: T) => void): Channel<T> {
  const channel = new Channel<T>();
  channel.onmessage = onEvent;
  return channel;
}

/** Sync and certificate commands of src-tauri (sync_commands.rs, certificate_commands.rs). */
export function createTauriOperations(): SyncOperations & CertificateOperations {
  return {
    profileNames: async () => (await invoke<Profile[]>('profiles_list')).map((profile) => profile.name),
    profileSummaries: () => invoke<ProfileSummary[]>('profile_summaries'),
    // Tauri hands the commands' snake_case arguments over in camelCase.
    syncPreview: (profile, createUnclassified) => invoke<Plan>('sync_preview', { profile, createUnclassified }),
    syncNow: (profile, createUnclassified, onEvent) =>
      invoke<RunSummary>('sync_now', { profile, createUnclassified, events: channelTo(onEvent) }),
    cancelSync: (profile) => invoke<void>('sync_cancel', { profile }),
    syncHistory: (profile, limit) => invoke<RunSummary[]>('sync_history', { profile, limit }),
    syncRun: (runId) => invoke<RunDetail>('sync_run', { runId }),
    exportRunCsv: (runId) => invoke<string>('sync_export_csv', { runId }),
    drift: (profile) => invoke<DriftReport>('sync_drift', { profile }),
    certificateStatuses: () => invoke<CertificateStatus[]>('certificate_statuses'),
    certificateStatus: (profile) => invoke<CertificateStatus>('certificate_status', { profile }),
    lastVerification: async (name) =>
      (await invoke<Profile[]>('profiles_list')).find((profile) => profile.name === name)?.last_verification ?? null,
    rotationPlan: (profile) => invoke<RotationPlan>('rotation_plan', { profile }),
    rotateCertificate: (profile, onEvent) =>
      invoke<RotationReport>('rotate_certificate', { profile, events: channelTo<RotationEvent>(onEvent) }),
    autostartEnabled: () => invoke<boolean>('autostart_enabled'),
    setAutostart: (enabled) => invoke<void>('set_autostart', { enabled }),
  };
}
