import { describe, expect, it } from 'vitest';
import { cronFromSchedule, nextRuns, scheduleFromCron, scheduleText, timeText, withTime } from './cron';

describe('the sync time picker and cron', () => {
  it('writes a daily and a weekday schedule', () => {
    expect(cronFromSchedule({ hour: 2, minute: 30, days: 'daily' })).toBe('30 2 * * *');
    expect(cronFromSchedule({ hour: 18, minute: 0, days: 'weekdays' })).toBe('0 18 * * 1-5');
  });

  it('reads back what it writes', () => {
    const schedule = { hour: 23, minute: 5, days: 'weekdays' as const };
    expect(scheduleFromCron(cronFromSchedule(schedule))).toEqual(schedule);
  });

  it('refuses what the picker cannot show', () => {
    expect(scheduleFromCron('*/15 * * * *')).toBeNull();
    expect(scheduleFromCron('0 2 1 * *')).toBeNull();
    expect(scheduleFromCron('0 24 * * *')).toBeNull();
    expect(scheduleFromCron('0 2 * *')).toBeNull();
  });

  it('converts to and from the time input', () => {
    const schedule = withTime({ hour: 0, minute: 0, days: 'daily' }, '07:45');
    expect(schedule).toEqual({ hour: 7, minute: 45, days: 'daily' });
    expect(timeText(schedule)).toBe('07:45');
    expect(withTime(schedule, 'nonsense')).toEqual(schedule);
  });

  it('lists the next runs, skipping weekends for weekdays', () => {
    // Friday 2026-11-27 10:00 local time.
    const friday = new Date(2026, 10, 27, 10, 0);
    const runs = nextRuns({ hour: 2, minute: 0, days: 'weekdays' }, friday, 2);
    expect(runs.map((run) => run.getDay())).toEqual([1, 2]);
    const daily = nextRuns({ hour: 11, minute: 0, days: 'daily' }, friday, 1);
    expect(daily[0]?.getDate()).toBe(27);
  });
});

describe('the schedule in words', () => {
  it('names the days, the time and the PBX time zone, or nothing for a cron the picker cannot show', () => {
    expect(scheduleText('0 2 * * *', 'Europe/Berlin')).toBe('Every day at 02:00, PBX time (Europe/Berlin)');
    expect(scheduleText('30 7 * * 1-5', 'Asia/Shanghai')).toBe('Monday to Friday at 07:30, PBX time (Asia/Shanghai)');
    expect(scheduleText('0 2 * * *', null)).toBe('Every day at 02:00, PBX time (time zone not reported)');
    expect(scheduleText('*/15 * * * *', 'Europe/Berlin')).toBeNull();
  });
});
