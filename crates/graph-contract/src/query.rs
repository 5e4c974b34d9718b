//! The properties query options name: `$select`, `$expand`, `$orderby`, `$filter`, `$search`.

use std::collections::HashMap;

use crate::model::{Member, Schema, collection_item};
use crate::text::{query_pairs, split_top_level};
use crate::{Location, Violation};

/// The system query options Graph v1.0 takes on the resources pbx365 uses.
const SYSTEM_OPTIONS: &[&str] = &[
    "$select",
    "$filter",
    "$expand",
    "$orderby",
    "$search",
    "$top",
    "$skip",
    "$count",
    "$skiptoken",
    "$deltatoken",
    "$format",
];
/// Words of `$filter` that are not property names.
const FILTER_WORDS: &[&str] = &[
    "and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in", "has", "add", "sub", "mul",
    "div", "mod", "true", "false", "null",
];

pub(crate) fn check(schema: &Schema, item: &str, query: &str, found: &mut Vec<Violation>) {
    for (option, value) in query_pairs(query) {
        let mut report = |message: String| {
            found.push(Violation {
                location: Location::Query(option.clone()),
                message,
            });
        };
        let problems = match option.as_str() {
            "$select" => split_top_level(&value)
                .into_iter()
                .filter(|part| *part != "*")
                .filter_map(|part| resolve(schema, item, part).err())
                .collect(),
            "$expand" => split_top_level(&value)
                .into_iter()
                .filter(|part| *part != "*")
                .filter_map(|part| expanded(schema, item, part).err())
                .collect(),
            "$orderby" => split_top_level(&value)
                .into_iter()
                .filter_map(|part| part.split_whitespace().next())
                .filter_map(|path| resolve(schema, item, path).err())
                .collect(),
            "$filter" => filter(schema, item, &value),
            "$search" => search(schema, item, &value),
            name if name.starts_with('$') && !SYSTEM_OPTIONS.contains(&name) => {
                vec![format!(
                    "`{name}` is not a system query option of Graph v1.0"
                )]
            }
            _ => Vec::new(),
        };
        for problem in problems {
            report(problem);
        }
    }
}

/// The type `path` (`a`, `a/b`, `microsoft.graph.user/a`, `members/$count`) leads to from
/// `type_name`, or why it does not exist there.
fn resolve(schema: &Schema, type_name: &str, path: &str) -> Result<String, String> {
    let mut current = type_name.to_owned();
    for segment in path.split('/') {
        if segment == "$count" {
            return Ok("Edm.Int32".to_owned());
        }
        if schema.structured(segment).is_some() {
            if !schema.derives_from(segment, &current) {
                return Err(format!(
                    "the cast to {segment} does not derive from {current}"
                ));
            }
            current = segment.to_owned();
            continue;
        }
        if schema.structured(&current).is_none() {
            return Err(format!(
                "`{segment}` follows {current}, which has no properties"
            ));
        }
        let member = schema
            .member(&current, segment)
            .ok_or_else(|| format!("`{segment}` is not a property of {current}"))?;
        current = collection_item(member.type_name()).0.to_owned();
    }
    Ok(current)
}

/// `$expand` item: `manager`, `members($select=id)`, `owners/$ref`: a navigation property.
fn expanded(schema: &Schema, type_name: &str, part: &str) -> Result<(), String> {
    let name = part.split('(').next().unwrap_or(part).trim();
    let name = name.strip_suffix("/$ref").unwrap_or(name);
    let (cast, property) = match name.rsplit_once('/') {
        Some((cast, property)) => (Some(cast), property),
        None => (None, name),
    };
    let owner = match cast {
        Some(cast) => resolve(schema, type_name, cast)?,
        None => type_name.to_owned(),
    };
    match schema.member(&owner, property) {
        Some(Member::Navigation(_)) => Ok(()),
        Some(Member::Structural(_)) => Err(format!(
            "`{property}` of {owner} is not a navigation property"
        )),
        None => Err(format!(
            "`{property}` is not a navigation property of {owner}"
        )),
    }
}

/// `"displayName:anna" OR "mail:anna"`: the property before each `:`.
fn search(schema: &Schema, type_name: &str, value: &str) -> Vec<String> {
    value
        .split('"')
        .skip(1)
        .step_by(2)
        .filter_map(|term| term.split_once(':').map(|(property, _)| property.trim()))
        .filter_map(|property| match schema.member(type_name, property) {
            Some(Member::Structural(_)) => None,
            _ => Some(format!("`{property}` is not a property of {type_name}")),
        })
        .collect()
}

fn is_guid_at(chars: &[char], start: usize) -> bool {
    let lengths = [8, 4, 4, 4, 12];
    let mut index = start;
    for (group, length) in lengths.iter().enumerate() {
        for _ in 0..*length {
            if !chars.get(index).is_some_and(char::is_ascii_hexdigit) {
                return false;
            }
            index += 1;
        }
        if group < 4 {
            if chars.get(index) != Some(&'-') {
                return false;
            }
            index += 1;
        }
    }
    !chars.get(index).is_some_and(|c| c.is_alphanumeric())
}

/// Every property path `$filter` names, resolved; lambda variables
/// (`assignedLicenses/any(l: l/skuId eq …)`) stand for the collection's items.
fn filter(schema: &Schema, type_name: &str, expression: &str) -> Vec<String> {
    let chars: Vec<char> = expression.chars().collect();
    let mut lambdas: HashMap<String, String> = HashMap::new();
    let mut problems = Vec::new();
    let mut index = 0;
    while let Some(&c) = chars.get(index) {
        if c == '\'' {
            // A string literal; '' is an escaped quote inside it.
            index += 1;
            while let Some(&inner) = chars.get(index) {
                index += 1;
                if inner == '\'' {
                    if chars.get(index) == Some(&'\'') {
                        index += 1;
                    } else {
                        break;
                    }
                }
            }
            continue;
        }
        if is_guid_at(&chars, index) {
            index += 36;
            continue;
        }
        if c.is_ascii_digit() || c == '-' {
            while chars
                .get(index)
                .is_some_and(|c| c.is_alphanumeric() || "-.:+".contains(*c))
            {
                index += 1;
            }
            continue;
        }
        if !(c.is_alphabetic() || c == '_' || c == '$') {
            index += 1;
            continue;
        }
        let start = index;
        while chars
            .get(index)
            .is_some_and(|c| c.is_alphanumeric() || "_./$".contains(*c))
        {
            index += 1;
        }
        let token: String = chars[start..index].iter().collect();
        let mut after = index;
        while chars.get(after).is_some_and(|c| c.is_whitespace()) {
            after += 1;
        }
        let next = chars.get(after).copied();
        if FILTER_WORDS.contains(&token.as_str()) || next == Some('\'') {
            // An operator, a literal, or an enum literal such as microsoft.graph.x'value'.
            continue;
        }
        let lambda = token
            .rsplit_once('/')
            .filter(|(_, op)| matches!(*op, "any" | "all"));
        if next == Some('(') && lambda.is_none() {
            // A function: startswith, endswith, contains, tolower…
            continue;
        }
        let (path, variable) = match lambda {
            Some((path, _)) => (path, lambda_variable(&chars, after + 1)),
            None => (token.as_str(), None),
        };
        let (head, tail) = match path.split_once('/') {
            Some((head, tail)) => (head, Some(tail)),
            None => (path, None),
        };
        let resolved = match lambdas.get(head) {
            Some(item) => tail.map_or(Ok(item.clone()), |tail| resolve(schema, item, tail)),
            None => resolve(schema, type_name, path),
        };
        match (resolved, variable) {
            (Ok(item), Some(variable)) => {
                lambdas.insert(variable, item);
            }
            (Ok(_), None) => {}
            (Err(problem), _) => problems.push(problem),
        }
    }
    problems
}

/// `x` of `(x: …)` starting at `start`.
fn lambda_variable(chars: &[char], start: usize) -> Option<String> {
    let text: String = chars.get(start..)?.iter().collect();
    let (variable, _) = text.split_once(':')?;
    let variable = variable.trim();
    (!variable.is_empty() && variable.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| variable.to_owned())
}
