use serde::{Deserialize, Deserializer, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// A PortSIP account role (`role` in `/login` and on users). The spec types it as free
    /// text; these are the roles pbx365 tells apart. The default is the least privileged
    /// one, so a forgotten field never grants more than intended.
    #[derive(Default)]
    pub enum Role {
        /// The PBX's system administrator (the reserved names `admin`, `system`,
        /// `administrator`, `root` sign in with this role).
        SystemAdmin = "SystemAdmin",
        /// A tenant administrator: the role the setup wizard needs.
        Admin = "Admin",
        /// An ordinary user: no access to the integration endpoints.
        #[default]
        StandardUser = "StandardUser",
    }
}

string_enum! {
    /// `sync_type` on users and contacts: where an object came from, when a directory sync
    /// made it.
    pub enum SyncSource {
        /// Synced from Microsoft 365.
        Microsoft365 = "Microsoft 365",
    }
}

/// One page of a list endpoint (`{count, items}`); `count` is the total across all pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// Total number of items the PBX holds for this query.
    #[serde(default)]
    pub count: Option<i64>,
    /// The items of this page.
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<T>,
}

/// The `201 {id}` answer of the create endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The new object's ID.
    pub id: String,
}

/// For collections the spec leaves nullable in practice: `null` reads as empty.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tolerates_null_items_and_missing_count() -> Result<(), serde_json::Error> {
        let page: Page<String> = serde_json::from_str(r#"{"items":null,"extra":1}"#)?;
        assert_eq!(page.count, None);
        assert!(page.items.is_empty());
        Ok(())
    }

    #[test]
    fn roles_outside_the_three_known_ones_are_kept() -> Result<(), serde_json::Error> {
        let role: Role = serde_json::from_str(r#""CallCenterAgent""#)?;
        assert_eq!(role, Role::Other("CallCenterAgent".to_owned()));
        Ok(())
    }
}
