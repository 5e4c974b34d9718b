//! The PBX's time zone, as `/tenant` names it: the sync schedule (`sync_time`) runs in the
//! PBX's local time, so every "next run" and "sync soon" is computed in it.
//!
//! Fixed offsets (`UTC`, `GMT+2`, `UTC-05:30`, `+0200`) are read directly; IANA names
//! (`Europe/Berlin`) come from the system's time-zone database, or from the copy built into
//! pbx365 where the system has none (Windows), with their daylight-saving rules.

use time::{OffsetDateTime, UtcOffset};

/// The zone's offset from UTC at `at`; `None` when the name is neither a fixed offset nor a
/// known IANA zone.
pub fn offset_at(zone: &str, at: OffsetDateTime) -> Option<UtcOffset> {
    fixed_offset(zone).or_else(|| iana_offset(zone.trim(), at))
}

fn fixed_offset(zone: &str) -> Option<UtcOffset> {
    let zone = zone.trim();
    let upper = zone.to_ascii_uppercase();
    let rest = ["UTC", "GMT", "Z"]
        .iter()
        .find_map(|prefix| upper.strip_prefix(prefix))
        .unwrap_or(&upper)
        .trim();
    if rest.is_empty() {
        return (!zone.is_empty()).then_some(UtcOffset::UTC);
    }
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1i8, &rest[1..]),
        Some(b'-') => (-1i8, &rest[1..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let hours: i8 = hours.parse().ok()?;
    let minutes: i8 = minutes.parse().ok()?;
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}

fn iana_offset(zone: &str, at: OffsetDateTime) -> Option<UtcOffset> {
    if zone.is_empty() {
        return None;
    }
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    let instant = jiff::Timestamp::from_second(at.unix_timestamp()).ok()?;
    UtcOffset::from_whole_seconds(tz.to_offset(instant).seconds()).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn hm(hours: i8, minutes: i8) -> Option<UtcOffset> {
        UtcOffset::from_hms(hours, minutes, 0).ok()
    }

    #[test]
    fn reads_fixed_offset_names() {
        let at = datetime!(2026-11-23 12:00 UTC);
        assert_eq!(offset_at("UTC", at), Some(UtcOffset::UTC));
        assert_eq!(offset_at("gmt", at), Some(UtcOffset::UTC));
        assert_eq!(offset_at("UTC+8", at), hm(8, 0));
        assert_eq!(offset_at("GMT-05:30", at), hm(-5, -30));
        assert_eq!(offset_at("+0200", at), hm(2, 0));
        assert_eq!(offset_at("", at), None);
    }

    #[test]
    fn iana_zones_follow_daylight_saving_time() {
        assert_eq!(
            offset_at("Europe/Berlin", datetime!(2026-11-23 12:00 UTC)),
            hm(1, 0)
        );
        assert_eq!(
            offset_at("Europe/Berlin", datetime!(2026-07-01 12:00 UTC)),
            hm(2, 0)
        );
        // The change happens at 01:00 UTC on the last Sunday of March.
        assert_eq!(
            offset_at("Europe/Berlin", datetime!(2026-03-29 00:59 UTC)),
            hm(1, 0)
        );
        assert_eq!(
            offset_at("Europe/Berlin", datetime!(2026-03-29 01:00 UTC)),
            hm(2, 0)
        );
        assert_eq!(
            offset_at("Asia/Kolkata", datetime!(2026-11-23 12:00 UTC)),
            hm(5, 30)
        );
        assert_eq!(
            offset_at("America/New_York", datetime!(2026-11-23 12:00 UTC)),
            hm(-5, 0)
        );
    }

    #[test]
    fn unknown_names_are_none() {
        let at = datetime!(2026-11-23 12:00 UTC);
        assert_eq!(offset_at("Mars/Olympus_Mons", at), None);
        assert_eq!(offset_at("not a zone", at), None);
    }
}
