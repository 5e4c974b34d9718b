//! The tenant's users: the demo accounts (who can sign in) and the seeded people.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::ids::stable_uuid;
use super::tenant::Tenant;
use crate::people::{self, AccountKind, Person};

/// A built-in Entra directory role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectoryRole {
    pub display_name: &'static str,
    /// The `roleTemplateId`, the same in every tenant.
    pub template_id: &'static str,
    pub description: &'static str,
}

pub const GLOBAL_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    display_name: "Global Administrator",
    template_id: "62e90394-69f5-4237-9190-012177145e10",
    description: "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
};

pub const PRIVILEGED_ROLE_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    display_name: "Privileged Role Administrator",
    template_id: "e8611ab8-c189-46e8-94e1-60213ab1f814",
    description: "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
};

pub const USER_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    display_name: "User Administrator",
    template_id: "fe930be7-5e62-47db-91af-98c3a49a38b1",
    description: "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
};

impl DirectoryRole {
    /// Whether the role may grant Graph application permissions (`appRoleAssignedTo`).
    pub fn can_grant_app_roles(&self) -> bool {
        *self == GLOBAL_ADMINISTRATOR || *self == PRIVILEGED_ROLE_ADMINISTRATOR
    }
}

/// A user of the tenant as Graph shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub mail: Option<String>,
    pub mail_nickname: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub business_phones: Vec<String>,
    pub mobile_phone: Option<String>,
    pub account_enabled: bool,
    /// `Member` or `Guest`.
    pub user_type: &'static str,
    pub has_photo: bool,
    pub roles: Vec<DirectoryRole>,
}

/// An account whose password is known, for signing in on the emulated pages.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub user_principal_name: String,
    pub password: String,
    pub display_name: String,
    pub object_id: String,
    pub role: Option<DirectoryRole>,
}

impl std::fmt::Debug for DemoAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoAccount")
            .field("user_principal_name", &self.user_principal_name)
            .field("password", &"<redacted>")
            .field("role", &self.role.map(|r| r.display_name))
            .finish()
    }
}

/// Why a sign-in on the emulated page was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignInRefusal {
    /// AADSTS50034.
    UnknownUser,
    /// AADSTS50126.
    WrongPassword,
    /// AADSTS50057.
    Disabled,
}

impl SignInRefusal {
    pub fn message(self, username: &str, tenant: &Tenant) -> String {
        match self {
            SignInRefusal::UnknownUser => format!(
                "AADSTS50034: The user account {username} does not exist in the {} directory. To sign into this application, the account must be added to the directory.",
                tenant.default_domain
            ),
            SignInRefusal::WrongPassword => {
                "AADSTS50126: Error validating credentials due to invalid username or password."
                    .to_owned()
            }
            SignInRefusal::Disabled => "AADSTS50057: The user account is disabled.".to_owned(),
        }
    }
}

const GUEST_HOME_DOMAINS: &[&str] = &["fabrikam.example", "northwind.example", "adatum.example"];
const CONTACT_DOMAIN: &str = "partners.example";

/// The accounts whose passwords are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccounts {
    /// Holds Global Administrator: can consent and grant Graph application permissions.
    pub global_admin: DemoAccount,
    /// Holds User Administrator only: an admin who cannot grant application permissions.
    pub user_admin: DemoAccount,
    /// An ordinary member with no directory role.
    pub member: DemoAccount,
}

impl DemoAccounts {
    pub fn all(&self) -> [&DemoAccount; 3] {
        [&self.global_admin, &self.user_admin, &self.member]
    }
}

#[derive(Debug)]
pub(crate) struct Directory {
    users: Vec<DirectoryUser>,
    /// Position of the first user with each object ID.
    by_id: HashMap<String, usize>,
    /// Position of the first user whose object ID or user principal name, lower-cased (ASCII,
    /// as Graph compares keys), is the key: what a scan for either would find first.
    by_key: HashMap<String, usize>,
    demo: DemoAccounts,
    /// People outside the tenant that users keep as personal contacts.
    contact_pool: Vec<Person>,
    seed: u64,
}

impl Directory {
    pub fn seed(tenant: &Tenant, count: usize, seed: u64) -> Directory {
        let domain = &tenant.default_domain;
        let mut users = Vec::with_capacity(count + 3);
        let mut demo_account =
            |nick: &str, given: &str, surname: &str, role: Option<DirectoryRole>| {
                let upn = format!("{nick}@{domain}");
                let user = DirectoryUser {
                    id: stable_uuid(seed, &format!("user:{upn}")),
                    user_principal_name: upn.clone(),
                    display_name: format!("{given} {surname}"),
                    given_name: Some(given.to_owned()),
                    surname: Some(surname.to_owned()),
                    mail: Some(upn.clone()),
                    mail_nickname: nick.to_owned(),
                    job_title: Some(role.map_or("IT Specialist", |r| r.display_name).to_owned()),
                    department: Some("IT".to_owned()),
                    business_phones: vec!["+1 425 555 0100".to_owned()],
                    mobile_phone: None,
                    account_enabled: true,
                    user_type: "Member",
                    has_photo: role == Some(GLOBAL_ADMINISTRATOR),
                    roles: role.into_iter().collect(),
                };
                let account = DemoAccount {
                    password: demo_password(seed, &upn),
                    user_principal_name: upn,
                    display_name: user.display_name.clone(),
                    object_id: user.id.clone(),
                    role,
                };
                users.push(user);
                account
            };
        let demo = DemoAccounts {
            global_admin: demo_account("admin", "Avery", "Admin", Some(GLOBAL_ADMINISTRATOR)),
            user_admin: demo_account("useradmin", "Umar", "Useradmin", Some(USER_ADMINISTRATOR)),
            member: demo_account("member", "Mika", "Member", None),
        };
        users.extend(
            people::generate(count, seed)
                .iter()
                .map(|p| person_to_user(p, domain, seed)),
        );
        let mut by_id = HashMap::with_capacity(users.len());
        let mut by_key = HashMap::with_capacity(2 * users.len());
        for (position, user) in users.iter().enumerate() {
            by_id.entry(user.id.clone()).or_insert(position);
            for key in [&user.id, &user.user_principal_name] {
                by_key.entry(key.to_ascii_lowercase()).or_insert(position);
            }
        }
        Directory {
            users,
            by_id,
            by_key,
            demo,
            contact_pool: people::generate(64, seed.wrapping_add(0x5eed)),
            seed,
        }
    }

    pub fn users(&self) -> &[DirectoryUser] {
        &self.users
    }

    pub fn demo_accounts(&self) -> &DemoAccounts {
        &self.demo
    }

    /// A user by object ID or user principal name (case-insensitive, as Graph).
    pub fn find(&self, id_or_upn: &str) -> Option<&DirectoryUser> {
        self.by_key
            .get(&id_or_upn.to_ascii_lowercase())
            .map(|&p| &self.users[p])
    }

    pub fn by_id(&self, id: &str) -> Option<&DirectoryUser> {
        self.by_id.get(id).map(|&p| &self.users[p])
    }

    /// Checks a username and password typed on a sign-in page.
    pub fn sign_in(&self, username: &str, password: &str) -> Result<&DirectoryUser, SignInRefusal> {
        let user = self
            .find(username.trim())
            .ok_or(SignInRefusal::UnknownUser)?;
        let account = self
            .demo
            .all()
            .into_iter()
            .find(|d| d.object_id == user.id)
            .ok_or(SignInRefusal::WrongPassword)?;
        if account.password != password {
            return Err(SignInRefusal::WrongPassword);
        }
        if !user.account_enabled {
            return Err(SignInRefusal::Disabled);
        }
        Ok(user)
    }

    /// A user who may sign in without a page: `login_hint` if it names a demo account, else the
    /// Global Administrator.
    pub fn auto_sign_in(&self, login_hint: Option<&str>) -> Option<&DirectoryUser> {
        let hinted = login_hint
            .and_then(|hint| self.find(hint.trim()))
            .filter(|u| self.demo.all().iter().any(|d| d.object_id == u.id));
        hinted.or_else(|| self.by_id(&self.demo.global_admin.object_id))
    }

    /// The personal contacts of a user: a few people outside the tenant, stable per user.
    pub fn contacts_of(&self, user: &DirectoryUser) -> Vec<Contact> {
        let Some(&position) = self.by_id.get(&user.id) else {
            return Vec::new();
        };
        let pool = &self.contact_pool;
        (0..position % 4)
            .filter_map(|k| pool.get((position * 7 + k * 13) % pool.len().max(1)))
            .map(|p| Contact {
                id: stable_uuid(self.seed, &format!("contact:{}:{}", user.id, p.index)),
                given_name: p.given_name.clone(),
                surname: p.surname.clone(),
                display_name: p.display_name.clone(),
                email: p.mail(CONTACT_DOMAIN),
                company_name: "Partners Ltd".to_owned(),
                job_title: p.job_title.clone(),
                business_phone: p.business_phone.clone(),
                mobile_phone: p.mobile_phone.clone(),
            })
            .collect()
    }
}

/// A personal contact of a user (`/users/{id}/contacts`).
#[derive(Debug, Clone)]
pub(crate) struct Contact {
    pub id: String,
    pub given_name: String,
    pub surname: String,
    pub display_name: String,
    pub email: String,
    pub company_name: String,
    pub job_title: String,
    pub business_phone: String,
    pub mobile_phone: Option<String>,
}

fn demo_password(seed: u64, upn: &str) -> String {
    let digest = Sha256::new()
        .chain_update(seed.to_be_bytes())
        .chain_update(b"password:")
        .chain_update(upn.as_bytes())
        .finalize();
    format!("Sim-{}!", hex::encode(&digest[..6]))
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn person_to_user(p: &Person, domain: &str, seed: u64) -> DirectoryUser {
    let (upn, mail, user_type) = if p.kind == AccountKind::Guest {
        let home = GUEST_HOME_DOMAINS[p.index % GUEST_HOME_DOMAINS.len()];
        (
            format!("{}_{home}#EXT#@{domain}", p.mail_nickname),
            p.mail(home),
            "Guest",
        )
    } else {
        (p.mail(domain), p.mail(domain), "Member")
    };
    DirectoryUser {
        id: stable_uuid(seed, &format!("person:{}", p.index)),
        user_principal_name: upn,
        display_name: p.display_name.clone(),
        given_name: non_empty(&p.given_name),
        surname: non_empty(&p.surname),
        mail: Some(mail),
        mail_nickname: p.mail_nickname.clone(),
        job_title: non_empty(&p.job_title),
        department: non_empty(&p.department),
        business_phones: vec![p.business_phone.clone()],
        mobile_phone: p.mobile_phone.clone(),
        account_enabled: p.kind != AccountKind::Disabled,
        user_type,
        has_photo: p.has_photo,
        roles: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> Directory {
        Directory::seed(&Tenant::new("contoso.example", 9), 400, 9)
    }

    #[test]
    fn demo_accounts_sign_in_and_others_do_not() {
        let d = directory();
        let admin = &d.demo_accounts().global_admin;
        assert_eq!(admin.role, Some(GLOBAL_ADMINISTRATOR));
        assert!(
            d.sign_in(&admin.user_principal_name.to_uppercase(), &admin.password)
                .is_ok()
        );
        assert_eq!(
            d.sign_in(&admin.user_principal_name, "nope").err(),
            Some(SignInRefusal::WrongPassword)
        );
        assert_eq!(
            d.sign_in("nobody@contoso.example", "x").err(),
            Some(SignInRefusal::UnknownUser)
        );
        assert!(!format!("{admin:?}").contains(&admin.password));
    }

    #[test]
    fn guests_disabled_and_nameless_people_look_like_graph_users() {
        let d = directory();
        let guest = d.users().iter().find(|u| u.user_type == "Guest");
        assert!(guest.is_some_and(|g| {
            g.user_principal_name.contains("#EXT#@contoso.example")
                && !g
                    .mail
                    .as_deref()
                    .unwrap_or_default()
                    .ends_with("@contoso.example")
        }));
        assert!(d.users().iter().any(|u| !u.account_enabled));
        assert!(
            d.users()
                .iter()
                .any(|u| u.given_name.is_none() && u.surname.is_none())
        );
        assert_eq!(d.users().len(), 403);
    }

    /// The indexed lookups answer what a scan of the users in order answers, for every user.
    #[test]
    fn lookups_by_id_and_principal_name_agree_with_a_scan() {
        let d = directory();
        for user in d.users() {
            let scan = |key: &str| {
                d.users().iter().find(|u| {
                    u.id.eq_ignore_ascii_case(key)
                        || u.user_principal_name.eq_ignore_ascii_case(key)
                })
            };
            assert_eq!(d.by_id(&user.id), Some(user));
            assert_eq!(d.by_id(&user.id.to_uppercase()), None);
            assert_eq!(d.find(&user.id.to_uppercase()), scan(&user.id));
            let upn = user.user_principal_name.to_uppercase();
            assert_eq!(d.find(&upn), scan(&upn));
        }
        assert_eq!(d.find("nobody@contoso.example"), None);
    }

    #[test]
    fn auto_sign_in_honours_only_demo_hints() {
        let d = directory();
        let member = &d.demo_accounts().member;
        assert_eq!(
            d.auto_sign_in(Some(&member.user_principal_name))
                .map(|u| u.id.clone()),
            Some(member.object_id.clone())
        );
        let person = &d.users()[10];
        assert_eq!(
            d.auto_sign_in(Some(&person.user_principal_name))
                .map(|u| u.id.clone()),
            Some(d.demo_accounts().global_admin.object_id.clone())
        );
    }
}
