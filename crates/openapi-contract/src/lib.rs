//! Test support: validates requests and responses against the PortSIP OpenAPI subset in spec/.
//!
//! [`portsip()`] gives the contract of `spec/portsip-openapi-subset.json` (PortSIP 22.2),
//! compiled once; [`Contract::for_version`] gives the contract of any [`PortSipVersion`] this
//! project knows. A later version's contract is not a second copy of the subset: it is the
//! 22.2 document with that version's documented changes applied as a JSON Patch kept in
//! `spec/` (`portsip-22.6.patch.json`, see [`patch`]), so the two cannot drift apart, and a
//! patch whose `test` operations no longer match the 22.2 document fails to load.
//! [`Contract::operation`] finds an operation by method and concrete path (`/users/42` matches
//! `/users/{id}`; a leading `/api` is accepted), and the [`Operation`] checks a request (query
//! parameters and JSON body) or a response (status and JSON body) against it.
//! [`response_problems`] holds a whole recording of responses to the contract.
//!
//! OpenAPI 3.0 schemas are not quite JSON Schema; [`schema`] translates them (nullable,
//! readOnly/writeOnly per direction, draft-4 semantics, unknown formats such as `date_time`
//! ignored).

mod operation;
pub mod patch;
mod path;
mod recorded;
pub mod schema;

use std::sync::OnceLock;

use serde_json::Value;

pub use operation::Operation;
pub use recorded::{RecordedResponse, response_problems};

/// The PortSIP REST API subset this project is held to, as published for 22.2.
const PORTSIP_SPEC: &str = include_str!("../../../spec/portsip-openapi-subset.json");
/// PortSIP 22.6's documented changes to [`PORTSIP_SPEC`], as an RFC 6902 JSON Patch.
const PORTSIP_22_6_PATCH: &str = include_str!("../../../spec/portsip-22.6.patch.json");

/// A PortSIP version whose contract this crate holds.
///
/// 22.2 is the published spec the subset was cut from; 22.6 is 22.2 plus the changes PortSIP
/// documented up to 22.6 that touch the subset (see `spec/portsip-NOTES.md`). 22.3 to 22.5
/// changed nothing in the subset that has a published schema, so they have no contract of
/// their own here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortSipVersion {
    V22_2,
    V22_6,
}

impl PortSipVersion {
    /// Every version, oldest first.
    pub const ALL: [PortSipVersion; 2] = [PortSipVersion::V22_2, PortSipVersion::V22_6];

    /// `"22.2"`, `"22.6"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V22_2 => "22.2",
            Self::V22_6 => "22.6",
        }
    }

    /// The JSON Patch that turns the 22.2 subset into this version's, if any.
    fn patch(self) -> Option<&'static str> {
        match self {
            Self::V22_2 => None,
            Self::V22_6 => Some(PORTSIP_22_6_PATCH),
        }
    }
}

impl std::fmt::Display for PortSipVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A version string this crate holds no contract for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no PortSIP contract for version {0:?}; known: 22.2, 22.6")]
pub struct UnknownVersion(pub String);

impl std::str::FromStr for PortSipVersion {
    type Err = UnknownVersion;

    /// `"22.2"` or `"22.6"`; a patch level (`"22.6.0"`) is accepted, as PortSIP reports it.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let mut parts = text.split('.');
        let major_minor = (parts.next(), parts.next());
        let patch_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        match (major_minor, patch_ok) {
            ((Some("22"), Some("2")), true) => Ok(Self::V22_2),
            ((Some("22"), Some("6")), true) => Ok(Self::V22_6),
            _ => Err(UnknownVersion(text.to_owned())),
        }
    }
}

/// The OpenAPI document of `version`: the 22.2 subset with the version's patch applied.
pub fn document(version: PortSipVersion) -> Result<Value, ContractError> {
    let mut doc: Value = serde_json::from_str(PORTSIP_SPEC)
        .map_err(|e| ContractError::InvalidSpec(format!("the 22.2 subset is not JSON: {e}")))?;
    if let Some(text) = version.patch() {
        let operations: Value = serde_json::from_str(text).map_err(|e| {
            ContractError::InvalidSpec(format!("the {version} patch is not JSON: {e}"))
        })?;
        patch::apply(&mut doc, &operations).map_err(|e| {
            ContractError::InvalidSpec(format!(
                "the {version} patch does not fit the 22.2 subset: {e}"
            ))
        })?;
    }
    Ok(doc)
}

/// HTTP methods an OpenAPI path item may carry.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where in an exchange a violation was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// In the JSON body, at this JSON pointer (`""` is the whole body).
    Body(String),
    /// In the query parameter of this name.
    Query(String),
    /// In the path parameter of this name.
    PathParam(String),
    /// The HTTP status code itself.
    Status,
    /// The response header of this name (`Content-Type` included).
    Header(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Body(pointer) if pointer.is_empty() => f.write_str("body"),
            Self::Body(pointer) => write!(f, "body {pointer}"),
            Self::Query(name) => write!(f, "query parameter `{name}`"),
            Self::PathParam(name) => write!(f, "path parameter `{name}`"),
            Self::Status => f.write_str("status"),
            Self::Header(name) => write!(f, "header `{name}`"),
        }
    }
}

/// One way an exchange departs from the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, in words.
    pub message: String,
}

impl Violation {
    /// The JSON pointer of a body violation (`None` for query, path and status violations).
    pub fn pointer(&self) -> Option<&str> {
        match &self.location {
            Location::Body(pointer) => Some(pointer),
            _ => None,
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Why a contract check could not pass.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The OpenAPI document itself is unusable.
    #[error("the OpenAPI document cannot be used: {0}")]
    InvalidSpec(String),
    /// No operation of the contract matches the method and path.
    #[error("{method} {path} is not an operation of the contract (check the method and the path)")]
    UnknownOperation { method: String, path: String },
    /// The exchange departs from the operation's schema.
    #[error("{operation} does not match the contract: {}", join(.violations))]
    Violations {
        /// `METHOD /template` of the operation.
        operation: String,
        violations: Vec<Violation>,
    },
}

fn join(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A compiled OpenAPI document.
#[derive(Debug)]
pub struct Contract {
    operations: Vec<Operation>,
}

impl Contract {
    /// Compiles an OpenAPI 3.0 document given as JSON text.
    pub fn from_json(text: &str) -> Result<Self, ContractError> {
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| ContractError::InvalidSpec(format!("not JSON: {e}")))?;
        Self::from_document(&doc)
    }

    /// Compiles an OpenAPI 3.0 document.
    pub fn from_document(doc: &Value) -> Result<Self, ContractError> {
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| ContractError::InvalidSpec("no `paths` object".to_owned()))?;
        let mut operations = Vec::new();
        for (template, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    operations.push(Operation::compile(method, template, item, op)?);
                }
            }
        }
        Ok(Self { operations })
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation answering `method` on the concrete `path` (query string and a leading
    /// `/api` are ignored). Literal path segments win over templated ones.
    pub fn operation(&self, method: &str, path: &str) -> Result<&Operation, ContractError> {
        let segments = path::concrete_segments(path);
        self.operations
            .iter()
            .filter(|op| op.method().eq_ignore_ascii_case(method))
            .filter_map(|op| op.path_match(&segments).map(|literals| (literals, op)))
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, op)| op)
            .ok_or_else(|| ContractError::UnknownOperation {
                method: method.to_ascii_uppercase(),
                path: path.to_owned(),
            })
    }

    /// Checks a request: `query` is the raw query string (without `?`), `body` the JSON body.
    pub fn validate_request(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: Option<&Value>,
    ) -> Result<(), ContractError> {
        let op = self.operation(method, path)?;
        op.check_request(path, &path::query_pairs(query), body)
    }

    /// Checks a response's status and JSON body against the operation.
    pub fn validate_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: Option<&Value>,
    ) -> Result<(), ContractError> {
        self.operation(method, path)?.check_response(status, body)
    }

    /// Checks a response's `Content-Type` and declared headers against the operation; see
    /// [`Operation::check_response_headers`].
    pub fn validate_response_headers<'h>(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
        header: impl Fn(&str) -> Option<&'h str>,
    ) -> Result<(), ContractError> {
        self.operation(method, path)?
            .check_response_headers(status, content_type, header)
    }
}

impl Contract {
    /// The contract of a PortSIP version, compiled on first use: what a test holds that
    /// version's requests and responses to, e.g.
    /// `Contract::for_version(PortSipVersion::V22_6)?.validate_request(…)` or
    /// `Contract::for_version("22.6".parse()?)`.
    pub fn for_version(version: PortSipVersion) -> Result<&'static Contract, ContractError> {
        static CONTRACTS: [OnceLock<Result<Contract, String>>; PortSipVersion::ALL.len()] =
            [const { OnceLock::new() }; PortSipVersion::ALL.len()];
        let slot = PortSipVersion::ALL
            .iter()
            .position(|v| *v == version)
            .and_then(|index| CONTRACTS.get(index))
            .ok_or_else(|| ContractError::InvalidSpec(format!("no slot for {version}")))?;
        slot.get_or_init(|| {
            document(version)
                .and_then(|doc| Contract::from_document(&doc))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| ContractError::InvalidSpec(e.clone()))
    }
}

/// The contract of `spec/portsip-openapi-subset.json` (PortSIP 22.2), compiled on first use.
pub fn portsip() -> Result<&'static Contract, ContractError> {
    Contract::for_version(PortSipVersion::V22_2)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn violations(result: Result<(), ContractError>) -> Vec<Violation> {
        match result {
            Err(ContractError::Violations { violations, .. }) => violations,
            _ => Vec::new(),
        }
    }

    #[test]
    fn every_operation_of_the_subset_compiles() -> TestResult {
        let contract = portsip()?;
        assert_eq!(contract.operations().len(), 25);
        assert_eq!(
            contract
                .operation("GET", "/api/tenant/status")?
                .operation_id(),
            Some("retrieveCurrentTenantStatus")
        );
        Ok(())
    }

    #[test]
    fn versions_parse_with_or_without_a_patch_level() -> TestResult {
        assert_eq!("22.2".parse::<PortSipVersion>()?, PortSipVersion::V22_2);
        assert_eq!(" 22.6.0 ".parse::<PortSipVersion>()?, PortSipVersion::V22_6);
        assert_eq!(
            "22.6.1.1234".parse::<PortSipVersion>()?,
            PortSipVersion::V22_6
        );
        for unknown in ["22.4", "22", "16.2", "22.6.", "22.6.x", "", "v22.6"] {
            assert!(unknown.parse::<PortSipVersion>().is_err(), "{unknown:?}");
        }
        assert_eq!(PortSipVersion::V22_6.to_string(), "22.6");
        Ok(())
    }

    #[test]
    fn the_22_2_contract_is_the_subset_as_published() -> TestResult {
        let published: Value = serde_json::from_str(PORTSIP_SPEC)?;
        assert_eq!(document(PortSipVersion::V22_2)?, published);
        assert!(std::ptr::eq(
            portsip()?,
            Contract::for_version(PortSipVersion::V22_2)?
        ));
        Ok(())
    }

    #[test]
    fn the_22_6_contract_adds_destroy_and_drops_sign_in_as_administrator() -> TestResult {
        let old = portsip()?;
        let new = Contract::for_version("22.6".parse()?)?;
        assert_eq!(new.operations().len(), old.operations().len() + 2);
        for path in ["/ms365/destroy", "/admin/ms365/destroy"] {
            assert!(old.operation("POST", path).is_err(), "{path} in 22.2");
            new.validate_request("POST", path, "", None)?;
            new.validate_response("POST", path, 204, None)?;
            let refusal = json!({"errors": [{"code": "FORBIDDEN", "message": "m"}]});
            new.validate_response("POST", path, 403, Some(&refusal))?;
            assert_eq!(
                violations(new.validate_response("POST", path, 200, None)).len(),
                1,
                "{path} answers 204"
            );
        }
        // Sent or answered, the removed block breaks the 22.6 contract, not the 22.2 one.
        let with_admins = json!({"sign_in_as_administrator": {"enabled": false}});
        old.validate_request("POST", "/ms365", "", Some(&with_admins))?;
        old.validate_response("GET", "/ms365", 200, Some(&with_admins))?;
        let sent = violations(new.validate_request("POST", "/ms365", "", Some(&with_admins)));
        assert_eq!(
            sent.iter()
                .filter_map(Violation::pointer)
                .collect::<Vec<_>>(),
            ["/sign_in_as_administrator"],
            "{sent:?}"
        );
        let answered = violations(new.validate_response("GET", "/ms365", 200, Some(&with_admins)));
        assert_eq!(answered.len(), 1, "{answered:?}");
        let without =
            json!({"users": {"enabled": true}, "sign_in_as_standard_user": {"enabled": true}});
        new.validate_request("POST", "/ms365", "", Some(&without))?;
        Ok(())
    }

    #[test]
    fn the_22_6_contract_bounds_display_name_and_requires_it_on_update() -> TestResult {
        let old = portsip()?;
        let new = Contract::for_version(PortSipVersion::V22_6)?;
        let user = |display_name: &str| {
            json!({
                "name": "anna", "display_name": display_name, "password": "Secret-1",
                "email": "anna@contoso.example", "role": "StandardUser",
                "extension_number": "1001", "extension_password": "x", "voicemail_pin": "123456"
            })
        };
        // 128 characters, not bytes: "é" is two bytes in UTF-8.
        let longest = "é".repeat(128);
        let too_long = "é".repeat(129);
        new.validate_request("POST", "/users", "", Some(&user(&longest)))?;
        old.validate_request("POST", "/users", "", Some(&user(&too_long)))?;
        let found = violations(new.validate_request("POST", "/users", "", Some(&user(&too_long))));
        assert_eq!(
            found
                .iter()
                .filter_map(Violation::pointer)
                .collect::<Vec<_>>(),
            ["/display_name"]
        );
        let department = json!({"department": "Sales"});
        old.validate_request("POST", "/users/7", "", Some(&department))?;
        let missing = violations(new.validate_request("POST", "/users/7", "", Some(&department)));
        assert_eq!(
            missing
                .iter()
                .filter_map(Violation::pointer)
                .collect::<Vec<_>>(),
            ["/display_name"]
        );
        let long_update = json!({"display_name": too_long});
        assert_eq!(
            violations(new.validate_request("POST", "/users/7", "", Some(&long_update))).len(),
            1
        );
        Ok(())
    }

    #[test]
    fn the_22_6_contract_requires_the_tenant_website() -> TestResult {
        let old = portsip()?;
        let new = Contract::for_version(PortSipVersion::V22_6)?;
        let tenant = json!({"name": "Contoso", "domain": "contoso.example"});
        old.validate_response("GET", "/tenant", 200, Some(&tenant))?;
        assert_eq!(
            violations(new.validate_response("GET", "/tenant", 200, Some(&tenant)))
                .iter()
                .filter_map(Violation::pointer)
                .collect::<Vec<_>>(),
            ["/website"]
        );
        for (website, problems) in [("", 1), ("https://www.contoso.example", 0)] {
            let tenant = json!({"website": website});
            assert_eq!(
                violations(new.validate_response("GET", "/tenant", 200, Some(&tenant))).len(),
                problems,
                "{website:?}"
            );
        }
        let long = json!({"website": format!("https://{}.example", "w".repeat(120))});
        old.validate_response("GET", "/tenant", 200, Some(&long))?;
        assert_eq!(
            violations(new.validate_response("GET", "/tenant", 200, Some(&long))).len(),
            1
        );
        Ok(())
    }

    #[test]
    fn a_contract_holds_recorded_responses_of_its_own_version() -> TestResult {
        let destroyed = RecordedResponse {
            method: "POST",
            path: "/api/ms365/destroy",
            status: 204,
            content_type: None,
            content_disposition: None,
            json: None,
        };
        let new = Contract::for_version(PortSipVersion::V22_6)?;
        assert!(new.response_problems([destroyed]).is_empty());
        let old = response_problems([destroyed])?;
        assert!(
            old.iter().any(|p| p.contains("is not an operation")),
            "{old:?}"
        );
        Ok(())
    }

    #[test]
    fn finds_templated_and_literal_paths() -> TestResult {
        let contract = portsip()?;
        assert_eq!(
            contract.operation("get", "/users/42")?.template(),
            "/users/{id}"
        );
        assert_eq!(
            contract.operation("GET", "/api/users")?.template(),
            "/users"
        );
        assert_eq!(
            contract
                .operation("POST", "/users/7/ms365_binding/destroy?x=1")?
                .template(),
            "/users/{id}/ms365_binding/destroy"
        );
        assert!(matches!(
            contract.operation("DELETE", "/users/7"),
            Err(ContractError::UnknownOperation { .. })
        ));
        assert!(contract.operation("GET", "/users/7/extra").is_err());
        Ok(())
    }

    #[test]
    fn valid_request_body_passes() -> TestResult {
        let contract = portsip()?;
        let body = json!({
            "national_cloud": "CHINA",
            "sync_time": "0 0 * * *",
            "users": {"enabled": true, "starting_extension_number": "1000", "sync_type": "INCLUDE"}
        });
        contract.validate_request("POST", "/ms365", "", Some(&body))?;
        Ok(())
    }

    #[test]
    fn invalid_request_body_lists_each_violation_with_its_pointer() -> TestResult {
        let contract = portsip()?;
        let body = json!({
            "national_cloud": "MOON",
            "users": {"enabled": "yes", "starting_extension_number": "12"}
        });
        let found = violations(contract.validate_request("POST", "/ms365", "", Some(&body)));
        let pointers: Vec<_> = found.iter().filter_map(Violation::pointer).collect();
        assert!(pointers.contains(&"/national_cloud"), "{found:?}");
        assert!(pointers.contains(&"/users/enabled"), "{found:?}");
        assert!(
            pointers.contains(&"/users/starting_extension_number"),
            "{found:?}"
        );
        assert_eq!(
            pointers.len(),
            found.len(),
            "every violation has a pointer: {found:?}"
        );
        Ok(())
    }

    #[test]
    fn missing_required_fields_point_at_the_field() -> TestResult {
        let contract = portsip()?;
        let body = json!({"name": "anna", "display_name": "Anna"});
        let found = violations(contract.validate_request("POST", "/users", "", Some(&body)));
        let pointers: Vec<_> = found.iter().filter_map(Violation::pointer).collect();
        for field in ["/password", "/email", "/role", "/extension_number"] {
            assert!(pointers.contains(&field), "{field} missing from {found:?}");
        }
        let absent = violations(contract.validate_request("POST", "/users", "", None));
        assert_eq!(absent.len(), 1, "{absent:?}");
        Ok(())
    }

    #[test]
    fn query_parameters_are_typed_and_bounded() -> TestResult {
        let contract = portsip()?;
        contract.validate_request("GET", "/users", "top=100&skip=200&search=ann", None)?;
        let found = violations(contract.validate_request("GET", "/users", "top=0&skip=x", None));
        let names: Vec<_> = found.iter().map(|v| v.location.clone()).collect();
        assert!(
            names.contains(&Location::Query("top".to_owned())),
            "{found:?}"
        );
        assert!(
            names.contains(&Location::Query("skip".to_owned())),
            "{found:?}"
        );
        let unknown = violations(contract.validate_request("GET", "/users", "$top=5", None));
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        Ok(())
    }

    #[test]
    fn a_body_where_none_is_taken_is_a_violation() -> TestResult {
        let contract = portsip()?;
        let found = violations(contract.validate_request(
            "POST",
            "/ms365/certificate",
            "",
            Some(&json!({})),
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        Ok(())
    }

    #[test]
    fn valid_response_passes_and_unknown_formats_are_ignored() -> TestResult {
        let contract = portsip()?;
        let body = json!({"count": 1, "items": [{
            "id": "1", "name": "anna", "extension_number": "1001",
            "created_at": "2024-01-01 10:00:00", "sync_type": "Microsoft 365"
        }]});
        contract.validate_response("GET", "/users", 200, Some(&body))?;
        Ok(())
    }

    #[test]
    fn invalid_response_lists_violations() -> TestResult {
        let contract = portsip()?;
        let body = json!({"count": -1, "items": [{"name": "", "sync_type": "LDAP"}]});
        let found = violations(contract.validate_response("GET", "/users", 200, Some(&body)));
        let pointers: Vec<_> = found.iter().filter_map(Violation::pointer).collect();
        assert!(pointers.contains(&"/count"), "{found:?}");
        assert!(pointers.contains(&"/items/0/name"), "{found:?}");
        assert!(pointers.contains(&"/items/0/sync_type"), "{found:?}");
        let missing = violations(contract.validate_response("GET", "/users", 200, None));
        assert_eq!(missing.len(), 1, "{missing:?}");
        Ok(())
    }

    #[test]
    fn statuses_fall_back_to_ranges_and_schemaless_responses_check_only_the_status() -> TestResult {
        let contract = portsip()?;
        let error = json!({"errors": [{"code": "VALIDATE_FAILED", "message": "m"}]});
        contract.validate_response("POST", "/ms365", 400, Some(&error))?;
        contract.validate_response("POST", "/login", 200, Some(&json!({"anything": 1})))?;
        contract.validate_response("POST", "/users/1/ms365_binding/destroy", 204, None)?;
        contract.validate_response("GET", "/ms365/certificate", 200, None)?;
        let undocumented = violations(contract.validate_response("POST", "/ms365", 500, None));
        assert_eq!(
            undocumented.first().map(|v| &v.location),
            Some(&Location::Status)
        );
        let wrong_success = violations(contract.validate_response("POST", "/users", 200, None));
        assert_eq!(wrong_success.len(), 1, "{wrong_success:?}");
        Ok(())
    }

    #[test]
    fn read_only_fields_are_not_accepted_in_requests_but_fine_in_responses() -> TestResult {
        let spec = json!({"openapi": "3.0.0", "paths": {"/thing": {
            "post": {
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string", "readOnly": true},
                        "name": {"type": "string"},
                        "note": {"type": "string", "nullable": true}
                    }
                }}}},
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string", "readOnly": true}}
                }}}}}
            }
        }}});
        let contract = Contract::from_json(&spec.to_string())?;
        contract.validate_request(
            "POST",
            "/thing",
            "",
            Some(&json!({"name": "a", "note": null})),
        )?;
        let sent = violations(contract.validate_request(
            "POST",
            "/thing",
            "",
            Some(&json!({"id": "1", "name": "a"})),
        ));
        assert_eq!(
            sent.first().and_then(Violation::pointer),
            Some("/id"),
            "{sent:?}"
        );
        contract.validate_response("POST", "/thing", 200, Some(&json!({"id": "1"})))?;
        let missing =
            violations(contract.validate_response("POST", "/thing", 200, Some(&json!({}))));
        assert_eq!(missing.len(), 1, "{missing:?}");
        Ok(())
    }
}
