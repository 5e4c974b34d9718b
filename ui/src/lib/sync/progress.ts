import { m } from '../i18n';
import { describeRetryReason } from '../i18n/retry-reason';
import type { OutcomeCounts } from '../bindings/OutcomeCounts';
import type { PlanCounts } from '../bindings/PlanCounts';
import type { RunSummary } from '../bindings/RunSummary';
import type { RunStatus } from '../bindings/RunStatus';
import type { SyncEvent } from '../bindings/SyncEvent';
import type { SyncPhase } from '../bindings/SyncPhase';
import type { UserOutcome } from '../bindings/UserOutcome';

/** What the progress panel shows of a running sync. */
export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  total: number;
  counts: OutcomeCounts;
  microsoftUsers: number | null;
  pbxUsers: number | null;
  /** Why the run is pausing (throttling), while it does. */
  waiting: string | null;
  /** The latest users that failed, newest first. */
  failures: UserOutcome[];
  summary: RunSummary | null;
}

export const EMPTY_COUNTS: OutcomeCounts = {
  created: 0,
  adopted: 0,
  updated: 0,
  disabled: 0,
  failed: 0,
  not_done: 0,
  skipped: 0,
  reported: 0,
  unchanged: 0,
};

export function startProgress(): SyncProgress {
  return {
    phase: 'reading-settings',
    done: 0,
    total: 0,
    counts: { ...EMPTY_COUNTS },
    microsoftUsers: null,
    pbxUsers: null,
    waiting: null,
    failures: [],
    summary: null,
  };
}

const MAX_FAILURES_SHOWN = 5;

/** The users a plan changes: what the progress bar counts. */
function actionCount({ create, adopt, update, disable }: PlanCounts): number {
  return create + adopt + update + disable;
}

/** The progress after one more event from the engine. */
export function applyEvent(progress: SyncProgress, event: SyncEvent): SyncProgress {
  switch (event.event) {
    case 'phase':
      return { ...progress, phase: event.phase, waiting: null };
    case 'read':
      return event.side === 'microsoft'
        ? { ...progress, microsoftUsers: event.users }
        : { ...progress, pbxUsers: event.users };
    case 'planned':
      return { ...progress, total: actionCount(event.counts) };
    case 'progress': {
      // Tauri channels may deliver a burst out of order: an older count never replaces a newer.
      const newer = event.done >= progress.done;
      return {
        ...progress,
        done: newer ? event.done : progress.done,
        total: event.total,
        counts: newer ? event.counts : progress.counts,
        waiting: null,
        failures:
          event.user.status === 'failed'
            ? [event.user, ...progress.failures].slice(0, MAX_FAILURES_SHOWN)
            : progress.failures,
      };
    }
    case 'waiting':
      return { ...progress, waiting: m.sync_waiting_retry({ reason: describeRetryReason(event.reason), seconds: Math.ceil(event.millis / 1000) }) };
    case 'finished': {
      // Actions that ended (done, failed, or given up): a run that stopped as a whole shows
      // where it stopped rather than a full bar.
      const { created, adopted, updated, disabled, failed, not_done } = event.summary.outcome;
      return {
        ...progress,
        phase: 'finished',
        waiting: null,
        done: created + adopted + updated + disabled + failed + not_done,
        total: actionCount(event.summary.planned),
        counts: event.summary.outcome,
        summary: event.summary,
      };
    }
  }
}

/** Whole percent done, 0 before anything is planned. */
export function percentDone(progress: Pick<SyncProgress, 'done' | 'total'>): number {
  return progress.total === 0 ? 0 : Math.floor((progress.done * 100) / progress.total);
}

export const PHASE_LABELS: Record<SyncPhase, string> = {
  get 'reading-settings'() {
    return m.sync_phase_reading_settings();
  },
  get 'reading-users'() {
    return m.sync_phase_reading_users();
  },
  get planning() {
    return m.sync_phase_planning();
  },
  get applying() {
    return m.sync_phase_applying();
  },
  get finished() {
    return m.sync_phase_finished();
  },
};

export const STATUS_LABELS: Record<RunStatus, string> = {
  get running() {
    return m.run_status_running();
  },
  get completed() {
    return m.run_status_completed();
  },
  get 'completed-with-failures'() {
    return m.run_status_completed_with_failures();
  },
  get failed() {
    return m.run_status_failed();
  },
  get cancelled() {
    return m.run_status_cancelled();
  },
  get interrupted() {
    return m.run_status_interrupted();
  },
};

export type Tone = 'good' | 'warning' | 'bad' | 'neutral';

export const STATUS_TONES: Record<RunStatus, Tone> = {
  running: 'neutral',
  completed: 'good',
  'completed-with-failures': 'warning',
  failed: 'bad',
  cancelled: 'neutral',
  interrupted: 'warning',
};

/** "4 min 05 s", "850 ms". */
export function formatDuration(ms: number | null): string {
  if (ms === null) {
    return '—';
  }
  if (ms < 1000) {
    return m.duration_ms({ ms });
  }
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes === 0
    ? m.duration_seconds({ seconds })
    : m.duration_minutes_seconds({ minutes, seconds: String(seconds % 60).padStart(2, '0') });
}
