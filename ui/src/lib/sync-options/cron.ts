import { m } from '../i18n';

/** The days a sync runs on, as the time picker offers them. */
export type SyncDays = 'daily' | 'weekdays';

/** What the time picker shows: a time of day (PBX time zone) and the days. */
export interface SyncSchedule {
  hour: number;
  minute: number;
  days: SyncDays;
}

const DAY_FIELD: Record<SyncDays, string> = { daily: '*', weekdays: '1-5' };

/** The five-field crontab expression the PBX stores for `schedule`. */
export function cronFromSchedule(schedule: SyncSchedule): string {
  return `${schedule.minute} ${schedule.hour} * * ${DAY_FIELD[schedule.days]}`;
}

/** The picker's view of `cron`, or `null` when the expression is more than the picker shows. */
export function scheduleFromCron(cron: string): SyncSchedule | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    return null;
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const days = (Object.keys(DAY_FIELD) as SyncDays[]).find((key) => DAY_FIELD[key] === dayOfWeek);
  const number = (text: string | undefined, max: number) => (text !== undefined && /^\d{1,2}$/.test(text) && Number(text) <= max ? Number(text) : null);
  const m = number(minute, 59);
  const h = number(hour, 23);
  if (m === null || h === null || dayOfMonth !== '*' || month !== '*' || days === undefined) {
    return null;
  }
  return { hour: h, minute: m, days };
}

/** `HH:MM`, as an `<input type="time">` holds it. */
export function timeText(schedule: SyncSchedule): string {
  return `${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')}`;
}

export function withTime(schedule: SyncSchedule, text: string): SyncSchedule {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  return match ? { ...schedule, hour: Number(match[1]), minute: Number(match[2]) } : schedule;
}

/** The next `count` runs after `from`, in the clock `from` is read in. */
export function nextRuns(schedule: SyncSchedule, from: Date, count: number): Date[] {
  const runs: Date[] = [];
  const day = new Date(from.getFullYear(), from.getMonth(), from.getDate(), schedule.hour, schedule.minute);
  while (runs.length < count) {
    const weekday = day.getDay();
    const runsToday = schedule.days === 'daily' || (weekday >= 1 && weekday <= 5);
    if (runsToday && day > from) {
      runs.push(new Date(day));
    }
    day.setDate(day.getDate() + 1);
  }
  return runs;
}

/**
 * `cron` in people's words — "Every day at 02:00, PBX time (Europe/Berlin)" — or null when the
 * expression is more than the picker shows (then only the raw value is shown).
 */
export function scheduleText(cron: string, zone: string | null): string | null {
  const schedule = scheduleFromCron(cron);
  if (schedule === null) {
    return null;
  }
  const words = { time: timeText(schedule), zone: zone ?? m.schedule_zone_unknown() };
  return schedule.days === 'daily' ? m.schedule_daily(words) : m.schedule_weekdays(words);
}
