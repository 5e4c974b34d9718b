//! Where room is short (the tray menu) and profiles are many (a service provider's hundred
//! tenants): the most urgent first, as many as fit, and the rest by name under "More…".

use crate::sync::RunStatus;

/// How many profiles the tray menu shows before "More…".
pub const TRAY_TOP: usize = 8;

/// How urgently a profile needs the admin, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// Its last sync stopped as a whole.
    Failed,
    /// Its last sync left users failed or undone.
    Warnings,
    /// A sync is running now.
    Running,
    /// Never synced.
    NotSyncedYet,
    /// Its last sync completed.
    Fine,
}

impl Urgency {
    /// From whether a sync is running and the last run's status.
    pub fn of(running: bool, last: Option<RunStatus>) -> Self {
        match (running, last) {
            (_, Some(RunStatus::Failed)) => Self::Failed,
            (
                _,
                Some(
                    RunStatus::CompletedWithFailures
                    | RunStatus::Interrupted
                    | RunStatus::Cancelled,
                ),
            ) => Self::Warnings,
            (true, _) => Self::Running,
            (false, None) => Self::NotSyncedYet,
            (false, Some(RunStatus::Completed | RunStatus::Running)) => Self::Fine,
        }
    }
}

/// The profiles shown at once and those under "More…".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortlist<T> {
    /// The most urgent first; among equals by name.
    pub top: Vec<T>,
    /// By name.
    pub more: Vec<T>,
}

/// Splits `items` into the `limit` most urgent and the rest.
pub fn shortlist<T>(
    mut items: Vec<T>,
    limit: usize,
    urgency: impl Fn(&T) -> Urgency,
    name: impl Fn(&T) -> &str,
) -> Shortlist<T> {
    items.sort_by(|a, b| {
        urgency(a)
            .cmp(&urgency(b))
            .then_with(|| name(a).cmp(name(b)))
    });
    let more_start = limit.min(items.len());
    let mut more = items.split_off(more_start);
    more.sort_by(|a, b| name(a).cmp(name(b)));
    Shortlist { top: items, more }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[(String, Urgency)]) -> Vec<&str> {
        items.iter().map(|(name, _)| name.as_str()).collect()
    }

    #[test]
    fn a_run_that_needs_the_admin_outranks_one_in_progress_and_a_clean_one() {
        use RunStatus::{Cancelled, Completed, CompletedWithFailures, Failed, Interrupted};
        assert_eq!(Urgency::of(false, Some(Failed)), Urgency::Failed);
        assert_eq!(Urgency::of(true, Some(Failed)), Urgency::Failed);
        for status in [CompletedWithFailures, Interrupted, Cancelled] {
            assert_eq!(Urgency::of(false, Some(status)), Urgency::Warnings);
        }
        assert_eq!(Urgency::of(true, Some(Completed)), Urgency::Running);
        assert_eq!(Urgency::of(false, None), Urgency::NotSyncedYet);
        assert_eq!(Urgency::of(false, Some(Completed)), Urgency::Fine);
    }

    #[test]
    fn the_most_urgent_come_first_and_the_rest_go_under_more_by_name() {
        let mut items: Vec<(String, Urgency)> = (1..=100)
            .map(|n| (format!("tenant{n:03}"), Urgency::Fine))
            .collect();
        items[41].1 = Urgency::Failed; // tenant042
        items[6].1 = Urgency::Warnings; // tenant007
        items[99].1 = Urgency::Failed; // tenant100
        items[3].1 = Urgency::NotSyncedYet; // tenant004
        let list = shortlist(items, TRAY_TOP, |(_, u)| *u, |(n, _)| n.as_str());
        assert_eq!(
            names(&list.top),
            [
                "tenant042",
                "tenant100",
                "tenant007",
                "tenant004",
                "tenant001",
                "tenant002",
                "tenant003",
                "tenant005"
            ]
        );
        assert_eq!(list.more.len(), 92);
        assert_eq!(list.more[0].0, "tenant006");
        assert_eq!(list.more[91].0, "tenant099");
        assert!(list.more.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn few_profiles_need_no_more() {
        let items = vec![
            ("b".to_owned(), Urgency::Fine),
            ("a".to_owned(), Urgency::Fine),
        ];
        let list = shortlist(items, TRAY_TOP, |(_, u)| *u, |(n, _)| n.as_str());
        assert_eq!(names(&list.top), ["a", "b"]);
        assert!(list.more.is_empty());
    }
}
