//! Finding people and groups in the tenant's directory: `$search` (an advanced query, sent with
//! `ConsistencyLevel: eventual`) for search-as-you-type, and `$filter=… in (…)` for checking a
//! pasted list of addresses.

use futures::TryStreamExt;
use serde::Deserialize;

use super::{GraphClient, Page, User};
use crate::error::EntraError;

/// Graph's limit on the values of one `in` clause outside advanced queries.
pub const MAX_IN_VALUES: usize = 15;

/// What the pickers show of a user.
const PERSON_FIELDS: &str =
    "id,displayName,userPrincipalName,mail,department,userType,accountEnabled";

/// A group as the group picker shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryGroup {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
}

/// `"property:text"` with the text's `"` and `\` escaped by a backslash, as `$search` wants.
fn search_clause(property: &str, text: &str) -> String {
    let mut clause = format!("\"{property}:");
    for c in text.chars() {
        if c == '"' || c == '\\' {
            clause.push('\\');
        }
        clause.push(c);
    }
    clause.push('"');
    clause
}

/// The same text searched in each property, any one matching.
fn search_expression(properties: &[&str], text: &str) -> String {
    properties
        .iter()
        .map(|p| search_clause(p, text))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `property in ('a','b')` with quotes doubled inside the values.
fn in_filter(property: &str, values: &[String]) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect();
    format!("{property} in ({})", quoted.join(","))
}

impl GraphClient {
    /// This client sending `ConsistencyLevel: eventual` (also when it follows next links).
    fn advanced(&self) -> GraphClient {
        GraphClient {
            advanced: true,
            ..self.clone()
        }
    }

    /// Up to `top` users whose display name has words starting with `text`, or whose user
    /// principal name starts with it. Blank text finds nobody without asking Graph.
    pub async fn search_users(&self, text: &str, top: u16) -> Result<Vec<User>, EntraError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let search = search_expression(&["displayName", "userPrincipalName"], text);
        let top = top.clamp(1, super::MAX_PAGE_SIZE).to_string();
        let url = self.url(
            "/users",
            &[
                ("$search", &search),
                ("$select", PERSON_FIELDS),
                ("$top", &top),
            ],
        )?;
        let page: Page<User> = self
            .advanced()
            .get_json(&url, "search the directory's users")
            .await?;
        Ok(page.value)
    }

    /// Up to `top` groups whose display name has words starting with `text`, or whose mail
    /// address starts with it.
    pub async fn search_groups(
        &self,
        text: &str,
        top: u16,
    ) -> Result<Vec<DirectoryGroup>, EntraError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let search = search_expression(&["displayName", "mail"], text);
        let top = top.clamp(1, super::MAX_PAGE_SIZE).to_string();
        let url = self.url(
            "/groups",
            &[
                ("$search", &search),
                ("$select", "id,displayName,description,mail"),
                ("$top", &top),
            ],
        )?;
        let page: Page<DirectoryGroup> = self
            .advanced()
            .get_json(&url, "search the directory's groups")
            .await?;
        Ok(page.value)
    }

    /// The users whose user principal name is one of `names` (case-insensitive), asked
    /// [`MAX_IN_VALUES`] at a time. Names nobody has are simply not in the answer.
    pub async fn users_by_principal_names(
        &self,
        names: &[String],
    ) -> Result<Vec<User>, EntraError> {
        self.users_where_in("userPrincipalName", names).await
    }

    /// The users whose primary mail address is one of `addresses`.
    pub async fn users_by_mail(&self, addresses: &[String]) -> Result<Vec<User>, EntraError> {
        self.users_where_in("mail", addresses).await
    }

    async fn users_where_in(
        &self,
        property: &str,
        values: &[String],
    ) -> Result<Vec<User>, EntraError> {
        let mut found = Vec::new();
        for batch in values.chunks(MAX_IN_VALUES) {
            let filter = in_filter(property, batch);
            let url = self.url(
                "/users",
                &[("$filter", &filter), ("$select", PERSON_FIELDS)],
            )?;
            let users: Vec<User> = self
                .items(url, "look up users by address")
                .try_collect()
                .await?;
            found.extend(users);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_escaped_inside_its_quotes() {
        assert_eq!(
            search_expression(&["displayName", "mail"], r#"a" OR "mail:x\"#),
            r#""displayName:a\" OR \"mail:x\\" OR "mail:a\" OR \"mail:x\\""#
        );
    }

    #[test]
    fn in_filters_double_single_quotes() {
        assert_eq!(
            in_filter("mail", &["o'neil@x".to_owned(), "b@x".to_owned()]),
            "mail in ('o''neil@x','b@x')"
        );
    }
}
