//! Request and response bodies held to their types: every key a declared property (of the type,
//! a base type, or the derived type `@odata.type` names) or an allowed annotation, every value
//! of its property's JSON shape.

use serde_json::{Map, Value};

use crate::model::{Member, Schema, TypeDef, collection_item};
use crate::{Location, Violation};

/// Which way a body goes: some control information belongs to one direction only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Request,
    Response,
}

/// OData control information an object may carry in a response.
const OBJECT_CONTROL: &[&str] = &[
    "context",
    "type",
    "id",
    "etag",
    "editLink",
    "readLink",
    "mediaContentType",
    "mediaEtag",
    "mediaReadLink",
    "mediaEditLink",
];
/// OData control information around a collection (`{"@odata.context", "value": […], …}`).
const COLLECTION_CONTROL: &[&str] = &["context", "count", "nextLink", "deltaLink"];
/// OData control information a request object may carry.
const REQUEST_CONTROL: &[&str] = &["type", "id"];
/// Annotations of a property in a request: `owners@odata.bind`.
const REQUEST_PROPERTY_CONTROL: &[&str] = &["bind"];
/// Annotations of a property in a response: `members@odata.nextLink`, `x@odata.type`.
const RESPONSE_PROPERTY_CONTROL: &[&str] = &[
    "type",
    "count",
    "nextLink",
    "navigationLink",
    "associationLink",
    "mediaContentType",
    "mediaEtag",
];

struct Walk<'s, 'o> {
    schema: &'s Schema,
    direction: Direction,
    found: &'o mut Vec<Violation>,
}

/// Checks one entity's body going `direction`.
pub(crate) fn check_entity(
    schema: &Schema,
    direction: Direction,
    type_name: &str,
    body: &Value,
    found: &mut Vec<Violation>,
) {
    Walk {
        schema,
        direction,
        found,
    }
    .value(type_name, body, "");
}

/// `{"@odata.context", "@odata.nextLink", "value": [items of `item`]}`.
pub(crate) fn check_collection(
    schema: &Schema,
    item: &str,
    body: &Value,
    found: &mut Vec<Violation>,
) {
    let mut walk = Walk {
        schema,
        direction: Direction::Response,
        found,
    };
    let Some(object) = body.as_object() else {
        walk.report(
            "",
            "a collection is answered as an object with `value`".to_owned(),
        );
        return;
    };
    for (key, value) in object {
        let at = format!("/{}", escape(key));
        match key.strip_prefix("@odata.") {
            Some(control) if COLLECTION_CONTROL.contains(&control) => {}
            Some(_) => walk.report(
                &at,
                format!("`{key}` is no control information of a collection"),
            ),
            None if key == "value" => match value.as_array() {
                Some(items) => {
                    for (index, member) in items.iter().enumerate() {
                        walk.value(item, member, &format!("/value/{index}"));
                    }
                }
                None => walk.report(&at, "`value` of a collection is an array".to_owned()),
            },
            None if key.starts_with('@') => {}
            None => walk.report(
                &at,
                format!("`{key}` is not part of a collection of {item}"),
            ),
        }
    }
}

/// Graph's error format: `{"error": {"code": "…", "message": "…", "innerError": {…}, "details": […]}}`.
pub(crate) fn check_error(body: &Value, found: &mut Vec<Violation>) {
    let mut report = |at: &str, message: &str| {
        found.push(Violation {
            location: Location::Response(at.to_owned()),
            message: message.to_owned(),
        });
    };
    let Some(object) = body.as_object() else {
        report("", "an error answer is an object with `error`");
        return;
    };
    for key in object.keys().filter(|key| key.as_str() != "error") {
        report(
            &format!("/{}", escape(key)),
            "an error answer has only `error`",
        );
    }
    let Some(error) = object.get("error").and_then(Value::as_object) else {
        report("/error", "missing or not an object");
        return;
    };
    for required in ["code", "message"] {
        if !error.get(required).is_some_and(Value::is_string) {
            report(&format!("/error/{required}"), "missing or not a string");
        }
    }
    for key in error.keys() {
        if !matches!(
            key.as_str(),
            "code" | "message" | "innerError" | "innererror" | "details" | "target"
        ) {
            report(
                &format!("/error/{}", escape(key)),
                "not part of Graph's error format",
            );
        }
    }
}

/// A JSON pointer token.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, length)| {
            group.len() == length && group.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// Whether `value` has the JSON shape of the primitive `type_name` (`None`: not a known primitive).
fn primitive_fits(type_name: &str, value: &Value) -> Option<bool> {
    Some(match type_name {
        "Edm.Guid" => value.as_str().is_some_and(is_guid),
        "Edm.String" | "Edm.DateTimeOffset" | "Edm.Date" | "Edm.TimeOfDay" | "Edm.Duration"
        | "Edm.Binary" => value.is_string(),
        "Edm.Boolean" => value.is_boolean(),
        "Edm.Int32" | "Edm.Int16" | "Edm.Byte" | "Edm.SByte" => value.is_i64() || value.is_u64(),
        // IEEE754Compatible=true sends these as strings.
        "Edm.Int64" | "Edm.Decimal" => value.is_number() || value.is_string(),
        // Graph writes NaN and infinities as strings.
        "Edm.Double" | "Edm.Single" => value.is_number() || value.is_string(),
        "Edm.Stream" | "Edm.Untyped" => true,
        _ => return None,
    })
}

impl Walk<'_, '_> {
    fn report(&mut self, at: &str, message: String) {
        let location = match self.direction {
            Direction::Request => Location::Request(at.to_owned()),
            Direction::Response => Location::Response(at.to_owned()),
        };
        self.found.push(Violation { location, message });
    }

    fn value(&mut self, type_name: &str, value: &Value, at: &str) {
        let (item, many) = collection_item(type_name);
        if many {
            match value.as_array() {
                Some(items) => {
                    for (index, member) in items.iter().enumerate() {
                        self.value(item, member, &format!("{at}/{index}"));
                    }
                }
                None => self.report(at, format!("{type_name} is an array")),
            }
            return;
        }
        if value.is_null() {
            return;
        }
        if let Some(fits) = primitive_fits(item, value) {
            if !fits {
                self.report(at, format!("{value} is not a value of {item}"));
            }
            return;
        }
        match self.schema.types.get(item) {
            None => self.report(at, format!("{item} is not in the cut")),
            Some(TypeDef::Enum { members, flags }) => {
                let names = value.as_str().map(|text| {
                    if *flags {
                        text.split(',').map(str::trim).collect()
                    } else {
                        vec![text]
                    }
                });
                let fits =
                    names.is_some_and(|names| names.iter().all(|n| members.iter().any(|m| m == n)));
                if !fits {
                    self.report(at, format!("{value} is not a member of {item}"));
                }
            }
            Some(TypeDef::Definition { underlying }) => {
                let underlying = underlying.clone();
                self.value(&underlying, value, at);
            }
            Some(TypeDef::Entity(_) | TypeDef::Complex(_)) => match value.as_object() {
                Some(object) => self.object(item, object, at),
                None => self.report(at, format!("{item} is an object")),
            },
        }
    }

    /// The type the object says it is (`@odata.type`), when that derives from `declared`.
    fn actual_type<'v>(
        &mut self,
        declared: &'v str,
        object: &'v Map<String, Value>,
        at: &str,
    ) -> &'v str {
        let Some(named) = object.get("@odata.type") else {
            return declared;
        };
        let name = named.as_str().map(|text| text.trim_start_matches('#'));
        match name {
            Some(name)
                if self.schema.structured(name).is_some()
                    && self.schema.derives_from(name, declared) =>
            {
                name
            }
            _ => {
                self.report(
                    &format!("{at}/@odata.type"),
                    format!("{named} is not {declared} or a type derived from it in the cut"),
                );
                declared
            }
        }
    }

    fn object(&mut self, declared: &str, object: &Map<String, Value>, at: &str) {
        let type_name = self.actual_type(declared, object, at).to_owned();
        for (key, value) in object {
            let here = format!("{at}/{}", escape(key));
            if let Some(annotation) = key.strip_prefix('@') {
                self.annotation(annotation, None, &here);
                continue;
            }
            let (name, annotation) = match key.split_once('@') {
                Some((name, annotation)) => (name, Some(annotation)),
                None => (key.as_str(), None),
            };
            let Some(member) = self.schema.member(&type_name, name) else {
                self.report(&here, format!("`{name}` is not a property of {type_name}"));
                continue;
            };
            match (annotation, member) {
                (Some(annotation), _) => self.annotation(annotation, Some(member), &here),
                (None, Member::Structural(property_type)) => {
                    self.value(property_type, value, &here)
                }
                (None, Member::Navigation(target)) => {
                    if self.schema.structured(collection_item(target).0).is_some() {
                        self.value(target, value, &here);
                    } else {
                        self.report(
                            &here,
                            format!("`{name}` leads to {target}, which is not in the cut"),
                        );
                    }
                }
            }
        }
    }

    /// `@odata.x` control information, `@namespace.term` instance annotations, alone or of a property.
    fn annotation(&mut self, annotation: &str, of: Option<Member<'_>>, at: &str) {
        let Some(control) = annotation.strip_prefix("odata.") else {
            if !annotation.contains('.') {
                self.report(
                    at,
                    format!("`@{annotation}` is not a namespace-qualified annotation"),
                );
            }
            return;
        };
        let allowed = match (self.direction, of) {
            (Direction::Request, None) => REQUEST_CONTROL,
            (Direction::Response, None) => OBJECT_CONTROL,
            (Direction::Request, Some(Member::Navigation(_))) => REQUEST_PROPERTY_CONTROL,
            (Direction::Request, Some(Member::Structural(_))) => &[],
            (Direction::Response, Some(_)) => RESPONSE_PROPERTY_CONTROL,
        };
        if !allowed.contains(&control) {
            self.report(at, format!("`@odata.{control}` is not allowed here"));
        }
    }
}
