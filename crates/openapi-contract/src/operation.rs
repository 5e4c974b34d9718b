//! One compiled operation (method + path template) and its request/response checks.

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::path::{concrete_segments, parameter_name, template_segments};
use crate::schema::{Direction, compile};
use crate::{ContractError, Location, Violation};

/// A parameter in the query string or in the path.
#[derive(Debug)]
struct Parameter {
    name: String,
    required: bool,
    /// The JSON type its text is read as (`integer`, `boolean`, …; `string` otherwise).
    kind: String,
    validator: Validator,
}

#[derive(Debug)]
struct RequestBody {
    required: bool,
    /// `None` when the body is not JSON or has no schema.
    validator: Option<Validator>,
}

#[derive(Debug)]
struct Response {
    /// `200`, `4XX`, `default`, … as the document spells it.
    key: String,
    /// Whether the response declares a JSON body with a schema; then `validator` checks it.
    validator: Option<Validator>,
    /// The media types of `content` (`application/json`, `application/octet-stream`, …).
    media_types: Vec<String>,
    /// The headers the response declares, other than `Content-Type`.
    headers: Vec<Header>,
}

#[derive(Debug)]
struct Header {
    name: String,
    /// OpenAPI's `required`, but defaulting to true: the subset declares a header only where
    /// PortSIP sends it and clients depend on it (the certificate's file name comes from
    /// `Content-Disposition`), and it never spells out `required`. An explicit `false` opts
    /// out.
    required: bool,
    kind: String,
    validator: Validator,
}

/// One operation of the contract.
#[derive(Debug)]
pub struct Operation {
    method: String,
    template: String,
    operation_id: Option<String>,
    segments: Vec<String>,
    path_params: Vec<Parameter>,
    query_params: Vec<Parameter>,
    body: Option<RequestBody>,
    /// The request body's OpenAPI schema as the document has it.
    body_schema: Option<Value>,
    responses: Vec<Response>,
}

fn json_schema(content: Option<&Value>) -> Option<&Value> {
    let content = content?.as_object()?;
    content
        .iter()
        .find(|(media, _)| media.starts_with("application/json") || media.ends_with("+json"))
        .and_then(|(_, media)| media.get("schema"))
}

/// The primitive JSON type a schema describes, looking through `allOf` wrappers.
fn primitive_kind(schema: &Value) -> String {
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        return kind.to_owned();
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|parts| parts.first())
        .map_or_else(|| "string".to_owned(), primitive_kind)
}

/// Reads a parameter's text as the JSON value its schema expects; `None` if it cannot be.
fn coerce(kind: &str, text: &str) -> Option<Value> {
    match kind {
        "integer" => text.parse::<i64>().ok().map(Value::from),
        "number" => text.parse::<f64>().ok().map(Value::from),
        "boolean" => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        "array" => Some(Value::Array(
            text.split(',')
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        )),
        _ => Some(Value::String(text.to_owned())),
    }
}

fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Runs a validator and turns each error into a violation built by `locate`.
fn check(
    validator: &Validator,
    instance: &Value,
    locate: impl Fn(String) -> Location,
    out: &mut Vec<Violation>,
) {
    for error in validator.iter_errors(instance) {
        let mut pointer = error.instance_path.as_str().to_owned();
        if let ValidationErrorKind::Required { property } = &error.kind {
            // Point at the missing field itself, not at the object lacking it.
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            pointer = format!("{pointer}/{}", escape_pointer_token(&name));
        }
        out.push(Violation {
            location: locate(pointer),
            message: error.to_string(),
        });
    }
}

impl Operation {
    pub(crate) fn compile(
        method: &str,
        template: &str,
        path_item: &Value,
        op: &Value,
    ) -> Result<Self, ContractError> {
        let context = format!("{} {template}", method.to_ascii_uppercase());
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        // Operation-level parameters override path-item ones of the same name and place.
        let declared = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .chain(path_item.get("parameters").and_then(Value::as_array))
            .flatten();
        for param in declared {
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let place = param.get("in").and_then(Value::as_str).unwrap_or_default();
            let target = match place {
                "query" => &mut query_params,
                "path" => &mut path_params,
                _ => continue,
            };
            if target.iter().any(|p: &Parameter| p.name == name) {
                continue;
            }
            let schema = param.get("schema").cloned().unwrap_or(Value::Null);
            target.push(Parameter {
                name: name.to_owned(),
                required: param.get("required").and_then(Value::as_bool) == Some(true),
                kind: primitive_kind(&schema),
                validator: compile(&schema, Direction::Request, &context)?,
            });
        }
        let body = match op.get("requestBody") {
            Some(body) => Some(RequestBody {
                required: body.get("required").and_then(Value::as_bool) == Some(true),
                validator: json_schema(body.get("content"))
                    .map(|schema| compile(schema, Direction::Request, &context))
                    .transpose()?,
            }),
            None => None,
        };
        let body_schema = op
            .get("requestBody")
            .and_then(|body| json_schema(body.get("content")))
            .cloned();
        let mut responses = Vec::new();
        if let Some(declared) = op.get("responses").and_then(Value::as_object) {
            for (key, response) in declared {
                let mut headers = Vec::new();
                for (name, header) in response
                    .get("headers")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    // OpenAPI: a `Content-Type` header definition is ignored; `content` rules.
                    if name.eq_ignore_ascii_case("content-type") {
                        continue;
                    }
                    let schema = header.get("schema").cloned().unwrap_or(Value::Null);
                    headers.push(Header {
                        name: name.clone(),
                        required: header.get("required").and_then(Value::as_bool) != Some(false),
                        kind: primitive_kind(&schema),
                        validator: compile(&schema, Direction::Response, &context)?,
                    });
                }
                responses.push(Response {
                    key: key.clone(),
                    validator: json_schema(response.get("content"))
                        .map(|schema| compile(schema, Direction::Response, &context))
                        .transpose()?,
                    media_types: response
                        .get("content")
                        .and_then(Value::as_object)
                        .map(|content| content.keys().cloned().collect())
                        .unwrap_or_default(),
                    headers,
                });
            }
        }
        Ok(Self {
            method: method.to_ascii_uppercase(),
            template: template.to_owned(),
            operation_id: op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned),
            segments: template_segments(template),
            path_params,
            query_params,
            body,
            body_schema,
            responses,
        })
    }

    /// The HTTP method, upper case.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path template (`/users/{id}`), relative to the server's `/api` base.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The document's `operationId`, if any.
    pub fn operation_id(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    /// The request body's JSON schema as the OpenAPI document spells it (untranslated).
    pub fn request_schema(&self) -> Option<&Value> {
        self.body_schema.as_ref()
    }

    /// The top-level property names of the request body's schema.
    pub fn request_properties(&self) -> Vec<&str> {
        self.body_schema
            .as_ref()
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The response keys the operation documents (`200`, `4XX`, …).
    pub fn documented_statuses(&self) -> impl Iterator<Item = &str> {
        self.responses.iter().map(|r| r.key.as_str())
    }

    fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// How many literal segments match, if the concrete path matches the template at all.
    pub(crate) fn path_match(&self, segments: &[String]) -> Option<usize> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut literals = 0;
        for (template, concrete) in self.segments.iter().zip(segments) {
            if parameter_name(template).is_some() {
                continue;
            }
            if template != concrete {
                return None;
            }
            literals += 1;
        }
        Some(literals)
    }

    fn outcome(&self, violations: Vec<Violation>) -> Result<(), ContractError> {
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ContractError::Violations {
                operation: self.name(),
                violations,
            })
        }
    }

    /// Checks a request to the concrete `path` with these decoded query pairs and JSON body.
    pub fn check_request(
        &self,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<(), ContractError> {
        let mut out = Vec::new();
        let concrete = concrete_segments(path);
        for (template, value) in self.segments.iter().zip(&concrete) {
            let Some(name) = parameter_name(template) else {
                continue;
            };
            if let Some(param) = self.path_params.iter().find(|p| p.name == name) {
                self.check_parameter(param, value, Location::PathParam, &mut out);
            }
        }
        for (name, value) in query {
            match self.query_params.iter().find(|p| &p.name == name) {
                Some(param) => self.check_parameter(param, value, Location::Query, &mut out),
                None => out.push(Violation {
                    location: Location::Query(name.clone()),
                    message: "the operation has no such query parameter".to_owned(),
                }),
            }
        }
        for param in self.query_params.iter().filter(|p| p.required) {
            if !query.iter().any(|(name, _)| name == &param.name) {
                out.push(Violation {
                    location: Location::Query(param.name.clone()),
                    message: "required query parameter is missing".to_owned(),
                });
            }
        }
        match (&self.body, body) {
            (None, Some(_)) => out.push(Violation {
                location: Location::Body(String::new()),
                message: "the operation takes no request body".to_owned(),
            }),
            (Some(spec), None) if spec.required => out.push(Violation {
                location: Location::Body(String::new()),
                message: "a request body is required".to_owned(),
            }),
            (Some(spec), Some(body)) => {
                if let Some(validator) = &spec.validator {
                    check(validator, body, Location::Body, &mut out);
                }
            }
            _ => {}
        }
        self.outcome(out)
    }

    fn check_parameter(
        &self,
        param: &Parameter,
        text: &str,
        locate: fn(String) -> Location,
        out: &mut Vec<Violation>,
    ) {
        match coerce(&param.kind, text) {
            Some(value) => {
                for error in param.validator.iter_errors(&value) {
                    out.push(Violation {
                        location: locate(param.name.clone()),
                        message: error.to_string(),
                    });
                }
            }
            None => out.push(Violation {
                location: locate(param.name.clone()),
                message: format!("{text:?} is not a valid {}", param.kind),
            }),
        }
    }

    /// The response the document declares for `status`: exact, then `4XX`-style, then `default`.
    fn response_for(&self, status: u16) -> Option<&Response> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        self.responses
            .iter()
            .find(|r| r.key == exact)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| r.key.eq_ignore_ascii_case(&range))
            })
            .or_else(|| self.responses.iter().find(|r| r.key == "default"))
    }

    /// Checks a response: the status must be documented; a documented JSON schema must be met
    /// by `body`; responses without a JSON schema only have their status checked.
    pub fn check_response(&self, status: u16, body: Option<&Value>) -> Result<(), ContractError> {
        let mut out = Vec::new();
        match self.response_for(status) {
            None => out.push(Violation {
                location: Location::Status,
                message: format!(
                    "status {status} is not documented (documented: {})",
                    self.documented_statuses().collect::<Vec<_>>().join(", ")
                ),
            }),
            Some(Response {
                validator: Some(validator),
                ..
            }) => match body {
                Some(body) => check(validator, body, Location::Body, &mut out),
                None => out.push(Violation {
                    location: Location::Body(String::new()),
                    message: format!("status {status} must carry a JSON body"),
                }),
            },
            Some(_) => {}
        }
        self.outcome(out)
    }

    /// Checks what a response says about its body: its `Content-Type` must be one of the
    /// media types the document declares for `status` (when it declares any), and every header
    /// it declares must be there with a value of its schema. `header` looks a response header
    /// up by name, case-insensitively. An undocumented status is left to [`Self::check_response`].
    pub fn check_response_headers<'h>(
        &self,
        status: u16,
        content_type: Option<&str>,
        header: impl Fn(&str) -> Option<&'h str>,
    ) -> Result<(), ContractError> {
        let mut out = Vec::new();
        let Some(response) = self.response_for(status) else {
            return Ok(());
        };
        if !response.media_types.is_empty() {
            let declared = response.media_types.join(", ");
            match content_type {
                None => out.push(Violation {
                    location: Location::Header("Content-Type".to_owned()),
                    message: format!("missing; status {status} is documented as {declared}"),
                }),
                Some(actual)
                    if !response
                        .media_types
                        .iter()
                        .any(|media| media_type_matches(media, actual)) =>
                {
                    out.push(Violation {
                        location: Location::Header("Content-Type".to_owned()),
                        message: format!(
                            "`{actual}` is not what status {status} is documented as ({declared})"
                        ),
                    });
                }
                Some(_) => {}
            }
        }
        for declared in &response.headers {
            match header(&declared.name) {
                None if declared.required => out.push(Violation {
                    location: Location::Header(declared.name.clone()),
                    message: format!("missing; status {status} is documented with it"),
                }),
                None => {}
                Some(text) => match coerce(&declared.kind, text) {
                    Some(value) => {
                        for error in declared.validator.iter_errors(&value) {
                            out.push(Violation {
                                location: Location::Header(declared.name.clone()),
                                message: error.to_string(),
                            });
                        }
                    }
                    None => out.push(Violation {
                        location: Location::Header(declared.name.clone()),
                        message: format!("`{text}` is not a {}", declared.kind),
                    }),
                },
            }
        }
        self.outcome(out)
    }
}

/// Whether a response's `Content-Type` (parameters such as `charset` aside) is the declared
/// media type, which may be a range (`application/*`, `*/*`).
fn media_type_matches(declared: &str, actual: &str) -> bool {
    let essence = |text: &str| {
        text.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    let (declared, actual) = (essence(declared), essence(actual));
    match declared.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => actual
            .split_once('/')
            .is_some_and(|(actual_kind, _)| actual_kind == kind),
        _ => declared == actual,
    }
}
