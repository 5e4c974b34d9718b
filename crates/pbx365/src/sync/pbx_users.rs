//! The PBX's users as the planner sees them, read 100 a page.

use futures::TryStreamExt;
use portsip::model::{SyncSource, UserQuery, UserSummary};

/// A PBX user, reduced to what a sync compares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PbxUser {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub extension: Option<String>,
    pub enabled: bool,
    pub department: Option<String>,
    pub work_phone: Option<String>,
    pub mobile_phone: Option<String>,
    /// Bound to a Microsoft 365 account (`sync_type` is `Microsoft 365`).
    pub bound: bool,
}

impl PbxUser {
    fn from_summary(user: UserSummary) -> Option<Self> {
        Some(Self {
            id: user.id.filter(|id| !id.is_empty())?,
            name: user.name.unwrap_or_default(),
            email: user.email,
            display_name: user.display_name,
            extension: user.extension_number,
            enabled: user.enabled.unwrap_or(true),
            department: user.department,
            work_phone: user.work_phone,
            mobile_phone: user.mobile_phone,
            bound: user.sync_type == Some(SyncSource::Microsoft365),
        })
    }
}

/// Every user of the PBX tenant.
pub async fn read_all(pbx: &portsip::Client) -> Result<Vec<PbxUser>, portsip::Error> {
    list(pbx, &UserQuery::default()).await
}

/// The users whose name, e-mail or extension contains `text` (PortSIP's free-text search), to
/// find out whether a create that got no answer happened after all.
pub async fn search(pbx: &portsip::Client, text: &str) -> Result<Vec<PbxUser>, portsip::Error> {
    let query = UserQuery {
        search: Some(text.to_owned()),
        ..UserQuery::default()
    };
    list(pbx, &query).await
}

async fn list(pbx: &portsip::Client, query: &UserQuery) -> Result<Vec<PbxUser>, portsip::Error> {
    pbx.users(query)
        .try_filter_map(|user| futures::future::ready(Ok(PbxUser::from_summary(user))))
        .try_collect()
        .await
}
