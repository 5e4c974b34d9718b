//! OpenAPI 3.0 schema objects → JSON Schema (draft 4, which OpenAPI 3.0 extends).
//!
//! The differences that matter here:
//! - `nullable: true` allows `null` besides the declared type;
//! - `readOnly` properties belong to responses: in a request they must not be sent and are
//!   never required; `writeOnly` is the mirror image for responses;
//! - OpenAPI-only keywords (`example`, `discriminator`, …) are dropped;
//! - formats JSON Schema does not know (`date_time`, `int32`, `binary`) are ignored by the
//!   validator, see [`compile`].

use serde_json::{Map, Value, json};

use crate::ContractError;

/// Which way a payload travels: it decides what `readOnly` and `writeOnly` mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

impl Direction {
    /// The OpenAPI keyword that marks a property as not belonging in this direction.
    fn excluded_marker(self) -> &'static str {
        match self {
            Self::Request => "readOnly",
            Self::Response => "writeOnly",
        }
    }
}

const OPENAPI_ONLY: [&str; 8] = [
    "nullable",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "discriminator",
    "xml",
    "externalDocs",
];

/// Translates an OpenAPI 3.0 schema object into an equivalent draft-4 JSON Schema for the
/// given direction.
pub fn to_json_schema(schema: &Value, direction: Direction) -> Value {
    let Value::Object(source) = schema else {
        return schema.clone();
    };
    let excluded = |property: &Value| {
        property
            .get(direction.excluded_marker())
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let mut out = Map::new();
    for (key, value) in source {
        if OPENAPI_ONLY.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let translated = match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => Value::Object(
                properties
                    .iter()
                    .map(|(name, property)| {
                        let schema = if excluded(property) {
                            // Draft 4 has no `false` schema; `not {}` rejects every value.
                            json!({"not": {}})
                        } else {
                            to_json_schema(property, direction)
                        };
                        (name.clone(), schema)
                    })
                    .collect(),
            ),
            ("required", Value::Array(names)) => {
                let properties = source.get("properties");
                Value::Array(
                    names
                        .iter()
                        .filter(|name| {
                            let property = name
                                .as_str()
                                .and_then(|n| properties.and_then(|p| p.get(n)));
                            !property.is_some_and(excluded)
                        })
                        .cloned()
                        .collect(),
                )
            }
            ("items" | "not" | "additionalProperties", Value::Object(_)) => {
                to_json_schema(value, direction)
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(schemas)) => Value::Array(
                schemas
                    .iter()
                    .map(|s| to_json_schema(s, direction))
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }
    let translated = Value::Object(out);
    if source.get("nullable").and_then(Value::as_bool) == Some(true) {
        json!({"anyOf": [translated, {"type": "null"}]})
    } else {
        translated
    }
}

/// Compiles a translated schema with draft-4 semantics; known formats are checked, unknown
/// ones (OpenAPI's `int32`, PortSIP's `date_time`) are ignored.
pub(crate) fn compile(
    schema: &Value,
    direction: Direction,
    context: &str,
) -> Result<jsonschema::Validator, ContractError> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .build(&to_json_schema(schema, direction))
        .map_err(|e| ContractError::InvalidSpec(format!("{context}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_admits_null() {
        let schema = to_json_schema(
            &json!({"type": "string", "nullable": true, "example": "x"}),
            Direction::Response,
        );
        assert_eq!(
            schema,
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]})
        );
    }

    #[test]
    fn read_only_is_dropped_from_required_in_requests_only() {
        let schema = json!({
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "string", "readOnly": true}, "name": {"type": "string"}}
        });
        let request = to_json_schema(&schema, Direction::Request);
        assert_eq!(request["required"], json!(["name"]));
        assert_eq!(request["properties"]["id"], json!({"not": {}}));
        let response = to_json_schema(&schema, Direction::Response);
        assert_eq!(response["required"], json!(["id", "name"]));
        assert_eq!(response["properties"]["id"], json!({"type": "string"}));
    }

    #[test]
    fn nested_schemas_are_translated() {
        let schema =
            json!({"allOf": [{"type": "array", "items": {"type": "integer", "nullable": true}}]});
        let out = to_json_schema(&schema, Direction::Request);
        assert_eq!(
            out["allOf"][0]["items"],
            json!({"anyOf": [{"type": "integer"}, {"type": "null"}]})
        );
    }
}
