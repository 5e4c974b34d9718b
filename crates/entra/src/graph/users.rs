//! The tenant's users, streamed page by page.

use futures::stream::BoxStream;
use serde::Deserialize;

use super::GraphClient;
use crate::error::EntraError;

/// Graph's largest page for `/users`.
pub const MAX_PAGE_SIZE: u16 = 999;

/// The properties a sync run reads.
pub const DEFAULT_USER_FIELDS: &[&str] = &[
    "id",
    "displayName",
    "givenName",
    "surname",
    "userPrincipalName",
    "mail",
    "accountEnabled",
    "userType",
    "jobTitle",
    "department",
    "mobilePhone",
    "businessPhones",
    "officeLocation",
];

/// A user as Graph lists it; properties not `$select`ed are `None`. Selected properties this
/// type does not name are kept in `other`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    /// `Member` or `Guest`.
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub business_phones: Option<Vec<String>>,
    #[serde(default)]
    pub office_location: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

fn users_query(select: &[&str], page_size: u16) -> (String, String) {
    (
        select.join(","),
        page_size.clamp(1, MAX_PAGE_SIZE).to_string(),
    )
}

impl GraphClient {
    /// Every user of the tenant with the properties `select`, `page_size` (1–999) a page.
    pub fn users(
        &self,
        select: &[&str],
        page_size: u16,
    ) -> BoxStream<'static, Result<User, EntraError>> {
        let (select, top) = users_query(select, page_size);
        match self.url("/users", &[("$select", &select), ("$top", &top)]) {
            Ok(url) => self.items(url, "list the tenant's users"),
            Err(error) => Box::pin(futures::stream::once(async move { Err(error) })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_clamped_to_graphs_range() {
        assert_eq!(
            users_query(&["id", "mail"], 0),
            ("id,mail".to_owned(), "1".to_owned())
        );
        assert_eq!(users_query(&["id"], 5000).1, "999");
        assert_eq!(users_query(&["id"], 100).1, "100");
    }

    #[test]
    fn unmodelled_selected_properties_are_kept() -> Result<(), serde_json::Error> {
        let user: User = serde_json::from_str(
            r#"{"id":"u1","displayName":"Ann","accountEnabled":false,"employeeId":"42","@odata.type":"x"}"#,
        )?;
        assert_eq!(user.account_enabled, Some(false));
        assert_eq!(user.given_name, None);
        assert_eq!(
            user.other.get("employeeId").and_then(|v| v.as_str()),
            Some("42")
        );
        Ok(())
    }
}
