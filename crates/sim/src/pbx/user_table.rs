//! The tenant's users in creation order (the order `GET /users` pages them in), indexed the
//! way the endpoints look users up: by ID, by name (without letter case, as PortSIP compares
//! names), by extension and by the Microsoft 365 account bound. A PBX answers these from a
//! database; scanning a list instead made every request cost as much as the tenant is big.
//!
//! Users are never removed (the API has no delete), so a position in the list is stable.
//! Every index keeps the positions in ascending order, so "the first user that …" is the
//! first position found, exactly as a scan of the list would answer.

use std::collections::HashMap;

use super::state::UserRecord;

/// Positions by key, each list ascending.
#[derive(Debug, Default)]
struct Index(HashMap<String, Vec<usize>>);

impl Index {
    fn insert(&mut self, key: String, position: usize) {
        let positions = self.0.entry(key).or_default();
        if let Err(at) = positions.binary_search(&position) {
            positions.insert(at, position);
        }
    }

    fn remove(&mut self, key: &str, position: usize) {
        if let Some(positions) = self.0.get_mut(key) {
            positions.retain(|&p| p != position);
            if positions.is_empty() {
                self.0.remove(key);
            }
        }
    }

    fn positions(&self, key: &str) -> &[usize] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The keys one user is found by.
struct Keys {
    name: String,
    extension: String,
    binding: Option<String>,
}

impl Keys {
    fn of(user: &UserRecord) -> Self {
        Self {
            name: user.name().to_ascii_lowercase(),
            extension: user.text("extension_number").to_owned(),
            binding: user.binding.as_deref().map(str::to_ascii_lowercase),
        }
    }
}

/// The users of one tenant.
#[derive(Debug, Default)]
pub struct UserTable {
    records: Vec<UserRecord>,
    by_id: HashMap<String, usize>,
    by_name: Index,
    by_extension: Index,
    by_binding: Index,
}

impl UserTable {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// In creation order.
    pub fn iter(&self) -> std::slice::Iter<'_, UserRecord> {
        self.records.iter()
    }

    /// In creation order.
    pub fn as_slice(&self) -> &[UserRecord] {
        &self.records
    }

    /// Adds a user after the others. A second user with the same ID would be unreachable by
    /// it, as the first one found by a scan would have shadowed it.
    pub fn push(&mut self, user: UserRecord) {
        let position = self.records.len();
        self.by_id.entry(user.id.clone()).or_insert(position);
        self.index(&Keys::of(&user), position);
        self.records.push(user);
    }

    pub fn get(&self, id: &str) -> Option<&UserRecord> {
        self.by_id.get(id).map(|&p| &self.records[p])
    }

    /// Changes the user with this ID through `change`; the indexes follow whatever it changed.
    pub fn modify<R>(&mut self, id: &str, change: impl FnOnce(&mut UserRecord) -> R) -> Option<R> {
        let position = *self.by_id.get(id)?;
        let before = Keys::of(&self.records[position]);
        let answer = change(&mut self.records[position]);
        let after = Keys::of(&self.records[position]);
        self.unindex(&before, position);
        self.index(&after, position);
        Some(answer)
    }

    /// Whether a user has this name, in any letter case.
    pub fn has_name(&self, name: &str) -> bool {
        !self
            .by_name
            .positions(&name.to_ascii_lowercase())
            .is_empty()
    }

    /// Whether a user has this extension number.
    pub fn has_extension(&self, extension: &str) -> bool {
        !self.by_extension.positions(extension).is_empty()
    }

    /// The first user whose name (in any letter case) or extension is `username`: how PortSIP
    /// finds who signs in.
    pub fn by_name_or_extension(&self, username: &str) -> Option<&UserRecord> {
        let by_name = self
            .by_name
            .positions(&username.to_ascii_lowercase())
            .first();
        let by_extension = self.by_extension.positions(username).first();
        by_name
            .into_iter()
            .chain(by_extension)
            .min()
            .map(|&p| &self.records[p])
    }

    /// The first user other than `except_id` bound to `account` (in any letter case).
    pub fn bound_to(&self, account: &str, except_id: &str) -> Option<&UserRecord> {
        self.by_binding
            .positions(&account.to_ascii_lowercase())
            .iter()
            .map(|&p| &self.records[p])
            .find(|u| u.id != except_id)
    }

    fn index(&mut self, keys: &Keys, position: usize) {
        self.by_name.insert(keys.name.clone(), position);
        self.by_extension.insert(keys.extension.clone(), position);
        if let Some(binding) = &keys.binding {
            self.by_binding.insert(binding.clone(), position);
        }
    }

    fn unindex(&mut self, keys: &Keys, position: usize) {
        self.by_name.remove(&keys.name, position);
        self.by_extension.remove(&keys.extension, position);
        if let Some(binding) = &keys.binding {
            self.by_binding.remove(binding, position);
        }
    }
}

impl<'a> IntoIterator for &'a UserTable {
    type Item = &'a UserRecord;
    type IntoIter = std::slice::Iter<'a, UserRecord>;

    fn into_iter(self) -> Self::IntoIter {
        self.records.iter()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::*;

    fn user(id: &str, name: &str, extension: &str) -> UserRecord {
        let mut fields = Map::new();
        fields.insert("id".to_owned(), json!(id));
        fields.insert("name".to_owned(), json!(name));
        fields.insert("extension_number".to_owned(), json!(extension));
        UserRecord {
            id: id.to_owned(),
            fields,
            password: "secret".to_owned(),
            binding: None,
        }
    }

    fn table() -> UserTable {
        let mut table = UserTable::default();
        table.push(user("1", "Anna", "1000"));
        table.push(user("2", "ben", "1001"));
        // A user whose name is another's extension: sign-in takes whichever comes first.
        table.push(user("3", "1000", "1002"));
        table
    }

    #[test]
    fn lookups_answer_what_a_scan_in_creation_order_answers() {
        let table = table();
        assert_eq!(table.get("2").map(UserRecord::name), Some("ben"));
        assert!(table.get("9").is_none());
        assert!(table.has_name("ANNA") && table.has_name("Ben") && !table.has_name("carl"));
        assert!(table.has_extension("1001") && !table.has_extension("1003"));
        assert_eq!(
            table.by_name_or_extension("1000").map(|u| u.id.as_str()),
            Some("1")
        );
        assert_eq!(
            table.by_name_or_extension("BEN").map(|u| u.id.as_str()),
            Some("2")
        );
        assert_eq!(
            table.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
    }

    #[test]
    fn lookups_follow_changes() {
        let mut table = table();
        table.modify("1", |u| {
            u.binding = Some("Object-A".to_owned());
            u.fields
                .insert("extension_number".to_owned(), json!("2000"));
            u.fields.insert("name".to_owned(), json!("anna.berg"));
        });
        assert!(!table.has_extension("1000") && table.has_extension("2000"));
        assert!(!table.has_name("anna") && table.has_name("Anna.Berg"));
        // Now only user 3 answers to "1000", by its name.
        assert_eq!(
            table.by_name_or_extension("1000").map(|u| u.id.as_str()),
            Some("3")
        );
        assert_eq!(
            table.bound_to("object-a", "2").map(|u| u.id.as_str()),
            Some("1")
        );
        assert!(table.bound_to("OBJECT-A", "1").is_none());
        table.modify("1", |u| u.binding = None);
        assert!(table.bound_to("object-a", "2").is_none());
        table.modify("2", |u| {
            u.fields.insert("extension_number".to_owned(), Value::Null);
        });
        assert!(!table.has_extension("1001"));
        assert_eq!(table.modify("9", |_| ()), None);
    }
}
