//! PortSIP's own validation rules, beyond what the OpenAPI schema can say.

/// Names reserved for the system administrator, in any letter case.
const RESERVED_NAMES: [&str; 4] = ["admin", "system", "administrator", "root"];

/// Whether `name` is one of the system administrator's reserved names.
pub fn is_reserved_name(name: &str) -> bool {
    RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// A PortSIP user name: letters, digits, `_ - ' .`, not starting or ending with `.`, not a
/// reserved name. Returns the problem in words.
pub fn check_user_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\'' | '.')))
    {
        return Err(format!(
            "{bad:?} is not allowed; use letters, digits and _ - ' . only"
        ));
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Err("must not start or end with '.'".to_owned());
    }
    if is_reserved_name(name) {
        return Err(format!(
            "{name:?} is reserved for the system administrator (admin, system, administrator, root)"
        ));
    }
    Ok(())
}

/// An extension number: 3 to 13 digits, not starting with 0.
pub fn check_extension(number: &str) -> Result<(), String> {
    let digits = number.len();
    if !number.bytes().all(|b| b.is_ascii_digit()) || !(3..=13).contains(&digits) {
        return Err(format!("{number:?} must be 3 to 13 digits"));
    }
    if number.starts_with('0') {
        return Err(format!("{number:?} must not start with 0"));
    }
    Ok(())
}

/// A GUID as Entra prints directory and application IDs (8-4-4-4-12 hex digits).
pub fn check_guid(value: &str) -> Result<(), String> {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    let shaped = groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if shaped {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
        ))
    }
}

/// One crontab field: its name, bounds and the names it accepts (index = value).
struct CronField {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// The number a name's index is offset by (months start at 1).
    name_base: u32,
}

const CRON_FIELDS: [CronField; 5] = [
    CronField {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
        name_base: 0,
    },
    CronField {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
        name_base: 0,
    },
    CronField {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
        name_base: 0,
    },
    CronField {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
        name_base: 1,
    },
    CronField {
        name: "day of week",
        min: 0,
        max: 7,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        name_base: 0,
    },
];

const CRON_MACROS: [&str; 7] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

impl CronField {
    fn value(&self, text: &str) -> Result<u32, String> {
        if let Some(index) = self.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            return u32::try_from(index)
                .map(|i| i + self.name_base)
                .map_err(|e| e.to_string());
        }
        let value: u32 = text
            .parse()
            .map_err(|_| format!("{} field: {text:?} is not a number", self.name))?;
        if !(self.min..=self.max).contains(&value) {
            return Err(format!(
                "{} field: {value} is outside {}-{}",
                self.name, self.min, self.max
            ));
        }
        Ok(value)
    }

    fn check_item(&self, item: &str) -> Result<(), String> {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(s) if s > 0 => {}
                _ => return Err(format!("{} field: bad step {step:?}", self.name)),
            }
        }
        if range == "*" {
            return Ok(());
        }
        match range.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (self.value(from)?, self.value(to)?);
                if from > to {
                    return Err(format!(
                        "{} field: range {range:?} runs backwards",
                        self.name
                    ));
                }
                Ok(())
            }
            None => self.value(range).map(|_| ()),
        }
    }
}

/// A standard five-field crontab expression (minute hour day-of-month month day-of-week, with
/// `*`, lists, ranges, steps and names) or one of the `@daily`-style macros.
pub fn check_crontab(expression: &str) -> Result<(), String> {
    let expression = expression.trim();
    if expression.starts_with('@') {
        return if CRON_MACROS.contains(&expression.to_ascii_lowercase().as_str()) {
            Ok(())
        } else {
            Err(format!("{expression:?} is not a known crontab macro"))
        };
    }
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() != CRON_FIELDS.len() {
        return Err(format!(
            "{expression:?} is not a crontab expression: it needs 5 fields \
             (minute hour day-of-month month day-of-week), found {}",
            fields.len()
        ));
    }
    for (text, field) in fields.iter().zip(&CRON_FIELDS) {
        for item in text.split(',') {
            field.check_item(item)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        assert!(check_user_name("anna.berg").is_ok());
        assert!(check_user_name("o'brien-2_x").is_ok());
        assert!(check_user_name(".anna").is_err());
        assert!(check_user_name("anna.").is_err());
        assert!(check_user_name("anna berg").is_err());
        assert!(check_user_name("Chloé").is_err());
        assert!(check_user_name("ROOT").is_err());
        assert!(check_user_name("Administrator").is_err());
        assert!(check_user_name("").is_err());
    }

    #[test]
    fn extensions() {
        assert!(check_extension("100").is_ok());
        assert!(check_extension("1234567890123").is_ok());
        assert!(check_extension("0123").is_err());
        assert!(check_extension("12").is_err());
        assert!(check_extension("12345678901234").is_err());
        assert!(check_extension("12a4").is_err());
    }

    #[test]
    fn crontab() {
        for ok in [
            "0 0 * * *",
            "*/15 8-18 * * MON-FRI",
            "30 2 1,15 jan,jul 0",
            "@daily",
            "5 4 * * 7",
        ] {
            assert!(check_crontab(ok).is_ok(), "{ok}");
        }
        for bad in [
            "0 0 * *",
            "0 0 0 * * *",
            "61 0 * * *",
            "0 24 * * *",
            "x 0 * * *",
            "0 0 * * 8",
            "*/0 * * * *",
            "5-1 * * * *",
            "@sometimes",
        ] {
            assert!(check_crontab(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn guids() {
        assert!(check_guid("0b5e1c4a-6f7d-4c2b-9a8e-1d2c3b4a5f60").is_ok());
        assert!(check_guid("0b5e1c4a6f7d4c2b9a8e1d2c3b4a5f60").is_err());
        assert!(check_guid("zb5e1c4a-6f7d-4c2b-9a8e-1d2c3b4a5f60").is_err());
    }
}
