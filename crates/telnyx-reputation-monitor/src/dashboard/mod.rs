//! The dashboard: server-rendered pages over the store, the same data as a JSON API with
//! its OpenAPI document, and `/metrics` for Prometheus. Read-only; no API key.
//!
//! - Pages: `/` (fleet), `/numbers` (filters as query parameters, keyset pages),
//!   `/numbers.csv` (the same view as CSV), `/numbers/{number}`, `/changes`; the stylesheet
//!   at `/dashboard.css`. No JavaScript, no inline style.
//! - JSON: `/api/v1/fleet`, `/api/v1/numbers`, `/api/v1/numbers/{number}`,
//!   `/api/v1/changes`, described at `/api/v1/openapi.json`.
//! - `/metrics`: the Prometheus text format.
//!
//! Pages and API read through one query layer, [`query`]. Served alone by
//! `telnyx-reputation monitor dashboard` and mounted in `monitor serve`
//! ([`crate::service`]). Every response carries a Content-Security-Policy without inline
//! scripts or styles, `X-Content-Type-Options: nosniff` and frame denial. With a token
//! ([`Token`]) every dashboard route needs it (`Authorization: Bearer TOKEN`, or basic
//! auth with the token as the password), compared in constant time; on an address that is
//! not loopback the dashboard refuses to run without one ([`check_listen`]).

pub mod api;
mod chart;
pub mod metrics;
pub mod pages;
pub mod query;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;

use crate::Store;
use query::{ChangeParams, NumberParams, QueryError};

/// The environment variable holding the dashboard's access token.
pub const TOKEN_ENV: &str = "TELNYX_REPUTATION_DASHBOARD_TOKEN";

/// The default address of `monitor dashboard`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// The Content-Security-Policy of every dashboard response: nothing but same-origin
/// stylesheets and images, no scripts at all, never framed.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The dashboard's access token (from [`TOKEN_ENV`]); never printed.
#[derive(Clone)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// A token; `None` when empty.
    pub fn new(token: impl Into<String>) -> Option<Self> {
        let token = token.into();
        (!token.is_empty()).then_some(Self(token))
    }

    /// The token in [`TOKEN_ENV`], if set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var(TOKEN_ENV).ok().and_then(Self::new)
    }

    /// Whether `given` is the token, in time independent of where they differ.
    fn matches(&self, given: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.0.as_bytes().ct_eq(given))
    }

    /// Whether an `Authorization` header value carries the token: `Bearer TOKEN`, or
    /// `Basic base64(USER:TOKEN)` (any user) so a browser's login prompt works.
    fn authorizes(&self, header: &str) -> bool {
        if let Some(bearer) = header.strip_prefix("Bearer ") {
            return self.matches(bearer.trim().as_bytes());
        }
        if let Some(basic) = header.strip_prefix("Basic ") {
            use base64::Engine;
            let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(basic.trim()) else {
                return false;
            };
            let password = match decoded.iter().position(|b| *b == b':') {
                Some(i) => &decoded[i + 1..],
                None => return false,
            };
            return self.matches(password);
        }
        false
    }
}

/// Refuse to serve the dashboard on an address other than loopback without a token.
pub fn check_listen(address: SocketAddr, token: Option<&Token>) -> Result<(), String> {
    if address.ip().is_loopback() || token.is_some() {
        Ok(())
    } else {
        Err(format!(
            "{address} is not a loopback address: the dashboard is served there only with an \
             access token (set {TOKEN_ENV})"
        ))
    }
}

/// The dashboard over one store.
#[derive(Debug, Clone)]
pub struct Dashboard {
    store: Store,
    token: Option<Token>,
}

impl Dashboard {
    /// The dashboard of `store`, open to anyone who reaches it (see [`Dashboard::token`]).
    pub fn new(store: Store) -> Self {
        Self { store, token: None }
    }

    /// Require `token` on every dashboard route.
    pub fn token(mut self, token: Option<Token>) -> Self {
        self.token = token;
        self
    }

    /// The router: pages, API, metrics, with the security headers and (with a token) the
    /// access check. Mergeable into another router (its other routes are untouched).
    pub fn router(&self) -> Router {
        let routes = Router::new()
            .route("/", get(fleet_page))
            .route("/dashboard.css", get(stylesheet))
            .route("/numbers", get(numbers_page))
            .route("/numbers.csv", get(numbers_csv))
            .route("/numbers/{number}", get(number_page))
            .route("/changes", get(changes_page))
            .route("/metrics", get(metrics::handler))
            .merge(api::router())
            .with_state(self.store.clone());
        let routes = match self.token.clone() {
            Some(token) => routes.layer(axum::middleware::from_fn(move |request, next| {
                authorize(token.clone(), request, next)
            })),
            None => routes,
        };
        routes.layer(axum::middleware::from_fn(security_headers))
    }

    /// Serve the dashboard on `listener` until `shutdown` resolves (refusing a non-loopback
    /// address without a token).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> crate::Result<()> {
        let address = listener
            .local_addr()
            .map_err(|source| crate::MonitorError::Io {
                path: "dashboard listener".into(),
                source,
            })?;
        check_listen(address, self.token.as_ref()).map_err(|message| crate::MonitorError::Io {
            path: format!("dashboard on {address}"),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, message),
        })?;
        crate::receiver::serve_router(
            self.router(),
            listener,
            crate::ServeOptions::default(),
            shutdown,
        )
        .await
        .map_err(|source| crate::MonitorError::Io {
            path: format!("dashboard on {address}"),
            source,
        })
    }
}

/// The dashboard routes `monitor serve` mounts next to its webhook and health routes: with
/// the token of [`TOKEN_ENV`] when set; none at all on an address that is not loopback
/// without a token (the webhook stays reachable there; [`check_listen`] says why).
pub fn for_service(store: &Store, listen: SocketAddr) -> Router {
    let token = Token::from_env();
    if check_listen(listen, token.as_ref()).is_err() {
        return Router::new();
    }
    Dashboard::new(store.clone()).token(token).router()
}

async fn authorize(token: Token, request: Request, next: Next) -> Response {
    let allowed = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| token.authorizes(v));
    if allowed {
        next.run(request).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                "Basic realm=\"telnyx-reputation dashboard\", charset=\"UTF-8\"",
            )],
            "the dashboard needs its access token: Authorization: Bearer TOKEN\n",
        )
            .into_response()
    }
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A query failure as a page: 400 naming the parameter, or 500.
fn page_error(error: QueryError) -> Response {
    match error {
        QueryError::Bad(bad) => {
            (StatusCode::BAD_REQUEST, pages::error("Bad request", &bad.0)).into_response()
        }
        QueryError::Store(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            pages::error("The store failed", &e.to_string()),
        )
            .into_response(),
    }
}

/// Query parameters that could not be read at all (e.g. `limit=abc`), as a 400.
fn unreadable<T>(
    query: Result<Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, QueryError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| QueryError::Bad(query::BadRequest(e.body_text())))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        pages::CSS,
    )
}

async fn fleet_page(State(store): State<Store>) -> Response {
    match query::fleet(&store, Utc::now()).await {
        Ok(fleet) => pages::fleet(&fleet).into_response(),
        Err(e) => page_error(e.into()),
    }
}

async fn numbers_page(
    State(store): State<Store>,
    params: Result<Query<NumberParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = unreadable(params)?;
        let filter = params.filter(Utc::now())?;
        let page = query::numbers(&store, &filter).await?;
        Ok::<_, QueryError>(pages::numbers(&params, &page))
    };
    match run.await {
        Ok(page) => page.into_response(),
        Err(e) => page_error(e),
    }
}

/// The CSV header of `/numbers.csv`.
pub const CSV_HEADER: &str = "enterprise_id,phone_number,spam_risk,spam_category,maturity_score,\
     connection_score,engagement_score,sentiment_score,ownership_status,observed_at";

fn csv_field(text: &str) -> String {
    // A leading =, +, - or @ would be a formula in a spreadsheet: quote it as text.
    let formula = text.starts_with(['=', '-', '@'])
        || (text.starts_with('+') && !text[1..].chars().all(|c| c.is_ascii_digit()));
    if formula {
        format!("\"'{}\"", text.replace('"', "\"\""))
    } else if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

async fn numbers_csv(
    State(store): State<Store>,
    params: Result<Query<NumberParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = unreadable(params)?;
        let filter = params.filter(Utc::now())?.first_page();
        let mut out = String::from(CSV_HEADER);
        out.push('\n');
        query::each_number(&store, &filter, |n| {
            let opt = |v: &Option<String>| v.as_deref().map(csv_field).unwrap_or_default();
            let num = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                csv_field(&n.enterprise_id),
                csv_field(&n.phone_number),
                opt(&n.spam_risk),
                opt(&n.spam_category),
                num(n.maturity_score),
                num(n.connection_score),
                num(n.engagement_score),
                num(n.sentiment_score),
                opt(&n.ownership_status),
                n.observed_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ));
        })
        .await?;
        Ok::<_, QueryError>(out)
    };
    match run.await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"numbers.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
        Err(e) => page_error(e),
    }
}

/// The `enterprise` query parameter of a number's page.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseParam {
    /// Only this enterprise's history of the number.
    pub enterprise: Option<String>,
}

async fn number_page(
    State(store): State<Store>,
    Path(number): Path<String>,
    Query(params): Query<EnterpriseParam>,
) -> Response {
    let enterprise = params.enterprise.filter(|e| !e.is_empty());
    match query::number(&store, &number, enterprise.as_deref()).await {
        Ok(histories) => {
            let status = if histories.is_empty() {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            (status, pages::number(&number, &histories, Utc::now())).into_response()
        }
        Err(e) => page_error(e.into()),
    }
}

async fn changes_page(
    State(store): State<Store>,
    params: Result<Query<ChangeParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = unreadable(params)?;
        let filter = params.filter(Utc::now())?;
        let page = query::changes(&store, &filter).await?;
        Ok::<_, QueryError>(pages::changes(&params, &page))
    };
    match run.await {
        Ok(page) => page.into_response(),
        Err(e) => page_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_checked_as_bearer_or_basic_password() {
        use base64::Engine;
        let token = Token::new("s3cret").unwrap();
        assert!(token.authorizes("Bearer s3cret"));
        assert!(!token.authorizes("Bearer s3cre"));
        assert!(!token.authorizes("Bearer s3cret2"));
        let basic = base64::engine::general_purpose::STANDARD.encode("anyone:s3cret");
        assert!(token.authorizes(&format!("Basic {basic}")));
        let wrong = base64::engine::general_purpose::STANDARD.encode("s3cret:nope");
        assert!(!token.authorizes(&format!("Basic {wrong}")));
        assert!(!token.authorizes("s3cret"));
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert!(Token::new("").is_none());
    }

    #[test]
    fn only_loopback_is_served_without_a_token() {
        let token = Token::new("t");
        assert!(check_listen("127.0.0.1:8787".parse().unwrap(), None).is_ok());
        assert!(check_listen("[::1]:8787".parse().unwrap(), None).is_ok());
        let refused = check_listen("0.0.0.0:8787".parse().unwrap(), None).unwrap_err();
        assert!(refused.contains(TOKEN_ENV), "{refused}");
        assert!(check_listen("0.0.0.0:8787".parse().unwrap(), token.as_ref()).is_ok());
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("+12025550100"), "+12025550100");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
