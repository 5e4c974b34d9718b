//! What Entra's `AADSTSnnnn` codes mean for an administrator, and what to do about each.

/// A plain-words explanation of one `AADSTS` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    pub code: u32,
    /// What went wrong.
    pub meaning: &'static str,
    /// What the administrator should do.
    pub fix: &'static str,
}

const fn entry(code: u32, meaning: &'static str, fix: &'static str) -> Explanation {
    Explanation { code, meaning, fix }
}

const TABLE: &[Explanation] = &[
    entry(
        50011,
        "The redirect URI in the request is not one of the redirect URIs registered on the app.",
        "Add the exact redirect URI to the app registration (Authentication page); the PBX's URIs go under Web, the wizard's own http://localhost under Mobile and desktop applications.",
    ),
    entry(
        65001,
        "Nobody has consented yet to the permissions the app asks for.",
        "Grant admin consent for the app: sign in as a Global Administrator and let the wizard grant the permissions, or open the admin-consent page.",
    ),
    entry(
        65004,
        "The permissions were declined on the consent page.",
        "Start again and choose Accept on the consent page; if your tenant does not let you consent, ask a Global Administrator to do it.",
    ),
    entry(
        700016,
        "Entra cannot find an app with this Application (client) ID in this tenant; a newly created app may also not have replicated yet.",
        "Check the Application (client) ID and the Directory (tenant) ID; if the app was created moments ago, wait a minute and try again.",
    ),
    entry(
        700027,
        "The certificate that signed the request is not one of the app's certificates, or the signature does not match it.",
        "Upload the PBX's current certificate to the app's Certificates & secrets; if you just uploaded it, wait a minute for Entra to replicate it.",
    ),
    entry(
        700024,
        "The signed request is outside its valid time window, which almost always means a clock is wrong.",
        "Correct the clock of the machine that signs the request (enable time synchronisation) and try again.",
    ),
    entry(
        7000215,
        "The client secret sent with the request is wrong or has expired.",
        "Create a new client secret for the app, or use a certificate instead.",
    ),
    entry(
        7000218,
        "Entra expects a client secret or certificate because the redirect URI is registered as a Web (confidential client) URI.",
        "For a desktop sign-in register http://localhost under Mobile and desktop applications and allow public client flows, or use the default client ID.",
    ),
    entry(
        700025,
        "A public client (a desktop app) sent a client secret, which Entra does not allow.",
        "Send no secret from the desktop app; public clients sign in with PKCE only.",
    ),
    entry(
        7000112,
        "The app is disabled in this tenant.",
        "Enable it in Entra: Enterprise applications, the app, Properties, set Enabled for users to sign in to Yes.",
    ),
    entry(
        90002,
        "This tenant does not exist in the chosen Microsoft cloud: the Directory ID or domain is wrong, or the tenant lives in the other cloud (Global or China).",
        "Check the Directory (tenant) ID or domain and choose the cloud your tenant is in.",
    ),
    entry(
        500011,
        "The requested resource (such as Microsoft Graph) has no service principal in this tenant, or the scope names a resource of another cloud.",
        "Use the Graph address of your tenant's cloud (graph.microsoft.com for Global, microsoftgraph.chinacloudapi.cn for China), and have an administrator consent to the app.",
    ),
    entry(
        50020,
        "The account that signed in is not a member of this tenant (a personal account or an account from another directory).",
        "Sign in with a work account of the tenant you want to connect.",
    ),
    entry(
        53003,
        "A Conditional Access policy of your tenant blocked this sign-in.",
        "Ask your Entra administrator to allow this sign-in (device, location or app) in Conditional Access, or sign in from an allowed device.",
    ),
    entry(
        50076,
        "Your tenant requires multi-factor authentication for this sign-in.",
        "Sign in again in the browser and complete the multi-factor prompt.",
    ),
    entry(
        50194,
        "The app is single-tenant but the sign-in used the shared /common endpoint.",
        "Sign in against your tenant's own Directory (tenant) ID instead of common.",
    ),
    entry(
        70011,
        "The requested scope is not valid for this request.",
        "Request valid scopes: delegated Graph permissions for a user sign-in, or the Graph .default scope for an app-only token.",
    ),
    entry(
        70008,
        "The saved sign-in (refresh token or code) has expired.",
        "Sign in to Microsoft again.",
    ),
    entry(
        700082,
        "The saved sign-in expired because it was not used for a long time.",
        "Sign in to Microsoft again.",
    ),
    entry(
        50173,
        "The saved sign-in was revoked, for example because the password was changed.",
        "Sign in to Microsoft again.",
    ),
];

/// The explanation of `code`, when it is one the wizard knows.
pub fn explain(code: u32) -> Option<&'static Explanation> {
    TABLE.iter().find(|e| e.code == code)
}

/// The codes meaning the stored sign-in is no longer usable and the admin must sign in again.
pub fn means_sign_in_again(code: u32) -> bool {
    matches!(code, 70008 | 700082 | 50173 | 50076)
}

/// The first `AADSTSnnnn` code in a text such as Entra's `error_description`.
pub fn find_code(text: &str) -> Option<u32> {
    text.match_indices("AADSTS").find_map(|(at, marker)| {
        let digits: String = text[at + marker.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code that `spec/microsoft-FACTS.md` lists, plus the refresh-token ones.
    const FACTS_CODES: &[u32] = &[
        50011, 65001, 65004, 700016, 700027, 700024, 7000215, 7000218, 700025, 7000112, 90002,
        500011, 50020, 53003, 50076, 50194, 70011, 70008, 700082, 50173,
    ];

    #[test]
    fn every_listed_code_has_a_meaning_and_a_fix() {
        for &code in FACTS_CODES {
            let explanation = explain(code);
            assert!(explanation.is_some(), "AADSTS{code} has no explanation");
            if let Some(explanation) = explanation {
                assert_eq!(explanation.code, code);
                assert!(
                    explanation.meaning.len() > 20,
                    "AADSTS{code}: meaning too thin"
                );
                assert!(explanation.fix.len() > 15, "AADSTS{code}: fix too thin");
            }
        }
        assert_eq!(
            TABLE.len(),
            FACTS_CODES.len(),
            "table and list drifted apart"
        );
    }

    #[test]
    fn each_code_says_the_right_thing() {
        let says = |code: u32, word: &str| {
            explain(code).is_some_and(|e| {
                format!("{} {}", e.meaning, e.fix)
                    .to_lowercase()
                    .contains(word)
            })
        };
        assert!(says(50011, "redirect uri"));
        assert!(says(65001, "consent"));
        assert!(says(65004, "declined"));
        assert!(says(700016, "replicat"));
        assert!(says(700027, "certificate"));
        assert!(says(700024, "clock"));
        assert!(says(7000215, "secret"));
        assert!(says(7000218, "mobile and desktop"));
        assert!(says(700025, "public client"));
        assert!(says(7000112, "disabled"));
        assert!(says(90002, "cloud"));
        assert!(says(500011, "service principal"));
        assert!(says(50020, "not a member"));
        assert!(says(53003, "conditional access"));
        assert!(says(50076, "multi-factor"));
        assert!(says(50194, "common"));
        assert!(says(70011, "scope"));
        assert!(says(70008, "expired"));
        assert!(says(700082, "not used"));
        assert!(says(50173, "revoked"));
    }

    #[test]
    fn unknown_code_has_no_explanation() {
        assert!(explain(12345).is_none());
    }

    #[test]
    fn finds_the_code_in_a_description() {
        let description =
            "AADSTS700016: Application with identifier 'x' was not found.\r\nTrace ID: 1";
        assert_eq!(find_code(description), Some(700016));
        assert_eq!(
            find_code("error AADSTS90002: Tenant 'x' not found"),
            Some(90002)
        );
        assert_eq!(find_code("no code here"), None);
        assert_eq!(find_code("AADSTS: nothing"), None);
    }

    #[test]
    fn expired_or_revoked_sign_ins_ask_to_sign_in_again() {
        for code in [70008, 700082, 50173] {
            assert!(means_sign_in_again(code));
        }
        assert!(!means_sign_in_again(700016));
    }
}
