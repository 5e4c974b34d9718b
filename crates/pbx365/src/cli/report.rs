//! How the engine's review, apply outcome and doctor report read in a terminal.

use pbx365::doctor::{CheckStatus, DoctorReport};
use pbx365::guided::HandStep;
use pbx365::profile::{Mode, StepOutcome};
use pbx365::wizard::{AppAction, ApplyOutcome, ChangeTarget, KeyAction, Review};

use super::output::{Summary, or_unset};

pub fn review(profile: &str, review: &Review) -> String {
    let mut summary = Summary::default();
    summary.heading(format!("Review of profile \"{profile}\""));
    if review.nothing_to_change {
        summary.item("Nothing to change: everything is already in place.");
    }
    for change in &review.changes {
        let target = match change.target {
            ChangeTarget::Pbx => "PBX",
            ChangeTarget::Entra => "Entra",
            ChangeTarget::ThisComputer => "This computer",
        };
        summary.field(target, change.text());
    }

    let app = &review.app;
    let action = match app.action {
        AppAction::Create => "create",
        AppAction::Repair => "repair",
        AppAction::Keep => "keep as it is",
        AppAction::ByHand => "prepared by hand (guided)",
    };
    summary
        .heading("App registration")
        .field("Name", &app.display_name)
        .field("Action", action)
        .field("Application ID", or_unset(app.app_id.as_deref()))
        .field("Redirect URIs", app.redirect_uris.join(", "))
        .field("Permissions", app.permissions.join(", "));

    let key = &review.key_pair;
    let action = match key.action {
        KeyAction::Reuse => "keep the PBX's certificate",
        KeyAction::Generate => "the PBX generates a new key pair",
    };
    summary
        .heading("Key pair")
        .field("Action", action)
        .field("Why", key.reason.to_string());
    if let Some(certificate) = &key.certificate {
        summary
            .field("Certificate", &certificate.subject)
            .field("SHA-1 thumbprint", &certificate.sha1_thumbprint)
            .field("Valid until", &certificate.not_after);
    }

    let consent = &review.consent;
    summary
        .heading("Consent")
        .field("To grant", none_if_empty(&consent.to_grant))
        .field("Already granted", none_if_empty(&consent.already_granted));

    if !review.warnings.is_empty() {
        summary.heading("Warnings");
        for warning in &review.warnings {
            summary.item(format!("- {warning}"));
        }
    }
    hand_steps(
        &mut summary,
        "To do by hand in Entra after applying",
        &review.hand_steps,
    );
    summary.render()
}

pub fn applied(outcome: &ApplyOutcome) -> String {
    let mut summary = Summary::default();
    summary.heading("Applied");
    for entry in &outcome.journal.entries {
        let result = match &entry.outcome {
            StepOutcome::Done { changed: true } => "done".to_owned(),
            StepOutcome::Done { changed: false } => "already in place".to_owned(),
            StepOutcome::Failed { error } => format!("FAILED: {error}"),
        };
        summary.field(capitalized(entry.step.title()), result);
    }
    if let Some(app) = &outcome.app {
        summary.field("Application ID", &app.app_id);
    }
    if let Some(certificate) = &outcome.certificate {
        summary.field(
            "Certificate",
            format!(
                "{} (SHA-1 {}, valid until {})",
                certificate.subject, certificate.sha1_thumbprint, certificate.not_after
            ),
        );
    }
    if let Some(path) = &outcome.certificate_path {
        summary.field("public_key.pem", path.display().to_string());
    }
    hand_steps(
        &mut summary,
        "Still to do by hand in Entra",
        &outcome.hand_steps,
    );
    summary.render()
}

/// The doctor's verdict in a few words: every check passed, or how many failed.
pub fn doctor_verdict(report: &DoctorReport) -> String {
    let failed = report
        .checks
        .iter()
        .filter(|check| check.status == CheckStatus::Fail)
        .count();
    if report.passed {
        "every check passed".to_owned()
    } else if failed == 0 {
        "some checks could not run".to_owned()
    } else {
        format!("{failed} of {} checks failed", report.checks.len())
    }
}

pub fn doctor(report: &DoctorReport) -> String {
    let mode = match report.mode {
        Mode::Auto => "automatic mode",
        Mode::Guided => "guided mode",
    };
    let mut text = format!(
        "Doctor: profile \"{}\" ({mode}): {}\n",
        report.profile,
        doctor_verdict(report)
    );
    for check in &report.checks {
        let status = match check.status {
            CheckStatus::Pass => "PASS",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Skip => "SKIP",
        };
        text.push_str(&format!("  {status}  {}\n", check.title));
        if !check.explanation.is_empty() {
            text.push_str(&format!("        {}\n", check.explanation));
        }
        if check.status != CheckStatus::Pass
            && let Some(fix) = &check.fix
        {
            text.push_str(&format!("        Fix: {fix}\n"));
        }
    }
    text
}

fn hand_steps(summary: &mut Summary, heading: &str, steps: &[HandStep]) {
    if steps.is_empty() {
        return;
    }
    summary.heading(heading);
    for (number, step) in steps.iter().enumerate() {
        summary.item(format!("{}. {}", number + 1, step.title()));
        summary.item(format!("   {}", step.detail()));
        if let Some(link) = &step.link {
            summary.item(format!("   {}: {}", link.label.text(), link.url));
        }
        for value in &step.copy {
            summary.item(format!("   {}: {}", value.label.text(), value.value));
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn none_if_empty(values: &[String]) -> String {
    if values.is_empty() {
        "none".to_owned()
    } else {
        values.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use pbx365::doctor::{Check, CheckCode, CheckId, CheckMessage};

    use super::*;

    fn check(id: CheckId, status: CheckStatus, fix: Option<&str>) -> Check {
        Check {
            id,
            title: id.title().to_owned(),
            status,
            explanation: "why".to_owned(),
            fix: fix.map(str::to_owned),
            explanation_message: CheckMessage {
                code: CheckCode::Detail,
                params: [("detail".to_owned(), "why".to_owned())].into(),
                error: None,
                edition: None,
            },
            fix_message: fix.map(|_| CheckMessage {
                code: CheckCode::FixCheckPbx,
                params: Default::default(),
                error: None,
                edition: None,
            }),
            skip_by_design: false,
        }
    }

    #[test]
    fn the_doctor_shows_each_verdict_and_the_fix_of_what_failed() {
        let report = DoctorReport {
            profile: "acme".to_owned(),
            mode: Mode::Auto,
            at: "2025-01-01T00:00:00Z".to_owned(),
            checks: vec![
                check(CheckId::PbxReachable, CheckStatus::Pass, Some("unused")),
                check(
                    CheckId::RedirectUris,
                    CheckStatus::Fail,
                    Some("Run the setup again."),
                ),
            ],
            passed: false,
            edition: None,
        };
        let text = doctor(&report);
        assert!(
            text.starts_with("Doctor: profile \"acme\" (automatic mode): 1 of 2 checks failed\n"),
            "{text}"
        );
        assert!(text.contains("  PASS  PBX reachable"), "{text}");
        assert!(text.contains("  FAIL  The app's Redirect URIs"), "{text}");
        assert!(text.contains("Fix: Run the setup again."), "{text}");
        assert!(!text.contains("unused"), "{text}");
    }
}
