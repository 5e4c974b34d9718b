//! The PBX's sync schedule (`sync_time`): a standard five-field crontab expression, checked
//! before it is sent and turned into the next run times the wizard shows.
//!
//! Five fields (minute hour day-of-month month day-of-week) with `*`, lists, ranges, steps,
//! month and weekday names, and the `@daily`-style macros — what PortSIP accepts. Weekday 0 and
//! 7 are Sunday. As in cron, when both day fields are restricted a day matching either runs.
//! (The `cron` crate reads six or seven fields with seconds and other weekday numbers, so it
//! would accept or reject the wrong expressions.)

use std::fmt;

use time::{Date, Duration, Month, PrimitiveDateTime, Time};

/// Why a schedule was refused; `Display` says what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The sync schedule \"{expression}\" is not valid: {problem}. Write five fields — minute hour \
     day-of-month month day-of-week — for example \"0 0 * * *\" for every night at midnight or \
     \"30 2 * * 1-5\" for 02:30 on weekdays."
)]
pub struct ScheduleError {
    pub expression: String,
    pub problem: String,
}

/// A parsed crontab expression.
#[derive(Clone, PartialEq, Eq)]
pub struct Schedule {
    expression: String,
    minutes: u64,
    hours: u32,
    days_of_month: u32,
    months: u16,
    days_of_week: u8,
    any_day_of_month: bool,
    any_day_of_week: bool,
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({:?})", self.expression)
    }
}

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// The value of the first name (months start at 1).
    first_name: u32,
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
        first_name: 0,
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
        first_name: 0,
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
        first_name: 0,
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
        first_name: 1,
    },
    Field {
        name: "day-of-week",
        min: 0,
        max: 7,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        first_name: 0,
    },
];

const MACROS: [(&str, &str); 7] = [
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

/// How far ahead a schedule must run at least once (leap days come every four years).
const SEARCH_DAYS: i64 = 366 * 8;

impl Field {
    fn value(&self, text: &str) -> Result<u32, String> {
        if let Some(index) = self.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            return Ok(self.first_name + u32::try_from(index).unwrap_or_default());
        }
        let value: u32 = text.parse().map_err(|_| {
            format!(
                "the {} field has \"{text}\", which is not a number{}",
                self.name,
                if self.names.is_empty() {
                    String::new()
                } else {
                    format!(" or a name like {}", self.names[0])
                }
            )
        })?;
        if !(self.min..=self.max).contains(&value) {
            return Err(format!(
                "the {} field has {value}, outside {}–{}",
                self.name, self.min, self.max
            ));
        }
        Ok(value)
    }

    /// The set of values as a bit mask, and whether the field was `*`.
    fn parse(&self, text: &str) -> Result<(u64, bool), String> {
        let mut mask = 0u64;
        for item in text.split(',') {
            let (range, step) = match item.split_once('/') {
                Some((range, step)) => {
                    let step: u32 = step.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        format!("the {} field has a bad step \"/{step}\"", self.name)
                    })?;
                    (range, step)
                }
                None => (item, 1),
            };
            let (from, to) = match range {
                "*" => (self.min, self.max),
                "" => return Err(format!("the {} field has an empty item", self.name)),
                _ => match range.split_once('-') {
                    Some((from, to)) => (self.value(from)?, self.value(to)?),
                    None if item.contains('/') => (self.value(range)?, self.max),
                    None => {
                        let value = self.value(range)?;
                        (value, value)
                    }
                },
            };
            if from > to {
                return Err(format!(
                    "the {} field's range \"{range}\" runs backwards",
                    self.name
                ));
            }
            let mut value = from;
            while value <= to {
                mask |= 1 << value;
                value += step;
            }
        }
        Ok((mask, text == "*"))
    }
}

impl Schedule {
    /// Parses and checks `expression`.
    pub fn parse(expression: &str) -> Result<Self, ScheduleError> {
        let trimmed = expression.trim();
        let fail = |problem: String| ScheduleError {
            expression: trimmed.to_owned(),
            problem,
        };
        let expanded = if trimmed.starts_with('@') {
            MACROS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(trimmed))
                .map(|(_, fields)| *fields)
                .ok_or_else(|| {
                    fail(format!(
                        "\"{trimmed}\" is not a known shortcut (use @hourly, @daily, @weekly, @monthly or @yearly)"
                    ))
                })?
        } else {
            trimmed
        };
        let parts: Vec<&str> = expanded.split_whitespace().collect();
        if parts.len() != FIELDS.len() {
            return Err(fail(format!(
                "it has {} field{} instead of 5",
                parts.len(),
                if parts.len() == 1 { "" } else { "s" }
            )));
        }
        let mut masks = [0u64; 5];
        let mut stars = [false; 5];
        for (index, (field, text)) in FIELDS.iter().zip(&parts).enumerate() {
            let (mask, star) = field.parse(text).map_err(&fail)?;
            masks[index] = mask;
            stars[index] = star;
        }
        // Weekday 7 is Sunday, like 0.
        let days_of_week = (masks[4] | (masks[4] >> 7)) & 0x7f;
        let schedule = Self {
            expression: trimmed.to_owned(),
            minutes: masks[0],
            hours: u32::try_from(masks[1]).unwrap_or(u32::MAX),
            days_of_month: u32::try_from(masks[2]).unwrap_or(u32::MAX),
            months: u16::try_from(masks[3]).unwrap_or(u16::MAX),
            days_of_week: u8::try_from(days_of_week).unwrap_or(u8::MAX),
            any_day_of_month: stars[2],
            any_day_of_week: stars[4],
        };
        if schedule.next_after(reference_start()).is_none() {
            return Err(fail(
                "it names a day that never comes (such as 31 February)".into(),
            ));
        }
        Ok(schedule)
    }

    pub fn expression(&self) -> &str {
        &self.expression
    }

    fn day_matches(&self, date: Date) -> bool {
        let dom = self.days_of_month & (1 << date.day()) != 0;
        let dow = self.days_of_week & (1 << date.weekday().number_days_from_sunday()) != 0;
        if self.any_day_of_month || self.any_day_of_week {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// The first run strictly after `after`, in the same clock (the PBX's local time).
    pub fn next_after(&self, after: PrimitiveDateTime) -> Option<PrimitiveDateTime> {
        let start = after.replace_second(0).ok()?.replace_nanosecond(0).ok()? + Duration::MINUTE;
        let mut date = start.date();
        for _ in 0..SEARCH_DAYS {
            let month_ok = self.months & (1 << u8::from(date.month())) != 0;
            if month_ok && self.day_matches(date) {
                let from = if date == start.date() {
                    start.time()
                } else {
                    Time::MIDNIGHT
                };
                if let Some(time) = self.first_time_from(from) {
                    return Some(PrimitiveDateTime::new(date, time));
                }
            }
            date = date.next_day()?;
        }
        None
    }

    fn first_time_from(&self, from: Time) -> Option<Time> {
        (from.hour()..24)
            .filter(|hour| self.hours & (1 << hour) != 0)
            .find_map(|hour| {
                let first_minute = if hour == from.hour() {
                    from.minute()
                } else {
                    0
                };
                (first_minute..60)
                    .find(|minute| self.minutes & (1 << minute) != 0)
                    .and_then(|minute| Time::from_hms(hour, minute, 0).ok())
            })
    }

    /// The next `count` runs after `after`.
    pub fn next_runs(&self, after: PrimitiveDateTime, count: usize) -> Vec<PrimitiveDateTime> {
        std::iter::successors(self.next_after(after), |run| self.next_after(*run))
            .take(count)
            .collect()
    }
}

fn reference_start() -> PrimitiveDateTime {
    PrimitiveDateTime::new(
        Date::from_calendar_date(2024, Month::January, 1).unwrap_or(Date::MIN),
        Time::MIDNIGHT,
    )
}

/// `2026-11-24 00:00`, how next runs are shown.
pub fn format_run(run: PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        run.year(),
        u8::from(run.month()),
        run.day(),
        run.hour(),
        run.minute()
    )
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn runs(expression: &str, count: usize) -> Result<Vec<String>, ScheduleError> {
        let schedule = Schedule::parse(expression)?;
        Ok(schedule
            .next_runs(datetime!(2026-11-23 15:40), count)
            .into_iter()
            .map(format_run)
            .collect())
    }

    #[test]
    fn midnight_every_night() -> Result<(), ScheduleError> {
        assert_eq!(
            runs("0 0 * * *", 3)?,
            ["2026-11-24 00:00", "2026-11-25 00:00", "2026-11-26 00:00"]
        );
        assert_eq!(runs("@daily", 1)?, ["2026-11-24 00:00"]);
        Ok(())
    }

    #[test]
    fn weekdays_ranges_steps_and_names() -> Result<(), ScheduleError> {
        // 2026-11-23 is a Monday.
        assert_eq!(
            runs("30 2 * * MON-FRI", 6)?,
            [
                "2026-11-24 02:30",
                "2026-11-25 02:30",
                "2026-11-26 02:30",
                "2026-11-27 02:30",
                "2026-11-30 02:30",
                "2026-12-01 02:30"
            ]
        );
        assert_eq!(
            runs("*/20 16 * * *", 4)?,
            [
                "2026-11-23 16:00",
                "2026-11-23 16:20",
                "2026-11-23 16:40",
                "2026-11-24 16:00"
            ]
        );
        assert_eq!(runs("0 12 * * 7", 1)?, ["2026-11-29 12:00"]);
        assert_eq!(runs("0 0 1 jan *", 1)?, ["2027-01-01 00:00"]);
        Ok(())
    }

    #[test]
    fn restricted_day_fields_match_either() -> Result<(), ScheduleError> {
        // The 1st of the month or any Friday.
        assert_eq!(
            runs("0 6 1 * 5", 3)?,
            ["2026-11-27 06:00", "2026-12-01 06:00", "2026-12-04 06:00"]
        );
        Ok(())
    }

    #[test]
    fn leap_day_is_found() -> Result<(), ScheduleError> {
        assert_eq!(runs("0 0 29 2 *", 1)?, ["2028-02-29 00:00"]);
        Ok(())
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let problem = |expression: &str| {
            Schedule::parse(expression)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(problem("0 0 * *").contains("4 fields instead of 5"));
        assert!(problem("0 25 * * *").contains("hour field has 25, outside 0–23"));
        assert!(problem("0 0 * * * *").contains("6 fields"));
        assert!(problem("every night").contains("2 fields"));
        assert!(problem("0 0 31 2 *").contains("never comes"));
        assert!(problem("x 0 * * *").contains("minute field has \"x\""));
        assert!(problem("0 0 * * 5-1").contains("runs backwards"));
        assert!(problem("@sometimes").contains("not a known shortcut"));
        assert!(problem("*/0 * * * *").contains("bad step"));
        assert!(problem("0 0 * * *").is_empty());
    }
}
