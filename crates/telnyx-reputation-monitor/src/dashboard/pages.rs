//! The HTML pages (maud: every value is escaped). No JavaScript and no inline styles: the
//! stylesheet is served from `/dashboard.css`, so the Content-Security-Policy can forbid
//! both.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::chart;
use super::query::{
    ALERT_STATES, AlertPage, AlertParams, AlertRow, ChangePage, ChangeParams, Fleet, NumberHistory,
    NumberPage, NumberParams, REMEDIATION_STATES, RISKS, RemediationPage, RemediationParams,
    SNOOZES, Sort,
};

/// The navigation, in order.
pub const NAV: [(&str, &str); 5] = [
    ("/", "Fleet"),
    ("/numbers", "Numbers"),
    ("/changes", "Changes"),
    ("/alerts", "Alerts"),
    ("/remediations", "Remediations"),
];

/// What a page's forms carry: the CSRF token of the browser's session, and the page to
/// come back to.
#[derive(Debug, Clone)]
pub struct FormContext {
    /// The token ([`super::Csrf::token`] of the session).
    pub token: String,
    /// The path (and query) of the page the form is on.
    pub back: String,
}

/// The stylesheet of every page.
pub const CSS: &str = "\
body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}\
header{background:#1f2933;padding:.6em 1.5em}header a{color:#eee;margin-right:1.2em;text-decoration:none}\
header a.here{color:#fff;font-weight:bold;border-bottom:2px solid #fff}\
main{padding:1em 1.5em}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}\
table{border-collapse:collapse;background:#fff}th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left}\
td.n,th.n{text-align:right}.tiles{display:flex;gap:1em;flex-wrap:wrap}\
.tile{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:7em}\
.tile b{display:block;font-size:1.6em}.high{color:#c62828}.medium{color:#b26a00}.low{color:#2e7d32}.none{color:#777}\
form.filters{display:flex;gap:.6em;flex-wrap:wrap;align-items:end;margin-bottom:1em}\
form.filters label{display:flex;flex-direction:column;font-size:.85em}\
.error{background:#fdecea;border:1px solid #c62828;padding:.6em 1em}\
.legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;vertical-align:middle}\
.s0{background:#1f77b4}.s1{background:#9467bd}.s2{background:#17becf}.s3{background:#bcbd22}\
.rhigh{background:#d22d2d}.rmedium{background:#e6961e}.rlow{background:#2ea043}.rnone{background:#a0a0a0}\
figure{margin:0;background:#fff;border:1px solid #ddd;display:inline-block}\
.charts{display:flex;gap:1em;flex-wrap:wrap}.charts figcaption{padding:.3em .6em;font-size:.9em}\
form.inline{display:inline-flex;gap:.3em;margin:0 .4em 0 0}form.inline button{font-size:.85em}\
.quiet{color:#777}.over{color:#c62828;font-weight:bold}td.detail{max-width:28em}\
";

fn layout(title: &str, here: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · telnyx-reputation" }
                link rel="stylesheet" href="/dashboard.css";
            }
            body {
                header {
                    nav {
                        @for (path, name) in NAV {
                            a href=(path) class=[(path == here).then_some("here")] { (name) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page saying what was wrong with the request.
pub fn error(title: &str, message: &str) -> Markup {
    layout(title, "", html! { h1 { (title) } p.error { (message) } })
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn opt<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "—".into(), ToString::to_string)
}

fn risk_class(risk: Option<&str>) -> &'static str {
    match risk {
        Some("high") => "high",
        Some("medium") => "medium",
        Some("low") => "low",
        _ => "none",
    }
}

pub(super) fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            s.append_pair(key, value);
        }
    }
    s.finish()
}

/// The link to the numbers page filtered by `risk` (and optionally an enterprise).
fn numbers_link(enterprise: Option<&str>, risk: &str) -> String {
    format!(
        "/numbers?{}",
        query_string(&[("enterprise", enterprise), ("risk", Some(risk))])
    )
}

/// `/`: the fleet.
pub fn fleet(fleet: &Fleet) -> Markup {
    layout(
        "Fleet",
        "/",
        html! {
            h1 { "Fleet" }
            div.tiles {
                div.tile { b id="total-numbers" { (fleet.total.total()) } "numbers" }
                @for risk in RISKS {
                    a.tile.(risk) href=(numbers_link(None, risk)) {
                        b id={ "total-" (risk) } { (fleet.total.of(risk)) } (risk)
                    }
                }
                div.tile { b id="changed-24h" { (fleet.changed_24h) } "changed in 24 h" }
                div.tile { b id="changed-7d" { (fleet.changed_7d) } "changed in 7 d" }
                div.tile { b id="spend-month" { (fleet.spend_total) } "spent in " (fleet.month) }
                a.tile.high href="/alerts?state=open" { b id="alerts-open" { (fleet.alerts.open) } "open alerts" }
                a.tile href="/alerts?state=open" { b id="alerts-acknowledged" { (fleet.alerts.acknowledged) } "acknowledged" }
                a.tile href="/alerts?state=pending" { b id="alerts-pending" { (fleet.alerts.pending) } "pending alerts" }
            }
            h2 { "Numbers per risk level, last " (super::query::RISK_DAYS) " days" }
            div.charts {
                @for h in &fleet.risk_history {
                    @let name = h.enterprise_id.as_deref().unwrap_or("All enterprises");
                    figure.risk-chart id=[h.enterprise_id.is_none().then_some("risk-chart-total")] {
                        (PreEscaped(chart::risk_svg(&h.points, h.enterprise_id.is_none())))
                        figcaption { (name) }
                    }
                }
            }
            p.legend { @for risk in RISKS { span class={ "r" (risk) } {} (risk) } }
            h2 { "Numbers per enterprise and risk" }
            @if fleet.enterprises.is_empty() {
                p { "No numbers yet: run a sync (" code { "telnyx-reputation monitor sync" } ")." }
            } @else {
                table id="per-enterprise" {
                    thead { tr { th { "enterprise" } @for risk in RISKS { th.n { (risk) } } th.n { "total" } } }
                    tbody {
                        @for e in &fleet.enterprises {
                            @let id = e.enterprise_id.as_deref().unwrap_or_default();
                            tr {
                                td { a href={ "/numbers?" (query_string(&[("enterprise", Some(id))])) } { (id) } }
                                @for risk in RISKS {
                                    td.n { a href=(numbers_link(Some(id), risk)) { (e.of(risk)) } }
                                }
                                td.n { (e.total()) }
                            }
                        }
                    }
                }
            }
            h2 { "Sync health" }
            @if fleet.syncs.is_empty() {
                p { "No sync recorded." }
            } @else {
                table id="syncs" {
                    thead { tr { th { "enterprise" } th { "last sync" } th.n { "numbers" } th.n { "changes" } th.n { "syncs" } } }
                    tbody {
                        @for s in &fleet.syncs {
                            tr { td { (s.enterprise_id) } td { (when(s.last_sync)) } td.n { (s.numbers) } td.n { (s.changes) } td.n { (s.syncs) } }
                        }
                    }
                }
            }
            h2 { "Spend in " (fleet.month) " (measured, published prices)" }
            @if fleet.spend.is_empty() {
                p { "Nothing recorded this month." }
            } @else {
                table id="spend" {
                    thead { tr { th { "enterprise" } th.n { "scheduled re-checks" } th.n { "fresh reads" } th.n { "fresh reads' cost" } th.n { "monthly budget" } th.n { "remediations" } th.n { "total (with the monthly fee)" } } }
                    tbody {
                        @for s in &fleet.spend {
                            tr {
                                td { (s.enterprise_id) } td.n { (s.scheduled_checks) } td.n { (s.fresh_checks) }
                                td.n.over[s.over_budget] { (s.fresh) }
                                td.n { (s.budget.as_deref().unwrap_or("none set")) }
                                td.n { (s.remediations) } td.n { (s.total) }
                            }
                        }
                    }
                }
            }
            p { small { "As of " (when(fleet.at)) ". JSON: " a href="/api/v1/fleet" { "/api/v1/fleet" } "; Prometheus: " a href="/metrics" { "/metrics" } "." } }
        },
    )
}

fn select(name: &str, current: Option<&str>, options: &[&str]) -> Markup {
    html! {
        select name=(name) {
            option value="" selected[current.is_none()] { "any" }
            @for o in options {
                option value=(o) selected[current == Some(*o)] { (o) }
            }
        }
    }
}

/// `/numbers`: one page of the filtered, sorted numbers.
pub fn numbers(params: &NumberParams, page: &NumberPage) -> Markup {
    let p = |v: &Option<String>| v.as_deref().map(str::to_owned);
    let filters = [
        ("enterprise", p(&params.enterprise)),
        ("risk", p(&params.risk)),
        ("category", p(&params.category)),
        ("ownership", p(&params.ownership)),
        ("changed_since", p(&params.changed_since)),
        ("prefix", p(&params.prefix)),
        ("sort", p(&params.sort)),
        ("dir", p(&params.dir)),
        ("limit", params.limit.map(|l| l.to_string())),
    ];
    let pairs: Vec<(&str, Option<&str>)> =
        filters.iter().map(|(k, v)| (*k, v.as_deref())).collect();
    let view = query_string(&pairs);
    let next = page.next.as_deref().map(|next| {
        let mut with = pairs.clone();
        with.push(("after", Some(next)));
        format!("/numbers?{}", query_string(&with))
    });
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    layout(
        "Numbers",
        "/numbers",
        html! {
            h1 { "Numbers" }
            form.filters method="get" action="/numbers" {
                label { "enterprise" input name="enterprise" value=(text(&params.enterprise)); }
                label { "risk" (select("risk", params.risk.as_deref(), &RISKS)) }
                label { "category" input name="category" value=(text(&params.category)); }
                label { "ownership" input name="ownership" value=(text(&params.ownership)); }
                label { "changed since" input name="changed_since" placeholder="7d" value=(text(&params.changed_since)); }
                label { "number starts with" input name="prefix" placeholder="+1202" value=(text(&params.prefix)); }
                label { "sort by" (select("sort", params.sort.as_deref(), &Sort::NAMES)) }
                label { "order" (select("dir", params.dir.as_deref(), &["asc", "desc"])) }
                button type="submit" { "Show" }
            }
            p {
                a id="csv" href={ "/numbers.csv?" (view) } { "Export this view as CSV" }
                " · " a href={ "/api/v1/numbers?" (view) } { "JSON" }
            }
            table id="numbers" {
                thead { tr {
                    th { "number" } th { "enterprise" } th { "risk" } th { "category" }
                    th.n { "maturity" } th.n { "connection" } th.n { "engagement" } th.n { "sentiment" }
                    th { "ownership" } th { "last reading" }
                } }
                tbody {
                    @for n in &page.numbers {
                        tr {
                            td { a href={ "/numbers/" (n.phone_number) "?" (query_string(&[("enterprise", Some(&n.enterprise_id))])) } { (n.phone_number) } }
                            td { (n.enterprise_id) }
                            td.(risk_class(n.spam_risk.as_deref())) { (opt(&n.spam_risk)) }
                            td.category { (opt(&n.spam_category)) }
                            td.n { (opt(&n.maturity_score)) }
                            td.n { (opt(&n.connection_score)) }
                            td.n { (opt(&n.engagement_score)) }
                            td.n { (opt(&n.sentiment_score)) }
                            td { (opt(&n.ownership_status)) }
                            td { (when(n.observed_at)) }
                        }
                    }
                }
            }
            @if page.numbers.is_empty() { p { "No number matches." } }
            p {
                @if params.after.is_some() { a href={ "/numbers?" (view) } { "First page" } " " }
                @if let Some(next) = &next { a id="next" rel="next" href=(next) { "Next page" } }
            }
        },
    )
}

/// `/numbers/{number}`: a number's history in every enterprise that monitors it.
pub fn number(
    phone_number: &str,
    histories: &[NumberHistory],
    now: DateTime<Utc>,
    form: &FormContext,
) -> Markup {
    layout(
        phone_number,
        "/numbers",
        html! {
            h1 { (phone_number) }
            @if histories.is_empty() {
                p.error { "The store has no reading of " (phone_number) "." }
            }
            @for h in histories {
                section.enterprise {
                    h2 { "Enterprise " (h.enterprise_id)
                        @if let Some(at) = h.removed_at { " (left monitoring " (when(at)) ")" } }
                    @if let Some(last) = h.readings.last() {
                        p { "Now: risk " span.(risk_class(last.spam_risk.as_deref())) { (opt(&last.spam_risk)) }
                            ", category " span.category { (opt(&last.spam_category)) }
                            ", ownership " (opt(&last.ownership_status)) "." }
                    }
                    figure {
                        (PreEscaped(chart::history_svg(&h.readings, h.removed_at.unwrap_or(now))))
                    }
                    p.legend {
                        @for (i, name) in crate::SCORES.iter().enumerate() { span class={ "s" (i) } {} (name) }
                        " · risk band:"
                        @for risk in RISKS { span class={ "r" (risk) } {} (risk) }
                    }
                    h3 { "Readings (" (h.readings.len()) ")" }
                    table.readings {
                        thead { tr { th { "observed" } th { "risk" } th { "category" } th.n { "maturity" } th.n { "connection" } th.n { "engagement" } th.n { "sentiment" } th { "ownership" } } }
                        tbody {
                            @for r in h.readings.iter().rev() {
                                tr {
                                    td { (when(r.observed_at)) }
                                    td.(risk_class(r.spam_risk.as_deref())) { (opt(&r.spam_risk)) }
                                    td.category { (opt(&r.spam_category)) }
                                    td.n { (opt(&r.maturity_score)) } td.n { (opt(&r.connection_score)) }
                                    td.n { (opt(&r.engagement_score)) } td.n { (opt(&r.sentiment_score)) }
                                    td { (opt(&r.ownership_status)) }
                                }
                            }
                        }
                    }
                    h3 { "Changes (" (h.changes.len()) ")" }
                    table.changes {
                        thead { tr { th { "at" } th { "kind" } th { "field" } th { "from" } th { "to" } } }
                        tbody {
                            @for c in h.changes.iter().rev() {
                                tr { td { (when(c.at)) } td { (c.kind) } td { (c.field) } td { (opt(&c.old_value)) } td { (opt(&c.new_value)) } }
                            }
                        }
                    }
                    h3 { "Webhook events (" (h.events.len()) ")" }
                    @if !h.events.is_empty() {
                        table.events {
                            thead { tr { th { "received" } th { "type" } th { "occurred" } th { "flag reason" } th { "id" } } }
                            tbody {
                                @for e in h.events.iter().rev() {
                                    tr { td { (when(e.received_at)) } td { (e.event_type) } td { (e.occurred_at.map(when).unwrap_or_default()) } td { (opt(&e.flag_reason)) } td { (e.event_id) } }
                                }
                            }
                        }
                    }
                    h3 { "Alerts (" (h.alerts.len()) ")" }
                    @if !h.alerts.is_empty() { (alerts_table(&h.alerts, now, form, false)) }
                    h3 { "Remediation requests (" (h.remediations.len()) ")" }
                    @if !h.remediations.is_empty() {
                        table.remediations {
                            thead { tr { th { "submitted" } th { "request" } th { "status" } th { "finished" } th { "by" } th { "outcome" } th { "1 day" } th { "7 days" } th { "30 days" } } }
                            tbody {
                                @for r in h.remediations.iter().rev() {
                                    tr {
                                        td { (when(r.submitted_at)) } td { (r.id) } td { (r.state) }
                                        td { (r.finished_at.map(when).unwrap_or_default()) }
                                        td { (r.source) @if let Some(rule) = &r.rule { " (" (rule) ")" } }
                                        td { (opt(&r.number.outcome)) }
                                        td { (recheck(&r.number.recheck_1d)) } td { (recheck(&r.number.recheck_7d)) } td { (recheck(&r.number.recheck_30d)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `/changes`: one page of changes, newest first.
pub fn changes(params: &ChangeParams, page: &ChangePage) -> Markup {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let limit = params.limit.map(|l| l.to_string());
    let pairs = [
        ("enterprise", params.enterprise.as_deref()),
        ("kind", params.kind.as_deref()),
        ("since", params.since.as_deref()),
        ("limit", limit.as_deref()),
    ];
    let next = page.next.as_deref().map(|next| {
        let mut with = pairs.to_vec();
        with.push(("before", Some(next)));
        format!("/changes?{}", query_string(&with))
    });
    layout(
        "Changes",
        "/changes",
        html! {
            h1 { "Changes" }
            form.filters method="get" action="/changes" {
                label { "enterprise" input name="enterprise" value=(text(&params.enterprise)); }
                label { "kind" input name="kind" placeholder="risk_up" value=(text(&params.kind)); }
                label { "since" input name="since" placeholder="7d" value=(text(&params.since)); }
                button type="submit" { "Show" }
            }
            table id="changes" {
                thead { tr { th { "at" } th { "number" } th { "enterprise" } th { "kind" } th { "field" } th { "from" } th { "to" } } }
                tbody {
                    @for c in &page.changes {
                        tr {
                            td { (when(c.at)) }
                            td { a href={ "/numbers/" (c.phone_number) "?" (query_string(&[("enterprise", Some(&c.enterprise_id))])) } { (c.phone_number) } }
                            td { (c.enterprise_id) } td { (c.kind) } td { (c.field) }
                            td { (opt(&c.old_value)) } td { (opt(&c.new_value)) }
                        }
                    }
                }
            }
            @if page.changes.is_empty() { p { "No change matches." } }
            @if let Some(next) = &next { p { a id="next" rel="next" href=(next) { "Older changes" } } }
        },
    )
}

fn recheck(r: &Option<crate::remediations::Recheck>) -> Markup {
    match r {
        Some(r) => {
            html! { span class=(risk_class(Some(r.risk.as_str()))) title=(when(r.at)) { (r.risk) } }
        }
        None => html! { "—" },
    }
}

/// The alerts of `rows` as a table, with acknowledge and snooze forms on the live ones.
fn alerts_table(
    rows: &[AlertRow],
    now: DateTime<Utc>,
    form: &FormContext,
    with_number: bool,
) -> Markup {
    html! {
        table.alerts {
            thead { tr {
                th { "state" } th { "rule" } @if with_number { th { "subject" } th { "enterprise" } }
                th { "first seen" } th { "opened" } th { "resolved" } th.n { "reminders" } th { "detail" } th { "held" } th { "actions" }
            } }
            tbody {
                @for a in rows {
                    tr id={ "alert-" (a.id) } data-state=(a.state) {
                        td.state { (a.state) }
                        td { (a.rule) }
                        @if with_number {
                            td {
                                @if a.subject == crate::alerts::SYNC_SUBJECT { (a.subject) }
                                @else { a href={ "/numbers/" (a.subject) "?" (query_string(&[("enterprise", Some(&a.enterprise_id))])) } { (a.subject) } }
                            }
                            td { (a.enterprise_id) }
                        }
                        td { (when(a.first_seen_at)) }
                        td { (a.opened_at.map(when).unwrap_or_default()) }
                        td { (a.resolved_at.map(when).unwrap_or_default()) }
                        td.n { (a.reminders_sent) }
                        td.detail { (opt(&a.detail)) }
                        td.held {
                            @if let Some(at) = a.acknowledged_at {
                                span.acknowledged { "acknowledged " (when(at)) " by " (opt(&a.acknowledged_by)) }
                            }
                            @if let Some(until) = a.snoozed_until.filter(|u| *u > now) {
                                " " span.snoozed { "snoozed until " (when(until)) " by " (opt(&a.snoozed_by)) }
                            }
                        }
                        td.actions {
                            @if a.state != "resolved" {
                                @if a.acknowledged_at.is_none() {
                                    form.inline.acknowledge method="post" action={ "/alerts/" (a.id) "/acknowledge" } {
                                        input type="hidden" name="csrf" value=(form.token);
                                        input type="hidden" name="back" value=(form.back);
                                        button type="submit" { "Acknowledge" }
                                    }
                                }
                                form.inline.snooze method="post" action={ "/alerts/" (a.id) "/snooze" } {
                                    input type="hidden" name="csrf" value=(form.token);
                                    input type="hidden" name="back" value=(form.back);
                                    select name="for" { @for s in SNOOZES { option value=(s) { (s) } } }
                                    button type="submit" { "Snooze" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/alerts`: one page of alerts, newest first.
pub fn alerts(
    params: &AlertParams,
    page: &AlertPage,
    now: DateTime<Utc>,
    form: &FormContext,
) -> Markup {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let limit = params.limit.map(|l| l.to_string());
    let pairs = [
        ("state", params.state.as_deref()),
        ("enterprise", params.enterprise.as_deref()),
        ("rule", params.rule.as_deref()),
        ("subject", params.subject.as_deref()),
        ("limit", limit.as_deref()),
    ];
    let next = page.next.as_deref().map(|next| {
        let mut with = pairs.to_vec();
        with.push(("before", Some(next)));
        format!("/alerts?{}", query_string(&with))
    });
    let state_link = |state: &str| {
        let mut with = pairs.to_vec();
        with[0] = ("state", Some(state));
        format!("/alerts?{}", query_string(&with))
    };
    let c = &page.counts;
    layout(
        "Alerts",
        "/alerts",
        html! {
            h1 { "Alerts" }
            div.tiles {
                a.tile.high href=(state_link("open")) { b id="count-open" { (c.open) } "open" }
                div.tile { b id="count-acknowledged" { (c.acknowledged) } "of them acknowledged" }
                a.tile href=(state_link("pending")) { b id="count-pending" { (c.pending) } "pending" }
                a.tile.low href=(state_link("resolved")) { b id="count-resolved" { (c.resolved) } "resolved" }
            }
            form.filters method="get" action="/alerts" {
                label { "state" (select("state", params.state.as_deref().or(Some("open")), &ALERT_STATES)) }
                label { "enterprise" input name="enterprise" value=(text(&params.enterprise)); }
                label { "rule" input name="rule" value=(text(&params.rule)); }
                label { "number" input name="subject" placeholder="+12025550100" value=(text(&params.subject)); }
                button type="submit" { "Show" }
            }
            @if page.alerts.is_empty() { p { "No alert matches." } }
            @else { (alerts_table(&page.alerts, now, form, true)) }
            @if let Some(next) = &next { p { a id="next" rel="next" href=(next) { "Older alerts" } } }
            p { small { "Acknowledging an alert stops its reminders; snoozing holds them until the time chosen. JSON: "
                a href="/api/v1/alerts" { "/api/v1/alerts" } "." } }
        },
    )
}

/// `/remediations`: the followed remediation requests, newest first.
pub fn remediations(params: &RemediationParams, page: &RemediationPage) -> Markup {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let limit = params.limit.map(|l| l.to_string());
    let pairs = [
        ("state", params.state.as_deref()),
        ("enterprise", params.enterprise.as_deref()),
        ("limit", limit.as_deref()),
    ];
    let next = page.next.as_deref().map(|next| {
        let mut with = pairs.to_vec();
        with.push(("before", Some(next)));
        format!("/remediations?{}", query_string(&with))
    });
    layout(
        "Remediations",
        "/remediations",
        html! {
            h1 { "Remediation requests" }
            form.filters method="get" action="/remediations" {
                label { "state" (select("state", params.state.as_deref(), &REMEDIATION_STATES)) }
                label { "enterprise" input name="enterprise" value=(text(&params.enterprise)); }
                button type="submit" { "Show" }
            }
            @if page.remediations.is_empty() { p { "No remediation request matches." } }
            @for r in &page.remediations {
                section.remediation id={ "remediation-" (r.id) } {
                    h2 { "Request " (r.id) " · " span.state { (r.state) } }
                    p {
                        "Enterprise " (r.enterprise_id) ", submitted " (when(r.submitted_at))
                        " by " (r.source) @if let Some(rule) = &r.rule { " (rule " (rule) ")" } "; "
                        (r.polls) " poll(s)"
                        @if let Some(at) = r.last_polled_at { ", last " (when(at)) }
                        @match r.finished_at {
                            Some(at) => { "; finished " (when(at)) "." }
                            None => { "; next poll " (when(r.next_poll_at)) "." }
                        }
                    }
                    table.numbers {
                        thead { tr { th { "number" } th { "outcome" } th { "risk 1 day after" } th { "7 days" } th { "30 days" } } }
                        tbody {
                            @for n in &r.numbers {
                                tr {
                                    td { a href={ "/numbers/" (n.phone_number) "?" (query_string(&[("enterprise", Some(&r.enterprise_id))])) } { (n.phone_number) } }
                                    td.outcome { (opt(&n.outcome)) }
                                    td { (recheck(&n.recheck_1d)) } td { (recheck(&n.recheck_7d)) } td { (recheck(&n.recheck_30d)) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = &next { p { a id="next" rel="next" href=(next) { "Older requests" } } }
            p { small { "JSON: " a href="/api/v1/remediations" { "/api/v1/remediations" } "." } }
        },
    )
}
