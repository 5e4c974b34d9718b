//! List endpoints: `top` (1–100, default 100), `skip`, `search`, `filter`, `orderby`, and the
//! `{count, items}` page.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::{Value, json};

use super::error::ApiError;

const MAX_TOP: usize = 100;

/// A `filter` condition: `field eq 'value'`.
#[derive(Debug, Clone)]
struct Condition {
    field: String,
    value: String,
}

/// The list parameters of one request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    top: usize,
    skip: usize,
    search: Option<String>,
    filter: Vec<Condition>,
    order: Option<(String, bool)>,
}

fn number(params: &HashMap<String, String>, name: &str, default: usize) -> Result<usize, ApiError> {
    match params.get(name) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| ApiError::field(name, format!("{text:?} is not a non-negative integer"))),
    }
}

fn parse_filter(text: &str) -> Result<Vec<Condition>, ApiError> {
    let bad = || {
        ApiError::field(
            "filter",
            format!("{text:?} is not understood; use `field eq 'value'` joined by `and`"),
        )
    };
    let mut conditions = Vec::new();
    for clause in text.split(" and ") {
        let mut parts = clause.trim().splitn(3, ' ');
        let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if !op.eq_ignore_ascii_case("eq")
            || field.is_empty()
            || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(bad());
        }
        let value = value.trim();
        let unquoted = value
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
            .unwrap_or(value);
        conditions.push(Condition {
            field: field.to_owned(),
            value: unquoted.to_owned(),
        });
    }
    Ok(conditions)
}

fn parse_order(text: &str) -> Result<(String, bool), ApiError> {
    let mut parts = text.split_whitespace();
    let field = parts.next().unwrap_or_default();
    let descending = match parts.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::field(
                "orderby",
                format!("{other:?} must be asc or desc"),
            ));
        }
    };
    if field.is_empty() || parts.next().is_some() {
        return Err(ApiError::field(
            "orderby",
            format!("{text:?} is not understood; use `field [asc|desc]`"),
        ));
    }
    Ok((field.to_owned(), descending))
}

impl ListQuery {
    /// Reads the list parameters; bad values are field-level validation errors.
    pub fn parse(params: &HashMap<String, String>) -> Result<Self, ApiError> {
        let top = number(params, "top", MAX_TOP)?;
        if !(1..=MAX_TOP).contains(&top) {
            return Err(ApiError::field(
                "top",
                format!("{top} is outside 1-{MAX_TOP}"),
            ));
        }
        Ok(Self {
            top,
            skip: number(params, "skip", 0)?,
            search: params
                .get("search")
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty()),
            filter: params
                .get("filter")
                .filter(|f| !f.trim().is_empty())
                .map(|f| parse_filter(f))
                .transpose()?
                .unwrap_or_default(),
            order: params
                .get("orderby")
                .filter(|o| !o.trim().is_empty())
                .map(|o| parse_order(o))
                .transpose()?,
        })
    }

    fn matches(&self, item: &Value, searched: &[&str]) -> bool {
        let text = |field: &str| match item.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let found = self.search.as_ref().is_none_or(|needle| {
            searched
                .iter()
                .any(|field| text(field).to_lowercase().contains(needle))
        });
        found
            && self
                .filter
                .iter()
                .all(|c| text(&c.field).eq_ignore_ascii_case(&c.value))
    }

    /// [`ListQuery::page`] of `all` as `render` shows each. Without search, filter or
    /// order, only the page's own items are rendered: the page is then `all` cut by `skip`
    /// and `top`, and `count` is `all`'s length, whatever the list's size.
    pub fn page_of<T>(&self, all: &[T], render: impl Fn(&T) -> Value, searched: &[&str]) -> Value {
        if self.search.is_some() || !self.filter.is_empty() || self.order.is_some() {
            return self.page(all.iter().map(render).collect(), searched);
        }
        let page: Vec<Value> = all
            .get(self.skip..)
            .unwrap_or_default()
            .iter()
            .take(self.top)
            .map(render)
            .collect();
        json!({"count": all.len(), "items": page})
    }

    /// Filters, orders and cuts `items` into a `{count, items}` page; `count` is the total
    /// after filtering. `searched` are the fields `search` looks in.
    pub fn page(&self, mut items: Vec<Value>, searched: &[&str]) -> Value {
        items.retain(|item| self.matches(item, searched));
        if let Some((field, descending)) = &self.order {
            items.sort_by(|a, b| {
                let ordering = compare(a.get(field), b.get(field));
                if *descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            });
        }
        let count = items.len();
        let page: Vec<Value> = items.into_iter().skip(self.skip).take(self.top).collect();
        json!({"count": count, "items": page})
    }
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn items() -> Vec<Value> {
        (1..=5)
            .map(|i| json!({"name": format!("user{i}"), "role": if i == 2 { "Admin" } else { "StandardUser" }, "n": i}))
            .collect()
    }

    #[test]
    fn top_and_skip_cut_the_page_and_count_is_the_total() -> Result<(), ApiError> {
        let page =
            ListQuery::parse(&params(&[("top", "2"), ("skip", "3")]))?.page(items(), &["name"]);
        assert_eq!(page["count"], 5);
        assert_eq!(page["items"], json!([items()[3], items()[4]]));
        Ok(())
    }

    /// Pages cut straight from the list are the pages of the whole list, at every offset.
    #[test]
    fn pages_cut_without_rendering_the_rest_are_the_same_pages() -> Result<(), ApiError> {
        let all = items();
        for query in [
            vec![],
            vec![("top", "2")],
            vec![("top", "2"), ("skip", "2")],
            vec![("top", "2"), ("skip", "4")],
            vec![("skip", "5")],
            vec![("skip", "99")],
            vec![("top", "3"), ("search", "user")],
            vec![
                ("top", "1"),
                ("skip", "1"),
                ("filter", "role eq 'StandardUser'"),
            ],
            vec![("top", "2"), ("orderby", "n desc")],
        ] {
            let query = ListQuery::parse(&params(&query))?;
            assert_eq!(
                query.page_of(&all, Clone::clone, &["name"]),
                query.page(all.clone(), &["name"]),
                "{query:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn bad_parameters_name_the_field() {
        for (name, value) in [
            ("top", "0"),
            ("top", "101"),
            ("skip", "-1"),
            ("filter", "role = x"),
            ("orderby", "n sideways"),
        ] {
            let error = ListQuery::parse(&params(&[(name, value)]));
            assert!(
                error
                    .as_ref()
                    .is_err_and(|e| e.errors[0].message.starts_with(name)),
                "{name}={value}: {error:?}"
            );
        }
    }

    #[test]
    fn search_filter_and_order() -> Result<(), ApiError> {
        let page = ListQuery::parse(&params(&[
            ("filter", "role eq 'standarduser'"),
            ("orderby", "n desc"),
        ]))?
        .page(items(), &["name"]);
        assert_eq!(page["count"], 4);
        assert_eq!(page["items"][0]["n"], 5);
        let page = ListQuery::parse(&params(&[("search", "USER3")]))?.page(items(), &["name"]);
        assert_eq!(page["count"], 1);
        Ok(())
    }
}
