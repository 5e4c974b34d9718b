//! The cut as `cut.py` writes it: types by full name, the service's entity sets and singletons.

use std::collections::HashMap;

use serde::Deserialize;

use crate::Source;

/// A type of the cut.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum TypeDef {
    Entity(Structured),
    Complex(Structured),
    Enum {
        members: Vec<String>,
        #[serde(default)]
        flags: bool,
    },
    Definition {
        underlying: String,
    },
}

/// An entity or complex type: its own properties; inherited ones are on its base.
#[derive(Debug, Deserialize)]
pub(crate) struct Structured {
    #[serde(default)]
    pub base: Option<String>,
    #[serde(default)]
    pub properties: HashMap<String, String>,
    #[serde(default)]
    pub navigation: HashMap<String, String>,
}

/// A property found on a type or its bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member<'s> {
    /// A structural property of this type (`Collection(…)` included).
    Structural(&'s str),
    /// A navigation property to this type.
    Navigation(&'s str),
}

impl<'s> Member<'s> {
    pub fn type_name(self) -> &'s str {
        match self {
            Self::Structural(name) | Self::Navigation(name) => name,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Schema {
    pub source: Source,
    /// Entity set or singleton name → `Collection(type)` or `type`.
    pub container: HashMap<String, String>,
    pub types: HashMap<String, TypeDef>,
}

/// `Collection(x)` → (`x`, true); `x` → (`x`, false).
pub(crate) fn collection_item(type_name: &str) -> (&str, bool) {
    match type_name
        .strip_prefix("Collection(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        Some(item) => (item, true),
        None => (type_name, false),
    }
}

impl Schema {
    pub fn from_json(text: &str) -> Result<Schema, String> {
        let schema: Schema = serde_json::from_str(text).map_err(|e| format!("not a cut: {e}"))?;
        for (name, def) in &schema.types {
            if let Some(base) = schema.structured(name).and_then(|s| s.base.as_deref())
                && schema.structured(base).is_none()
            {
                return Err(format!(
                    "{name} derives from {base}, which is not in the cut"
                ));
            }
            if let TypeDef::Entity(s) | TypeDef::Complex(s) = def {
                for (property, type_name) in &s.properties {
                    let item = collection_item(type_name).0;
                    if !item.starts_with("Edm.") && !schema.types.contains_key(item) {
                        return Err(format!(
                            "{name}.{property} is of type {item}, which is not in the cut"
                        ));
                    }
                }
            }
        }
        Ok(schema)
    }

    pub fn structured(&self, name: &str) -> Option<&Structured> {
        match self.types.get(name) {
            Some(TypeDef::Entity(s) | TypeDef::Complex(s)) => Some(s),
            _ => None,
        }
    }

    /// `name` and its base types, the type itself first.
    pub fn lineage<'s>(&'s self, name: &'s str) -> impl Iterator<Item = (&'s str, &'s Structured)> {
        let mut next = Some(name);
        std::iter::from_fn(move || {
            let current = next?;
            let structured = self.structured(current)?;
            next = structured.base.as_deref();
            Some((current, structured))
        })
    }

    /// The property `name` of `type_name` or of one of its base types.
    pub fn member<'s>(&'s self, type_name: &'s str, name: &str) -> Option<Member<'s>> {
        self.lineage(type_name).find_map(|(_, s)| {
            s.properties
                .get(name)
                .map(|t| Member::Structural(t))
                .or_else(|| s.navigation.get(name).map(|t| Member::Navigation(t)))
        })
    }

    /// Whether `name` is `ancestor` or derives from it.
    pub fn derives_from(&self, name: &str, ancestor: &str) -> bool {
        self.lineage(name).any(|(current, _)| current == ancestor)
    }
}
