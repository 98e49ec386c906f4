//! The dashboard: server-rendered pages over the store, the same data as a JSON API with
//! its OpenAPI document, and `/metrics` for Prometheus. Read-only; no API key.
//!
//! - Pages: `/` (fleet), `/numbers` (filters as query parameters, keyset pages),
//!   `/numbers.csv` (the same view as CSV), `/numbers/{number}`, `/changes`, `/alerts`
//!   (open, pending, resolved; acknowledge and snooze), `/remediations`; the stylesheet
//!   at `/dashboard.css`. No JavaScript, no inline style.
//! - JSON: `/api/v1/fleet`, `/api/v1/numbers`, `/api/v1/numbers/{number}`,
//!   `/api/v1/changes`, `/api/v1/alerts` (and `POST …/{id}/acknowledge`, `…/snooze`),
//!   `/api/v1/remediations`, described at `/api/v1/openapi.json`.
//! - `/metrics`: the Prometheus text format.
//!
//! Acknowledging and snoozing are the only writes: HTML forms posting a CSRF token (the
//! HMAC-SHA256, under a secret drawn when the process starts, of a random session cookie,
//! checked in constant time), or API calls with a JSON body (which a page of another site
//! cannot send without the browser asking first, and nothing here allows it).
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
use axum::extract::{FromRef, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use hmac::Mac;
use telnyx_reputation::Usd;

use crate::Store;
use query::{AlertParams, ChangeParams, NumberParams, QueryError, RemediationParams};

/// The cookie holding a browser's dashboard session (what its CSRF tokens are made of).
pub const SESSION_COOKIE: &str = "trd_session";

/// The CSRF guard of the dashboard's forms: a secret drawn when the process starts; the
/// token of a form is the hex HMAC-SHA256 of the browser's session cookie under it.
#[derive(Clone)]
pub struct Csrf {
    key: [u8; 32],
}

impl std::fmt::Debug for Csrf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Csrf(<secret>)")
    }
}

impl Csrf {
    /// A guard with a fresh random secret.
    pub fn new() -> Self {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self { key }
    }

    fn mac(&self, session: &str) -> hmac::Hmac<sha2::Sha256> {
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        mac.update(session.as_bytes());
        mac
    }

    /// The token of `session`'s forms.
    pub fn token(&self, session: &str) -> String {
        hex::encode(self.mac(session).finalize().into_bytes())
    }

    /// Whether `token` is `session`'s, compared in constant time.
    pub fn check(&self, session: &str, token: &str) -> bool {
        match hex::decode(token) {
            Ok(bytes) => self.mac(session).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

impl Default for Csrf {
    fn default() -> Self {
        Self::new()
    }
}

/// What every dashboard handler can reach.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    csrf: Csrf,
    budget: Option<Usd>,
}

impl FromRef<App> for Store {
    fn from_ref(app: &App) -> Store {
        app.store.clone()
    }
}

/// The session cookie's value in `headers`, if it has a well-formed one.
fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The browser's session and, for a browser without one, the cookie that starts it.
fn session(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match session_of(headers) {
        Some(s) => (s, None),
        None => {
            let s = uuid::Uuid::new_v4().simple().to_string();
            let cookie = format!("{SESSION_COOKIE}={s}; Path=/; HttpOnly; SameSite=Strict");
            (s, HeaderValue::from_str(&cookie).ok())
        }
    }
}

/// Who is acting: the basic-auth user name of the request, or `fallback`.
fn actor(headers: &HeaderMap, fallback: &str) -> String {
    use base64::Engine;
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|d| String::from_utf8(d).ok())
        .and_then(|d| d.split_once(':').map(|(user, _)| user.to_owned()))
        .filter(|u| !u.is_empty() && u.len() <= 100)
        .unwrap_or_else(|| fallback.to_owned())
}

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
    budget: Option<Usd>,
}

impl Dashboard {
    /// The dashboard of `store`, open to anyone who reaches it (see [`Dashboard::token`]).
    pub fn new(store: Store) -> Self {
        Self {
            store,
            token: None,
            budget: None,
        }
    }

    /// The monthly budget of fresh reads per enterprise (the service's `[policy]
    /// monthly_budget_usd`), shown against this month's spend.
    pub fn budget(mut self, budget: Option<Usd>) -> Self {
        self.budget = budget;
        self
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
            .route("/alerts", get(alerts_page))
            .route("/alerts/{id}/acknowledge", post(acknowledge_form))
            .route("/alerts/{id}/snooze", post(snooze_form))
            .route("/remediations", get(remediations_page))
            .route("/metrics", get(metrics::handler))
            .merge(api::router())
            .with_state(App {
                store: self.store.clone(),
                csrf: Csrf::new(),
                budget: self.budget,
            });
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
pub fn for_service(store: &Store, listen: SocketAddr, budget: Option<Usd>) -> Router {
    let token = Token::from_env();
    if check_listen(listen, token.as_ref()).is_err() {
        return Router::new();
    }
    Dashboard::new(store.clone())
        .token(token)
        .budget(budget)
        .router()
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

async fn fleet_page(State(app): State<App>) -> Response {
    match query::fleet(&app.store, Utc::now(), app.budget).await {
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
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<String>,
    Query(params): Query<EnterpriseParam>,
) -> Response {
    let enterprise = params.enterprise.filter(|e| !e.is_empty());
    let (session, cookie) = session(&headers);
    let form = pages::FormContext {
        token: app.csrf.token(&session),
        back: format!(
            "/numbers/{number}{}",
            enterprise
                .as_deref()
                .map(|e| format!("?{}", pages::query_string(&[("enterprise", Some(e))])))
                .unwrap_or_default()
        ),
    };
    match query::number(&app.store, &number, enterprise.as_deref()).await {
        Ok(histories) => {
            let status = if histories.is_empty() {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            with_cookie(
                (
                    status,
                    pages::number(&number, &histories, Utc::now(), &form),
                )
                    .into_response(),
                cookie,
            )
        }
        Err(e) => page_error(e.into()),
    }
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

async fn alerts_page(
    State(app): State<App>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    params: Result<Query<AlertParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (session, cookie) = session(&headers);
    let run = async {
        let params = unreadable(params)?;
        let filter = params.filter()?;
        let page = query::alerts(&app.store, &filter).await?;
        let form = pages::FormContext {
            token: app.csrf.token(&session),
            back: uri
                .path_and_query()
                .map_or_else(|| "/alerts".to_owned(), |p| p.as_str().to_owned()),
        };
        Ok::<_, QueryError>(pages::alerts(&params, &page, Utc::now(), &form))
    };
    match run.await {
        Ok(page) => with_cookie(page.into_response(), cookie),
        Err(e) => page_error(e),
    }
}

/// The fields of an acknowledge or snooze form.
#[derive(Debug, Default)]
struct AlertForm {
    csrf: String,
    back: Option<String>,
    span: Option<String>,
}

impl AlertForm {
    fn parse(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "csrf" => form.csrf = value.into_owned(),
                "back" => form.back = Some(value.into_owned()),
                "for" => form.span = Some(value.into_owned()),
                _ => {}
            }
        }
        form
    }

    /// Where to go after: the page the form was on, when it is a path of this site.
    fn back(&self) -> String {
        match self.back.as_deref() {
            Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => {
                b.to_owned()
            }
            _ => "/alerts".to_owned(),
        }
    }
}

/// The form, when its CSRF token is the browser's session's.
fn checked_form(app: &App, headers: &HeaderMap, body: &[u8]) -> Option<AlertForm> {
    let form = AlertForm::parse(body);
    session_of(headers)
        .is_some_and(|s| app.csrf.check(&s, &form.csrf))
        .then_some(form)
}

/// The answer to a form without a valid CSRF token.
fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        pages::error(
            "Refused",
            "This form's security token is missing or stale (it is tied to this browser's \
             session and to the running dashboard): reload the page and try again.",
        ),
    )
        .into_response()
}

fn action_page(result: crate::Result<query::AlertAction>, back: String) -> Response {
    match result {
        Ok(query::AlertAction::Done(_)) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response()
        }
        Ok(query::AlertAction::NotFound) => (
            StatusCode::NOT_FOUND,
            pages::error("No such alert", "The store has no alert with this id."),
        )
            .into_response(),
        Ok(query::AlertAction::Resolved(_)) => (
            StatusCode::CONFLICT,
            pages::error("Resolved", "This alert resolved already: nothing to hold."),
        )
            .into_response(),
        Err(e) => page_error(e.into()),
    }
}

async fn acknowledge_form(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(form) = checked_form(&app, &headers, &body) else {
        return csrf_refused();
    };
    let who = actor(&headers, "dashboard");
    action_page(
        query::acknowledge(&app.store, &id, &who, Utc::now()).await,
        form.back(),
    )
}

async fn snooze_form(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(form) = checked_form(&app, &headers, &body) else {
        return csrf_refused();
    };
    let now = Utc::now();
    let until = match query::parse_snooze(form.span.as_deref().unwrap_or(""), now) {
        Ok(until) => until,
        Err(bad) => return page_error(QueryError::Bad(bad)),
    };
    let who = actor(&headers, "dashboard");
    action_page(
        query::snooze(&app.store, &id, &who, until).await,
        form.back(),
    )
}

async fn remediations_page(
    State(store): State<Store>,
    params: Result<Query<RemediationParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = unreadable(params)?;
        let filter = params.filter()?;
        let page = query::remediations(&store, &filter).await?;
        Ok::<_, QueryError>(pages::remediations(&params, &page))
    };
    match run.await {
        Ok(page) => page.into_response(),
        Err(e) => page_error(e),
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
    fn a_csrf_token_is_its_sessions_and_this_processs() {
        let csrf = Csrf::new();
        let token = csrf.token("0123456789abcdef0123456789abcdef");
        assert!(csrf.check("0123456789abcdef0123456789abcdef", &token));
        assert!(!csrf.check("0123456789abcdef0123456789abcdee", &token));
        assert!(!csrf.check("0123456789abcdef0123456789abcdef", &token[1..]));
        assert!(!csrf.check("0123456789abcdef0123456789abcdef", "zz"));
        assert!(!Csrf::new().check("0123456789abcdef0123456789abcdef", &token));
        assert_eq!(format!("{csrf:?}"), "Csrf(<secret>)");
    }

    #[test]
    fn the_session_cookie_is_read_among_others_and_checked() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; trd_session=0123456789abcdef0123456789abcdef"),
        );
        assert_eq!(
            session_of(&headers).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        headers.insert(header::COOKIE, HeaderValue::from_static("trd_session=<x>"));
        assert_eq!(session_of(&headers), None);
        let (fresh, cookie) = session(&headers);
        let cookie = cookie.unwrap();
        let cookie = cookie.to_str().unwrap();
        assert!(
            cookie.contains(&fresh)
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
        );
    }

    #[test]
    fn a_form_goes_back_only_to_a_path_of_this_site() {
        let back = |b: &str| {
            AlertForm {
                back: Some(b.into()),
                ..AlertForm::default()
            }
            .back()
        };
        assert_eq!(back("/alerts?state=all"), "/alerts?state=all");
        assert_eq!(back("//evil.example/"), "/alerts");
        assert_eq!(back("https://evil.example/"), "/alerts");
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("+12025550100"), "+12025550100");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
