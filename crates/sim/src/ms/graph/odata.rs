//! OData query options Graph honours here: `$top`, `$select`, `$filter` (`eq` and `in` clauses
//! joined by `and`), `$search` (read by `search.rs`), `$count` and `$skiptoken` paging with an
//! absolute `@odata.nextLink`.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::GraphError;
use crate::ms::ids::{b64url, b64url_decode};

pub(crate) const MAX_PAGE: usize = 999;
const SKIPTOKEN_PREFIX: &str = "sim-offset:";
/// Graph's limit on the values of one `in` clause outside advanced queries.
const MAX_IN_VALUES: usize = 15;

/// How a collection is paged and shaped when the query does not say.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape<'a> {
    pub default_top: usize,
    /// The properties returned without `$select`; `None` for all.
    pub default_select: Option<&'a [&'a str]>,
    /// The Graph type name, for error messages.
    pub type_name: &'a str,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ODataQuery {
    pub top: Option<usize>,
    pub select: Option<Vec<String>>,
    pub filter: Option<String>,
    pub search: Option<String>,
    /// `$count=true`: the page carries `@odata.count`, the number of all matches.
    pub count: bool,
    pub skiptoken: Option<String>,
    /// The request is an advanced query (`ConsistencyLevel: eventual`), which lifts the limit
    /// of 15 values in an `in` clause and is required for `$search` and `$count`.
    pub advanced: bool,
}

impl ODataQuery {
    pub fn parse(raw: Option<&str>) -> Result<ODataQuery, GraphError> {
        let mut query = ODataQuery::default();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match key.trim_start_matches('$').to_ascii_lowercase().as_str() {
                "top" => {
                    let top = value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|t| (1..=MAX_PAGE).contains(t))
                        .ok_or_else(|| {
                            GraphError::bad_request(
                                "Request_UnsupportedQuery",
                                format!("Invalid page size specified: '{value}'. Must be between 1 and {MAX_PAGE} inclusive."),
                            )
                        })?;
                    query.top = Some(top);
                }
                "select" => {
                    query.select = Some(
                        value
                            .split(',')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect(),
                    );
                }
                "filter" => query.filter = Some(value.into_owned()),
                "search" => query.search = Some(value.into_owned()),
                "count" => {
                    query.count = match value.trim() {
                        "true" => true,
                        "false" => false,
                        other => {
                            return Err(GraphError::bad_request(
                                "Request_BadRequest",
                                format!(
                                    "Invalid value '{other}' for query option $count; expected true or false."
                                ),
                            ));
                        }
                    }
                }
                "skiptoken" => query.skiptoken = Some(value.into_owned()),
                _ => {}
            }
        }
        Ok(query)
    }

    /// Marks the query advanced when the request carries `ConsistencyLevel: eventual`.
    pub fn advanced_if(mut self, headers: &axum::http::HeaderMap) -> Self {
        self.advanced = headers
            .get("consistencylevel")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"));
        self
    }

    /// Keeps the selected properties, or `default` (all when `None`) without `$select`.
    pub fn project(
        &self,
        full: Map<String, Value>,
        default: Option<&[&str]>,
        type_name: &str,
    ) -> Result<Map<String, Value>, GraphError> {
        let wanted: Vec<String> = match (&self.select, default) {
            (Some(select), _) => select.clone(),
            (None, Some(default)) => default.iter().map(|s| (*s).to_owned()).collect(),
            (None, None) => return Ok(full),
        };
        // Annotations such as `@odata.type` (on the items of mixed collections) are not
        // properties: `$select` keeps them.
        let mut out: Map<String, Value> = full
            .iter()
            .filter(|(k, _)| k.starts_with("@odata."))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for name in wanted {
            let Some((key, value)) = full.iter().find(|(k, _)| k.eq_ignore_ascii_case(&name))
            else {
                return Err(GraphError::bad_request(
                    "BadRequest",
                    format!(
                        "Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'."
                    ),
                ));
            };
            out.insert(key.clone(), value.clone());
        }
        Ok(out)
    }

    /// `#users` or `#users(displayName,mail)` for the `@odata.context`.
    pub fn context_suffix(&self, set: &str) -> String {
        match &self.select {
            Some(select) => format!("{set}({})", select.join(",")),
            None => set.to_owned(),
        }
    }

    /// The `eq` clauses of `$filter`; only `allowed` properties may be filtered on.
    pub fn filter_clauses(
        &self,
        allowed: &[&str],
        type_name: &str,
    ) -> Result<Vec<Clause>, GraphError> {
        let Some(filter) = &self.filter else {
            return Ok(Vec::new());
        };
        let clauses = split_and(filter)
            .into_iter()
            .map(|clause| parse_clause(clause, allowed, type_name))
            .collect::<Result<Vec<_>, _>>()?;
        if !self.advanced {
            for clause in &clauses {
                if let Value::Array(values) = &clause.value
                    && values.len() > MAX_IN_VALUES
                {
                    return Err(GraphError::bad_request(
                        "Request_UnsupportedQuery",
                        format!(
                            "Too many child clauses specified in search filter expression containing 'OR' operators: {}. Max allowed: {MAX_IN_VALUES}.",
                            values.len()
                        ),
                    ));
                }
            }
        }
        Ok(clauses)
    }

    /// One page of `items`, shaped, and the link to the next, as
    /// `{@odata.context, value, @odata.nextLink}`.
    pub fn page(
        &self,
        items: Vec<Map<String, Value>>,
        shape: &Shape<'_>,
        collection_url: &str,
        context: String,
    ) -> Result<Value, GraphError> {
        self.page_of(&items, Map::clone, shape, collection_url, context)
    }

    /// [`ODataQuery::page`] of `all` as `render` shows each, rendering only the items of the
    /// page: a page costs the same however long the collection is.
    pub fn page_of<T>(
        &self,
        all: &[T],
        render: impl Fn(&T) -> Map<String, Value>,
        shape: &Shape<'_>,
        collection_url: &str,
        context: String,
    ) -> Result<Value, GraphError> {
        let offset = match &self.skiptoken {
            None => 0,
            Some(token) => decode_skiptoken(token).ok_or_else(|| {
                GraphError::bad_request(
                    "Directory_ExpiredPageToken",
                    "The specified page token value has expired and can no longer be included in your request.",
                )
            })?,
        };
        let top = self.top.unwrap_or(shape.default_top);
        let total = all.len();
        let value = all
            .get(offset..)
            .unwrap_or_default()
            .iter()
            .take(top)
            .map(|item| {
                self.project(render(item), shape.default_select, shape.type_name)
                    .map(Value::Object)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut body = json!({ "@odata.context": context });
        if self.count {
            body["@odata.count"] = json!(total);
        }
        body["value"] = Value::Array(value);
        if offset + top < total {
            body["@odata.nextLink"] = json!(self.next_link(collection_url, offset + top));
        }
        Ok(body)
    }

    fn next_link(&self, collection_url: &str, offset: usize) -> String {
        let encode =
            |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        let mut parts = Vec::new();
        if let Some(top) = self.top {
            parts.push(format!("$top={top}"));
        }
        if let Some(select) = &self.select {
            parts.push(format!("$select={}", encode(&select.join(","))));
        }
        if let Some(filter) = &self.filter {
            parts.push(format!("$filter={}", encode(filter)));
        }
        if let Some(search) = &self.search {
            parts.push(format!("$search={}", encode(search)));
        }
        if self.count {
            parts.push("$count=true".to_owned());
        }
        parts.push(format!(
            "$skiptoken={}",
            b64url(format!("{SKIPTOKEN_PREFIX}{offset}").as_bytes())
        ));
        format!("{collection_url}?{}", parts.join("&"))
    }
}

fn decode_skiptoken(token: &str) -> Option<usize> {
    String::from_utf8(b64url_decode(token)?)
        .ok()?
        .strip_prefix(SKIPTOKEN_PREFIX)?
        .parse()
        .ok()
}

/// A `property eq value` clause, or `property in (values)` with the values as an array.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    pub property: String,
    pub value: Value,
}

impl Clause {
    /// Strings compare case-insensitively, as directory properties do.
    pub fn matches(&self, object: &Map<String, Value>) -> bool {
        let actual = object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&self.property))
            .map(|(_, v)| v);
        let equal = |wanted: &Value| match (actual, wanted) {
            (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
            (Some(a), b) => a == b,
            (None, _) => false,
        };
        match &self.value {
            Value::Array(values) => values.iter().any(equal),
            value => equal(value),
        }
    }
}

/// Splits on ` and ` outside quoted strings.
fn split_and(filter: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    let lower = filter.to_ascii_lowercase();
    let bytes = filter.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            in_quotes = !in_quotes;
        } else if !in_quotes && lower[i..].starts_with(" and ") {
            parts.push(filter[start..i].trim());
            start = i + 5;
            i += 4;
        }
        i += 1;
    }
    parts.push(filter[start..].trim());
    parts
}

fn parse_clause(clause: &str, allowed: &[&str], type_name: &str) -> Result<Clause, GraphError> {
    let invalid = || {
        GraphError::bad_request(
            "BadRequest",
            format!(
                "Invalid filter clause: '{clause}'. Only 'property eq value' and 'property in (values)' clauses joined by 'and' are supported."
            ),
        )
    };
    let mut words = clause.splitn(3, ' ');
    let (Some(property), Some(operator), Some(literal)) =
        (words.next(), words.next(), words.next())
    else {
        return Err(invalid());
    };
    let is_in = operator.eq_ignore_ascii_case("in");
    if !is_in && !operator.eq_ignore_ascii_case("eq") {
        return Err(invalid());
    }
    let Some(property) = allowed.iter().find(|p| p.eq_ignore_ascii_case(property)) else {
        return Err(GraphError::bad_request(
            "Request_UnsupportedQuery",
            format!(
                "Unsupported or invalid query filter clause specified for property '{property}' of resource '{type_name}'."
            ),
        ));
    };
    let literal = literal.trim();
    let value = if is_in {
        let inner = literal
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(invalid)?;
        Value::Array(
            split_list(inner)
                .into_iter()
                .map(|item| parse_literal(item).ok_or_else(invalid))
                .collect::<Result<_, _>>()?,
        )
    } else {
        parse_literal(literal).ok_or_else(invalid)?
    };
    Ok(Clause {
        property: (*property).to_owned(),
        value,
    })
}

/// Splits `'a','b, c'` on commas outside quoted strings.
fn split_list(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    for (i, byte) in list.bytes().enumerate() {
        match byte {
            b'\'' => in_quotes = !in_quotes,
            b',' if !in_quotes => {
                parts.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(list[start..].trim());
    parts
}

/// `'text'` (with `''` for a quote), `true` or `false`.
fn parse_literal(literal: &str) -> Option<Value> {
    let literal = literal.trim();
    if let Some(text) = literal
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
    {
        Some(Value::String(text.replace("''", "'")))
    } else if literal.eq_ignore_ascii_case("true") {
        Some(Value::Bool(true))
    } else if literal.eq_ignore_ascii_case("false") {
        Some(Value::Bool(false))
    } else {
        None
    }
}

/// Graph's `2024-01-12T09:31:26Z`: UTC, whole seconds.
pub(crate) fn datetime(at: OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_outside_1_to_999_is_refused() {
        assert!(ODataQuery::parse(Some("$top=999")).is_ok());
        assert!(ODataQuery::parse(Some("%24top=1")).is_ok());
        for bad in ["$top=0", "$top=1000", "$top=x"] {
            assert!(ODataQuery::parse(Some(bad)).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn filter_clauses_parse_quotes_and_booleans() -> Result<(), GraphError> {
        let q = ODataQuery::parse(Some(
            "$filter=userPrincipalName eq 'o''brien and co@x' and accountEnabled eq false",
        ))?;
        let clauses = q.filter_clauses(&["userPrincipalName", "accountEnabled"], "user")?;
        assert_eq!(clauses.len(), 2);
        assert_eq!(clauses[0].value, json!("o'brien and co@x"));
        assert_eq!(clauses[1].value, json!(false));
        let q = ODataQuery::parse(Some("$filter=city eq 'x'"))?;
        assert!(q.filter_clauses(&["mail"], "user").is_err());
        Ok(())
    }

    #[test]
    fn pages_link_to_the_next_until_the_end() -> Result<(), GraphError> {
        let items: Vec<Map<String, Value>> = (0..5)
            .map(|i| Map::from_iter([("n".to_owned(), json!(i)), ("x".to_owned(), json!(-i))]))
            .collect();
        let shape = Shape {
            default_top: 100,
            default_select: None,
            type_name: "thing",
        };
        let first = ODataQuery::parse(Some("$top=2&$select=n"))?.page(
            items.clone(),
            &shape,
            "http://h/v1.0/x",
            "c".into(),
        )?;
        assert_eq!(first["value"], json!([{ "n": 0 }, { "n": 1 }]));
        let next = first["@odata.nextLink"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(next.starts_with("http://h/v1.0/x?$top=2&$select=n&$skiptoken="));
        let query = next.split_once('?').map(|(_, q)| q.to_owned());
        let second = ODataQuery::parse(query.as_deref())?.page(
            items.clone(),
            &shape,
            "http://h/v1.0/x",
            "c".into(),
        )?;
        assert_eq!(second["value"], json!([{ "n": 2 }, { "n": 3 }]));
        let last = ODataQuery {
            skiptoken: Some(b64url(b"sim-offset:4")),
            top: Some(2),
            ..Default::default()
        }
        .page(items.clone(), &shape, "u", "c".into())?;
        assert_eq!(last["value"], json!([{ "n": 4, "x": -4 }]));
        assert!(last.get("@odata.nextLink").is_none());
        let unknown = ODataQuery::parse(Some("$select=nope"))?.page(items, &shape, "u", "c".into());
        assert!(unknown.is_err());
        Ok(())
    }
}
