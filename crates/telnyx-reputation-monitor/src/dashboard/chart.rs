//! A number's history as an SVG chart (plotters, as the report draws): the four scores as
//! step lines (a score holds until the next reading) over a band of the risk in force.

use chrono::{DateTime, Utc};
use plotters::prelude::*;

use super::query::{ReadingRow, RiskPoint};

/// Score line colours in [`crate::SCORES`] order (the page's legend uses the same, as CSS
/// classes `s0`…`s3`).
const SCORE_COLOURS: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(148, 103, 189),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
];

fn risk_colour(risk: Option<&str>) -> RGBColor {
    match risk {
        Some("high") => RGBColor(210, 45, 45),
        Some("medium") => RGBColor(230, 150, 30),
        Some("low") => RGBColor(46, 160, 67),
        _ => RGBColor(160, 160, 160),
    }
}

/// The chart of `readings` (oldest first) from the first reading to `until`.
pub fn history_svg(readings: &[ReadingRow], until: DateTime<Utc>) -> String {
    let (width, height) = (900u32, 280u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let since = readings.first().map_or(until, |r| r.observed_at);
        let until = until.max(since);
        let span = (until - since).num_seconds().max(1);
        let (left, top, plot_w, plot_h) = (40i32, 22i32, width as i32 - 50, height as i32 - 50);
        let x = |t: DateTime<Utc>| {
            let s = (t.max(since) - since).num_seconds().min(span);
            left + (s * plot_w as i64 / span) as i32
        };
        let y = |v: i64| top + plot_h - (v.clamp(0, 100) * plot_h as i64 / 100) as i32;
        // The risk band above the plot.
        for (i, r) in readings.iter().enumerate() {
            let end = readings.get(i + 1).map_or(until, |n| n.observed_at);
            let _ = root.draw(&Rectangle::new(
                [
                    (x(r.observed_at), 4),
                    (x(end).max(x(r.observed_at) + 2), 16),
                ],
                risk_colour(r.spam_risk.as_deref()).filled(),
            ));
        }
        let _ = root.draw(&Rectangle::new(
            [(left, top), (left + plot_w, top + plot_h)],
            BLACK.mix(0.3),
        ));
        for (score, colour) in SCORE_COLOURS.iter().enumerate() {
            let mut points = Vec::new();
            for (i, r) in readings.iter().enumerate() {
                let value = [
                    r.maturity_score,
                    r.connection_score,
                    r.engagement_score,
                    r.sentiment_score,
                ][score];
                let Some(v) = value else { continue };
                let end = readings.get(i + 1).map_or(until, |n| n.observed_at);
                points.push((x(r.observed_at), y(v)));
                points.push((x(end), y(v)));
            }
            if !points.is_empty() {
                let _ = root.draw(&PathElement::new(points, colour.stroke_width(2)));
            }
        }
        let label =
            |text: String, pos: (i32, i32)| Text::new(text, pos, ("sans-serif", 12).into_font());
        let _ = root.draw(&label("100".into(), (8, top - 6)));
        let _ = root.draw(&label("0".into(), (24, top + plot_h - 12)));
        let _ = root.draw(&label(
            since.format("%Y-%m-%d %H:%M").to_string(),
            (left, top + plot_h + 8),
        ));
        let _ = root.draw(&label(
            until.format("%Y-%m-%d %H:%M").to_string(),
            (left + plot_w - 110, top + plot_h + 8),
        ));
        let _ = root.present();
    }
    svg
}

/// Numbers per risk level over time (`points` oldest first) as four step lines; `large`:
/// the fleet's total chart, wider than an enterprise's.
pub fn risk_svg(points: &[RiskPoint], large: bool) -> String {
    let (width, height) = if large {
        (900u32, 240u32)
    } else {
        (440u32, 180u32)
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let (left, top, plot_w, plot_h) = (48i32, 10i32, width as i32 - 60, height as i32 - 36);
        let series = |p: &RiskPoint| [p.high, p.medium, p.low, p.none];
        let max = points.iter().flat_map(series).max().unwrap_or(0).max(1);
        let (since, until) = match (points.first(), points.last()) {
            (Some(a), Some(b)) => (a.at, b.at.max(a.at)),
            _ => (Utc::now(), Utc::now()),
        };
        let span = (until - since).num_seconds().max(1);
        let x = |t: DateTime<Utc>| {
            left + ((t - since).num_seconds().clamp(0, span) * plot_w as i64 / span) as i32
        };
        let y = |v: u64| top + plot_h - (v.min(max) as i64 * plot_h as i64 / max as i64) as i32;
        let _ = root.draw(&Rectangle::new(
            [(left, top), (left + plot_w, top + plot_h)],
            BLACK.mix(0.3),
        ));
        for (level, risk) in ["high", "medium", "low", "none"].into_iter().enumerate() {
            let mut line = Vec::with_capacity(points.len() * 2);
            for (i, p) in points.iter().enumerate() {
                let v = series(p)[level];
                if i > 0 {
                    line.push((x(p.at), y(series(&points[i - 1])[level])));
                }
                line.push((x(p.at), y(v)));
            }
            if !line.is_empty() {
                let _ = root.draw(&PathElement::new(
                    line,
                    risk_colour(Some(risk)).stroke_width(2),
                ));
            }
        }
        let label =
            |text: String, pos: (i32, i32)| Text::new(text, pos, ("sans-serif", 12).into_font());
        let _ = root.draw(&label(max.to_string(), (4, top)));
        let _ = root.draw(&label("0".into(), (36, top + plot_h - 12)));
        let _ = root.draw(&label(
            since.format("%Y-%m-%d").to_string(),
            (left, top + plot_h + 6),
        ));
        let _ = root.draw(&label(
            until.format("%Y-%m-%d").to_string(),
            (left + plot_w - 70, top + plot_h + 6),
        ));
        let _ = root.present();
    }
    svg
}
