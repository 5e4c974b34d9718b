//! The sign-in password, extension (SIP) password and voicemail PIN of a new PBX user: made at
//! the moment the user is created, sent once, and kept nowhere — not in the plan, the journal,
//! the history or a log. The user resets them through the PBX (or signs in with Microsoft).

use portsip::Secret;
use rand::Rng;
use rand::seq::SliceRandom;

const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"!#%*+-=?@_";
const PASSWORD_LEN: usize = 20;
const PIN_LEN: usize = 6;

/// A new user's secrets. `Debug` shows nothing of them.
pub struct NewCredentials {
    pub password: Secret,
    pub extension_password: Secret,
    pub voicemail_pin: Secret,
}

impl std::fmt::Debug for NewCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewCredentials(‹redacted›)")
    }
}

impl NewCredentials {
    pub fn generate() -> Self {
        let mut rng = rand::rngs::OsRng;
        Self {
            password: Secret::new(password(&mut rng, true)),
            extension_password: Secret::new(password(&mut rng, false)),
            voicemail_pin: Secret::new(
                (0..PIN_LEN)
                    .map(|_| char::from(b'0' + rng.gen_range(0..10)))
                    .collect::<String>(),
            ),
        }
    }
}

/// A password with at least one character of each class, so any complexity rule passes.
/// SIP phones type extension passwords by hand: those get no symbols.
fn password(rng: &mut impl Rng, symbols: bool) -> String {
    let mut classes = vec![LOWER, UPPER, DIGITS];
    if symbols {
        classes.push(SYMBOLS);
    }
    let all: Vec<u8> = classes.concat();
    let mut chars: Vec<u8> = classes
        .iter()
        .filter_map(|class| class.choose(rng).copied())
        .collect();
    while chars.len() < PASSWORD_LEN {
        if let Some(&c) = all.choose(rng) {
            chars.push(c);
        }
    }
    chars.shuffle(rng);
    chars.into_iter().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_strong_fresh_and_never_shown() {
        let a = NewCredentials::generate();
        let b = NewCredentials::generate();
        let password = a.password.expose();
        assert_eq!(password.len(), PASSWORD_LEN);
        for class in [LOWER, UPPER, DIGITS, SYMBOLS] {
            assert!(password.bytes().any(|c| class.contains(&c)), "{class:?}");
        }
        assert!(
            a.extension_password
                .expose()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric())
        );
        assert_eq!(a.voicemail_pin.expose().len(), PIN_LEN);
        assert!(a.voicemail_pin.expose().bytes().all(|c| c.is_ascii_digit()));
        assert_ne!(a.password.expose(), b.password.expose());
        assert!(!format!("{a:?}").contains(password));
    }
}
