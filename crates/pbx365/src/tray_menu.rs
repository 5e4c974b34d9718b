//! The tray menu: open the window, "Sync …" for each profile with its last result, quit; with
//! many profiles the most urgent first and the rest under "More…" ([`crate::profile_order`]).
//! Worded in the window's language ([`crate::ui_language`]): the tray is drawn by the app, not
//! the window, so its few texts are worded here, one function per language, in the terms of the
//! window's catalogues (ui/messages/en.json, ui/messages/zh-CN.json).

use crate::profile_order::{TRAY_TOP, Urgency, shortlist};
use crate::sync::{OutcomeCounts, RunStatus, RunSummary};
use crate::ui_language::UiLanguage;

/// A profile as the tray shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileState {
    pub profile: String,
    /// A sync of it is running now.
    pub running: bool,
    pub last: LastRun,
}

/// What the sync history says of a profile's last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastRun {
    NotSyncedYet,
    /// The history cannot be read.
    Unavailable,
    Ended {
        status: RunStatus,
        outcome: OutcomeCounts,
    },
}

impl LastRun {
    /// The newest of `history` (newest first), as the sync store lists it.
    pub fn of(history: &[RunSummary]) -> Self {
        history
            .first()
            .map_or(Self::NotSyncedYet, |run| Self::Ended {
                status: run.status,
                outcome: run.outcome,
            })
    }

    fn status(&self) -> Option<RunStatus> {
        match self {
            Self::Ended { status, .. } => Some(*status),
            Self::NotSyncedYet | Self::Unavailable => None,
        }
    }
}

/// The menu, worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayMenu {
    pub open: String,
    /// The most urgent profiles, each between separators.
    pub top: Vec<ProfileEntry>,
    /// The rest, by name, in a submenu; `None` when all fit.
    pub more: Option<MoreEntries>,
    pub quit: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoreEntries {
    pub label: String,
    pub entries: Vec<ProfileEntry>,
}

/// A profile's two lines: the action and, disabled, its last result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileEntry {
    pub profile: String,
    pub sync_label: String,
    /// False while it syncs: one run at a time.
    pub can_sync: bool,
    pub last_result: String,
}

/// The menu for `profiles` in `language`.
pub fn tray_menu(profiles: Vec<ProfileState>, language: UiLanguage) -> TrayMenu {
    let word = |text: TrayText<'_>| text.word(language);
    let entry = |state: ProfileState| ProfileEntry {
        sync_label: word(if state.running {
            TrayText::Syncing(&state.profile)
        } else {
            TrayText::Sync(&state.profile)
        }),
        can_sync: !state.running,
        last_result: word(TrayText::LastRun(&state.last)),
        profile: state.profile,
    };
    let lines = shortlist(
        profiles,
        TRAY_TOP,
        |state| Urgency::of(state.running, state.last.status()),
        |state| &state.profile,
    );
    TrayMenu {
        open: word(TrayText::Open),
        top: lines.top.into_iter().map(entry).collect(),
        more: (!lines.more.is_empty()).then(|| MoreEntries {
            label: word(TrayText::More),
            entries: lines.more.into_iter().map(entry).collect(),
        }),
        quit: word(TrayText::Quit),
    }
}

/// Every text of the tray.
#[derive(Debug, Clone, Copy)]
enum TrayText<'a> {
    Open,
    Quit,
    More,
    Sync(&'a str),
    Syncing(&'a str),
    LastRun(&'a LastRun),
}

impl TrayText<'_> {
    fn word(self, language: UiLanguage) -> String {
        match language {
            UiLanguage::English => english(self),
            UiLanguage::SimplifiedChinese => simplified_chinese(self),
        }
    }
}

fn english(text: TrayText<'_>) -> String {
    match text {
        TrayText::Open => "Open pbx365".to_owned(),
        TrayText::Quit => "Quit pbx365".to_owned(),
        TrayText::More => "More…".to_owned(),
        TrayText::Sync(profile) => format!("Sync {profile}…"),
        TrayText::Syncing(profile) => format!("Syncing {profile}…"),
        TrayText::LastRun(LastRun::NotSyncedYet) => "Not synced yet".to_owned(),
        TrayText::LastRun(LastRun::Unavailable) => "Sync history unavailable".to_owned(),
        TrayText::LastRun(LastRun::Ended { status, outcome }) => {
            let how = match status {
                RunStatus::Running => "running",
                RunStatus::Completed => "completed",
                RunStatus::CompletedWithFailures => "completed with failures",
                RunStatus::Failed => "failed",
                RunStatus::Cancelled => "cancelled",
                RunStatus::Interrupted => "interrupted",
            };
            let counts = counted(
                outcome,
                |counted, count| match counted {
                    Counted::Created => format!("{count} created"),
                    Counted::Adopted => format!("{count} adopted"),
                    Counted::Updated => format!("{count} updated"),
                    Counted::Disabled => format!("{count} disabled"),
                    Counted::Failed => format!("{count} failed"),
                    Counted::NotDone => format!("{count} not done"),
                },
                ", ",
            );
            format!(
                "Last sync {how}: {}",
                counts.as_deref().unwrap_or("no changes")
            )
        }
    }
}

/// In the terms of ui/messages/zh-CN.json: `run_status_*`, `sync_count_*`,
/// `dashboard_last_sync`, `dashboard_no_sync`, `dashboard_sync_label`, `sync_syncing`,
/// `history_table_label`.
fn simplified_chinese(text: TrayText<'_>) -> String {
    match text {
        TrayText::Open => "打开 pbx365".to_owned(),
        TrayText::Quit => "退出 pbx365".to_owned(),
        TrayText::More => "更多…".to_owned(),
        TrayText::Sync(profile) => format!("同步 {profile}…"),
        TrayText::Syncing(profile) => format!("正在同步 {profile}…"),
        TrayText::LastRun(LastRun::NotSyncedYet) => "尚未同步".to_owned(),
        TrayText::LastRun(LastRun::Unavailable) => "无法读取同步历史".to_owned(),
        TrayText::LastRun(LastRun::Ended { status, outcome }) => {
            let how = match status {
                RunStatus::Running => "运行中",
                RunStatus::Completed => "已完成",
                RunStatus::CompletedWithFailures => "已完成，但有失败项",
                RunStatus::Failed => "失败",
                RunStatus::Cancelled => "已取消",
                RunStatus::Interrupted => "已中断",
            };
            let counts = counted(
                outcome,
                |counted, count| match counted {
                    Counted::Created => format!("已创建 {count} 个"),
                    Counted::Adopted => format!("已关联 {count} 个"),
                    Counted::Updated => format!("已更新 {count} 个"),
                    Counted::Disabled => format!("已禁用 {count} 个"),
                    Counted::Failed => format!("失败 {count} 个"),
                    Counted::NotDone => format!("未完成 {count} 个"),
                },
                "，",
            );
            format!(
                "最近一次同步{how}：{}",
                counts.as_deref().unwrap_or("没有更改")
            )
        }
    }
}

/// What a last result counts: the users changed or left, not those unchanged or skipped.
#[derive(Debug, Clone, Copy)]
enum Counted {
    Created,
    Adopted,
    Updated,
    Disabled,
    Failed,
    NotDone,
}

/// The counts that are not zero, each worded by `word`, joined with `separator`; `None` when
/// nothing changed.
fn counted(
    outcome: &OutcomeCounts,
    word: impl Fn(Counted, u32) -> String,
    separator: &str,
) -> Option<String> {
    let parts: Vec<String> = [
        (Counted::Created, outcome.created),
        (Counted::Adopted, outcome.adopted),
        (Counted::Updated, outcome.updated),
        (Counted::Disabled, outcome.disabled),
        (Counted::Failed, outcome.failed),
        (Counted::NotDone, outcome.not_done),
    ]
    .into_iter()
    .filter(|(_, count)| *count > 0)
    .map(|(counted, count)| word(counted, count))
    .collect();
    (!parts.is_empty()).then(|| parts.join(separator))
}

#[cfg(test)]
mod tests {
    use super::*;
    use UiLanguage::{English, SimplifiedChinese};

    /// A different number for each count a run summary can name.
    fn every_count() -> OutcomeCounts {
        OutcomeCounts {
            created: 1,
            adopted: 2,
            updated: 3,
            disabled: 4,
            failed: 5,
            not_done: 6,
            ..OutcomeCounts::default()
        }
    }

    fn ended(status: RunStatus, outcome: OutcomeCounts) -> LastRun {
        LastRun::Ended { status, outcome }
    }

    fn state(profile: &str, running: bool, last: LastRun) -> ProfileState {
        ProfileState {
            profile: profile.to_owned(),
            running,
            last,
        }
    }

    fn with_failures() -> OutcomeCounts {
        OutcomeCounts {
            created: 12,
            failed: 1,
            unchanged: 230,
            ..OutcomeCounts::default()
        }
    }

    fn last_results(language: UiLanguage) -> Vec<String> {
        let menu = tray_menu(
            vec![
                state(
                    "a",
                    false,
                    ended(RunStatus::CompletedWithFailures, with_failures()),
                ),
                state(
                    "b",
                    false,
                    ended(RunStatus::Completed, OutcomeCounts::default()),
                ),
                state("c", false, LastRun::NotSyncedYet),
                state("d", false, LastRun::Unavailable),
            ],
            language,
        );
        menu.top
            .into_iter()
            .map(|entry| entry.last_result)
            .collect()
    }

    #[test]
    fn the_last_result_names_how_the_run_ended_and_only_the_counts_that_happened() {
        assert_eq!(
            last_results(English),
            [
                "Last sync completed with failures: 12 created, 1 failed",
                "Not synced yet",
                "Sync history unavailable",
                "Last sync completed: no changes",
            ]
        );
        assert_eq!(
            last_results(SimplifiedChinese),
            [
                "最近一次同步已完成，但有失败项：已创建 12 个，失败 1 个",
                "尚未同步",
                "无法读取同步历史",
                "最近一次同步已完成：没有更改",
            ]
        );
    }

    #[test]
    fn the_chinese_words_are_the_windows() -> Result<(), Box<dyn std::error::Error>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/messages/zh-CN.json");
        let catalogue: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        let term = |key: &str| catalogue[key].as_str().unwrap_or("(missing)").to_owned();
        let one = |running: bool, last: LastRun| {
            let mut menu = tray_menu(vec![state("contoso", running, last)], SimplifiedChinese);
            menu.top
                .pop()
                .map(|entry| (entry.sync_label, entry.last_result))
        };
        for (status, key) in [
            (RunStatus::Running, "run_status_running"),
            (RunStatus::Completed, "run_status_completed"),
            (
                RunStatus::CompletedWithFailures,
                "run_status_completed_with_failures",
            ),
            (RunStatus::Failed, "run_status_failed"),
            (RunStatus::Cancelled, "run_status_cancelled"),
            (RunStatus::Interrupted, "run_status_interrupted"),
        ] {
            let (_, last) = one(false, ended(status, every_count())).ok_or("no entry")?;
            let counts = [
                "sync_count_created",
                "sync_count_adopted",
                "sync_count_updated",
                "sync_count_disabled",
                "sync_count_failed",
                "sync_count_not_done",
            ]
            .iter()
            .zip(1..)
            .map(|(key, count)| format!("{} {count} 个", term(key)))
            .collect::<Vec<_>>()
            .join("，");
            let expected = format!("{}{}：{counts}", term("dashboard_last_sync"), term(key));
            assert_eq!(last, expected);
        }
        let (sync, not_synced) = one(false, LastRun::NotSyncedYet).ok_or("no entry")?;
        assert_eq!(
            sync,
            format!(
                "{}…",
                term("dashboard_sync_label").replace("{profile}", "contoso")
            )
        );
        assert_eq!(not_synced, term("dashboard_no_sync"));
        let (syncing, unavailable) = one(true, LastRun::Unavailable).ok_or("no entry")?;
        assert_eq!(syncing, term("sync_syncing").replace('…', " contoso…"));
        assert!(
            unavailable.contains(&term("history_table_label")),
            "{unavailable}"
        );
        Ok(())
    }

    #[test]
    fn the_last_run_is_the_newest_in_the_history() {
        let run = |id, status| RunSummary {
            id,
            profile: "contoso".to_owned(),
            started_at: "2026-11-23T10:00:00Z".to_owned(),
            finished_at: None,
            duration_ms: None,
            status,
            source: crate::sync::SourceKind::Graph,
            resumed_from: None,
            planned: crate::sync::PlanCounts::default(),
            outcome: with_failures(),
            error: None,
        };
        let history = [run(8, RunStatus::Failed), run(7, RunStatus::Completed)];
        assert_eq!(
            LastRun::of(&history),
            ended(RunStatus::Failed, with_failures())
        );
        assert_eq!(LastRun::of(&[]), LastRun::NotSyncedYet);
    }

    #[test]
    fn every_text_is_worded_in_both_languages() {
        let profiles = || {
            let mut profiles: Vec<ProfileState> = (1..=TRAY_TOP + 1)
                .map(|n| state(&format!("tenant{n}"), false, LastRun::NotSyncedYet))
                .collect();
            profiles[0].running = true;
            profiles
        };
        let english = tray_menu(profiles(), English);
        assert_eq!(english.open, "Open pbx365");
        assert_eq!(english.quit, "Quit pbx365");
        assert_eq!(english.top[0].sync_label, "Syncing tenant1…");
        assert!(!english.top[0].can_sync);
        assert_eq!(english.top[1].sync_label, "Sync tenant2…");
        assert!(english.top[1].can_sync);
        let more = english.more.as_ref().map(|more| more.label.as_str());
        assert_eq!(more, Some("More…"));

        let chinese = tray_menu(profiles(), SimplifiedChinese);
        assert_eq!(chinese.open, "打开 pbx365");
        assert_eq!(chinese.quit, "退出 pbx365");
        assert_eq!(chinese.top[0].sync_label, "正在同步 tenant1…");
        assert_eq!(chinese.top[1].sync_label, "同步 tenant2…");
        let more = chinese.more.as_ref().map(|more| more.label.as_str());
        assert_eq!(more, Some("更多…"));
    }

    #[test]
    fn no_english_is_left_in_the_chinese_menu() {
        let statuses = [
            RunStatus::Running,
            RunStatus::Completed,
            RunStatus::CompletedWithFailures,
            RunStatus::Failed,
            RunStatus::Cancelled,
            RunStatus::Interrupted,
        ];
        let mut profiles: Vec<ProfileState> = statuses
            .iter()
            .enumerate()
            .map(|(n, status)| state(&format!("p{n}"), n == 0, ended(*status, every_count())))
            .collect();
        profiles.push(state("q", false, LastRun::NotSyncedYet));
        profiles.push(state("r", false, LastRun::Unavailable));
        for n in 0..TRAY_TOP {
            profiles.push(state(&format!("s{n}"), false, LastRun::NotSyncedYet));
        }
        let menu = tray_menu(profiles, SimplifiedChinese);
        let more = menu.more.iter().flat_map(|more| {
            std::iter::once(more.label.clone()).chain(
                more.entries
                    .iter()
                    .flat_map(|e| [e.sync_label.clone(), e.last_result.clone()]),
            )
        });
        let texts: Vec<String> = [menu.open.clone(), menu.quit.clone()]
            .into_iter()
            .chain(
                menu.top
                    .iter()
                    .flat_map(|e| [e.sync_label.clone(), e.last_result.clone()]),
            )
            .chain(more)
            .collect();
        assert_eq!(texts.len(), 3 + 2 * (statuses.len() + 2 + TRAY_TOP));
        for text in &texts {
            let latin: String = text
                .replace("pbx365", "")
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect();
            // Only a profile's name (a letter and a digit here) may be in Latin letters.
            assert!(latin.len() <= 1, "English left in {text:?}");
        }
        assert!(texts.contains(
            &"最近一次同步已中断：已创建 1 个，已关联 2 个，已更新 3 个，已禁用 4 个，失败 5 个，未完成 6 个"
                .to_owned()
        ));
    }
}
