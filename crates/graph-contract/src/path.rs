//! What a Graph path addresses: `/v1.0/{entity set or singleton}[(key)]/{key}/{navigation}/{cast}…`.

use crate::model::{Member, Schema, collection_item};
use crate::text::decode;

/// The resource a path addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A collection of entities of this type (an entity set, a collection-valued navigation).
    Entities(String),
    /// One entity of this type.
    Entity(String),
    /// A raw value, count or reference (`$value`, `$count`, `$ref`): no typed body.
    Raw,
}

impl Target {
    /// The entity type whose properties the query options may name.
    pub fn item_type(&self) -> Option<&str> {
        match self {
            Self::Entities(item) | Self::Entity(item) => Some(item),
            Self::Raw => None,
        }
    }
}

fn is_raw(segment: &str) -> bool {
    matches!(segment, "$value" | "$count" | "$ref")
}

/// A type-cast segment (`microsoft.graph.user`) narrowing `current`.
fn cast(schema: &Schema, current: &str, segment: &str) -> Option<Result<String, String>> {
    schema.structured(segment)?;
    Some(if schema.derives_from(segment, current) {
        Ok(segment.to_owned())
    } else {
        Err(format!(
            "the cast to {segment} does not derive from {current}"
        ))
    })
}

fn navigate(schema: &Schema, item: &str, segment: &str) -> Result<Target, String> {
    match schema.member(item, segment) {
        Some(Member::Navigation(type_name)) => {
            let (target, many) = collection_item(type_name);
            if schema.structured(target).is_none() {
                return Err(format!(
                    "`{segment}` of {item} leads to {target}, which is not in the cut \
                     (add it to ROOTS in scripts/graph-contract/cut.py and re-cut)"
                ));
            }
            Ok(if many {
                Target::Entities(target.to_owned())
            } else {
                Target::Entity(target.to_owned())
            })
        }
        Some(Member::Structural(_)) => Err(format!(
            "`{segment}` is a structural property of {item}; property paths are not checked"
        )),
        None => Err(format!(
            "`{segment}` is neither a navigation property of {item} nor a type derived from it"
        )),
    }
}

/// Resolves `/v1.0/…` to the resource it addresses, or says which segment the metadata lacks.
pub(crate) fn resolve(schema: &Schema, path: &str) -> Result<Target, String> {
    let rest = path
        .strip_prefix("/v1.0/")
        .ok_or_else(|| format!("{path} is not a Graph v1.0 path"))?;
    let mut segments = rest
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| decode(segment, false));
    let head = segments
        .next()
        .ok_or_else(|| "no resource after /v1.0/".to_owned())?;
    let (name, keyed) = match head.split_once('(') {
        Some((name, _)) => (name, true),
        None => (head.as_str(), false),
    };
    let declared = schema
        .container
        .get(name)
        .ok_or_else(|| format!("`{name}` is not an entity set or singleton of the cut's types"))?;
    let (item, many) = collection_item(declared);
    let mut target = match (many, keyed) {
        (true, false) => Target::Entities(item.to_owned()),
        (true, true) | (false, false) => Target::Entity(item.to_owned()),
        (false, true) => return Err(format!("the singleton `{name}` takes no key")),
    };
    for segment in segments {
        target = match target {
            Target::Raw => return Err(format!("`{segment}` follows a raw value")),
            _ if is_raw(&segment) => Target::Raw,
            Target::Entities(item) => match cast(schema, &item, &segment) {
                Some(narrowed) => Target::Entities(narrowed?),
                // Anything else after a collection is the key of one of its members.
                None => Target::Entity(item),
            },
            Target::Entity(item) => match cast(schema, &item, &segment) {
                Some(narrowed) => Target::Entity(narrowed?),
                None => navigate(schema, &item, &segment)?,
            },
        };
    }
    Ok(target)
}
