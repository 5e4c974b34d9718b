//! What a check says, twice: the English sentence for the CLI and a code with the values it
//! quotes, which the UI words from its own catalogue (so the Chinese UI shows no English
//! sentence). Values are names, addresses, thumbprints, dates, or the PBX's or Microsoft's own
//! text, which the UI quotes as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{Error, ErrorReport};
use crate::pbx_versions::PbxEdition;

/// Every explanation and fix a check can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CheckCode {
    /// The PBX's, Microsoft's or a file's own sentence: `detail`.
    Detail,
    SkipPbxUnreachable,
    SkipPbxSignIn,
    SkipGuided,
    /// `reason`.
    SkipMicrosoftSignIn,
    SkipPbxUnread,
    SkipNoEdition,
    /// `url`.
    ReachableHttps,
    /// `url`.
    ReachableHttp,
    /// `username`, `role`.
    AdminRole,
    /// `username`, `role`.
    NotAdminRole,
    /// `app`, `directory`, `cloud`.
    SettingsMatch,
    /// `fields`: the PBX's settings (and features) that differ.
    SettingsDiffer,
    /// `thumbprint`, `not_after`, `days`.
    CertificateValid,
    /// `thumbprint`, `not_after`, `days`.
    CertificateValidRotateSoon,
    /// `thumbprint`, `not_before`, `not_after`.
    CertificateNotNow,
    NoKeyPair,
    NoAppRegistration,
    /// `app_id`.
    AppGone,
    /// `uris`.
    RedirectUrisMatch,
    /// Any of `missing`, `extra`, `id_tokens` (`off`).
    RedirectUrisDiffer,
    NoPbxCertificate,
    /// `thumbprint`, `not_before`, `not_after`, `others`.
    CertificateOnApp,
    /// `thumbprint`, `app_start`, `app_end`, `not_before`, `not_after`.
    CertificateDatesDiffer,
    /// `thumbprint`.
    CertificateNotOnApp,
    /// `pbx`, `missing`, and `extra` when there are.
    PermissionsMissing,
    /// `permissions`, `pbx`, and `extra` (passed with a warning) when there are.
    PermissionsDeclared,
    /// `permissions`, `pbx`, and `extra` when there are.
    PermissionsGranted,
    NoServicePrincipal,
    /// `count`.
    ListsUsers,
    /// `profile`.
    FixRerunSetup,
    /// `profile`.
    FixRerunSetupReview,
    FixPbxAddress,
    FixTls,
    FixPbxReachable,
    FixAdminAccount,
    FixRotate,
    FixGenerateKeyPair,
    FixCheckPbx,
    FixCheckPbxRunDoctor,
    FixRemoveKeyDates,
    /// `profile`, `extra`.
    FixRemoveExtraPermissions,
    FixMicrosoftBusy,
    FixCertificateUnknown,
    FixAppUnknown,
    FixConsent,
}

/// A check's explanation or fix as a code and the values it quotes. A list is one value,
/// its items joined with ", ".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CheckMessage {
    pub code: CheckCode,
    pub params: BTreeMap<String, String>,
    /// The engine's own error that `detail` or `reason` quotes in English: the UI words it
    /// with its catalogue (`describeError`) instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<ErrorReport>,
    /// The PBX's version and licence, with its warning, that the sentence ends with ("The PBX
    /// runs …"): the UI words it with its own catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub edition: Option<PbxEdition>,
}

/// An English sentence and its code.
#[derive(Debug, Clone)]
pub(crate) struct Said {
    pub(crate) text: String,
    pub(crate) message: CheckMessage,
}

/// What a check says: `text` in English, `code` and `params` for the UI. Empty values are left
/// out (the UI words the message without them).
pub(crate) fn said<const N: usize>(
    code: CheckCode,
    params: [(&str, String); N],
    text: impl Into<String>,
) -> Said {
    let text = text.into();
    let params: BTreeMap<String, String> = params
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    debug_assert!(
        quotes_its_params(&text, &params),
        "{code:?}'s English text must quote its params {params:?}: {text}"
    );
    Said {
        text,
        message: CheckMessage {
            code,
            params,
            error: None,
            edition: None,
        },
    }
}

/// A message that quotes an engine error as `name`; the UI words the error itself.
pub(crate) fn with_error(code: CheckCode, name: &str, error: &ErrorReport, text: String) -> Said {
    let mut said = said(code, [(name, error.message.clone())], text);
    said.message.error = Some(error.clone());
    said
}

/// An engine error as the whole explanation.
pub(crate) fn engine_error(error: &Error) -> Said {
    let report = error.report();
    let text = report.message.clone();
    with_error(CheckCode::Detail, "detail", &report, text)
}

/// A message with no values.
pub(crate) fn plain(code: CheckCode, text: impl Into<String>) -> Said {
    said(code, [], text)
}

/// The PBX's, Microsoft's or another layer's own sentence.
pub(crate) fn detail(text: String) -> Said {
    said(CheckCode::Detail, [("detail", text.clone())], text)
}

/// Every value (every item of a list) appears in the English text: the UI's wording and the
/// CLI's say the same thing.
pub(crate) fn quotes_its_params(text: &str, params: &BTreeMap<String, String>) -> bool {
    params.values().all(|value| {
        text.contains(value.as_str()) || value.split(", ").all(|item| text.contains(item))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_error_travels_as_its_report_for_the_ui_to_word() {
        let error = Error::SignInTimedOut { seconds: 300 };
        let said = engine_error(&error);
        assert_eq!(said.text, error.to_string());
        assert_eq!(said.message.code, CheckCode::Detail);
        assert_eq!(said.message.params.get("detail"), Some(&said.text));
        let report = said
            .message
            .error
            .as_ref()
            .map(|report| report.code.as_str());
        assert_eq!(report, Some(error.code()));
    }

    #[test]
    fn a_message_without_an_engine_error_leaves_the_field_out() -> Result<(), serde_json::Error> {
        let value = serde_json::to_value(plain(CheckCode::NoKeyPair, "x").message)?;
        assert_eq!(
            value,
            serde_json::json!({ "code": "no-key-pair", "params": {} })
        );
        Ok(())
    }

    #[test]
    fn a_value_the_english_text_does_not_quote_is_caught() {
        let params = [("thumbprint".to_owned(), "ABC".to_owned())].into();
        assert!(quotes_its_params("thumbprint ABC", &params));
        assert!(!quotes_its_params("thumbprint XYZ", &params));
        let list = [("missing".to_owned(), "A, B".to_owned())].into();
        assert!(quotes_its_params("lacks A and B", &list));
        assert!(!quotes_its_params("lacks A", &list));
    }
}
