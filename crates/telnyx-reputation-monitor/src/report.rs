//! The report: what the store says about a fleet over a window, as one self-contained HTML
//! file (inline SVG charts drawn with plotters: the daily risk distribution and per-number
//! score trends; tables of the changes) or as CSV for spreadsheets. Reads the store only.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};
use plotters::prelude::*;
use serde::Serialize;
use telnyx_reputation::PriceTable;

use crate::error::Result;
use crate::model::{Change, ChangeKind, Reading, SCORES};
use crate::spend::Spend;
use crate::store::{DayIndex, RiskSpan, Store};

/// How many numbers get their own trend chart.
pub const TREND_CHARTS: usize = 12;

/// Risk levels in chart order (bottom to top), with their colours.
const LEVELS: [(&str, RGBColor); 4] = [
    ("low", RGBColor(46, 160, 67)),
    ("medium", RGBColor(230, 150, 30)),
    ("high", RGBColor(210, 45, 45)),
    ("no data", RGBColor(160, 160, 160)),
];
const SCORE_COLOURS: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(148, 103, 189),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
];

/// Counts of numbers per risk level at the end of one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DayCounts {
    /// `low`.
    pub low: u64,
    /// `medium`.
    pub medium: u64,
    /// `high`.
    pub high: u64,
    /// No data (or a level this version does not know).
    pub no_data: u64,
}

impl DayCounts {
    fn levels(&self) -> [u64; 4] {
        [self.low, self.medium, self.high, self.no_data]
    }

    /// Numbers counted.
    pub fn total(&self) -> u64 {
        self.levels().iter().sum()
    }
}

/// Everything a report shows, computed from the store.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The enterprise, or `None` for every enterprise in the store.
    pub enterprise_id: Option<String>,
    /// Window start.
    pub since: DateTime<Utc>,
    /// Window end.
    pub until: DateTime<Utc>,
    /// Risk distribution at the end of each day of the window, oldest first.
    pub days: Vec<(DateTime<Utc>, DayCounts)>,
    /// How many changes were recorded in the window.
    pub changes_total: u64,
    /// The newest changes of the window (at most [`CHANGES_SHOWN`]), oldest first.
    pub changes: Vec<Change>,
    /// Readings in the window of the numbers that changed most (at most [`TREND_CHARTS`]),
    /// each with the reading in force at the window start.
    pub trends: Vec<(String, Vec<Reading>)>,
    /// What the window cost, measured from the data (the store's spend record, priced).
    pub spend: Spend,
}

/// How many of the window's changes a report lists (the newest).
pub const CHANGES_SHOWN: u64 = 500;

impl Report {
    /// Build the report of `enterprise_id` (or all) over `[since, until]`.
    ///
    /// The database does the counting: the daily distribution comes back as at most
    /// (levels × days²) counted spans, the changes as their count and the newest
    /// [`CHANGES_SHOWN`], the trend ranking as [`TREND_CHARTS`] numbers; the only readings
    /// loaded are those of the charted numbers and of numbers that left monitoring.
    pub async fn build(
        store: &Store,
        enterprise_id: Option<&str>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Self> {
        Self::build_priced(store, enterprise_id, since, until, &PriceTable::default()).await
    }

    /// [`Report::build`], its spend priced with `prices` instead of the published table.
    pub async fn build_priced(
        store: &Store,
        enterprise_id: Option<&str>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        prices: &PriceTable,
    ) -> Result<Self> {
        let spend = Spend::load(
            store,
            enterprise_id,
            since.date_naive(),
            until.date_naive(),
            prices,
        )
        .await?;
        let day_ends = day_ends(since, until);
        let window = DayIndex { since, until };
        let spans = store.risk_spans(enterprise_id, window).await?;
        let removed = store.removed_readings(enterprise_id, until).await?;
        let days = distribution(day_ends.len(), window, &spans, &removed);
        let (changes_total, changes) = store
            .changes_between(enterprise_id, since, until, CHANGES_SHOWN)
            .await?;
        let ranked: Vec<String> = store
            .most_changed(enterprise_id, since, until, TREND_CHARTS as u64)
            .await?
            .into_iter()
            .map(|(number, _)| number)
            .collect();
        let charted = store.readings_of(enterprise_id, &ranked, until).await?;
        let by_number: BTreeMap<&str, &[Reading]> = charted
            .chunk_by(|a, b| a.phone_number == b.phone_number)
            .map(|readings| (readings[0].phone_number.as_str(), readings))
            .collect();
        let trends = ranked
            .into_iter()
            .filter_map(|number| {
                let readings = by_number.get(number.as_str())?;
                let start = readings
                    .iter()
                    .rposition(|r| r.observed_at <= since)
                    .unwrap_or(0);
                Some((number, readings[start..].to_vec()))
            })
            .collect();
        Ok(Self {
            enterprise_id: enterprise_id.map(Into::into),
            since,
            until,
            days: day_ends.into_iter().zip(days).collect(),
            changes_total,
            changes,
            trends,
            spend,
        })
    }

    /// The report as one self-contained HTML page (no external resources).
    pub fn html(&self) -> String {
        let mut page = String::with_capacity(64 * 1024);
        let scope = self.enterprise_id.as_deref().unwrap_or("every enterprise");
        let latest = self.days.last().map(|(_, c)| *c).unwrap_or_default();
        let _ = write!(
            page,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Number reputation report</title><style>{STYLE}</style></head><body>\
             <h1>Number reputation report</h1>\
             <p class=\"scope\">{} · {} to {}</p>\
             <div class=\"tiles\">{}{}{}{}{}</div>",
            escape(scope),
            self.since.format("%Y-%m-%d"),
            self.until.format("%Y-%m-%d"),
            tile("numbers", latest.total(), ""),
            tile("high", latest.high, "high"),
            tile("medium", latest.medium, "medium"),
            tile("low", latest.low, "low"),
            tile("changes", self.changes_total, ""),
        );
        page.push_str("<h2>Risk distribution, end of each day</h2>");
        page.push_str(&self.distribution_svg());
        page.push_str("<p class=\"legend\">");
        for (name, colour) in LEVELS {
            let _ = write!(
                page,
                "<span style=\"background:{}\"></span>{name} ",
                css(colour)
            );
        }
        page.push_str("</p>");
        page.push_str("<h2>What it cost (measured)</h2>");
        page.push_str(&self.spend_table());
        page.push_str("<h2>Numbers that changed</h2>");
        page.push_str(&self.changes_table());
        if !self.trends.is_empty() {
            page.push_str(
                "<h2>Score trends of the numbers that changed most</h2><p class=\"legend\">",
            );
            for (name, colour) in SCORES.iter().zip(SCORE_COLOURS) {
                let _ = write!(
                    page,
                    "<span style=\"background:{}\"></span>{name} ",
                    css(colour)
                );
            }
            page.push_str("(0–100)</p><div class=\"trends\">");
            for (number, readings) in &self.trends {
                let current = readings
                    .last()
                    .and_then(|r| r.spam_risk.as_deref())
                    .unwrap_or("no data");
                let _ = write!(
                    page,
                    "<figure><figcaption>{} <b class=\"{}\">{}</b></figcaption>{}</figure>",
                    escape(number),
                    escape(current),
                    escape(current),
                    self.trend_svg(readings)
                );
            }
            page.push_str("</div>");
        }
        let _ = writeln!(
            page,
            "<footer>Generated {} by telnyx-reputation monitor report.</footer></body></html>",
            Utc::now().format("%Y-%m-%d %H:%M UTC")
        );
        page
    }

    /// Every reading of the window as CSV (a header row, then one row per reading, by
    /// number then time), read from `store` row by row.
    pub async fn csv(&self, store: &Store) -> Result<String> {
        let mut out = String::from(
            "phone_number,observed_at,spam_risk,spam_category,maturity_score,connection_score,engagement_score,sentiment_score,ownership_status,confirm_by\n",
        );
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        store
            .each_reading_between(self.enterprise_id.as_deref(), self.since, self.until, |r| {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{}",
                    r.phone_number,
                    r.observed_at.to_rfc3339(),
                    r.spam_risk.as_deref().unwrap_or(""),
                    csv_field(r.spam_category.as_deref().unwrap_or("")),
                    opt(r.maturity_score),
                    opt(r.connection_score),
                    opt(r.engagement_score),
                    opt(r.sentiment_score),
                    r.ownership_status.as_deref().unwrap_or(""),
                    r.confirm_by.map(|d| d.to_rfc3339()).unwrap_or_default(),
                );
            })
            .await?;
        Ok(out)
    }

    fn distribution_svg(&self) -> String {
        let (width, height) = (960u32, 260u32);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
            let _ = root.fill(&WHITE);
            let n = self.days.len().max(1);
            let max = self
                .days
                .iter()
                .map(|(_, c)| c.total())
                .max()
                .unwrap_or(0)
                .max(1);
            let (left, top, plot_w, plot_h) = (50i32, 10i32, width as i32 - 60, height as i32 - 40);
            let x = |i: usize| {
                left + (i as i64 * plot_w as i64 / n.saturating_sub(1).max(1) as i64) as i32
            };
            let y = |v: u64| top + plot_h - (v as i64 * plot_h as i64 / max as i64) as i32;
            let mut base = vec![0u64; n];
            for (level, (_, colour)) in LEVELS.iter().enumerate() {
                let tops: Vec<u64> = self
                    .days
                    .iter()
                    .enumerate()
                    .map(|(i, (_, c))| base[i] + c.levels()[level])
                    .collect();
                let mut points: Vec<(i32, i32)> = tops
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (x(i), y(*v)))
                    .collect();
                points.extend(base.iter().enumerate().rev().map(|(i, v)| (x(i), y(*v))));
                let _ = root.draw(&Polygon::new(points, colour.filled()));
                base = tops;
            }
            let axis = BLACK.mix(0.6);
            let _ = root.draw(&PathElement::new(
                vec![
                    (left, top),
                    (left, top + plot_h),
                    (left + plot_w, top + plot_h),
                ],
                axis,
            ));
            let label = |text: String, pos: (i32, i32)| {
                Text::new(text, pos, ("sans-serif", 12).into_font().color(&BLACK))
            };
            let _ = root.draw(&label(max.to_string(), (4, top)));
            let _ = root.draw(&label("0".into(), (30, top + plot_h - 12)));
            if let (Some((first, _)), Some((last, _))) = (self.days.first(), self.days.last()) {
                let _ = root.draw(&label(
                    first.format("%Y-%m-%d").to_string(),
                    (left, top + plot_h + 8),
                ));
                let _ = root.draw(&label(
                    last.format("%Y-%m-%d").to_string(),
                    (left + plot_w - 70, top + plot_h + 8),
                ));
            }
            let _ = root.present();
        }
        svg
    }

    fn trend_svg(&self, readings: &[Reading]) -> String {
        let (width, height) = (300u32, 120u32);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
            let _ = root.fill(&WHITE);
            let span = (self.until - self.since).num_seconds().max(1);
            let (left, top, plot_w, plot_h) = (4i32, 4i32, width as i32 - 8, height as i32 - 8);
            let x = |t: DateTime<Utc>| {
                let s = (t.max(self.since) - self.since).num_seconds().min(span);
                left + (s * plot_w as i64 / span) as i32
            };
            let y = |v: i64| top + plot_h - (v.clamp(0, 100) * plot_h as i64 / 100) as i32;
            let _ = root.draw(&Rectangle::new(
                [(left, top), (left + plot_w, top + plot_h)],
                BLACK.mix(0.2),
            ));
            for (score, colour) in SCORE_COLOURS.iter().enumerate() {
                // Step lines: a score holds until the next reading.
                let mut points = Vec::new();
                for (i, r) in readings.iter().enumerate() {
                    let Some(v) = r.scores()[score] else { continue };
                    let end = readings.get(i + 1).map_or(self.until, |n| n.observed_at);
                    points.push((x(r.observed_at), y(v)));
                    points.push((x(end), y(v)));
                }
                if !points.is_empty() {
                    let _ = root.draw(&PathElement::new(points, colour.stroke_width(2)));
                }
            }
            for r in readings
                .iter()
                .filter(|r| r.spam_risk.as_deref() == Some("high"))
            {
                let _ = root.draw(&Circle::new(
                    (x(r.observed_at), top + 6),
                    4,
                    LEVELS[2].1.filled(),
                ));
            }
            let _ = root.present();
        }
        svg
    }

    fn spend_table(&self) -> String {
        let spend = &self.spend;
        if spend.months.is_empty() {
            return "<p>No spend recorded in this window.</p>".into();
        }
        let mut table = format!(
            "<p>Total <b>{}</b> ({} in checks and remediations, the rest monitoring fees). \
             Scheduled re-checks are those the monitor observed (each advance of a number's \
             last refresh it did not cause itself); fresh reads and remediations are the \
             monitor's own.</p>\
             <table><thead><tr><th>enterprise</th><th>month</th><th>scheduled checks</th>\
             <th>fresh reads</th><th>remediated</th><th>fee</th><th>total</th></tr></thead><tbody>",
            escape(&spend.total_usd.to_string()),
            escape(&spend.usage_usd().to_string()),
        );
        for m in &spend.months {
            let _ = write!(
                table,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&m.enterprise_id),
                escape(&m.month),
                m.scheduled_checks,
                m.fresh_checks,
                m.remediations,
                escape(&m.fee_usd.to_string()),
                escape(&m.total_usd.to_string()),
            );
        }
        table.push_str("</tbody></table>");
        table
    }

    fn changes_table(&self) -> String {
        if self.changes.is_empty() {
            return "<p>No change in this window.</p>".into();
        }
        let mut table = String::from(
            "<table><thead><tr><th>when</th><th>number</th><th>change</th><th>field</th><th>from</th><th>to</th></tr></thead><tbody>",
        );
        for c in self.changes.iter().rev() {
            let _ = write!(
                table,
                "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                c.at.format("%Y-%m-%d %H:%M"),
                escape(&c.phone_number),
                if c.kind == ChangeKind::RiskUp {
                    "up"
                } else {
                    ""
                },
                c.kind,
                escape(&c.field),
                escape(c.old_value.as_deref().unwrap_or("–")),
                escape(c.new_value.as_deref().unwrap_or("–")),
            );
        }
        table.push_str("</tbody></table>");
        if self.changes_total > self.changes.len() as u64 {
            let _ = write!(
                table,
                "<p>The newest {} of {} changes; `monitor changes` lists them all, `--format csv` has every reading.</p>",
                self.changes.len(),
                self.changes_total
            );
        }
        table
    }
}

/// The end of each day from `since` to `until` (the last one is `until` itself).
fn day_ends(since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut ends = Vec::new();
    let mut end = since + Duration::days(1);
    while end < until {
        ends.push(end);
        end += Duration::days(1);
    }
    ends.push(until);
    ends
}

/// The day of `t` as the store buckets it ([`DayIndex`]): the first day whose end is at or
/// after `t`, `None` after the window.
fn day_of(window: DayIndex, days: usize, t: DateTime<Utc>) -> Option<usize> {
    if t > window.until {
        return None;
    }
    let after = (t - window.since).num_microseconds().unwrap_or(i64::MAX);
    if after <= 0 {
        return Some(0);
    }
    let day = Duration::days(1).num_microseconds().unwrap_or(i64::MAX);
    let index = usize::try_from((after - 1) / day).unwrap_or(usize::MAX);
    Some(index.min(days.saturating_sub(1)))
}

/// The counts at the end of each of `days` days from the store's counted spans: a span
/// counts from its first day up to, not including, its last. A number that left
/// monitoring stops counting on the day of its removal, so each span of a removed
/// number's readings is cut there (replaced by the shorter span).
fn distribution(
    days: usize,
    window: DayIndex,
    spans: &[RiskSpan],
    removed: &[(String, Reading, DateTime<Utc>)],
) -> Vec<DayCounts> {
    // deltas[level][day]: numbers entering (+) or leaving (-) the level at that day's end.
    let mut deltas = vec![[0i64; 4]; days + 1];
    let day = |d: i64| {
        usize::try_from(d)
            .ok()
            .map(|d| d.min(days.saturating_sub(1)))
    };
    let mut add = |risk: Option<&str>, from: Option<usize>, to: Option<usize>, n: i64| {
        let Some(from) = from else { return };
        let level = level_of(risk);
        deltas[from][level] += n;
        if let Some(to) = to {
            deltas[to][level] -= n;
        }
    };
    for span in spans {
        let n = i64::try_from(span.numbers).unwrap_or(i64::MAX);
        add(
            span.risk.as_deref(),
            day(span.from_day),
            day(span.to_day),
            n,
        );
    }
    for readings in removed.chunk_by(|a, b| a.0 == b.0 && a.1.phone_number == b.1.phone_number) {
        for (i, (_, reading, gone)) in readings.iter().enumerate() {
            let next = readings.get(i + 1).map(|(_, r, _)| r.observed_at);
            let from = day_of(window, days, reading.observed_at);
            let to = next.and_then(|t| day_of(window, days, t));
            let cut = match (to, day_of(window, days, *gone)) {
                (Some(to), Some(gone)) => Some(to.min(gone)),
                (to, gone) => to.or(gone),
            }
            .map(|cut| cut.max(from.unwrap_or(0)));
            let risk = reading.spam_risk.as_deref();
            add(risk, from, to, -1);
            add(risk, from, cut, 1);
        }
    }
    let mut counts = vec![DayCounts::default(); days];
    let mut running = [0i64; 4];
    for (day, delta) in deltas.iter().take(days).enumerate() {
        for level in 0..4 {
            running[level] += delta[level];
        }
        let count = |level: usize| u64::try_from(running[level]).unwrap_or(0);
        counts[day] = DayCounts {
            low: count(0),
            medium: count(1),
            high: count(2),
            no_data: count(3),
        };
    }
    counts
}

/// The index of a risk in [`DayCounts::levels`] order.
fn level_of(risk: Option<&str>) -> usize {
    match risk {
        Some("low") => 0,
        Some("medium") => 1,
        Some("high") => 2,
        _ => 3,
    }
}

fn tile(label: &str, value: u64, class: &str) -> String {
    format!("<div class=\"tile {class}\"><b>{value}</b>{label}</div>")
}

fn css(c: RGBColor) -> String {
    format!("rgb({},{},{})", c.0, c.1, c.2)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}\
h1{margin-bottom:0}.scope{color:#666;margin-top:.2em}\
.tiles{display:flex;gap:1em;margin:1em 0}.tile{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:6em}\
.tile b{display:block;font-size:1.6em}.tile.high b,b.high,td.up{color:#d22d2d}.tile.medium b,b.medium{color:#e6961e}.tile.low b,b.low{color:#2ea043}\
.legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 .8em;vertical-align:middle}\
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border-bottom:1px solid #eee;padding:.25em .5em;text-align:left}\
.trends{display:grid;grid-template-columns:repeat(3,1fr);gap:1em}figure{margin:0}figcaption{font-size:.9em}\
footer{margin-top:2em;color:#888;font-size:.8em}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_ends_cover_the_window_and_end_at_its_end() {
        let since = DateTime::UNIX_EPOCH;
        let ends = day_ends(since, since + Duration::hours(60));
        assert_eq!(
            ends,
            [
                since + Duration::days(1),
                since + Duration::days(2),
                since + Duration::hours(60)
            ]
        );
    }

    #[test]
    fn html_escapes_what_it_prints() {
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }
}
