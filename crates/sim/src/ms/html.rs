//! The few HTML pages a person sees: sign-in with consent, device-code entry, messages and
//! errors. Field names and button IDs are stable so browser tests can drive them:
//! `#username`, `#password`, `#accept`, `#cancel`, `#otc` and `#next`.

use axum::response::{Html, IntoResponse, Response};

use super::aad_error::AadError;

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:Segoe UI,Helvetica,Arial,sans-serif;background:#f2f2f2;margin:0}\
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}\
h1{font-size:24px;font-weight:600;margin:0 0 12px}h2{font-size:15px;margin:20px 0 6px}\
label{display:block;margin:12px 0 4px}input{width:100%;box-sizing:border-box;padding:6px;font-size:15px}\
.buttons{margin-top:24px;text-align:right}button{min-width:108px;padding:6px 12px;margin-left:8px;font-size:15px}\
#accept,#next{background:#0067b8;color:#fff;border:0}.error{color:#e81123}.fine{color:#666;font-size:12px;margin-top:28px}";

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head>\
<body><main>{body}<p class=\"fine\">Emulated Microsoft cloud (pbx365 sim)</p></main></body></html>",
        escape(title)
    ))
}

/// A sign-in form that also asks for consent to `permissions` on behalf of `app_name`.
#[derive(Debug)]
pub(crate) struct ConsentForm<'a> {
    pub action: &'a str,
    pub hidden: Vec<(&'a str, String)>,
    pub org_name: &'a str,
    pub app_name: &'a str,
    /// What the app may do, one line each.
    pub permissions: Vec<String>,
    pub username: &'a str,
    pub error: Option<String>,
    /// Admin consent: accepting grants the permissions for the whole organization.
    pub for_organization: bool,
}

impl ConsentForm<'_> {
    pub fn render(&self) -> Html<String> {
        let hidden: String = self
            .hidden
            .iter()
            .map(|(name, value)| {
                format!(
                    "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                    escape(name),
                    escape(value)
                )
            })
            .collect();
        let error = self
            .error
            .as_deref()
            .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
            .unwrap_or_default();
        let permissions: String = self
            .permissions
            .iter()
            .map(|p| format!("<li>{}</li>", escape(p)))
            .collect();
        let scope_note = if self.for_organization {
            format!(
                "<p>If you accept, this app gets access to the specified resources for all users in {}.</p>",
                escape(self.org_name)
            )
        } else {
            String::new()
        };
        let body = format!(
            "<h1>Sign in</h1><p>to continue to <b>{app}</b> in {org}</p>{error}\
<form method=\"post\" action=\"{action}\">{hidden}\
<label for=\"username\">Email or username</label><input id=\"username\" name=\"username\" type=\"email\" autocomplete=\"username\" value=\"{user}\">\
<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\
<h2>Permissions requested</h2><p><b>{app}</b> would like to:</p><ul>{permissions}</ul>{scope_note}\
<div class=\"buttons\"><button id=\"cancel\" name=\"action\" value=\"cancel\" type=\"submit\">Cancel</button>\
<button id=\"accept\" name=\"action\" value=\"accept\" type=\"submit\">Accept</button></div></form>",
            app = escape(self.app_name),
            org = escape(self.org_name),
            action = escape(self.action),
            user = escape(self.username),
        );
        page("Sign in to your account", &body)
    }
}

/// The first device-login page: enter the code shown on the device.
pub(crate) fn code_entry_page(action: &str, error: Option<&str>) -> Html<String> {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>{error}\
<form method=\"post\" action=\"{}\"><label for=\"otc\">Code</label><input id=\"otc\" name=\"otc\" autocomplete=\"off\">\
<div class=\"buttons\"><button id=\"next\" type=\"submit\">Next</button></div></form>",
        escape(action)
    );
    page("Enter code", &body)
}

pub(crate) fn message_page(title: &str, message: &str) -> Html<String> {
    page(
        title,
        &format!("<h1>{}</h1><p>{}</p>", escape(title), escape(message)),
    )
}

/// What Entra shows when it cannot even redirect back: an error page with the AADSTS text.
pub(crate) fn error_page(err: &AadError) -> Response {
    let d = err.describe();
    let body = format!(
        "<h1>Sorry, but we're having trouble signing you in.</h1><p class=\"error\" id=\"error\">AADSTS{}: {}</p>\
<p class=\"fine\">Request Id: {}<br>Correlation Id: {}<br>Timestamp: {}</p>",
        err.code,
        escape(&err.message),
        escape(&d.trace_id),
        escape(&d.correlation_id),
        escape(&d.timestamp)
    );
    (err.status, page("Sign in to your account", &body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_shown_is_escaped() {
        let form = ConsentForm {
            action: "/t/oauth2/v2.0/authorize",
            hidden: vec![("state", "\"><script>".to_owned())],
            org_name: "Contoso",
            app_name: "<b>App</b>",
            permissions: vec!["Read & write".to_owned()],
            username: "a@b",
            error: Some("bad <input>".to_owned()),
            for_organization: true,
        };
        let Html(html) = form.render();
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>App</b>"));
        assert!(html.contains("&quot;&gt;&lt;script&gt;"));
        assert!(html.contains("Read &amp; write"));
        assert!(html.contains("id=\"accept\"") && html.contains("id=\"cancel\""));
    }
}
