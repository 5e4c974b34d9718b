use serde::{Deserialize, Serialize};

/// Opening hours per weekday (`office_hours`, custom forward rule `hours`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeekHours {
    /// Monday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monday: Option<DayHours>,
    /// Tuesday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tuesday: Option<DayHours>,
    /// Wednesday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wednesday: Option<DayHours>,
    /// Thursday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thursday: Option<DayHours>,
    /// Friday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friday: Option<DayHours>,
    /// Saturday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saturday: Option<DayHours>,
    /// Sunday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sunday: Option<DayHours>,
}

/// One weekday's hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DayHours {
    /// Whether the day has office hours at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The time ranges of the day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<TimeRange>>,
}

/// A `from`–`to` time range, as PortSIP writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeRange {
    /// Start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// End time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}
