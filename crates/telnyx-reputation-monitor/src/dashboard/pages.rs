//! The HTML pages (maud: every value is escaped). No JavaScript and no inline styles: the
//! stylesheet is served from `/dashboard.css`, so the Content-Security-Policy can forbid
//! both.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::chart;
use super::query::{
    ChangePage, ChangeParams, Fleet, NumberHistory, NumberPage, NumberParams, RISKS, Sort,
};

/// The navigation, in order. Pages added later (alerts, remediations) add their entry here.
pub const NAV: [(&str, &str); 3] = [
    ("/", "Fleet"),
    ("/numbers", "Numbers"),
    ("/changes", "Changes"),
];

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

fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
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
            }
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
                    thead { tr { th { "enterprise" } th.n { "scheduled re-checks" } th.n { "fresh reads" } th.n { "remediations" } th.n { "total (with the monthly fee)" } } }
                    tbody {
                        @for s in &fleet.spend {
                            tr { td { (s.enterprise_id) } td.n { (s.scheduled_checks) } td.n { (s.fresh_checks) } td.n { (s.remediations) } td.n { (s.total) } }
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
pub fn number(phone_number: &str, histories: &[NumberHistory], now: DateTime<Utc>) -> Markup {
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
