//! Drift: how far the PBX has moved from Microsoft 365, worked out from the same reads and
//! matching a sync uses, changing nothing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::directory::{Degradation, DirectoryUser, SourceKind};
use super::pbx_users::PbxUser;
use super::plan::{PlanInput, exclusion, match_users};

/// One user out of line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DriftEntry {
    pub object_id: Option<String>,
    pub principal: Option<String>,
    pub display_name: Option<String>,
    pub pbx_user_id: Option<String>,
    pub pbx_name: Option<String>,
    /// Whether the PBX user is enabled (for users that have one).
    pub pbx_enabled: Option<bool>,
}

impl DriftEntry {
    fn of(ms: Option<&DirectoryUser>, pbx: Option<&PbxUser>) -> Self {
        Self {
            object_id: ms.map(|u| u.id.clone()),
            principal: ms.and_then(|u| u.principal().map(str::to_owned)),
            display_name: ms
                .and_then(|u| u.display_name.clone())
                .or_else(|| pbx.and_then(|p| p.display_name.clone())),
            pbx_user_id: pbx.map(|p| p.id.clone()),
            pbx_name: pbx.map(|p| p.name.clone()),
            pbx_enabled: pbx.map(|p| p.enabled),
        }
    }
}

/// The drift between Microsoft 365 and the PBX.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DriftReport {
    /// RFC 3339.
    pub checked_at: String,
    pub source: SourceKind,
    pub degradations: Vec<Degradation>,
    /// User sync is switched on in the PBX's settings (drift is worked out either way).
    pub user_sync_enabled: bool,
    /// In scope in Microsoft 365, enabled, and no PBX user has their e-mail.
    pub missing_on_pbx: Vec<DriftEntry>,
    /// In scope, and a PBX user has their e-mail but is not bound to them.
    pub not_bound: Vec<DriftEntry>,
    /// Bound on the PBX, but the Microsoft 365 account is disabled.
    pub disabled_in_microsoft: Vec<DriftEntry>,
    /// Bound on the PBX, but no Microsoft 365 account matches any more.
    pub gone_from_microsoft: Vec<DriftEntry>,
}

impl DriftReport {
    /// No drift at all.
    pub fn is_clean(&self) -> bool {
        self.missing_on_pbx.is_empty()
            && self.not_bound.is_empty()
            && self.disabled_in_microsoft.is_empty()
            && self.gone_from_microsoft.is_empty()
    }
}

/// Works out the drift; `checked_at` is stamped on the report.
pub fn compute_drift(input: &PlanInput<'_>, checked_at: String) -> DriftReport {
    let matching = match_users(input);
    let mut report = DriftReport {
        checked_at,
        source: input.source,
        degradations: input.source.degradations(),
        user_sync_enabled: input.settings.enabled,
        missing_on_pbx: Vec::new(),
        not_bound: Vec::new(),
        disabled_in_microsoft: Vec::new(),
        gone_from_microsoft: Vec::new(),
    };
    for (ms, pbx) in matching.pairs {
        let entry = || DriftEntry::of(Some(ms), pbx);
        match pbx {
            Some(bound) if bound.bound && ms.enabled == Some(false) => {
                report.disabled_in_microsoft.push(entry());
            }
            _ if ms.enabled == Some(false)
                || exclusion(ms, input.settings, input.source).is_some() => {}
            None if ms.email().is_some() => report.missing_on_pbx.push(entry()),
            Some(unbound) if !unbound.bound => report.not_bound.push(entry()),
            _ => {}
        }
    }
    report.gone_from_microsoft = matching
        .orphans
        .into_iter()
        .map(|pbx| DriftEntry::of(None, Some(pbx)))
        .collect();
    report
}
