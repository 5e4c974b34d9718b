//! `$search` on directory objects, an advanced query as Graph serves it: only with the
//! `ConsistencyLevel: eventual` header, in the form `"property:text"` clauses joined by `OR` or
//! `AND` (AND binds tighter). `displayName` and `description` are searched by words: every word
//! of the text must begin a word of the value, ignoring case; other properties match from the
//! start of the value, as `startsWith` would.

use serde_json::{Map, Value};

use super::GraphCall;
use super::error::GraphError;

/// A parsed `$search`: alternatives (`OR`), each a list of clauses that must all match (`AND`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Search {
    any_of: Vec<Vec<SearchClause>>,
}

#[derive(Debug, Clone, PartialEq)]
struct SearchClause {
    property: String,
    text: String,
}

/// Properties searched by words rather than from the start.
const TOKENIZED: &[&str] = &["displayName", "description"];

impl GraphCall {
    /// The request's `$search`, if any, checked against the properties `searchable` on
    /// `type_name`; refused without `ConsistencyLevel: eventual` as Graph does.
    pub fn search(
        &self,
        searchable: &[&str],
        type_name: &str,
    ) -> Result<Option<Search>, GraphError> {
        if self.query.count && !self.query.advanced {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                "$count is not currently supported.",
            ));
        }
        let Some(raw) = &self.query.search else {
            return Ok(None);
        };
        if !self.query.advanced {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
            ));
        }
        Search::parse(raw, searchable, type_name).map(Some)
    }
}

impl Search {
    fn parse(raw: &str, searchable: &[&str], type_name: &str) -> Result<Search, GraphError> {
        let syntax = |detail: &str| {
            GraphError::bad_request(
                "Request_UnsupportedQuery",
                format!("Syntax error: {detail} in $search query '{raw}'."),
            )
        };
        let mut any_of = vec![Vec::new()];
        let mut expect_clause = true;
        let mut rest = raw.trim();
        while !rest.is_empty() {
            if expect_clause {
                let body = rest
                    .strip_prefix('"')
                    .ok_or_else(|| syntax("a clause must be in double quotes"))?;
                let (clause, after) =
                    split_quoted(body).ok_or_else(|| syntax("a double quote is not closed"))?;
                let (property, text) = clause
                    .split_once(':')
                    .ok_or_else(|| syntax("a clause must be \"property:text\""))?;
                let property = searchable
                    .iter()
                    .find(|p| p.eq_ignore_ascii_case(property.trim()))
                    .ok_or_else(|| {
                        GraphError::bad_request(
                            "Request_UnsupportedQuery",
                            format!(
                                "Unsupported or invalid query filter clause specified for property '{}' of resource '{type_name}'.",
                                property.trim()
                            ),
                        )
                    })?;
                if let Some(last) = any_of.last_mut() {
                    last.push(SearchClause {
                        property: (*property).to_owned(),
                        text: text.to_owned(),
                    });
                }
                rest = after.trim_start();
                expect_clause = false;
            } else {
                let (word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                if word.eq_ignore_ascii_case("OR") {
                    any_of.push(Vec::new());
                } else if !word.eq_ignore_ascii_case("AND") {
                    return Err(syntax("clauses must be joined by OR or AND"));
                }
                rest = after.trim_start();
                expect_clause = true;
            }
        }
        if expect_clause {
            return Err(syntax("a clause is missing"));
        }
        Ok(Search { any_of })
    }

    pub fn matches(&self, object: &Map<String, Value>) -> bool {
        self.any_of
            .iter()
            .any(|all| all.iter().all(|clause| clause.matches(object)))
    }
}

impl SearchClause {
    fn matches(&self, object: &Map<String, Value>) -> bool {
        let Some(Value::String(value)) = object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&self.property))
            .map(|(_, v)| v)
        else {
            return false;
        };
        let value = value.to_lowercase();
        let text = self.text.to_lowercase();
        if TOKENIZED.contains(&self.property.as_str()) {
            let value_words: Vec<&str> = words(&value).collect();
            let mut wanted = words(&text).peekable();
            wanted.peek().is_some() && wanted.all(|w| value_words.iter().any(|v| v.starts_with(w)))
        } else {
            !text.is_empty() && value.starts_with(text.trim())
        }
    }
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The text up to the closing quote (a `\"` inside is kept as a quote) and what follows it.
fn split_quoted(body: &str) -> Option<(String, &str)> {
    let mut text = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    text.push(escaped);
                }
            }
            '"' => return Some((text, &body[i + 1..])),
            other => text.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    const SEARCHABLE: &[&str] = &["displayName", "userPrincipalName", "mail"];

    #[test]
    fn words_of_display_names_match_by_prefix_ignoring_case() -> Result<(), GraphError> {
        let jo = object(json!({"displayName": "Anna-Maria Jonsson", "userPrincipalName": "amj@x"}));
        let search = |raw: &str| Search::parse(raw, SEARCHABLE, "user");
        assert!(search("\"displayName:jon\"")?.matches(&jo));
        assert!(search("\"displayName:MARIA jo\"")?.matches(&jo));
        assert!(!search("\"displayName:onsson\"")?.matches(&jo));
        assert!(!search("\"displayName:maria x\"")?.matches(&jo));
        assert!(search("\"displayName:zz\" OR \"userPrincipalName:AMJ\"")?.matches(&jo));
        assert!(!search("\"displayName:anna\" AND \"userPrincipalName:x\"")?.matches(&jo));
        assert!(!search("\"userPrincipalName:mj\"")?.matches(&jo));
        Ok(())
    }

    #[test]
    fn quotes_inside_a_clause_are_escaped_with_a_backslash() -> Result<(), GraphError> {
        let odd = object(json!({"displayName": "Rob \"Bobby\" O'Neil"}));
        let search = Search::parse(r#""displayName:\"bobby\" o'n""#, SEARCHABLE, "user")?;
        assert!(search.matches(&odd));
        Ok(())
    }

    #[test]
    fn malformed_searches_are_refused() {
        for bad in [
            "displayName:jo",
            "\"displayName:jo",
            "\"displayName jo\"",
            "\"displayName:jo\" OR",
            "\"displayName:jo\" \"mail:x\"",
            "\"city:x\"",
        ] {
            assert!(Search::parse(bad, SEARCHABLE, "user").is_err(), "{bad}");
        }
    }
}
