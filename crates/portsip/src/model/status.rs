use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::PbxVersion;

/// `GET /tenant/status`: the PBX's version and the signed-in tenant's licence and live
/// counts. Serializing it writes every field back under its own name, the version as the PBX
/// wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantStatus {
    /// The PBX's version exactly as it wrote it (e.g. "22.6.0"); read it with
    /// [`version()`](Self::version()). Kept raw so a text no version can be read from is still
    /// there to show. A value that is not text (off the spec) reads as `None` rather than
    /// failing the whole status, whose licence counts matter more.
    #[serde(deserialize_with = "text_or_none")]
    pub version: Option<String>,
    /// Users the tenant's licence allows.
    pub licensed_users: Option<i32>,
    /// Users the tenant has now.
    pub current_users: Option<i32>,
    /// Users signed in (registered) now.
    pub online_users: Option<i32>,
    /// Calls in progress.
    pub current_calls: Option<i32>,
    /// Call queues.
    pub current_queues: Option<i32>,
    /// Conference rooms.
    pub current_conference_rooms: Option<i32>,
    /// Ring groups.
    pub current_ring_groups: Option<i32>,
    /// Virtual receptionists (IVRs).
    pub current_ivrs: Option<i32>,
    /// Trunks.
    pub current_trunks: Option<i32>,
    /// Calls per hour over the last 24 hours.
    pub calls_in_24_hours: Option<Vec<HourlyCalls>>,
}

/// An item of `calls_in_24_hours`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HourlyCalls {
    /// The hour, as PortSIP formats it (kept as text, like every time the PBX sends).
    pub time: Option<String>,
    /// Calls in that hour.
    pub count: Option<i32>,
}

impl TenantStatus {
    /// The PBX's version, read leniently from the [`version`](field@Self::version) text (see
    /// [`PbxVersion`]); `None` when the PBX sent none or nothing readable as one. Not an error:
    /// an unreadable version is for the caller to warn about, not a reason to stop.
    pub fn version(&self) -> Option<PbxVersion> {
        self.version.as_deref()?.parse().ok()
    }

    /// How many more users the licence allows: `licensed_users - current_users`, 0 when the
    /// tenant is at or (after a licence was lowered) beyond it; `None` when either count is
    /// missing.
    pub fn licences_left(&self) -> Option<u32> {
        let left = self.licensed_users?.saturating_sub(self.current_users?);
        // Negative means over the licence: nothing is left.
        Some(u32::try_from(left).unwrap_or(0))
    }
}

/// A string as it is; any other JSON value as `None`. A number is not turned into text:
/// JSON numbers lose their trailing zeros (22.10 is 22.1), which would misstate the version.
fn text_or_none<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => Some(text),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_is_read_with_its_version_parsed() -> Result<(), serde_json::Error> {
        let status: TenantStatus = serde_json::from_str(
            r#"{"version":"22.6.0","licensed_users":300,"current_users":275,"online_users":null,
                "calls_in_24_hours":[{"time":"2026-06-01T10:00:00Z","count":3}],
                "a_later_field":{"x":1}}"#,
        )?;
        assert_eq!(status.version(), Some(PbxVersion::new(22, 6, 0)));
        assert_eq!(status.licences_left(), Some(25));
        assert_eq!(status.online_users, None);
        assert_eq!(
            status.calls_in_24_hours,
            Some(vec![HourlyCalls {
                time: Some("2026-06-01T10:00:00Z".to_owned()),
                count: Some(3),
            }])
        );
        Ok(())
    }

    #[test]
    fn an_unreadable_version_is_kept_raw_and_is_no_error() -> Result<(), serde_json::Error> {
        for (body, raw) in [
            (
                r#"{"version":"nightly","licensed_users":10}"#,
                Some("nightly"),
            ),
            (r#"{"version":"","licensed_users":10}"#, Some("")),
            (r#"{"version":null,"licensed_users":10}"#, None),
            (r#"{"licensed_users":10}"#, None),
            (r#"{"version":22.6,"licensed_users":10}"#, None),
            (r#"{"version":{"major":22},"licensed_users":10}"#, None),
        ] {
            let status: TenantStatus = serde_json::from_str(body)?;
            assert_eq!(status.version.as_deref(), raw, "{body}");
            assert_eq!(status.version(), None, "{body}");
            assert_eq!(status.licensed_users, Some(10), "{body}");
        }
        Ok(())
    }

    #[test]
    fn licences_left_never_goes_negative_and_needs_both_counts() {
        let status = |licensed, current| TenantStatus {
            licensed_users: licensed,
            current_users: current,
            ..TenantStatus::default()
        };
        assert_eq!(status(Some(150), Some(150)).licences_left(), Some(0));
        assert_eq!(status(Some(100), Some(120)).licences_left(), Some(0));
        assert_eq!(
            status(Some(i32::MIN), Some(i32::MAX)).licences_left(),
            Some(0)
        );
        assert_eq!(
            status(Some(i32::MAX), Some(0)).licences_left(),
            Some(2_147_483_647)
        );
        assert_eq!(status(None, Some(1)).licences_left(), None);
        assert_eq!(status(Some(1), None).licences_left(), None);
    }
}
