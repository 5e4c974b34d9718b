//! Reading a request body the way the PBX does: JSON, checked against the operation's schema
//! in the OpenAPI subset, each problem reported as a field-level `VALIDATE_FAILED`.

use axum::body::Bytes;
use openapi_contract::{ContractError, Location};
use serde_json::{Map, Value};

use super::Pbx;
use super::error::ApiError;

/// `/users/starting_extension_number` → `users.starting_extension_number`.
fn field_name(pointer: &str) -> String {
    pointer
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn problem(message: &str) -> String {
    if message.ends_with("is a required property") {
        "is required".to_owned()
    } else {
        message.to_owned()
    }
}

/// Field problems: `(field, problem)`; an empty field means the body as a whole.
pub(super) type Problems = Vec<(String, String)>;

/// Fails with every problem at once, one complaint per field: the schema's first, then the
/// rules' for fields the schema found nothing wrong with.
pub(super) fn reject(schema: Problems, rules: Problems) -> Result<(), ApiError> {
    let mut problems: Problems = Vec::new();
    for (field, problem) in schema.into_iter().chain(rules) {
        if !problems.iter().any(|(f, _)| *f == field) {
            problems.push((field, problem));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::fields(problems))
    }
}

impl Pbx {
    /// Parses the body of `method template` and checks it against the operation's schema.
    /// Unparseable JSON and non-objects fail at once; schema problems are returned so the
    /// caller can report them together with PortSIP's own rules.
    pub(super) fn parse_object(
        &self,
        method: &str,
        template: &str,
        bytes: &Bytes,
    ) -> Result<(Map<String, Value>, Problems), ApiError> {
        let body: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(serde_json::from_slice(bytes).map_err(|e| {
                ApiError::fields(vec![(
                    String::new(),
                    format!("The request body is not valid JSON: {e}"),
                )])
            })?)
        };
        let operation = self
            .contract()
            .operation(method, template)
            .map_err(|e| ApiError::not_found(e.to_string()))?;
        let problems = match operation.check_request(template, &[], body.as_ref()) {
            Ok(()) => Vec::new(),
            Err(ContractError::Violations { violations, .. }) => violations
                .iter()
                .map(|v| match &v.location {
                    Location::Body(pointer) if pointer.is_empty() => {
                        (String::new(), format!("Request body: {}", v.message))
                    }
                    Location::Body(pointer) => (field_name(pointer), problem(&v.message)),
                    other => (other.to_string(), v.message.clone()),
                })
                .collect(),
            Err(other) => return Err(ApiError::not_found(other.to_string())),
        };
        match body {
            Some(Value::Object(fields)) => Ok((fields, problems)),
            None => Ok((Map::new(), problems)),
            Some(_) => Err(ApiError::fields(vec![(
                String::new(),
                "The request body must be a JSON object.".to_owned(),
            )])),
        }
    }

    /// [`Self::parse_object`] for bodies with no rules beyond the schema.
    pub(super) fn object_body(
        &self,
        method: &str,
        template: &str,
        bytes: &Bytes,
    ) -> Result<Map<String, Value>, ApiError> {
        let (body, problems) = self.parse_object(method, template, bytes)?;
        reject(problems, Vec::new())?;
        Ok(body)
    }

    /// The top-level fields the operation's request schema declares.
    pub(super) fn declared_fields(&self, method: &str, template: &str) -> Vec<String> {
        self.contract()
            .operation(method, template)
            .map(|op| {
                op.request_properties()
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_dotted_field_names() {
        assert_eq!(
            field_name("/users/starting_extension_number"),
            "users.starting_extension_number"
        );
        assert_eq!(field_name("/a~1b/0"), "a/b.0");
        assert_eq!(problem("\"name\" is a required property"), "is required");
    }
}
