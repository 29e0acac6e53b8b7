//! A real IMAP server for the e-mail in tests: Debian's Dovecot, started in a temporary
//! folder on a free loopback port with one mailbox (`podpora`, password `heslo`), stopped
//! when dropped. Without Dovecot the tests say so and skip — except in CI, where it is
//! required (`.ci/run` installs `dovecot-imapd`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The mailbox's login.
pub const USER: &str = "podpora";
/// Its password.
pub const PASSWORD: &str = "heslo";

/// A running Dovecot.
pub struct Dovecot {
    child: Child,
    /// Its IMAP port on 127.0.0.1.
    pub port: u16,
    _folder: tempfile::TempDir,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> Option<PathBuf> {
    ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn ids(flag: &str) -> String {
    let out = Command::new("id").arg(flag).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

impl Dovecot {
    /// Starts Dovecot, or `None` (with a message) when it is not installed outside CI.
    pub fn start() -> Option<Dovecot> {
        let Some(binary) = binary() else {
            assert!(
                std::env::var("CI").is_err(),
                "Dovecot (dovecot-imapd) is required in CI"
            );
            eprintln!("skipped: Dovecot is not installed (apt install dovecot-imapd)");
            return None;
        };
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let as_root = ids("-u") == "0";
        // Dovecot refuses to run its login and mail processes as root: as root they run as
        // its own users and the mailbox as nobody; otherwise everything as the current user.
        let (internal, login, mail_uid, mail_gid) = if as_root {
            (
                "dovecot".to_owned(),
                "dovenull".to_owned(),
                "65534".to_owned(),
                "65534".to_owned(),
            )
        } else {
            let user = ids("-un");
            (user.clone(), user, ids("-u"), ids("-g"))
        };
        let mail = root.join("mail");
        std::fs::create_dir_all(mail.join(USER)).unwrap();
        if as_root {
            permit(root);
            let status = Command::new("chown")
                .args(["-R", &format!("{mail_uid}:{mail_gid}")])
                .arg(&mail)
                .status()
                .unwrap();
            assert!(status.success());
        }
        std::fs::write(
            root.join("users"),
            format!(
                "{USER}:{{PLAIN}}{PASSWORD}:{mail_uid}:{mail_gid}::{}\n",
                mail.join(USER).display()
            ),
        )
        .unwrap();
        let internal_group = if as_root {
            "dovecot".to_owned()
        } else {
            ids("-gn")
        };
        let run = root.join("run");
        std::fs::create_dir_all(&run).unwrap();
        let config = format!(
            "base_dir = {run}\nstate_dir = {run}\nprotocols = imap\nlisten = 127.0.0.1\nssl = no\n\
             disable_plaintext_auth = no\nauth_mechanisms = plain login\nlog_path = {log}\n\
             default_internal_user = {internal}\ndefault_internal_group = {internal_group}\n\
             default_login_user = {login}\nfirst_valid_uid = 0\nmail_location = maildir:~/Maildir\n\
             passdb {{\n  driver = passwd-file\n  args = {users}\n}}\n\
             userdb {{\n  driver = passwd-file\n  args = {users}\n}}\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n",
            run = run.display(),
            log = root.join("dovecot.log").display(),
            users = root.join("users").display(),
        );
        let conf = root.join("dovecot.conf");
        std::fs::write(&conf, config).unwrap();
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "Dovecot did not start: {}",
                std::fs::read_to_string(root.join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Dovecot {
            child,
            port,
            _folder: folder,
        })
    }
}

/// Lets Dovecot's unprivileged processes reach a folder made by root.
fn permit(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
