//! Remote access: how the vendor connects to a customer's systems.

use serde::{Deserialize, Serialize};

/// How the connection is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteAccessMethod {
    /// A VPN.
    Vpn,
    /// Remote Desktop Protocol.
    Rdp,
    /// A remote-desktop tool (e.g. its id and password).
    RemoteDesktopTool,
    /// SSH.
    Ssh,
    /// Anything else, described in the instructions.
    Other,
}

impl RemoteAccessMethod {
    /// Every method.
    pub const ALL: [RemoteAccessMethod; 5] = [
        RemoteAccessMethod::Vpn,
        RemoteAccessMethod::Rdp,
        RemoteAccessMethod::RemoteDesktopTool,
        RemoteAccessMethod::Ssh,
        RemoteAccessMethod::Other,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteAccessMethod::Vpn => "vpn",
            RemoteAccessMethod::Rdp => "rdp",
            RemoteAccessMethod::RemoteDesktopTool => "remote_desktop_tool",
            RemoteAccessMethod::Ssh => "ssh",
            RemoteAccessMethod::Other => "other",
        }
    }

    /// Parses [`RemoteAccessMethod::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}
