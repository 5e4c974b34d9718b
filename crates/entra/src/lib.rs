//! Microsoft identity platform and Graph client: sign-in, tokens, app registration, consent, users.
