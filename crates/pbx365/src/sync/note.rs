//! What the plan says about one user's action beyond its changes, as codes with parameters:
//! the UI words them from its catalogue, the CLI, the history database and the CSV keep the
//! English sentence.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ActionNote {
    /// Created although the source cannot tell guests or disabled accounts, as chosen.
    UnclassifiedCreated,
    /// The display name was cut to what this PortSIP version takes.
    DisplayNameCut { limit: usize },
    /// The action finishes what an interrupted run started.
    LeftUnfinished {
        #[ts(type = "number")]
        run_id: i64,
    },
    /// A note of the history database this version does not know (shown as it was written).
    Other { text: String },
}

const UNCLASSIFIED_CREATED: &str = "created although the source cannot tell whether it is a guest or a disabled account, as chosen for this run";
const CUT_BEFORE: &str = "display name cut to ";
const CUT_AFTER: &str = " characters, the longest this PortSIP version takes";
const UNFINISHED_BEFORE: &str = "left unfinished by interrupted run #";
const SEPARATOR: &str = "; ";

impl fmt::Display for ActionNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionNote::UnclassifiedCreated => f.write_str(UNCLASSIFIED_CREATED),
            ActionNote::DisplayNameCut { limit } => write!(f, "{CUT_BEFORE}{limit}{CUT_AFTER}"),
            ActionNote::LeftUnfinished { run_id } => write!(f, "{UNFINISHED_BEFORE}{run_id}"),
            ActionNote::Other { text } => f.write_str(text),
        }
    }
}

impl ActionNote {
    /// The notes as one English text, as the history database and the CSV hold it.
    pub fn joined(notes: &[ActionNote]) -> Option<String> {
        (!notes.is_empty()).then(|| {
            notes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(SEPARATOR)
        })
    }

    /// The notes of a stored text (rows written before notes were codes included).
    pub fn read(text: Option<&str>) -> Vec<ActionNote> {
        let Some(text) = text.filter(|t| !t.is_empty()) else {
            return Vec::new();
        };
        let notes: Option<Vec<_>> = text.split(SEPARATOR).map(Self::read_one).collect();
        // A text this version cannot take apart stays whole.
        notes.unwrap_or_else(|| {
            vec![ActionNote::Other {
                text: text.to_owned(),
            }]
        })
    }

    fn read_one(part: &str) -> Option<ActionNote> {
        if part == UNCLASSIFIED_CREATED {
            return Some(ActionNote::UnclassifiedCreated);
        }
        if let Some(limit) = part
            .strip_prefix(CUT_BEFORE)
            .and_then(|rest| rest.strip_suffix(CUT_AFTER))
        {
            return limit
                .parse()
                .ok()
                .map(|limit| ActionNote::DisplayNameCut { limit });
        }
        part.strip_prefix(UNFINISHED_BEFORE)
            .and_then(|id| id.parse().ok())
            .map(|run_id| ActionNote::LeftUnfinished { run_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<ActionNote> {
        vec![
            ActionNote::UnclassifiedCreated,
            ActionNote::DisplayNameCut { limit: 128 },
            ActionNote::LeftUnfinished { run_id: 41 },
            ActionNote::Other {
                text: "a note of a later version".into(),
            },
        ]
    }

    #[test]
    fn every_parameter_shows_in_the_english_text() {
        assert!(
            ActionNote::DisplayNameCut { limit: 128 }
                .to_string()
                .contains("128")
        );
        assert!(
            ActionNote::LeftUnfinished { run_id: 41 }
                .to_string()
                .contains("#41")
        );
        let other = ActionNote::Other {
            text: "as it was".into(),
        };
        assert_eq!(other.to_string(), "as it was");
    }

    #[test]
    fn stored_texts_read_back_as_codes() {
        let notes = vec![
            ActionNote::UnclassifiedCreated,
            ActionNote::DisplayNameCut { limit: 64 },
        ];
        let stored = ActionNote::joined(&notes);
        assert_eq!(ActionNote::read(stored.as_deref()), notes);
        // Rows written before notes were codes hold the same English.
        assert_eq!(
            ActionNote::read(Some("left unfinished by interrupted run #7")),
            vec![ActionNote::LeftUnfinished { run_id: 7 }]
        );
        assert_eq!(ActionNote::read(None), Vec::new());
    }

    #[test]
    fn an_unknown_stored_text_stays_whole() {
        let text = "display name cut; something new";
        assert_eq!(
            ActionNote::read(Some(text)),
            vec![ActionNote::Other { text: text.into() }]
        );
    }

    /// The UI's catalogue test words each of these (ui/src/lib/sync/notes.test.ts).
    #[test]
    fn export_bindings_note_samples() -> Result<(), Box<dyn std::error::Error>> {
        let pairs: Vec<_> = samples()
            .into_iter()
            .map(|note| serde_json::json!({ "message": note.to_string(), "note": note }))
            .collect();
        crate::text_samples::write("note-samples.json", &pairs)
    }
}
