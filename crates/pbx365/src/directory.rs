//! The tenant's directory for the pickers: people and groups found as the admin types, and a
//! pasted list of addresses checked against it. Only automatic mode reads the directory; guided
//! mode has no Graph access, so its lists stay typed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{Error, ErrorReport};

/// Shorter queries find nothing: one letter matches half the tenant.
pub const MIN_QUERY_CHARS: usize = 2;
/// How many matches a search shows.
const SEARCH_RESULTS: u16 = 20;

/// A person as the picker shows and chooses them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DirectoryPerson {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub department: Option<String>,
}

/// A group as the group picker shows and chooses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DirectoryGroup {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub mail: Option<String>,
}

/// A pasted list checked against the directory: who was found, and the entries nobody has
/// (as they were typed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DirectoryCheck {
    pub known: Vec<DirectoryPerson>,
    pub unknown: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(
        "Guided mode has no access to your directory; type the addresses (user principal names \
         or mail addresses), separated by commas or new lines."
    )]
    Guided,
    #[error(transparent)]
    Engine(#[from] Error),
}

impl From<entra::EntraError> for DirectoryError {
    fn from(error: entra::EntraError) -> Self {
        DirectoryError::Engine(Error::Microsoft(error))
    }
}

impl DirectoryError {
    pub fn report(&self) -> ErrorReport {
        match self {
            DirectoryError::Guided => ErrorReport {
                code: "directory-guided".to_owned(),
                message: self.to_string(),
                params: Default::default(),
                field: None,
                apply_step: None,
                cause: None,
            },
            DirectoryError::Engine(error) => error.report(),
        }
    }
}

fn long_enough(query: &str) -> Option<&str> {
    let query = query.trim();
    (query.chars().count() >= MIN_QUERY_CHARS).then_some(query)
}

fn person(user: entra::User) -> DirectoryPerson {
    let user_principal_name = user.user_principal_name.unwrap_or_default();
    DirectoryPerson {
        display_name: user
            .display_name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| user_principal_name.clone()),
        user_principal_name,
        department: user.department.filter(|d| !d.trim().is_empty()),
        id: user.id,
    }
}

/// People whose name has a word starting with `query`, or whose user principal name starts
/// with it; nobody for fewer than [`MIN_QUERY_CHARS`] characters.
pub async fn search_people(
    graph: &entra::GraphClient,
    query: &str,
) -> Result<Vec<DirectoryPerson>, DirectoryError> {
    let Some(query) = long_enough(query) else {
        return Ok(Vec::new());
    };
    let users = graph.search_users(query, SEARCH_RESULTS).await?;
    Ok(users.into_iter().map(person).collect())
}

/// Groups whose name has a word starting with `query`, or whose mail address starts with it.
pub async fn search_groups(
    graph: &entra::GraphClient,
    query: &str,
) -> Result<Vec<DirectoryGroup>, DirectoryError> {
    let Some(query) = long_enough(query) else {
        return Ok(Vec::new());
    };
    let groups = graph.search_groups(query, SEARCH_RESULTS).await?;
    Ok(groups
        .into_iter()
        .map(|g| DirectoryGroup {
            display_name: g
                .display_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| g.id.clone()),
            description: g.description.filter(|d| !d.trim().is_empty()),
            mail: g.mail,
            id: g.id,
        })
        .collect())
}

/// The pasted `entries` (user principal names or mail addresses, any case) looked up: first as
/// user principal names, the rest as mail addresses. Blank and repeated entries are dropped;
/// an entry without `@` is unknown without asking.
pub async fn check_people(
    graph: &entra::GraphClient,
    entries: &[String],
) -> Result<DirectoryCheck, DirectoryError> {
    let mut wanted: Vec<String> = Vec::new();
    for entry in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        if !wanted.iter().any(|w| w.eq_ignore_ascii_case(entry)) {
            wanted.push(entry.to_owned());
        }
    }
    let addresses: Vec<String> = wanted.iter().filter(|e| e.contains('@')).cloned().collect();
    let mut found: Vec<entra::User> = if addresses.is_empty() {
        Vec::new()
    } else {
        graph.users_by_principal_names(&addresses).await?
    };
    let by_upn = |user: &entra::User, entry: &str| {
        user.user_principal_name
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(entry))
    };
    let by_mail = |user: &entra::User, entry: &str| {
        user.mail
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case(entry))
    };
    let not_by_upn: Vec<String> = addresses
        .iter()
        .filter(|e| !found.iter().any(|u| by_upn(u, e)))
        .cloned()
        .collect();
    if !not_by_upn.is_empty() {
        found.extend(graph.users_by_mail(&not_by_upn).await?);
    }
    let mut check = DirectoryCheck::default();
    for entry in wanted {
        let user = found
            .iter()
            .find(|u| by_upn(u, &entry))
            .or_else(|| found.iter().find(|u| by_mail(u, &entry)));
        match user {
            Some(user) if !check.known.iter().any(|p| p.id == user.id) => {
                check.known.push(person(user.clone()));
            }
            Some(_) => {}
            None => check.unknown.push(entry),
        }
    }
    Ok(check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_shorter_than_two_characters_find_nobody() {
        assert_eq!(long_enough(" a "), None);
        assert_eq!(long_enough("é"), None);
        assert_eq!(long_enough(" jo "), Some("jo"));
        assert_eq!(long_enough("李明"), Some("李明"));
    }

    #[test]
    fn guided_mode_reports_its_own_code() {
        let report = DirectoryError::Guided.report();
        assert_eq!(report.code, "directory-guided");
        assert!(report.message.contains("type the addresses"));
    }

    #[test]
    fn a_person_without_a_name_is_shown_by_address() {
        let p = person(entra::User {
            id: "1".into(),
            display_name: Some(" ".into()),
            user_principal_name: Some("a@x".into()),
            department: Some(String::new()),
            ..Default::default()
        });
        assert_eq!(p.display_name, "a@x");
        assert_eq!(p.department, None);
    }
}
