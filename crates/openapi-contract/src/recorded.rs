//! Holding recorded responses to the contract, the way every test that records PBX traffic
//! does it: the emulator's own contract test and the client's tests alike.

use serde_json::Value;

use crate::{ContractError, portsip};

/// One recorded response, with the request line it answered.
#[derive(Debug, Clone, Copy)]
pub struct RecordedResponse<'a> {
    pub method: &'a str,
    /// The request path as sent, e.g. `/api/users/7` (a query string is ignored).
    pub path: &'a str,
    pub status: u16,
    /// The response's `Content-Type`.
    pub content_type: Option<&'a str>,
    /// The response body parsed as JSON, when it was JSON.
    pub json: Option<&'a Value>,
}

/// Every way the responses depart from the PortSIP contract, one line each: status and JSON
/// body against the operation's response schema, and every 4xx/5xx in PortSIP's
/// `{"errors":[{code, message}]}` format with a non-empty code and message (the subset leaves
/// error bodies untyped, but clients rely on that format).
pub fn response_problems<'a>(
    responses: impl IntoIterator<Item = RecordedResponse<'a>>,
) -> Result<Vec<String>, ContractError> {
    let contract = portsip()?;
    let mut problems = Vec::new();
    for response in responses {
        let line = format!(
            "{} {} → {}",
            response.method, response.path, response.status
        );
        // A JSON body mislabelled as something else is not JSON to a client either.
        let json_body = response
            .content_type
            .is_some_and(|t| t.starts_with("application/json"))
            .then_some(response.json)
            .flatten();
        if let Err(error) =
            contract.validate_response(response.method, response.path, response.status, json_body)
        {
            problems.push(format!("{line}: {error}"));
        }
        if response.status >= 400 && !is_portsip_error_body(response.json) {
            problems.push(format!("{line}: not a PortSIP error body"));
        }
    }
    Ok(problems)
}

fn is_portsip_error_body(body: Option<&Value>) -> bool {
    let non_empty = |entry: &Value, key: &str| {
        entry
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|text| !text.is_empty())
    };
    body.and_then(|body| body.get("errors"))
        .and_then(Value::as_array)
        .is_some_and(|errors| {
            !errors.is_empty()
                && errors
                    .iter()
                    .all(|entry| non_empty(entry, "code") && non_empty(entry, "message"))
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const JSON: Option<&str> = Some("application/json");

    fn response<'a>(
        method: &'a str,
        path: &'a str,
        status: u16,
        json: &'a Value,
    ) -> RecordedResponse<'a> {
        RecordedResponse {
            method,
            path,
            status,
            content_type: JSON,
            json: Some(json),
        }
    }

    #[test]
    fn conforming_answers_and_portsip_errors_pass() -> Result<(), ContractError> {
        let users = json!({"count": 1, "items": [{"id": "1", "name": "anna"}]});
        let refusal = json!({"errors": [{"code": "VALIDATE_FAILED", "message": "bad cron"}]});
        let problems = response_problems([
            response("GET", "/api/users", 200, &users),
            response("POST", "/api/ms365", 400, &refusal),
        ])?;
        assert!(problems.is_empty(), "{problems:?}");
        Ok(())
    }

    #[test]
    fn a_body_off_the_schema_and_a_foreign_error_body_are_each_one_line()
    -> Result<(), ContractError> {
        let users = json!({"count": -1, "items": []});
        let refusal = json!({"error": {"code": "x", "message": "y"}});
        let problems = response_problems([
            response("GET", "/api/users?top=5", 200, &users),
            response("POST", "/api/ms365", 400, &refusal),
        ])?;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("GET /api/users?top=5 → 200: "),
            "{problems:?}"
        );
        assert_eq!(
            problems[1],
            "POST /api/ms365 → 400: not a PortSIP error body"
        );
        Ok(())
    }
}
