//! Channels: where alert notifications go, defined once by name in `[[channel]]` tables
//! (of `monitor.toml`, or of a `monitor sync --rules` file) and named by a rule's
//! `notify` action (`{ type = "notify", channel = "ops" }`).
//!
//! ```toml
//! [[channel]]
//! name = "ops"
//! type = "slack"            # slack | teams | webhook | email
//! url = "https://hooks.slack.com/services/T000/B000/XXXX"
//!
//! [[channel]]
//! name = "oncall-mail"
//! type = "email"
//! smtp_host = "smtp.example.com"
//! tls = "starttls"          # starttls (default, port 587) | tls (465) | none (25)
//! # tls_ca_file = "/etc/telnyx-reputation/smtp-ca.pem"   # trust only this CA (PEM)
//! username = "alerts@example.com"
//! password_env = "SMTP_PASSWORD"
//! from = "telnyx-reputation <alerts@example.com>"
//! to = ["oncall@example.com"]
//!
//! [[channel]]
//! name = "siem"
//! type = "webhook"
//! url = "https://siem.example.com/telnyx-reputation"
//! secret_env = "SIEM_WEBHOOK_SECRET"   # signs each body with HMAC-SHA256
//! ```
//!
//! What a notification says is decided when the alert changes ([`render`], stored in the
//! outbox row with the decision); how it travels (the URL, the signing secret read from the
//! environment at each attempt) is looked up by channel name when the row is sent
//! ([`send`]), so a rotated secret or a fixed URL applies to what is still queued. This
//! module holds no retry logic: the outbox retries, and marks a row done only on a 2xx (or,
//! for e-mail, the SMTP server's 250 for the message).

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::alerts::AlertNotice;
use crate::outbox::{DELIVERY_ID_HEADER, OutboxItem};

/// The header of a `webhook` channel's signature: `t=UNIX_SECONDS,v1=HEX`, where `HEX` is
/// the lowercase hex HMAC-SHA256, keyed with the channel's secret, of `UNIX_SECONDS`, a
/// `.`, and the exact body bytes. A receiver recomputes it, compares in constant time, and
/// refuses a timestamp too far from its clock (a replay).
pub const SIGNATURE_HEADER: &str = "x-telnyx-reputation-signature";

/// A channel's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChannelType {
    /// A Slack incoming webhook: `{"text": …}`.
    Slack,
    /// A Microsoft Teams incoming webhook: a MessageCard (or an Adaptive Card with
    /// `card = "adaptive"`).
    Teams,
    /// Any HTTP endpoint: the notification as JSON, signed (see [`SIGNATURE_HEADER`]).
    Webhook,
    /// E-mail over SMTP (`lettre`): the title as subject, the title and detail as text.
    Email,
}

impl ChannelType {
    /// As written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Slack => "slack",
            Self::Teams => "teams",
            Self::Webhook => "webhook",
            Self::Email => "email",
        }
    }
}

/// The card a `teams` channel posts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TeamsCard {
    /// A legacy connector MessageCard (`@type = MessageCard`).
    #[default]
    MessageCard,
    /// An Adaptive Card in a `message` envelope (Teams workflows).
    Adaptive,
}

/// How an `email` channel talks to its SMTP server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (required); default port 587.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS); default port 465.
    Tls,
    /// No encryption (a relay on the same host or network); default port 25.
    None,
}

impl SmtpTls {
    /// As written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starttls => "starttls",
            Self::Tls => "tls",
            Self::None => "none",
        }
    }
}

/// A `[[channel]]` table.
#[derive(Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// The name rules use (`channel = "NAME"`); unique.
    pub name: String,
    /// `slack`, `teams` or `webhook`.
    #[serde(rename = "type")]
    pub kind: ChannelType,
    /// `slack`, `teams`, `webhook`: where to POST (http or https).
    #[serde(default)]
    pub url: Option<String>,
    /// `teams` only: `message_card` (default) or `adaptive`.
    #[serde(default)]
    pub card: Option<TeamsCard>,
    /// `webhook` only: the environment variable holding the HMAC-SHA256 secret. Required:
    /// a receiver must be able to tell our notifications from anyone's.
    #[serde(default)]
    pub secret_env: Option<String>,
    /// `email`: the SMTP server's host name.
    #[serde(default)]
    pub smtp_host: Option<String>,
    /// `email`: its port (default by `tls`: 587, 465 or 25).
    #[serde(default)]
    pub smtp_port: Option<u16>,
    /// `email`: `starttls` (default), `tls` or `none`.
    #[serde(default)]
    pub tls: Option<SmtpTls>,
    /// `email` with `tls = "starttls"` or `"tls"`: a PEM file of the CA certificate(s) to
    /// trust for the SMTP server instead of the system's roots (a private CA, a self-signed
    /// relay). Read at each attempt. The server's certificate must still name `smtp_host`.
    #[serde(default)]
    pub tls_ca_file: Option<std::path::PathBuf>,
    /// `email`: the SMTP user name (with `password_env`); no authentication without it.
    #[serde(default)]
    pub username: Option<String>,
    /// `email`: the environment variable holding the SMTP password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// `email`: the sender, `Name <address>` or `address`.
    #[serde(default)]
    pub from: Option<String>,
    /// `email`: the recipients.
    #[serde(default)]
    pub to: Option<Vec<String>>,
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A Slack or Teams webhook URL is itself a credential: only its host is shown.
        let host = url::Url::parse(self.url.as_deref().unwrap_or_default())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        f.debug_struct("Channel")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &format!("{host}/…"))
            .field("card", &self.card)
            .field("secret_env", &self.secret_env)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("tls", &self.tls)
            .field("tls_ca_file", &self.tls_ca_file)
            .field("username", &self.username)
            .field("password_env", &self.password_env)
            .field("from", &self.from)
            .field("to", &self.to)
            .finish()
    }
}

impl Channel {
    /// What is wrong with this table, as `(key, message)`.
    pub(crate) fn check(&self) -> Option<(&'static str, String)> {
        if self.name.trim().is_empty() {
            return Some(("name", "must not be empty".into()));
        }
        if self.kind == ChannelType::Email {
            return self.check_email();
        }
        let email_keys = [
            ("smtp_host", self.smtp_host.is_some()),
            ("smtp_port", self.smtp_port.is_some()),
            ("tls", self.tls.is_some()),
            ("tls_ca_file", self.tls_ca_file.is_some()),
            ("username", self.username.is_some()),
            ("password_env", self.password_env.is_some()),
            ("from", self.from.is_some()),
            ("to", self.to.is_some()),
        ];
        if let Some((key, _)) = email_keys.iter().find(|(_, set)| *set) {
            return Some((key, "is only for type = \"email\"".into()));
        }
        let Some(url) = &self.url else {
            return Some(("url", format!("a {} channel needs url", self.kind.as_str())));
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Some(("url", format!("{url:?} is not http(s)")));
        }
        if url::Url::parse(url).is_err() {
            return Some(("url", "is not a URL".into()));
        }
        if self.card.is_some() && self.kind != ChannelType::Teams {
            return Some(("card", "is only for type = \"teams\"".into()));
        }
        match (&self.secret_env, self.kind) {
            (None, ChannelType::Webhook) => Some((
                "secret_env",
                "a webhook channel needs secret_env, the environment variable holding its \
                 HMAC-SHA256 secret"
                    .into(),
            )),
            (Some(_), ChannelType::Slack | ChannelType::Teams) => {
                Some(("secret_env", "is only for type = \"webhook\"".into()))
            }
            (Some(env), _) if env.trim().is_empty() => {
                Some(("secret_env", "must name an environment variable".into()))
            }
            _ => None,
        }
    }
}

impl Channel {
    fn check_email(&self) -> Option<(&'static str, String)> {
        for (key, set) in [
            ("url", self.url.is_some()),
            ("card", self.card.is_some()),
            ("secret_env", self.secret_env.is_some()),
        ] {
            if set {
                return Some((key, "is not for type = \"email\"".into()));
            }
        }
        if self
            .smtp_host
            .as_deref()
            .is_none_or(|h| h.trim().is_empty())
        {
            return Some(("smtp_host", "an email channel needs smtp_host".into()));
        }
        if self.tls_ca_file.is_some() && self.tls == Some(SmtpTls::None) {
            return Some((
                "tls_ca_file",
                "is for tls = \"starttls\" or \"tls\" (this channel has tls = \"none\")".into(),
            ));
        }
        if self
            .password_env
            .as_deref()
            .is_some_and(|env| env.trim().is_empty())
        {
            return Some(("password_env", "must name an environment variable".into()));
        }
        if self.username.is_some() && self.tls == Some(SmtpTls::None) {
            return Some((
                "username",
                "SMTP AUTH would send the password in the clear: use tls = \"starttls\" or \"tls\""
                    .into(),
            ));
        }
        if self.username.is_some() != self.password_env.is_some() {
            return Some((
                "password_env",
                "username and password_env go together (the password comes from the environment)"
                    .into(),
            ));
        }
        let Some(from) = &self.from else {
            return Some(("from", "an email channel needs from".into()));
        };
        if let Err(e) = from.parse::<lettre::message::Mailbox>() {
            return Some(("from", format!("{from:?} is not an address: {e}")));
        }
        match &self.to {
            None => {
                return Some((
                    "to",
                    "an email channel needs to (a list of addresses)".into(),
                ));
            }
            Some(to) if to.is_empty() => return Some(("to", "must not be empty".into())),
            Some(to) => {
                for address in to {
                    if let Err(e) = address.parse::<lettre::message::Mailbox>() {
                        return Some(("to", format!("{address:?} is not an address: {e}")));
                    }
                }
            }
        }
        None
    }
}

/// The outbox payload of `notice` for `channel`: `{"type": …, "body": …}`, the body being
/// exactly what is POSTed.
pub fn render(channel: &Channel, notice: &AlertNotice) -> serde_json::Value {
    let body = match channel.kind {
        ChannelType::Slack => serde_json::json!({ "text": notice.text() }),
        ChannelType::Teams => match channel.card.unwrap_or_default() {
            TeamsCard::MessageCard => serde_json::json!({
                "@type": "MessageCard",
                "@context": "https://schema.org/extensions",
                "summary": notice.title(),
                "themeColor": notice.event.color(),
                "title": notice.title(),
                "text": notice.detail_line(),
            }),
            TeamsCard::Adaptive => serde_json::json!({
                "type": "message",
                "attachments": [{
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            { "type": "TextBlock", "weight": "Bolder", "wrap": true, "text": notice.title() },
                            { "type": "TextBlock", "wrap": true, "text": notice.detail_line() },
                        ],
                    },
                }],
            }),
        },
        ChannelType::Webhook => serde_json::to_value(notice).expect("a notice serialises"),
        ChannelType::Email => {
            return serde_json::json!({
                "type": "email",
                "subject": notice.title(),
                "text": format!("{}\n", notice.text()),
            });
        }
    };
    serde_json::json!({ "type": channel.kind.as_str(), "body": body })
}

/// The value of [`SIGNATURE_HEADER`] for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Send a channel row through the channel it names; `Ok(status)` on a 2xx, `Err(message)`
/// otherwise (the outbox retries it).
pub(crate) async fn send(
    http: &reqwest::Client,
    channels: &[Channel],
    item: &OutboxItem,
    timeout: Duration,
) -> std::result::Result<String, String> {
    let Some(channel) = channels.iter().find(|c| c.name == item.target) else {
        return Err(format!(
            "channel {:?} is not configured (a [[channel]] table names it)",
            item.target
        ));
    };
    if channel.kind == ChannelType::Email {
        return send_email(channel, item, timeout).await;
    }
    let body = serde_json::to_vec(&item.payload["body"]).expect("JSON serialises");
    let mut request = http
        .post(channel.url.as_deref().unwrap_or_default())
        .timeout(timeout)
        .header(DELIVERY_ID_HEADER, &item.id)
        .header(http::header::CONTENT_TYPE, "application/json");
    if let Some(env) = &channel.secret_env {
        let secret = std::env::var(env).map_err(|_| {
            format!(
                "channel {:?}: the environment variable {env} (its secret) is not set",
                channel.name
            )
        })?;
        let now = chrono::Utc::now().timestamp();
        request = request.header(SIGNATURE_HEADER, signature(secret.as_bytes(), now, &body));
    }
    match request.body(body).send().await {
        Ok(response) if response.status().is_success() => {
            Ok(response.status().as_u16().to_string())
        }
        Ok(response) => Err(format!(
            "channel {:?} answered {}",
            channel.name,
            response.status()
        )),
        // reqwest's error names the URL, which for Slack and Teams is a credential.
        Err(e) => Err(format!("channel {:?}: {}", channel.name, e.without_url())),
    }
}

/// Send an `email` row; `Ok("250 …")` once the server accepted the message. The whole
/// exchange (connection, TLS handshake, AUTH, the message) is bounded by `timeout`: lettre
/// bounds only the TCP connect, and a server that never answers (say, one expecting a TLS
/// handshake from a client waiting for its greeting) would hold the outbox forever.
async fn send_email(
    channel: &Channel,
    item: &OutboxItem,
    timeout: Duration,
) -> std::result::Result<String, String> {
    use lettre::message::{Mailbox, header::ContentType};
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let name = &channel.name;
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("channel {name:?}: {what}: {e}");
    let host = channel.smtp_host.as_deref().unwrap_or_default();
    let tls = channel.tls.unwrap_or_default();
    let parameters = || -> std::result::Result<TlsParameters, String> {
        let Some(file) = &channel.tls_ca_file else {
            return TlsParameters::new(host.to_owned()).map_err(|e| fail("TLS", &e));
        };
        let shown = file.display();
        let pem = std::fs::read(file).map_err(|e| fail(&format!("tls_ca_file {shown}"), &e))?;
        let ca = Certificate::from_pem(&pem)
            .map_err(|e| fail(&format!("tls_ca_file {shown} (a PEM certificate)"), &e))?;
        TlsParameters::builder(host.to_owned())
            .certificate_store(CertificateStore::None)
            .add_root_certificate(ca)
            .build()
            .map_err(|e| fail(&format!("tls_ca_file {shown}"), &e))
    };
    let tls_setting = match tls {
        SmtpTls::Starttls => Tls::Required(parameters()?),
        SmtpTls::Tls => Tls::Wrapper(parameters()?),
        SmtpTls::None => Tls::None,
    };
    let port = channel.smtp_port.unwrap_or(match tls {
        SmtpTls::Starttls => 587,
        SmtpTls::Tls => 465,
        SmtpTls::None => 25,
    });
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .tls(tls_setting)
        .timeout(Some(timeout));
    if let (Some(user), Some(env)) = (&channel.username, &channel.password_env) {
        let password = std::env::var(env).map_err(|_| {
            format!(
                "channel {name:?}: the environment variable {env} (its SMTP password) is not set"
            )
        })?;
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    let transport = builder.build();
    let parse = |address: &str| -> std::result::Result<Mailbox, String> {
        address.parse().map_err(|e| fail(address, &e))
    };
    let mut message = Message::builder()
        .from(parse(channel.from.as_deref().unwrap_or_default())?)
        // Stable across retries: a mail system that saw the first attempt drops a repeat.
        .message_id(Some(format!("<{}@telnyx-reputation>", item.id)))
        .subject(item.payload["subject"].as_str().unwrap_or_default())
        .header(ContentType::TEXT_PLAIN);
    for to in channel.to.iter().flatten() {
        message = message.to(parse(to)?);
    }
    let message = message
        .body(item.payload["text"].as_str().unwrap_or_default().to_owned())
        .map_err(|e| fail("building the message", &e))?;
    let sent = tokio::time::timeout(timeout, transport.send(message))
        .await
        .map_err(|_| {
            format!(
                "channel {name:?}: the SMTP server {host}:{port} did not finish the exchange \
                 within {timeout:?} (is tls = \"{}\" what it speaks on that port?)",
                tls.as_str()
            )
        })?;
    match sent {
        Ok(response) if response.is_positive() => Ok(format!(
            "{} {}",
            response.code(),
            response.message().collect::<Vec<_>>().join(" ")
        )),
        Ok(response) => Err(format!(
            "channel {name:?}: the SMTP server answered {}",
            response.code()
        )),
        // 535: RFC 4954's "authentication credentials invalid".
        Err(e) if e.status().is_some_and(|code| code.to_string() == "535") => Err(format!(
            "channel {name:?}: the SMTP server refused the credentials of user {:?} (the \
             password in ${}): {e}",
            channel.username.as_deref().unwrap_or_default(),
            channel.password_env.as_deref().unwrap_or_default(),
        )),
        Err(e) => Err(fail("SMTP", &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(extra: &str) -> Channel {
        toml::from_str(&format!(
            "name = \"mail\"\ntype = \"email\"\nsmtp_host = \"smtp.example.test\"\n\
             from = \"a@example.test\"\nto = [\"b@example.test\"]\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn an_email_channel_never_sends_its_password_in_the_clear() {
        let auth = "username = \"u\"\npassword_env = \"SMTP_PASSWORD\"\n";
        assert_eq!(email(auth).check(), None, "STARTTLS by default");
        assert_eq!(email(&format!("{auth}tls = \"tls\"")).check(), None);
        let (key, message) = email(&format!("{auth}tls = \"none\"")).check().unwrap();
        assert_eq!(key, "username");
        assert!(message.contains("in the clear"), "{message}");
        assert_eq!(
            email("tls = \"none\"").check(),
            None,
            "a relay without AUTH"
        );
    }

    #[test]
    fn tls_ca_file_is_for_an_email_channel_with_tls() {
        let ca = "tls_ca_file = \"/etc/ca.pem\"\n";
        assert_eq!(email(ca).check(), None);
        assert_eq!(email(&format!("{ca}tls = \"tls\"")).check(), None);
        assert_eq!(
            email(&format!("{ca}tls = \"none\"")).check().unwrap().0,
            "tls_ca_file"
        );
        let slack: Channel = toml::from_str(
            "name = \"s\"\ntype = \"slack\"\nurl = \"https://hooks.example.test/x\"\n\
             tls_ca_file = \"/etc/ca.pem\"",
        )
        .unwrap();
        assert_eq!(slack.check().unwrap().0, "tls_ca_file");
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            signature(b"key", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
    }
}
