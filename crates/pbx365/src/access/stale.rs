//! What changed between the review and apply, as a code with parameters: the UI words it from
//! its catalogue by `what`, the CLI prints the English [`fmt::Display`].

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use ts_rs::TS;

/// What no longer matches the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "what", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum StaleWhat {
    /// Auto mode reached apply with a review that planned no app registration.
    NoAppPlan,
    /// `detail`: the serializer's own sentence.
    SettingsUnreadable {
        detail: String,
    },
    /// `detail`: the serializer's own sentence.
    SettingsNotComparable {
        detail: String,
    },
    SettingsChanged,
    KeyPairReplaced,
    AppDeleted {
        app_id: String,
    },
    PermissionsChanged {
        app_id: String,
    },
}

impl StaleWhat {
    /// `what` and the values the UI words it with, as the error report's params.
    pub(crate) fn params(&self) -> BTreeMap<String, String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(fields)) => fields
                .into_iter()
                .filter_map(|(name, value)| value.as_str().map(|v| (name, v.to_owned())))
                .collect(),
            _ => BTreeMap::new(),
        }
    }
}

impl fmt::Display for StaleWhat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StaleWhat::NoAppPlan => f.write_str("the review has no app registration plan"),
            StaleWhat::SettingsUnreadable { detail } => write!(
                f,
                "the PBX's settings could not be read for comparison ({detail})"
            ),
            StaleWhat::SettingsNotComparable { detail } => {
                write!(f, "the PBX's settings could not be compared ({detail})")
            }
            StaleWhat::SettingsChanged => {
                f.write_str("the PBX's Microsoft 365 settings were changed by someone else")
            }
            StaleWhat::KeyPairReplaced => f.write_str("the PBX's key pair was replaced"),
            StaleWhat::AppDeleted { app_id } => {
                write!(f, "the app registration {app_id} was deleted")
            }
            StaleWhat::PermissionsChanged { app_id } => write!(
                f,
                "the Graph permissions the app {app_id} declares were changed"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_name_the_change_and_carry_its_values() {
        let deleted = StaleWhat::AppDeleted {
            app_id: "11111111-2222-3333-4444-555555555555".into(),
        };
        assert_eq!(
            deleted.params(),
            BTreeMap::from([
                ("what".to_owned(), "app-deleted".to_owned()),
                (
                    "app_id".to_owned(),
                    "11111111-2222-3333-4444-555555555555".to_owned()
                ),
            ])
        );
        assert_eq!(
            StaleWhat::KeyPairReplaced.params(),
            BTreeMap::from([("what".to_owned(), "key-pair-replaced".to_owned())])
        );
    }
}
