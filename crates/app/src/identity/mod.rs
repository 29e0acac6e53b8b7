//! Who is acting: sign-in, sessions, activation, passwords, two-factor sign-in, API tokens and
//! each user's notification preferences.

pub mod passwords;
pub mod tokens;
pub mod totp;
