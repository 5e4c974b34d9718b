//! The seeded tenant: its admin, a standard user and PBX users drawn from the same population
//! as the Microsoft tenant, so some mailboxes already exist on both sides.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::settings;
use super::state::{Integration, State, Tenant, UserRecord, timestamp};
use super::user_table::UserTable;
use crate::people::{self, AccountKind, Person};

/// Demo credentials. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub password: String,
    /// The tenant domain to sign in with; `None` for the system administrator.
    pub domain: Option<String>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("domain", &self.domain)
            .finish()
    }
}

/// The seeded tenant and the accounts to use it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTenant {
    /// The tenant's SIP domain (also the Microsoft tenant's verified domain).
    pub domain: String,
    pub name: String,
    /// The tenant administrator (role `Admin`).
    pub admin: Account,
    /// An ordinary user (role `StandardUser`).
    pub standard_user: Account,
    /// The PBX's system administrator (role `SystemAdmin`, no domain).
    pub system_admin: Account,
}

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedPlan<'a> {
    pub domain: &'a str,
    /// Total PBX users, the two demo accounts included (at least 2 are made).
    pub users: usize,
    /// Size of the Microsoft tenant's population (`people::generate(ms_users, seed)`).
    pub ms_users: usize,
    pub seed: u64,
    /// The tenant's licence: how many users it allows.
    pub licensed_users: usize,
}

const ADMIN_NAME: &str = "pbxadmin";
const ADMIN_PASSWORD: &str = "Admin-pbx365!";
const STANDARD_NAME: &str = "reception";
const STANDARD_PASSWORD: &str = "User-pbx365!";
const SYSTEM_ADMIN_NAME: &str = "admin";
const SYSTEM_ADMIN_PASSWORD: &str = "SysAdmin-pbx365!";
/// Every 7th person of the Microsoft population already has a PBX account.
const SHARED_EVERY: usize = 7;
/// Seeded people get extensions from here upward.
const FIRST_EXTENSION: u64 = 1000;

fn tenant_name(domain: &str) -> String {
    let label = domain.split('.').next().unwrap_or(domain);
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn user_fields(
    id: &str,
    name: &str,
    display_name: &str,
    email: &str,
    role: &str,
    extension: &str,
) -> Map<String, Value> {
    let mut fields = Map::new();
    for (key, value) in [
        ("id", json!(id)),
        ("name", json!(name)),
        ("display_name", json!(display_name)),
        ("email", json!(email)),
        ("role", json!(role)),
        ("extension_number", json!(extension)),
        ("created_at", json!(timestamp(OffsetDateTime::now_utc()))),
    ] {
        fields.insert(key.to_owned(), value);
    }
    super::users::apply_defaults(&mut fields);
    fields
}

fn person_user(state: &mut State, person: &Person, domain: &str, extension: u64) -> UserRecord {
    let id = state.next_id();
    let mut fields = user_fields(
        &id,
        &person.mail_nickname,
        &person.display_name,
        &person.mail(domain),
        "StandardUser",
        &extension.to_string(),
    );
    fields.insert("department".to_owned(), json!(person.department));
    fields.insert("work_phone".to_owned(), json!(person.business_phone));
    if let Some(mobile) = &person.mobile_phone {
        fields.insert("mobile_phone".to_owned(), json!(mobile));
    }
    UserRecord {
        id,
        fields,
        password: format!("Pw-{}-{extension}", person.index),
        binding: None,
    }
}

/// Builds the seeded state and the demo accounts.
pub fn seed(plan: &SeedPlan<'_>) -> (State, DemoTenant) {
    let name = tenant_name(plan.domain);
    let tenant = Tenant {
        id: "1".to_owned(),
        name: name.clone(),
        domain: plan.domain.to_owned(),
        integration: Integration {
            settings: settings::tenant_defaults(),
            key: None,
        },
        users: UserTable::default(),
        contacts: Vec::new(),
        licensed_users: plan.licensed_users,
    };
    let system = Integration {
        settings: settings::system_defaults(),
        key: None,
    };
    let mut state = State::new(tenant, system, SYSTEM_ADMIN_PASSWORD.to_owned());

    for (name, password, role, extension, display) in [
        (
            ADMIN_NAME,
            ADMIN_PASSWORD,
            "Admin",
            "100",
            "PBX Administrator",
        ),
        (
            STANDARD_NAME,
            STANDARD_PASSWORD,
            "StandardUser",
            "101",
            "Reception Desk",
        ),
    ] {
        let id = state.next_id();
        let email = format!("{name}@{}", plan.domain);
        state.tenant.users.push(UserRecord {
            fields: user_fields(&id, name, display, &email, role, extension),
            id,
            password: password.to_owned(),
            binding: None,
        });
    }

    let wanted = plan.users.saturating_sub(state.tenant.users.len());
    let population = people::generate(plan.ms_users + wanted, plan.seed);
    // People the Microsoft tenant also has (guests excluded: their mailbox is elsewhere),
    // then people only the PBX knows (beyond the Microsoft population, so no mailbox clash).
    let shared = population[..plan.ms_users.min(population.len())]
        .iter()
        .step_by(SHARED_EVERY)
        .filter(|p| p.kind != AccountKind::Guest);
    let pbx_only = population.iter().skip(plan.ms_users);
    for (extension, person) in (FIRST_EXTENSION..).zip(shared.chain(pbx_only).take(wanted)) {
        let user = person_user(&mut state, person, plan.domain, extension);
        state.tenant.users.push(user);
    }

    for (index, (contact, company)) in [
        ("Front Desk Supplier", "Fabrikam"),
        ("Building Security", "Northwind Traders"),
        ("IT Helpdesk", "Litware"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = state.next_id();
        let mut fields = Map::new();
        fields.insert("id".to_owned(), json!(id));
        fields.insert("name".to_owned(), json!(contact));
        fields.insert("company".to_owned(), json!(company));
        fields.insert(
            "business".to_owned(),
            json!(format!("+1 425 555 01{index:02}")),
        );
        state.tenant.contacts.push(fields);
    }

    let demo = DemoTenant {
        domain: plan.domain.to_owned(),
        name,
        admin: Account {
            username: ADMIN_NAME.to_owned(),
            password: ADMIN_PASSWORD.to_owned(),
            domain: Some(plan.domain.to_owned()),
        },
        standard_user: Account {
            username: STANDARD_NAME.to_owned(),
            password: STANDARD_PASSWORD.to_owned(),
            domain: Some(plan.domain.to_owned()),
        },
        system_admin: Account {
            username: SYSTEM_ADMIN_NAME.to_owned(),
            password: SYSTEM_ADMIN_PASSWORD.to_owned(),
            domain: None,
        },
    };
    (state, demo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_the_requested_number_and_shares_mailboxes_with_microsoft() {
        let plan = SeedPlan {
            domain: "contoso.example",
            users: 40,
            ms_users: 70,
            seed: 5,
            licensed_users: 100,
        };
        let (state, demo) = seed(&plan);
        assert_eq!(state.tenant.users.len(), 40);
        assert_eq!(demo.name, "Contoso");
        let microsoft: Vec<String> = people::generate(70, 5)
            .iter()
            .map(|p| p.mail("contoso.example"))
            .collect();
        let shared = state
            .tenant
            .users
            .iter()
            .filter(|u| microsoft.iter().any(|m| m == u.text("email")))
            .count();
        assert!((8..=10).contains(&shared), "{shared} shared mailboxes");
        let mut extensions: Vec<&str> = state
            .tenant
            .users
            .iter()
            .map(|u| u.text("extension_number"))
            .collect();
        extensions.sort_unstable();
        extensions.dedup();
        assert_eq!(extensions.len(), 40);
    }
}
