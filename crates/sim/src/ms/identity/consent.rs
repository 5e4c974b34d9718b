//! Delegated consent: what a signed-in user agrees to let a client do, and how `.default`
//! turns into concrete Graph scopes.

use std::collections::BTreeSet;

use super::client::Client;
use super::scopes::Scopes;
use crate::ms::Cloud;
use crate::ms::catalog::{self, GRAPH_APP_ID, GRAPH_SCOPES, OIDC_SCOPES};
use crate::ms::state::State;

/// Graph grants at least this when a client asks only for sign-in.
const SIGN_IN_SCOPE: &str = "User.Read";

impl Cloud {
    /// Records the user's consent and returns the scopes the tokens will carry.
    pub(crate) fn grant_delegated(
        &self,
        state: &mut State,
        client: &Client,
        user_id: &str,
        requested: &Scopes,
    ) -> Scopes {
        let key = (client.app_id().to_owned(), user_id.to_owned());
        let mut granted = requested.clone();
        if requested.graph_default {
            granted.graph = state.consents.get(&key).cloned().unwrap_or_default();
            granted.graph.extend(statically_required(client));
        }
        if granted.graph.is_empty() {
            granted.graph.insert(SIGN_IN_SCOPE.to_owned());
        }
        state
            .consents
            .entry(key)
            .or_default()
            .extend(granted.graph.iter().cloned());
        granted
    }

    /// One line per permission, for the consent page.
    pub(crate) fn describe_delegated(&self, client: &Client, scopes: &Scopes) -> Vec<String> {
        let mut graph: BTreeSet<String> = scopes.graph.clone();
        if scopes.graph_default {
            graph.extend(statically_required(client));
        }
        if graph.is_empty() {
            graph.insert(SIGN_IN_SCOPE.to_owned());
        }
        OIDC_SCOPES
            .iter()
            .copied()
            .filter(|s| scopes.has(s))
            .chain(graph.iter().map(String::as_str))
            .filter_map(catalog::graph_scope)
            .map(|p| {
                if p.admin_only {
                    format!("{} (requires an administrator)", p.display_name)
                } else {
                    p.display_name.to_owned()
                }
            })
            .collect()
    }
}

/// The delegated Graph permissions an app registration declares in `requiredResourceAccess`.
fn statically_required(client: &Client) -> Vec<String> {
    let Client::Registered(app) = client else {
        return Vec::new();
    };
    app.required_resource_access
        .iter()
        .filter(|r| r.resource_app_id.eq_ignore_ascii_case(GRAPH_APP_ID))
        .flat_map(|r| &r.resource_access)
        .filter(|a| a.kind == "Scope")
        .filter_map(|a| {
            GRAPH_SCOPES
                .iter()
                .find(|p| p.id.eq_ignore_ascii_case(&a.id))
        })
        .filter(|p| !OIDC_SCOPES.contains(&p.value))
        .map(|p| p.value.to_owned())
        .collect()
}
