//! Checks of what the admin types, run before anything goes over the network. Each is a plain
//! function so the UI can run it as the admin types; each refusal names the field and says
//! what to do.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A refused value: which field, and a sentence saying what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Which GUID is being typed, for messages that say where to find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum GuidField {
    /// The Directory (tenant) ID.
    TenantId,
    /// The Application (client) ID.
    AppId,
    /// The public client the wizard signs in with.
    ClientId,
}

impl GuidField {
    pub fn field(self) -> &'static str {
        match self {
            GuidField::TenantId => "tenant_id",
            GuidField::AppId => "app_id",
            GuidField::ClientId => "client_id",
        }
    }

    fn label(self) -> &'static str {
        match self {
            GuidField::TenantId => "The Directory (tenant) ID",
            GuidField::AppId => "The Application (client) ID",
            GuidField::ClientId => "The sign-in client ID",
        }
    }

    fn where_to_find(self) -> &'static str {
        match self {
            GuidField::TenantId | GuidField::AppId => {
                "Copy it again from the app registration's Overview page in the Microsoft Entra admin center."
            }
            GuidField::ClientId => {
                "Copy the Application (client) ID of the public client app your organisation allows."
            }
        }
    }
}

const GUID_GROUPS: [usize; 5] = [8, 4, 4, 4, 12];

/// Checks a GUID as typed (surrounding blanks and braces are tolerated) and returns it in
/// lower case.
pub fn check_guid(kind: GuidField, text: &str) -> Result<String, FieldError> {
    let fail = |problem: String| {
        FieldError::new(
            kind.field(),
            format!("{} {problem}. {}", kind.label(), kind.where_to_find()),
        )
    };
    let trimmed = text
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim();
    if trimmed.is_empty() {
        return Err(fail("is empty".into()));
    }
    if let Some((position, bad)) = trimmed
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_hexdigit() || *c == '-'))
    {
        return Err(fail(format!(
            "has \"{bad}\" at position {}, which is not a hexadecimal digit (0–9, a–f); it is probably a typo",
            position + 1
        )));
    }
    let length = trimmed.chars().count();
    if length != 36 {
        let hint = if length < 36 {
            "some characters are missing"
        } else {
            "there are extra characters"
        };
        return Err(fail(format!(
            "has {length} characters, but a GUID has 36 ({hint})"
        )));
    }
    let groups: Vec<usize> = trimmed.split('-').map(str::len).collect();
    if groups != GUID_GROUPS {
        return Err(fail(
            "has its dashes in the wrong places; it must look like 8-4-4-4-12 hexadecimal digits, e.g. 0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90".into(),
        ));
    }
    if trimmed.chars().all(|c| c == '0' || c == '-') {
        return Err(fail("is all zeros, which is never a real ID".into()));
    }
    Ok(trimmed.to_ascii_lowercase())
}

/// A starting extension number: 3–13 digits, no leading zero (PortSIP's rule).
pub fn check_extension(text: &str) -> Result<(), FieldError> {
    let fail = |problem: &str| {
        FieldError::new(
            "starting_extension",
            format!("The starting extension \"{text}\" {problem}."),
        )
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail("must be digits only, e.g. 2000"));
    }
    if !(3..=13).contains(&text.len()) {
        return Err(fail("must have 3 to 13 digits, e.g. 2000"));
    }
    if text.starts_with('0') {
        return Err(fail(
            "starts with 0, which PortSIP does not allow for extensions; drop the leading zero or pick another number, e.g. 2000",
        ));
    }
    Ok(())
}

/// A user principal name in a selection list (`name@domain`).
pub fn check_user_principal_name(field: &str, text: &str) -> Result<String, FieldError> {
    let trimmed = text.trim();
    let valid = trimmed.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
    }) && !trimmed.contains(char::is_whitespace);
    if valid {
        Ok(trimmed.to_owned())
    } else {
        Err(FieldError::new(
            field,
            format!(
                "\"{trimmed}\" is not a user principal name; enter it as name@domain, e.g. alice@contoso.com."
            ),
        ))
    }
}

/// What is wrong with `text` as a domain name, if anything: it is a host name only, with no
/// scheme, port, path or blanks.
fn domain_problem(text: &str) -> Option<String> {
    if text.contains("://") || text.contains('/') {
        return Some("is an address, not a domain; leave out https:// and any path".to_owned());
    }
    if text.len() > 253 {
        return Some("is longer than 253 characters".to_owned());
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(if bad.is_whitespace() {
            "contains a blank".to_owned()
        } else {
            format!("contains \"{bad}\", which a domain cannot hold")
        });
    }
    if text.split('.').any(str::is_empty) {
        return Some("has an empty part between dots".to_owned());
    }
    if text
        .split('.')
        .any(|label| label.starts_with('-') || label.ends_with('-'))
    {
        return Some("has a part starting or ending with \"-\"".to_owned());
    }
    None
}

/// The tenant's SIP domain on the PBX (`contoso.pbx.example.com`), as typed; returned trimmed.
pub fn check_domain(field: &str, text: &str) -> Result<String, FieldError> {
    let trimmed = text.trim();
    let problem = if trimmed.is_empty() {
        Some("is empty".to_owned())
    } else {
        domain_problem(trimmed)
    };
    match problem {
        None => Ok(trimmed.to_owned()),
        Some(problem) => Err(FieldError::new(
            field,
            format!(
                "The domain \"{trimmed}\" {problem}. Enter the tenant's SIP domain as the PBX shows it, e.g. contoso.pbx.example.com, or leave it out for the system administrator."
            ),
        )),
    }
}

/// The tenant names Microsoft's sign-in accepts besides a tenant ID or a domain.
const TENANT_KEYWORDS: [&str; 3] = ["organizations", "common", "consumers"];

/// Whose Microsoft sign-in page to use: `organizations` (any work account), `common`,
/// `consumers`, a Directory (tenant) ID, or one of the tenant's verified domains. A domain has
/// a dot and an ID has dashes, so a value with dashes and no dot is checked as an ID, naming
/// its typos precisely.
pub fn check_tenant(field: &str, text: &str) -> Result<String, FieldError> {
    let trimmed = text.trim();
    if TENANT_KEYWORDS
        .iter()
        .any(|keyword| trimmed.eq_ignore_ascii_case(keyword))
    {
        return Ok(trimmed.to_ascii_lowercase());
    }
    let refuse = |problem: &str| {
        FieldError::new(
            field,
            format!(
                "The tenant \"{trimmed}\" {problem}. Give organizations, the Directory (tenant) ID, or a verified domain of the tenant such as contoso.onmicrosoft.com."
            ),
        )
    };
    if !trimmed.contains('.') {
        if !trimmed.contains('-') {
            return Err(refuse(
                "is neither a Directory (tenant) ID nor a domain (a domain has a dot)",
            ));
        }
        return check_guid(GuidField::TenantId, trimmed).map_err(|error| FieldError {
            field: field.to_owned(),
            ..error
        });
    }
    match domain_problem(trimmed) {
        None => Ok(trimmed.to_owned()),
        Some(problem) => Err(refuse(&problem)),
    }
}

/// Windows reserves these file names in any case and with any extension.
const RESERVED_FILE_NAMES: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A profile name: 1–64 letters, digits, `-`, `_` or `.`, starting with a letter or digit. It
/// becomes a file name on every platform, so names differing only in case are the same.
pub fn check_profile_name(name: &str) -> Result<(), FieldError> {
    let fail = |problem: &str| {
        FieldError::new(
            "profile",
            format!(
                "The profile name \"{name}\" {problem}. Use letters, digits, - _ and ., e.g. contoso-main."
            ),
        )
    };
    if name.is_empty() {
        return Err(fail("is empty"));
    }
    if name.chars().count() > 64 {
        return Err(fail("is longer than 64 characters"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(fail(&format!("contains \"{bad}\", which is not allowed")));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(fail("must start with a letter or digit"));
    }
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    if RESERVED_FILE_NAMES.contains(&stem.as_str()) {
        return Err(fail("is reserved by Windows"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message<T>(result: Result<T, FieldError>) -> String {
        result.err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn guids_are_accepted_in_common_pasted_forms() {
        assert_eq!(
            check_guid(
                GuidField::TenantId,
                " {0D5E2A7C-1B3F-4C8E-9A6D-2F4B8C1E7A90} "
            ),
            Ok("0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90".to_owned())
        );
    }

    #[test]
    fn guid_typos_are_named_precisely() {
        let typo = message(check_guid(
            GuidField::AppId,
            "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a9g",
        ));
        assert!(
            typo.starts_with("The Application (client) ID has \"g\" at position 36"),
            "{typo}"
        );
        let short = message(check_guid(
            GuidField::TenantId,
            "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a9",
        ));
        assert!(
            short.contains("35 characters") && short.contains("missing"),
            "{short}"
        );
        let dashes = message(check_guid(
            GuidField::TenantId,
            "0d5e2a7c1-b3f-4c8e-9a6d-2f4b8c1e7a90",
        ));
        assert!(dashes.contains("dashes in the wrong places"), "{dashes}");
        assert!(message(check_guid(GuidField::TenantId, "")).contains("is empty"));
        assert!(
            message(check_guid(
                GuidField::TenantId,
                "00000000-0000-0000-0000-000000000000"
            ))
            .contains("all zeros")
        );
        assert_eq!(
            check_guid(GuidField::TenantId, "x").err().map(|e| e.field),
            Some("tenant_id".to_owned())
        );
    }

    #[test]
    fn extensions_follow_portsip_rules() {
        assert_eq!(check_extension("2000"), Ok(()));
        assert!(message(check_extension("0200")).contains("starts with 0"));
        assert!(message(check_extension("20")).contains("3 to 13 digits"));
        assert!(message(check_extension("2a00")).contains("digits only"));
    }

    #[test]
    fn profile_names() {
        assert_eq!(check_profile_name("contoso-main.2"), Ok(()));
        assert!(message(check_profile_name("")).contains("is empty"));
        assert!(message(check_profile_name("a/b")).contains("\"/\""));
        assert!(message(check_profile_name(".hidden")).contains("start with a letter"));
        assert!(message(check_profile_name("CON")).contains("reserved"));
        assert!(message(check_profile_name(&"x".repeat(65))).contains("64"));
    }

    #[test]
    fn domains_are_host_names_only() {
        assert_eq!(
            check_domain("domain", " contoso.pbx.example.com "),
            Ok("contoso.pbx.example.com".to_owned())
        );
        assert_eq!(check_domain("domain", "contoso"), Ok("contoso".to_owned()));
        let address = check_domain("domain", "https://contoso.example");
        assert!(
            message(address.clone()).contains("leave out https://"),
            "{address:?}"
        );
        assert_eq!(address.err().map(|e| e.field), Some("domain".to_owned()));
        assert!(message(check_domain("domain", "contoso example")).contains("a blank"));
        assert!(message(check_domain("domain", "contoso.example:5060")).contains("\":\""));
        assert!(message(check_domain("domain", "contoso..example")).contains("empty part"));
        assert!(message(check_domain("domain", "-contoso.example")).contains("\"-\""));
        assert!(message(check_domain("domain", " ")).contains("is empty"));
    }

    #[test]
    fn tenants_are_keywords_ids_or_domains() {
        assert_eq!(
            check_tenant("tenant", "Organizations"),
            Ok("organizations".to_owned())
        );
        assert_eq!(
            check_tenant("tenant", "contoso.onmicrosoft.com"),
            Ok("contoso.onmicrosoft.com".to_owned())
        );
        assert_eq!(
            check_tenant("tenant", "0D5E2A7C-1B3F-4C8E-9A6D-2F4B8C1E7A90"),
            Ok("0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90".to_owned())
        );
        let typo = check_tenant("tenant", "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a9");
        assert!(message(typo.clone()).contains("35 characters"), "{typo:?}");
        assert_eq!(typo.err().map(|e| e.field), Some("tenant".to_owned()));
        assert!(message(check_tenant("tenant", "https://contoso.com")).contains("leave out"));
        assert!(message(check_tenant("tenant", "contoso")).contains("a domain has a dot"));
        assert!(message(check_tenant("tenant", "")).contains("a domain has a dot"));
    }

    #[test]
    fn user_principal_names() {
        assert_eq!(
            check_user_principal_name("users", " alice@contoso.com "),
            Ok("alice@contoso.com".to_owned())
        );
        assert!(check_user_principal_name("users", "alice").is_err());
        assert!(check_user_principal_name("users", "alice@localhost").is_err());
    }
}
