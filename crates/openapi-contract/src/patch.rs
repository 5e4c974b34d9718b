//! JSON Patch (RFC 6902), the part the version patches in `spec/` use: `test`, `add`,
//! `remove` and `replace`.
//!
//! A later PortSIP version's contract is the 22.2 subset plus a patch of its documented
//! changes, so both stay in step: a `test` operation names what the patch expects to find in
//! the base document, and a base that no longer has it fails loudly instead of yielding a
//! quietly wrong contract. Members an operation does not define (the patches' `why`) are
//! ignored, as RFC 6902 §4 requires.

use serde_json::Value;

/// Why a patch could not be applied; every variant names the operation's index and path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The patch is not a JSON array of operation objects.
    #[error("the patch is not a JSON array of operations: {0}")]
    NotAPatch(String),
    /// An operation lacks a member it needs or has an unknown `op`.
    #[error("operation {index} ({path}): {problem}")]
    Malformed {
        index: usize,
        path: String,
        problem: String,
    },
    /// The location an operation names does not exist (or its parent does not, for `add`).
    #[error("operation {index}: {path} does not exist in the document")]
    Missing { index: usize, path: String },
    /// A `test` operation found something other than what the patch expects.
    #[error(
        "operation {index}: {path} is {found}, not the {expected} the patch was written against"
    )]
    TestFailed {
        index: usize,
        path: String,
        expected: String,
        found: String,
    },
}

/// `~1` → `/`, `~0` → `~`, in that order (RFC 6901 §4).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The pointer's reference tokens; `""` is the whole document.
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    pointer
        .strip_prefix('/')
        .map(|rest| rest.split('/').map(unescape).collect())
}

/// The parent container of the pointer's target and the target's last token.
fn parent_mut<'v>(document: &'v mut Value, tokens: &[String]) -> Option<(&'v mut Value, String)> {
    let (last, parents) = tokens.split_last()?;
    let mut current = document;
    for token in parents {
        current = match current {
            Value::Object(map) => map.get_mut(token)?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some((current, last.clone()))
}

fn member<'o>(op: &'o Value, name: &str) -> Option<&'o Value> {
    op.get(name)
}

/// Applies `patch` (a JSON array of operations) to `document`, in order. On error the
/// document may be partly patched; callers throw it away.
pub fn apply(document: &mut Value, patch: &Value) -> Result<(), PatchError> {
    let operations = patch
        .as_array()
        .ok_or_else(|| PatchError::NotAPatch(format!("found {}", kind(patch))))?;
    for (index, op) in operations.iter().enumerate() {
        let path = member(op, "path")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let malformed = |problem: &str| PatchError::Malformed {
            index,
            path: path.clone(),
            problem: problem.to_owned(),
        };
        let missing = || PatchError::Missing {
            index,
            path: path.clone(),
        };
        let name = member(op, "op")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("no `op`"))?;
        let location = member(op, "path")
            .and_then(Value::as_str)
            .and_then(tokens)
            .ok_or_else(|| malformed("no `path`, or one that is not a JSON pointer"))?;
        let value = || {
            member(op, "value")
                .cloned()
                .ok_or_else(|| malformed("no `value`"))
        };
        match name {
            "test" => {
                let expected = value()?;
                let found = document.pointer(&path).ok_or_else(missing)?;
                if *found != expected {
                    return Err(PatchError::TestFailed {
                        index,
                        path,
                        expected: expected.to_string(),
                        found: found.to_string(),
                    });
                }
            }
            "add" => {
                let value = value()?;
                if location.is_empty() {
                    *document = value;
                    continue;
                }
                let (parent, last) = parent_mut(document, &location).ok_or_else(missing)?;
                match parent {
                    // Adding an existing member replaces it (RFC 6902 §4.1).
                    Value::Object(map) => {
                        map.insert(last, value);
                    }
                    Value::Array(items) if last == "-" => items.push(value),
                    Value::Array(items) => {
                        let at = last
                            .parse::<usize>()
                            .ok()
                            .filter(|at| *at <= items.len())
                            .ok_or_else(missing)?;
                        items.insert(at, value);
                    }
                    _ => return Err(missing()),
                }
            }
            "replace" => {
                let value = value()?;
                *document.pointer_mut(&path).ok_or_else(missing)? = value;
            }
            "remove" => {
                let (parent, last) = parent_mut(document, &location).ok_or_else(missing)?;
                let removed = match parent {
                    Value::Object(map) => map.remove(&last).is_some(),
                    Value::Array(items) => match last.parse::<usize>() {
                        Ok(at) if at < items.len() => {
                            items.remove(at);
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if !removed {
                    return Err(missing());
                }
            }
            other => return Err(malformed(&format!("unsupported op {other:?}"))),
        }
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn add_replace_remove_and_test_as_rfc_6902_says() -> Result<(), PatchError> {
        let mut doc = json!({"paths": {"/a/b": {"get": {"x": 1}}}, "list": [1, 3]});
        let patch = json!([
            {"op": "test", "path": "/paths/~1a~1b/get/x", "value": 1, "why": "ignored member"},
            {"op": "replace", "path": "/paths/~1a~1b/get/x", "value": 2},
            {"op": "add", "path": "/paths/~1c", "value": {"post": {}}},
            {"op": "add", "path": "/list/1", "value": 2},
            {"op": "add", "path": "/list/-", "value": 4},
            {"op": "remove", "path": "/list/0"},
            {"op": "add", "path": "/paths/~1a~1b/get/x", "value": 3}
        ]);
        apply(&mut doc, &patch)?;
        assert_eq!(
            doc,
            json!({"paths": {"/a/b": {"get": {"x": 3}}, "/c": {"post": {}}}, "list": [2, 3, 4]})
        );
        Ok(())
    }

    #[test]
    fn a_failed_test_or_a_missing_location_stops_the_patch() {
        let mut doc = json!({"a": {"maxLength": 1024}});
        let stale = json!([{"op": "test", "path": "/a/maxLength", "value": 255}]);
        assert!(matches!(
            apply(&mut doc, &stale),
            Err(PatchError::TestFailed { index: 0, .. })
        ));
        for op in [
            json!([{"op": "replace", "path": "/b", "value": 1}]),
            json!([{"op": "remove", "path": "/a/minLength"}]),
            json!([{"op": "add", "path": "/b/c", "value": 1}]),
            json!([{"op": "test", "path": "/nowhere", "value": 1}]),
        ] {
            assert!(
                matches!(apply(&mut doc, &op), Err(PatchError::Missing { .. })),
                "{op}"
            );
        }
        assert!(matches!(
            apply(
                &mut doc,
                &json!([{"op": "move", "from": "/a", "path": "/b"}])
            ),
            Err(PatchError::Malformed { .. })
        ));
        assert!(matches!(
            apply(&mut doc, &json!({"op": "add"})),
            Err(PatchError::NotAPatch(_))
        ));
        assert_eq!(doc, json!({"a": {"maxLength": 1024}}));
    }
}
