//! Holding recorded responses to the contract, the way every test that records PBX traffic
//! does it: the emulator's own contract test and the client's tests alike.

use serde_json::Value;

use crate::{Contract, ContractError, portsip};

/// One recorded response, with the request line it answered.
#[derive(Debug, Clone, Copy)]
pub struct RecordedResponse<'a> {
    pub method: &'a str,
    /// The request path as sent, e.g. `/api/users/7` (a query string is ignored).
    pub path: &'a str,
    pub status: u16,
    /// The response's `Content-Type`.
    pub content_type: Option<&'a str>,
    /// The response's `Content-Disposition`: the one header the subset declares.
    pub content_disposition: Option<&'a str>,
    /// The response body parsed as JSON, when it was JSON.
    pub json: Option<&'a Value>,
}

/// Every way the responses depart from the PortSIP 22.2 contract; see
/// [`Contract::response_problems`] for another version's.
pub fn response_problems<'a>(
    responses: impl IntoIterator<Item = RecordedResponse<'a>>,
) -> Result<Vec<String>, ContractError> {
    Ok(portsip()?.response_problems(responses))
}

impl Contract {
    /// Every way the responses depart from this contract, one line each: status and JSON
    /// body against the operation's response schema, `Content-Type` against the declared
    /// media types and `Content-Disposition` where it is declared, and every 4xx/5xx in
    /// PortSIP's `{"errors":[{code, message}]}` format with a non-empty code and message (the
    /// subset leaves error bodies untyped, but clients rely on that format). A request line
    /// that is no operation of this contract is a problem too.
    pub fn response_problems<'a>(
        &self,
        responses: impl IntoIterator<Item = RecordedResponse<'a>>,
    ) -> Vec<String> {
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
                self.validate_response(response.method, response.path, response.status, json_body)
            {
                problems.push(format!("{line}: {error}"));
            }
            let header = |name: &str| {
                name.eq_ignore_ascii_case("content-disposition")
                    .then_some(response.content_disposition)
                    .flatten()
            };
            if let Err(error) = self.validate_response_headers(
                response.method,
                response.path,
                response.status,
                response.content_type,
                header,
            ) {
                problems.push(format!("{line}: {error}"));
            }
            if response.status >= 400 && !is_portsip_error_body(response.json) {
                problems.push(format!("{line}: not a PortSIP error body"));
            }
        }
        problems
    }
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
            content_disposition: None,
            json: Some(json),
        }
    }

    fn certificate<'a>(
        content_type: Option<&'a str>,
        content_disposition: Option<&'a str>,
    ) -> RecordedResponse<'a> {
        RecordedResponse {
            method: "GET",
            path: "/api/ms365/certificate",
            status: 200,
            content_type,
            content_disposition,
            json: None,
        }
    }

    #[test]
    fn a_certificate_download_with_its_media_type_and_file_name_passes() -> Result<(), ContractError>
    {
        let problems = response_problems([certificate(
            Some("application/octet-stream"),
            Some("attachment; filename=\"pbx.pem\""),
        )])?;
        assert!(problems.is_empty(), "{problems:?}");
        Ok(())
    }

    #[test]
    fn a_certificate_download_of_the_wrong_media_type_is_reported() -> Result<(), ContractError> {
        let problems = response_problems([
            certificate(Some("text/plain; charset=utf-8"), Some("attachment")),
            certificate(None, Some("attachment")),
        ])?;
        assert_eq!(problems.len(), 2, "{problems:?}");
        for problem in &problems {
            assert!(
                problem.contains("header `Content-Type`")
                    && problem.contains("application/octet-stream"),
                "{problems:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn a_certificate_download_without_content_disposition_is_reported() -> Result<(), ContractError>
    {
        let problems = response_problems([certificate(Some("application/octet-stream"), None)])?;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("GET /api/ms365/certificate → 200: ")
                && problems[0].contains("header `Content-Disposition`: missing"),
            "{problems:?}"
        );
        Ok(())
    }

    #[test]
    fn a_json_answer_labelled_otherwise_is_reported() -> Result<(), ContractError> {
        let users = json!({"count": 0, "items": []});
        let mut answer = response("GET", "/api/users", 200, &users);
        answer.content_type = Some("text/html");
        let problems = response_problems([answer])?;
        assert!(
            problems
                .iter()
                .any(|problem| problem.contains("`text/html` is not what status 200")),
            "{problems:?}"
        );
        Ok(())
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
