//! The serde model types mirror `spec/portsip-openapi-subset.json`: for every JSON body the
//! spec declares, an object holding every declared property (each enum value in turn, plus
//! fields the spec does not know) is read into the Rust type the client uses for it and
//! written back; no declared property may be lost or renamed on the way. Bodies and
//! properties the client deliberately leaves out are listed below with the reason, so a body
//! or property the spec gains later fails here until someone decides about it.

use std::collections::{BTreeMap, BTreeSet};

use portsip::model::{
    AuditAction, AuditLog, AuditObjectType, Contact, ContactAppendType, ContactDetails,
    ContactMatchType, Created, CustomRuleType, ForwardAction, GlobalMs365Settings,
    GlobalMs365SettingsUpdate, Info, Ms365Settings, Ms365SettingsUpdate, Ms365User, NationalCloud,
    NewUser, OfficeHoursMode, Page, SipInterface, SipTransport, SmsPermission, SyncSource,
    SyncType, Tenant, TenantStatus, User, UserSummary, UserUpdate, VoicemailDateTime, WebhookAuth,
};
use portsip::{Credentials, Secret};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

const SPEC: &str = include_str!("../../../spec/portsip-openapi-subset.json");

/// A field no PortSIP version sends, in every object of every sample: it must be ignored.
const UNKNOWN_FIELD: &str = "zz_field_the_spec_does_not_know";

type Check = fn(&Value) -> Result<Value, String>;

/// Whether a wire value is one the Rust enum names (rather than keeping it as `Other`).
type Known = fn(&str) -> bool;

/// Reads `input` as `T` and writes it back.
fn round_trip<T: DeserializeOwned + Serialize>(input: &Value) -> Result<Value, String> {
    let value: T = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}

/// `Credentials` is only ever sent: built from the sample, it must write every field.
fn credentials(input: &Value) -> Result<Value, String> {
    let text = |name: &str| input.get(name).and_then(Value::as_str).unwrap_or_default();
    let value = Credentials::new(
        text("username"),
        Secret::new(text("password")),
        Some(text("domain")),
    );
    serde_json::to_value(&value).map_err(|e| e.to_string())
}

/// Body (`METHOD /template request` or `METHOD /template STATUS`) → how the client reads or
/// writes it.
fn modelled() -> BTreeMap<&'static str, Check> {
    BTreeMap::from([
        ("POST /login request", credentials as Check),
        ("GET /info 200", round_trip::<Info>),
        ("GET /tenant 200", round_trip::<Tenant>),
        ("GET /tenant/status 200", round_trip::<TenantStatus>),
        ("GET /admin/ms365 200", round_trip::<GlobalMs365Settings>),
        (
            "POST /admin/ms365 request",
            round_trip::<GlobalMs365SettingsUpdate>,
        ),
        ("GET /ms365 200", round_trip::<Ms365Settings>),
        ("POST /ms365 request", round_trip::<Ms365SettingsUpdate>),
        ("GET /ms365/users 200", round_trip::<Page<Ms365User>>),
        ("POST /users request", round_trip::<NewUser>),
        ("POST /users 201", round_trip::<Created>),
        ("GET /users 200", round_trip::<Page<UserSummary>>),
        ("GET /users/{id} 200", round_trip::<User>),
        ("POST /users/{id} request", round_trip::<UserUpdate>),
        ("POST /contacts request", round_trip::<ContactDetails>),
        ("POST /contacts 201", round_trip::<Created>),
        ("GET /contacts 200", round_trip::<Page<Contact>>),
        ("GET /audit_logs 200", round_trip::<Page<AuditLog>>),
    ])
}

/// Bodies with no public model type, and why.
const NOT_MODELLED_BODIES: [(&str, &str); 6] = [
    (
        "GET /login 200",
        "read by the crate-private TokenAnswer; its fields are checked in src/auth.rs",
    ),
    (
        "POST /auth/refresh_token request",
        "a one-field body built in place; request_contract validates what is sent",
    ),
    (
        "POST /auth/refresh_token 200",
        "read by the crate-private TokenAnswer; its fields are checked in src/auth.rs",
    ),
    (
        "POST /users/{id}/ms365_binding request",
        "a one-field body built in place; request_contract validates what is sent",
    ),
    (
        "POST /auth/sign_in/{provider} request",
        "single sign-on of PBX users is the PBX's business; pbx365 never starts it",
    ),
    (
        "POST /auth/sign_in/{provider} 200",
        "single sign-on of PBX users is the PBX's business; pbx365 never starts it",
    ),
];

/// Properties of modelled bodies that do not come back out of the Rust type, and why.
const NOT_ECHOED: [(&str, &str, &str); 6] = [
    (
        "GET /tenant 200",
        "/stir_shaken_key",
        "a private key: read into a Secret, never serialized back out",
    ),
    (
        "GET /tenant 200",
        "/cdr_event/password",
        "a webhook password: read into a Secret, never serialized back out",
    ),
    (
        "GET /tenant 200",
        "/cdr_event/token",
        "a webhook token: read into a Secret, never serialized back out",
    ),
    (
        "GET /tenant 200",
        "/extension_event/password",
        "a webhook password: read into a Secret, never serialized back out",
    ),
    (
        "GET /tenant 200",
        "/extension_event/token",
        "a webhook token: read into a Secret, never serialized back out",
    ),
    (
        "GET /users/{id} 200",
        "/voicemail_pin",
        "read into a Secret, never serialized back out",
    ),
];

/// Enum properties of the spec (`name`, first value) → whether a value is one the Rust enum
/// names (rather than keeping it as `Other`).
fn enum_types() -> BTreeMap<(&'static str, &'static str), Known> {
    BTreeMap::from([
        (
            ("national_cloud", "GLOBAL"),
            (|v: &str| !matches!(NationalCloud::from(v), NationalCloud::Other(_))) as Known,
        ),
        (("sync_type", "ALL"), |v| {
            !matches!(SyncType::from(v), SyncType::Other(_))
        }),
        (("sync_type", "Microsoft 365"), |v| {
            !matches!(SyncSource::from(v), SyncSource::Other(_))
        }),
        (("auth", "DISABLE"), |v| {
            !matches!(WebhookAuth::from(v), WebhookAuth::Other(_))
        }),
        (("contact_match_type", "DISABLE"), |v| {
            !matches!(ContactMatchType::from(v), ContactMatchType::Other(_))
        }),
        (("contact_append_type", "DISABLE"), |v| {
            !matches!(ContactAppendType::from(v), ContactAppendType::Other(_))
        }),
        (("sms", "DISABLE"), |v| {
            !matches!(SmsPermission::from(v), SmsPermission::Other(_))
        }),
        (("mode", "GLOBAL"), |v| {
            !matches!(OfficeHoursMode::from(v), OfficeHoursMode::Other(_))
        }),
        (("action", "FORWARD_TO_NUMBER"), |v| {
            !matches!(ForwardAction::from(v), ForwardAction::Other(_))
        }),
        (("type", "ALL_HOURS"), |v| {
            !matches!(CustomRuleType::from(v), CustomRuleType::Other(_))
        }),
        (("voicemail_play_datetime", "DISABLE"), |v| {
            !matches!(VoicemailDateTime::from(v), VoicemailDateTime::Other(_))
        }),
        (("interface", "WEB_DOMAIN"), |v| {
            !matches!(SipInterface::from(v), SipInterface::Other(_))
        }),
        (("preferred_transport", "UDP"), |v| {
            !matches!(SipTransport::from(v), SipTransport::Other(_))
        }),
        (("action", "CREATE"), |v| {
            !matches!(AuditAction::from(v), AuditAction::Other(_))
        }),
        (("object_type", "ALLOWED_COUNTRY_CODES"), |v| {
            !matches!(AuditObjectType::from(v), AuditObjectType::Other(_))
        }),
    ])
}

/// Every JSON body the spec declares, keyed as in [`modelled`].
fn spec_bodies(doc: &Value) -> BTreeMap<String, Value> {
    let mut bodies = BTreeMap::new();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for (template, item) in &paths {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let method = method.to_ascii_uppercase();
            if let Some(schema) = json_schema(&operation["requestBody"]) {
                bodies.insert(format!("{method} {template} request"), schema);
            }
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if let Some(schema) = json_schema(response) {
                    bodies.insert(format!("{method} {template} {status}"), schema);
                }
            }
        }
    }
    bodies
}

fn json_schema(holder: &Value) -> Option<Value> {
    holder["content"]["application/json"].get("schema").cloned()
}

/// `$ref` replaced by its target, and `allOf` merged into one schema (properties, required,
/// type, enum), as far down as properties and items go.
fn resolve(doc: &Value, schema: &Value) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
            .cloned()
            .unwrap_or(Value::Null);
        assert!(!target.is_null(), "unresolvable $ref {reference}");
        return resolve(doc, &target);
    }
    let Some(source) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for part in source
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        merge(&mut out, resolve(doc, part));
    }
    let mut own = source.clone();
    own.remove("allOf");
    if let Some(Value::Object(properties)) = own.get("properties").cloned() {
        let resolved = properties
            .iter()
            .map(|(name, property)| (name.clone(), resolve(doc, property)))
            .collect();
        own.insert("properties".to_owned(), Value::Object(resolved));
    }
    if let Some(items) = own.get("items").cloned() {
        own.insert("items".to_owned(), resolve(doc, &items));
    }
    merge(&mut out, Value::Object(own));
    Value::Object(out)
}

fn merge(into: &mut Map<String, Value>, part: Value) {
    let Value::Object(part) = part else { return };
    for (key, value) in part {
        match (key.as_str(), into.get_mut(&key), value) {
            ("properties", Some(Value::Object(have)), Value::Object(more)) => have.extend(more),
            ("required", Some(Value::Array(have)), Value::Array(more)) => have.extend(more),
            (_, _, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// How a sample is filled.
#[derive(Clone, Copy)]
struct Fill {
    /// Which value of each enum: the `n`th, wrapping.
    enum_index: usize,
    /// Put `null` where the spec says `nullable`.
    nulls: bool,
    /// Add [`UNKNOWN_FIELD`] to every object.
    unknown: bool,
}

/// A value of `schema` holding every declared property; strings name their pointer so a
/// value moved to another property shows.
fn sample(schema: &Value, pointer: &str, fill: Fill) -> Value {
    if fill.nulls && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return Value::Null;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.is_empty()
    {
        return values[fill.enum_index % values.len()].clone();
    }
    let declared = schema.get("type").and_then(Value::as_str);
    let kind = declared.unwrap_or(if schema.get("properties").is_some() {
        "object"
    } else if schema.get("items").is_some() {
        "array"
    } else {
        "string"
    });
    match kind {
        "object" => {
            let mut object = Map::new();
            for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                object.insert(
                    name.clone(),
                    sample(property, &format!("{pointer}/{name}"), fill),
                );
            }
            if fill.unknown {
                object.insert(UNKNOWN_FIELD.to_owned(), json!({"nested": [1, "two"]}));
            }
            Value::Object(object)
        }
        "array" => json!([sample(&schema["items"], &format!("{pointer}/0"), fill)]),
        "integer" => json!(7),
        "number" => json!(7.5),
        "boolean" => json!(true),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date_time" | "date-time") => json!("2024-05-06 07:08:09"),
            _ => json!(format!("v{pointer}")),
        },
    }
}

/// Every enum in `schema`: (property name, values).
fn enums(schema: &Value, name: &str, out: &mut Vec<(String, Vec<String>)>) {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values = values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        out.push((name.to_owned(), values));
    }
    for (property, inner) in schema["properties"].as_object().into_iter().flatten() {
        enums(inner, property, out);
    }
    if let Some(items) = schema.get("items") {
        enums(items, name, out);
    }
}

/// Pointers of every leaf (and every empty object or array) of `value`.
fn leaves(value: &Value, pointer: String, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) if !object.is_empty() => {
            for (name, inner) in object {
                leaves(inner, format!("{pointer}/{name}"), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, inner) in items.iter().enumerate() {
                leaves(inner, format!("{pointer}/{index}"), out);
            }
        }
        _ => {
            out.insert(pointer);
        }
    }
}

/// Where `written` departs from `expected`, except the listed `not_echoed` pointers.
fn differences(expected: &Value, written: &Value, not_echoed: &BTreeSet<&str>) -> Vec<String> {
    let mut want = BTreeSet::new();
    leaves(expected, String::new(), &mut want);
    let mut got = BTreeSet::new();
    leaves(written, String::new(), &mut got);
    let mut out = Vec::new();
    for pointer in &want {
        let listed = not_echoed.contains(pointer.as_str());
        match (written.pointer(pointer), listed) {
            (None, true) => {}
            (Some(_), true) => out.push(format!("{pointer} is listed as not echoed but is")),
            (None, false) => out.push(format!("{pointer} was lost")),
            (Some(value), false) if Some(value) != expected.pointer(pointer) => out.push(format!(
                "{pointer} came back as {value}, not {:?}",
                expected.pointer(pointer)
            )),
            (Some(_), false) => {}
        }
    }
    for pointer in got.difference(&want) {
        out.push(format!("{pointer} is not declared (renamed?)"));
    }
    out
}

#[test]
fn every_body_of_the_spec_is_modelled_or_listed_as_deliberately_not() -> Result<(), String> {
    let doc: Value = serde_json::from_str(SPEC).map_err(|e| e.to_string())?;
    let declared: BTreeSet<String> = spec_bodies(&doc).into_keys().collect();
    let modelled = modelled();
    let listed: BTreeSet<String> = modelled
        .keys()
        .copied()
        .chain(NOT_MODELLED_BODIES.iter().map(|(body, _)| *body))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        declared, listed,
        "the spec's JSON bodies and the ones this test knows differ"
    );
    Ok(())
}

#[test]
fn every_declared_property_is_read_and_written_back_under_its_own_name() -> Result<(), String> {
    let doc: Value = serde_json::from_str(SPEC).map_err(|e| e.to_string())?;
    let bodies = spec_bodies(&doc);
    let mut problems = Vec::new();
    let mut echo_exceptions_used = BTreeSet::new();
    for (body, check) in modelled() {
        let schema = resolve(&doc, bodies.get(body).ok_or(format!("{body} not in spec"))?);
        let not_echoed: BTreeSet<&str> = NOT_ECHOED
            .iter()
            .filter(|(listed, _, _)| *listed == body)
            .map(|(_, pointer, _)| *pointer)
            .collect();
        let mut found = Vec::new();
        enums(&schema, "", &mut found);
        let rounds = found
            .iter()
            .map(|(_, values)| values.len())
            .max()
            .unwrap_or(1);
        for enum_index in 0..rounds {
            let plain = Fill {
                enum_index,
                nulls: false,
                unknown: false,
            };
            let expected = sample(&schema, "", plain);
            let input = sample(
                &schema,
                "",
                Fill {
                    unknown: true,
                    ..plain
                },
            );
            match check(&input) {
                Ok(written) => {
                    for difference in differences(&expected, &written, &not_echoed) {
                        problems.push(format!("{body} (enum value #{enum_index}): {difference}"));
                    }
                    echo_exceptions_used.extend(not_echoed.iter().map(|p| (body, *p)));
                }
                Err(error) => problems.push(format!("{body} (enum value #{enum_index}): {error}")),
            }
            let nulls = sample(
                &schema,
                "",
                Fill {
                    nulls: true,
                    ..plain
                },
            );
            if let Err(error) = check(&nulls) {
                problems.push(format!("{body} with nulls where nullable: {error}"));
            }
        }
    }
    let unused: Vec<_> = NOT_ECHOED
        .iter()
        .filter(|(body, pointer, _)| !echo_exceptions_used.contains(&(*body, *pointer)))
        .collect();
    assert!(
        unused.is_empty(),
        "listed exceptions of no modelled body: {unused:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

#[test]
fn every_enum_value_of_the_spec_is_a_named_variant() -> Result<(), String> {
    let doc: Value = serde_json::from_str(SPEC).map_err(|e| e.to_string())?;
    let bodies = spec_bodies(&doc);
    let types = enum_types();
    let mut problems = Vec::new();
    for body in modelled().keys() {
        let schema = resolve(
            &doc,
            bodies.get(*body).ok_or(format!("{body} not in spec"))?,
        );
        let mut found = Vec::new();
        enums(&schema, "", &mut found);
        for (name, values) in found {
            let first = values.first().cloned().unwrap_or_default();
            let Some(known) = types.get(&(name.as_str(), first.as_str())) else {
                problems.push(format!(
                    "{body}: enum `{name}` ({first}, …) has no Rust type here"
                ));
                continue;
            };
            for value in values.iter().filter(|value| !known(value)) {
                problems.push(format!(
                    "{body}: `{name}` value {value} is not a named variant"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}
