//! The certificate the PBX signs in to Microsoft with: valid on the PBX, and held by the app
//! with the same dates.

use time::OffsetDateTime;

use super::super::message::{CheckCode, detail, plain, said};
use super::rerun_setup;
use crate::access::Error;
use crate::doctor::{Check, CheckId};
use crate::pbx_certificate::{EXPIRY_WARNING_DAYS, PbxCertificate, dates_agree, read_certificate};
use crate::profile::Profile;

pub(super) async fn on_pbx(client: &portsip::Client) -> (Check, Option<PbxCertificate>) {
    let id = CheckId::PbxCertificate;
    let now = OffsetDateTime::now_utc();
    match read_certificate::<Error>(client).await {
        Ok(Some(cert)) if cert.is_valid_at(now) => {
            let days = cert.days_left(now);
            let (code, soon) = if days < EXPIRY_WARNING_DAYS {
                (
                    CheckCode::CertificateValidRotateSoon,
                    " Rotate it soon (pbx365 cert rotate).",
                )
            } else {
                (CheckCode::CertificateValid, "")
            };
            let (thumbprint, not_after) = (
                cert.info.sha1_thumbprint.clone(),
                cert.info.not_after.clone(),
            );
            (
                Check::pass(
                    id,
                    said(
                        code,
                        [
                            ("thumbprint", thumbprint.clone()),
                            ("not_after", not_after.clone()),
                            ("days", days.to_string()),
                        ],
                        format!(
                            "Thumbprint {thumbprint}, valid until {not_after} ({days} days left).{soon}"
                        ),
                    ),
                ),
                Some(cert),
            )
        }
        Ok(Some(cert)) => (
            Check::fail(
                id,
                said(
                    CheckCode::CertificateNotNow,
                    [
                        ("thumbprint", cert.info.sha1_thumbprint.clone()),
                        ("not_before", cert.info.not_before.clone()),
                        ("not_after", cert.info.not_after.clone()),
                    ],
                    format!(
                        "The PBX's certificate (thumbprint {}) is valid from {} to {}, not now.",
                        cert.info.sha1_thumbprint, cert.info.not_before, cert.info.not_after
                    ),
                ),
                plain(
                    CheckCode::FixRotate,
                    "Rotate it: pbx365 cert rotate (or run the setup again, which generates a new key pair).",
                ),
            ),
            Some(cert),
        ),
        Ok(None) => (
            Check::fail(
                id,
                plain(
                    CheckCode::NoKeyPair,
                    "The PBX has no key pair for Microsoft 365.",
                ),
                plain(
                    CheckCode::FixGenerateKeyPair,
                    "Run the setup again; it has the PBX generate one and adds it to the app.",
                ),
            ),
            None,
        ),
        Err(error) => (
            Check::fail(
                id,
                detail(error.to_string()),
                plain(CheckCode::FixCheckPbx, "Check the PBX and try again."),
            ),
            None,
        ),
    }
}

pub(super) fn certificate_on_app(
    profile: &Profile,
    keys: &[entra::KeyCredential],
    certificate: Option<&PbxCertificate>,
) -> Check {
    let id = CheckId::CertificateOnApp;
    let Some(certificate) = certificate else {
        return Check::fail(
            id,
            plain(
                CheckCode::NoPbxCertificate,
                "The PBX has no certificate to look for.",
            ),
            rerun_setup(profile),
        );
    };
    let info = &certificate.info;
    let thumbprint = ("thumbprint", info.sha1_thumbprint.clone());
    let not_before = ("not_before", info.not_before.clone());
    let not_after = ("not_after", info.not_after.clone());
    match certificate.find_on(keys) {
        Some(key) if dates_agree(certificate, key) => {
            let others = keys.len().saturating_sub(1);
            Check::pass(
                id,
                said(
                    CheckCode::CertificateOnApp,
                    [
                        thumbprint,
                        not_before,
                        not_after,
                        ("others", others.to_string()),
                    ],
                    format!(
                        "The app holds thumbprint {} ({} to {}), as the PBX does; {others} other key(s) kept.",
                        info.sha1_thumbprint, info.not_before, info.not_after,
                    ),
                ),
            )
        }
        Some(key) => {
            let app_start = key.start_date_time.as_deref().unwrap_or("?").to_owned();
            let app_end = key.end_date_time.as_deref().unwrap_or("?").to_owned();
            Check::fail(
                id,
                said(
                    CheckCode::CertificateDatesDiffer,
                    [
                        thumbprint,
                        ("app_start", app_start.clone()),
                        ("app_end", app_end.clone()),
                        not_before,
                        not_after,
                    ],
                    format!(
                        "The app holds thumbprint {} but with the dates {app_start} to {app_end}, while the certificate says {} to {}.",
                        info.sha1_thumbprint, info.not_before, info.not_after
                    ),
                ),
                plain(
                    CheckCode::FixRemoveKeyDates,
                    "Remove that key from the app's Certificates & secrets and run the setup again to upload the certificate as the PBX has it.",
                ),
            )
        }
        None => Check::fail(
            id,
            said(
                CheckCode::CertificateNotOnApp,
                [thumbprint],
                format!(
                    "The app does not hold the PBX's certificate (thumbprint {}): Microsoft refuses the PBX's sign-in, so sync is broken now.",
                    info.sha1_thumbprint
                ),
            ),
            rerun_setup(profile),
        ),
    }
}
