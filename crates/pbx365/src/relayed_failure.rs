//! What a failed `GET /ms365/users` means. The PBX signs in to Microsoft with its own
//! certificate and relays Microsoft's refusal as a 4xx of its own, so setup's verification,
//! the doctor and certificate rotation all read the same text to tell lag from trouble that
//! passes from a refusal that lasts — one reading, not three.

/// Why the PBX could not list the Microsoft 365 users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingFailure {
    /// Entra has not caught up with a new app, key or grant yet.
    ReplicationLag,
    /// Microsoft (or the PBX) was busy or failing for a moment: throttling, 5xx, unreachable.
    Passing,
    /// Anything else: waiting will not help.
    Lasting,
}

/// AADSTS codes Entra gives while it has not caught up: unknown app (700016), unknown key
/// (700027), key not yet valid for the app (7000112).
const REPLICATION_CODES: [u32; 3] = [700_016, 700_027, 7_000_112];
/// AADSTS codes of Microsoft's own passing trouble: throttled (90055), temporarily unavailable
/// (90033), server error (50000).
const PASSING_CODES: [u32; 3] = [90_055, 90_033, 50_000];
/// What the PBX's relayed text says when Microsoft was busy or could not be reached.
const PASSING_WORDS: [&str; 6] = [
    "HTTP 429",
    "HTTP 500",
    "HTTP 502",
    "HTTP 503",
    "HTTP 504",
    "could not be reached",
];

pub fn classify(error: &portsip::Error) -> ListingFailure {
    match error {
        portsip::Error::Server { .. }
        | portsip::Error::RateLimited { .. }
        | portsip::Error::Network { .. } => ListingFailure::Passing,
        portsip::Error::Rejected { .. } | portsip::Error::Validation { .. } => {
            let said = error.to_string();
            let code = entra::aadsts::find_code(&said);
            if code.is_some_and(|c| REPLICATION_CODES.contains(&c))
                || said.contains("Authorization_RequestDenied")
            {
                ListingFailure::ReplicationLag
            } else if code.is_some_and(|c| PASSING_CODES.contains(&c))
                || PASSING_WORDS.iter().any(|w| said.contains(w))
            {
                ListingFailure::Passing
            } else {
                ListingFailure::Lasting
            }
        }
        _ => ListingFailure::Lasting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relayed(message: &str) -> portsip::Error {
        portsip::Error::Rejected {
            operation: "GET /ms365/users".to_owned(),
            status: 400,
            code: portsip::ErrorCode::Other("MS365_REQUEST_FAILED".to_owned()),
            message: Some(message.to_owned()),
        }
    }

    #[test]
    fn lag_passing_trouble_and_refusals_are_told_apart() {
        assert_eq!(
            classify(&relayed(
                "AADSTS700027: Client assertion contains an invalid signature."
            )),
            ListingFailure::ReplicationLag
        );
        assert_eq!(
            classify(&relayed(
                "AADSTS90055: There are too many incoming requests."
            )),
            ListingFailure::Passing
        );
        assert_eq!(
            classify(&relayed("Microsoft Graph answered HTTP 503")),
            ListingFailure::Passing
        );
        assert_eq!(
            classify(&relayed("AADSTS7000215: Invalid client secret provided.")),
            ListingFailure::Lasting
        );
    }
}
