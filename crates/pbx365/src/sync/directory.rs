//! Where the Microsoft 365 users come from: Microsoft Graph with the admin's delegated token,
//! or — when the wizard holds no Graph sign-in — the PBX's own `GET /ms365/users`, which
//! carries far less and so weakens some plan decisions (see [`Degradation`]).

use futures::future::BoxFuture;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SyncError;
use crate::profile::GroupRef;

/// Graph's largest `/users` page.
pub const GRAPH_PAGE_SIZE: u16 = entra::MAX_PAGE_SIZE;

/// The Graph properties a sync reads.
const GRAPH_FIELDS: &[&str] = &[
    "id",
    "displayName",
    "givenName",
    "surname",
    "userPrincipalName",
    "mail",
    "accountEnabled",
    "userType",
    "department",
    "mobilePhone",
    "businessPhones",
];

/// A Microsoft 365 user as the planner sees it. `None` means "not known from this source".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryUser {
    /// The Entra object ID.
    pub id: String,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub enabled: Option<bool>,
    pub guest: Option<bool>,
    pub department: Option<String>,
    pub business_phone: Option<String>,
    pub mobile_phone: Option<String>,
}

impl DirectoryUser {
    /// The address a PBX user of this person gets: the mailbox, else the user principal name
    /// (PortSIP does the same for users without a mailbox).
    pub fn email(&self) -> Option<&str> {
        non_empty(self.mail.as_deref()).or_else(|| non_empty(self.user_principal_name.as_deref()))
    }

    /// The name the PBX user name is made from: the user principal name, else the e-mail.
    pub fn principal(&self) -> Option<&str> {
        non_empty(self.user_principal_name.as_deref()).or_else(|| self.email())
    }

    /// PortSIP's rule: a user whose first and last name are both empty is not synced. Without
    /// those fields (the PBX's view), an empty display name stands in.
    pub fn has_name(&self, source: SourceKind) -> bool {
        match source {
            SourceKind::Graph => {
                non_empty(self.given_name.as_deref()).is_some()
                    || non_empty(self.surname.as_deref()).is_some()
            }
            SourceKind::Pbx => non_empty(self.display_name.as_deref()).is_some(),
        }
    }

    /// The ways `selected_users` may name this user.
    pub fn scope_keys(&self) -> [&str; 3] {
        [
            self.user_principal_name.as_deref().unwrap_or_default(),
            self.mail.as_deref().unwrap_or_default(),
            &self.id,
        ]
    }
}

pub(crate) fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Which source the Microsoft 365 users were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum SourceKind {
    /// Microsoft Graph with the admin's delegated token: every property the plan uses.
    Graph,
    /// The PBX's `GET /ms365/users`: object ID, display name and e-mail only.
    Pbx,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Graph => "graph",
            SourceKind::Pbx => "pbx",
        }
    }

    /// A profile's source, decided by its mode at setup: Graph through the admin's sign-in in
    /// automatic mode, the PBX's view only where pbx365 has no Graph access (guided mode).
    pub fn of_mode(mode: crate::profile::Mode) -> Self {
        match mode {
            crate::profile::Mode::Auto => SourceKind::Graph,
            crate::profile::Mode::Guided => SourceKind::Pbx,
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        if text == "pbx" {
            SourceKind::Pbx
        } else {
            SourceKind::Graph
        }
    }

    /// The plan decisions this source cannot make as well as Graph.
    pub fn degradations(self) -> Vec<Degradation> {
        match self {
            SourceKind::Graph => Vec::new(),
            SourceKind::Pbx => vec![
                Degradation::NoAccountState,
                Degradation::NoGuestFlag,
                Degradation::NameRuleApproximated,
                Degradation::NoDepartmentOrPhones,
                Degradation::NoPrincipalName,
            ],
        }
    }
}

/// A plan decision weakened because the source does not carry what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Degradation {
    /// Disabled accounts cannot be told apart: nobody is disabled, disabled accounts are
    /// treated as enabled.
    NoAccountState,
    /// Guests cannot be told apart: the guest option cannot be applied, guests are treated as
    /// members.
    NoGuestFlag,
    /// "No first and last name" is judged from the display name alone.
    NameRuleApproximated,
    /// Department and phone numbers are neither set nor updated.
    NoDepartmentOrPhones,
    /// New users' names come from the e-mail address; selected users are matched by e-mail or
    /// object ID.
    NoPrincipalName,
}

impl Degradation {
    pub fn sentence(self) -> &'static str {
        match self {
            Degradation::NoAccountState => {
                "The PBX's list does not say which accounts are disabled: disabled accounts are treated as enabled and no user is disabled. Sign in to Microsoft for a full sync."
            }
            Degradation::NoGuestFlag => {
                "The PBX's list does not say which accounts are guests: guests are treated as members whatever the guest option says. Sign in to Microsoft for a full sync."
            }
            Degradation::NameRuleApproximated => {
                "The PBX's list has no first and last names: only users without any display name are skipped as nameless."
            }
            Degradation::NoDepartmentOrPhones => {
                "The PBX's list has no department or phone numbers: those are neither set nor updated."
            }
            Degradation::NoPrincipalName => {
                "The PBX's list has no user principal names: new user names come from the e-mail address, and selected users are matched by e-mail or object ID."
            }
        }
    }
}

/// A source of Microsoft 365 users.
pub trait MicrosoftDirectory: Send + Sync {
    fn kind(&self) -> SourceKind;

    /// Every user of the tenant, read as the stream is polled.
    fn users(&self) -> BoxStream<'static, Result<DirectoryUser, SyncError>>;

    /// The groups user sync is scoped to (the profile's [`UserScope::Groups`]); none when the
    /// PBX's own settings say who is in scope.
    ///
    /// [`UserScope::Groups`]: crate::profile::UserScope::Groups
    fn scope_groups(&self) -> &[GroupRef] {
        &[]
    }

    /// The users of `groups`, nested groups included, each once. Only Graph tells group
    /// membership: other sources refuse.
    fn group_members(
        &self,
        groups: &[GroupRef],
    ) -> BoxFuture<'static, Result<Vec<DirectoryUser>, SyncError>> {
        let _ = groups;
        Box::pin(async { Err(SyncError::GroupsNeedGraph) })
    }
}

/// Microsoft Graph with the admin's delegated token (`User.Read.All`), 999 users a page.
#[derive(Debug, Clone)]
pub struct GraphDirectory {
    graph: entra::GraphClient,
    groups: Vec<GroupRef>,
}

impl GraphDirectory {
    pub fn new(graph: entra::GraphClient) -> Self {
        Self {
            graph,
            groups: Vec::new(),
        }
    }

    /// User sync scoped to the members of `groups` (read with `GroupMember.Read.All`).
    pub fn scoped_to(mut self, groups: Vec<GroupRef>) -> Self {
        self.groups = groups;
        self
    }
}

impl MicrosoftDirectory for GraphDirectory {
    fn kind(&self) -> SourceKind {
        SourceKind::Graph
    }

    fn scope_groups(&self) -> &[GroupRef] {
        &self.groups
    }

    fn users(&self) -> BoxStream<'static, Result<DirectoryUser, SyncError>> {
        self.graph
            .users(GRAPH_FIELDS, GRAPH_PAGE_SIZE)
            .map_ok(from_graph)
            .map_err(SyncError::Graph)
            .boxed()
    }

    fn group_members(
        &self,
        groups: &[GroupRef],
    ) -> BoxFuture<'static, Result<Vec<DirectoryUser>, SyncError>> {
        let graph = self.graph.clone();
        let groups = groups.to_vec();
        Box::pin(
            async move { super::group_scope::read_members(&graph, &groups, GRAPH_PAGE_SIZE).await },
        )
    }
}

pub(crate) fn from_graph(user: entra::User) -> DirectoryUser {
    DirectoryUser {
        guest: user
            .user_type
            .as_deref()
            .map(|t| t.eq_ignore_ascii_case("Guest")),
        business_phone: user
            .business_phones
            .and_then(|phones| phones.into_iter().find(|p| !p.trim().is_empty())),
        id: user.id,
        user_principal_name: user.user_principal_name,
        mail: user.mail,
        display_name: user.display_name,
        given_name: user.given_name,
        surname: user.surname,
        enabled: user.account_enabled,
        department: user.department,
        mobile_phone: user.mobile_phone,
    }
}

/// The PBX's own view of Microsoft 365 (`GET /ms365/users`), read with the PBX's certificate.
#[derive(Debug, Clone)]
pub struct PbxDirectory {
    pbx: portsip::Client,
    groups: Vec<GroupRef>,
}

impl PbxDirectory {
    pub fn new(pbx: portsip::Client) -> Self {
        Self {
            pbx,
            groups: Vec::new(),
        }
    }

    /// A group scope, which this source cannot follow: runs refuse it with what to do.
    pub fn scoped_to(mut self, groups: Vec<GroupRef>) -> Self {
        self.groups = groups;
        self
    }
}

impl MicrosoftDirectory for PbxDirectory {
    fn kind(&self) -> SourceKind {
        SourceKind::Pbx
    }

    fn scope_groups(&self) -> &[GroupRef] {
        &self.groups
    }

    fn users(&self) -> BoxStream<'static, Result<DirectoryUser, SyncError>> {
        let pbx = self.pbx.clone();
        futures::stream::once(async move {
            let page = pbx.ms365_users().await.map_err(SyncError::PbxDirectory)?;
            let users = page.items.into_iter().filter_map(from_pbx_view).map(Ok);
            Ok::<_, SyncError>(futures::stream::iter(users))
        })
        .try_flatten()
        .boxed()
    }
}

fn from_pbx_view(user: portsip::model::Ms365User) -> Option<DirectoryUser> {
    Some(DirectoryUser {
        id: user.id.filter(|id| !id.trim().is_empty())?,
        mail: user.email,
        display_name: user.name,
        ..DirectoryUser::default()
    })
}
