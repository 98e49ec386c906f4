//! Who may call the admin API, and the limits that keep one client from exhausting the
//! emulator: the [`Policy`] the router is built with.
//!
//! The admin API can wipe state and read every recorded request, so it answers only:
//! - requests addressed (`Host`) to a loopback name, or to a host allowed with
//!   `--admin-allow-host`, which defeats DNS rebinding from a web page;
//! - with `Content-Type: application/json` on `POST`/`PUT`/`PATCH` (an empty body is fine),
//!   which a web page cannot send without a CORS preflight the emulator never grants
//!   (`POST /_emulator/fixtures` also takes `application/yaml` and its older names, which
//!   are not CORS-safelisted either);
//! - when started with `--admin-token`, requests carrying it in `X-Emulator-Admin-Token`
//!   (`Authorization: Bearer` already names the *account* an admin call is about).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorItem, codes};

/// The header that carries the admin token.
pub const ADMIN_TOKEN_HEADER: &str = "x-emulator-admin-token";
/// Default cap on the number of accounts (distinct API keys) held at once.
pub const DEFAULT_MAX_ACCOUNTS: usize = 10_000;
/// Default cap on the length of an API key, in bytes.
pub const DEFAULT_MAX_KEY_LEN: usize = 1024;

/// The admin token, kept only as its SHA-256 digest (its `Debug` shows nothing).
#[derive(Clone)]
pub struct AdminToken([u8; 32]);

impl AdminToken {
    /// Keep `token` (not empty) as a digest.
    pub fn new(token: &str) -> Result<Self, String> {
        if token.trim().is_empty() {
            return Err("the admin token must not be empty".to_string());
        }
        Ok(Self(Sha256::digest(token.as_bytes()).into()))
    }

    fn matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        bool::from(self.0.ct_eq(&digest))
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken([redacted])")
    }
}

/// Access rules and resource limits the router enforces.
#[derive(Debug, Clone)]
pub struct Policy {
    /// When set, every `/_emulator/*` call must carry it in `X-Emulator-Admin-Token`.
    pub admin_token: Option<AdminToken>,
    /// Host names (lowercase, no port) the admin API answers besides loopback names.
    pub admin_allow_hosts: Vec<String>,
    /// At most this many accounts exist at once; a new key past it is refused (403).
    pub max_accounts: usize,
    /// API keys longer than this many bytes are refused (401) before anything is stored.
    pub max_key_len: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            admin_token: None,
            admin_allow_hosts: Vec::new(),
            max_accounts: DEFAULT_MAX_ACCOUNTS,
            max_key_len: DEFAULT_MAX_KEY_LEN,
        }
    }
}

/// Whether `host` (a `Host` header value, port included or not) names the loopback interface.
pub fn is_loopback_host(host: &str) -> bool {
    let name = host_name(host);
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The name part of a `Host` value, lowercase: `[::1]:80` → `::1`, `Example:80` → `example`.
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None if host.matches(':').count() == 1 => host.split(':').next().unwrap_or(host),
        None => host,
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn refuse(status: StatusCode, code: &'static str, title: &str, detail: String) -> ApiError {
    ApiError::one(status, ErrorItem::new(code, title, detail))
}

/// Media types a fixture scenario may be sent as besides JSON (none is CORS-safelisted).
const YAML_TYPES: [&str; 4] = [
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
];

fn check(
    policy: &Policy,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    if let Some(host) = headers.get(header::HOST) {
        let host = String::from_utf8_lossy(host.as_bytes());
        let name = host_name(&host);
        if !is_loopback_host(&host) && !policy.admin_allow_hosts.contains(&name) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                codes::AUTHORIZATION,
                "Host not allowed",
                format!(
                    "The admin API answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]); this one was addressed to '{host}'. Start the emulator with --admin-allow-host {name} to allow it."
                ),
            ));
        }
    }
    if let Some(token) = &policy.admin_token {
        let sent = headers
            .get(ADMIN_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        let detail = match sent {
            None => {
                "This emulator was started with --admin-token: send it as X-Emulator-Admin-Token: <token> on every /_emulator call."
            }
            Some(t) if !token.matches(t) => {
                "The X-Emulator-Admin-Token header does not match the emulator's --admin-token."
            }
            Some(_) => "",
        };
        if !detail.is_empty() {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                codes::AUTHENTICATION,
                "Admin token required",
                detail.to_string(),
            ));
        }
    }
    if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let yaml_allowed = *method == Method::POST && path.ends_with("/fixtures");
        let allowed = content_type.as_deref().is_some_and(|ct| {
            ct.split(';').next().is_some_and(|media| {
                let media = media.trim();
                media.eq_ignore_ascii_case("application/json")
                    || (yaml_allowed && YAML_TYPES.iter().any(|y| media.eq_ignore_ascii_case(y)))
            })
        });
        if !allowed {
            let got = content_type.map_or_else(|| "none".to_string(), |ct| format!("'{ct}'"));
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::BAD_REQUEST,
                "Unsupported media type",
                format!(
                    "Admin {method} requests must send Content-Type: application/json (an empty body is fine); got {got}. This keeps web pages from calling the admin API with simple cross-origin requests."
                ),
            ));
        }
    }
    Ok(())
}

/// Middleware in front of the admin router.
pub async fn admin_guard(State(policy): State<Arc<Policy>>, req: Request, next: Next) -> Response {
    match check(&policy, req.method(), req.uri().path(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refused) => refused.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names() {
        for host in [
            "localhost",
            "LOCALHOST:4010",
            "127.0.0.1",
            "127.8.9.1:80",
            "[::1]:4010",
            "::1",
            "app.localhost:3000",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "example.com",
            "127.0.0.1.nip.io",
            "10.0.0.1:4010",
            "[::2]",
            "localhost.evil.com",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn tokens_compare_by_digest() {
        let token = AdminToken::new("s3cret").expect("token");
        assert!(token.matches("s3cret"));
        assert!(!token.matches("s3cre"));
        assert!(AdminToken::new(" ").is_err());
        assert_eq!(format!("{token:?}"), "AdminToken([redacted])");
    }
}
