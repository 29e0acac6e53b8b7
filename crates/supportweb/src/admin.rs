//! `supportweb admin …`: account administration from the command line.

use std::io::{BufRead, IsTerminal};

use supportweb_domain::Language;
use supportweb_domain::user::{Login, StaffRole, UserKind, check_new_password};
use supportweb_storage::Store;
use supportweb_storage::users::NewUser;

/// Reads the new password: prompted twice on a terminal, else one line of standard input.
pub fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let second =
            rpassword::prompt_password("Repeat the password: ").map_err(|e| e.to_string())?;
        if first != second {
            return Err("the passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// Creates a staff account with the administrator role; returns its login.
pub async fn create_administrator(
    store: &Store,
    login: &str,
    name: &str,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let login = Login::parse(login).map_err(|e| format!("--login: {e}"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err("--name: must not be empty".into());
    }
    let email = email.trim();
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(format!("--email: {email:?} is not an e-mail address"));
    }
    check_new_password(password).map_err(|e| format!("password: {e}"))?;
    let hash = supportweb_app::identity::passwords::hash_blocking(password.to_owned())
        .await
        .map_err(|e| e.to_string())?;
    store
        .create_user(&NewUser {
            login: login.clone(),
            display_name: name.to_owned(),
            email: email.to_owned(),
            kind: UserKind::Staff,
            roles: vec![StaffRole::Administrator],
            password_hash: Some(hash),
            language: Language::Cs,
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(login.to_string())
}
