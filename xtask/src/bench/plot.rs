//! `docs/benchmarks-sweep.png`: workload 2 (the sweep) across clients, one horizontal bar per
//! client (median) with a min–max whisker. Drawn with plotters' pure-Rust bitmap backend;
//! text goes through `ab_glyph`, so no font library is needed, only a TrueType file: the
//! DejaVu Sans most Linux machines carry, or `BENCH_PLOT_FONT`. Without one the bars are
//! drawn without text and the report says so.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::report::median_time;
use super::{Outcome, Workload};
use crate::Result;

const FONT_FAMILY: &str = "bench-sans";
const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

const WIDTH: u32 = 1000;
const ROW: u32 = 44;
const TOP: u32 = 70;
const BAR_LEFT: i32 = 290;
const BAR_SPAN: f64 = 560.0;

/// Register a font for plot text; `false` if none could be found or read.
fn load_font() -> bool {
    let candidates = std::env::var("BENCH_PLOT_FONT")
        .into_iter()
        .chain(FONT_PATHS.iter().map(|p| p.to_string()));
    for path in candidates {
        if let Ok(bytes) = std::fs::read(&path) {
            // plotters keeps fonts for the life of the process; the xtask is short-lived.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            if register_font(FONT_FAMILY, FontStyle::Normal, bytes).is_ok() {
                return true;
            }
        }
    }
    false
}

fn colour(client: &str) -> RGBColor {
    match client {
        "ours" | "facade" => RGBColor(31, 119, 180),
        "official" => RGBColor(255, 127, 14),
        _ => RGBColor(150, 150, 150),
    }
}

/// Draw the plot; returns a note for the report when text had to be left out.
pub fn sweep(outcomes: &[Outcome], path: &Path) -> Result<Option<String>> {
    let rows: Vec<_> = outcomes
        .iter()
        .filter(|o| matches!(o.case.workload, Workload::Sweep | Workload::SweepPrefetch))
        .filter_map(|o| median_time(o).map(|s| (o, s)))
        .collect();
    if rows.is_empty() {
        return Ok(Some("No sweep was measured, so there is no plot.".into()));
    }
    let text = load_font();
    let height = TOP + ROW * rows.len() as u32 + 40;
    let scale = rows
        .iter()
        .map(|(_, s)| s.max)
        .fold(0.0, f64::max)
        .max(1e-9);
    let draw = || -> std::result::Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let font = |size: f64| (FONT_FAMILY, size).into_font().color(&BLACK);
        if text {
            root.draw(&Text::new(
                "Sweep: list 10,000 numbers (page size 250) and count by spam risk",
                (20, 18),
                font(20.0),
            ))?;
            root.draw(&Text::new(
                "median seconds per client, whisker min–max; blue ours, orange official SDK, grey raw HTTP loop",
                (20, 44),
                font(14.0),
            ))?;
        }
        for (i, (outcome, stats)) in rows.iter().enumerate() {
            let y = (TOP + ROW * i as u32) as i32;
            let x = |v: f64| BAR_LEFT + (v / scale * BAR_SPAN).round() as i32;
            let fill = colour(outcome.case.client).filled();
            root.draw(&Rectangle::new(
                [
                    (BAR_LEFT, y + 6),
                    (x(stats.median).max(BAR_LEFT + 1), y + ROW as i32 - 10),
                ],
                fill,
            ))?;
            let mid = y + ROW as i32 / 2 - 2;
            root.draw(&PathElement::new(
                vec![(x(stats.min), mid), (x(stats.max), mid)],
                BLACK.stroke_width(2),
            ))?;
            for end in [stats.min, stats.max] {
                root.draw(&PathElement::new(
                    vec![(x(end), mid - 6), (x(end), mid + 6)],
                    BLACK.stroke_width(2),
                ))?;
            }
            if text {
                root.draw(&Text::new(outcome.case.label(), (20, mid - 8), font(15.0)))?;
                let value = format!("{:.3} s", stats.median);
                root.draw(&Text::new(value, (x(stats.max) + 10, mid - 8), font(15.0)))?;
            }
        }
        root.draw(&PathElement::new(
            vec![(BAR_LEFT, TOP as i32), (BAR_LEFT, (height - 40) as i32)],
            BLACK.stroke_width(1),
        ))?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| format!("cannot draw {}: {e}", path.display()))?;
    Ok((!text).then(|| {
        "The plot was drawn without text: no TrueType font was found (set BENCH_PLOT_FONT). \
         Bars are in the order of the measurements table's sweep rows."
            .to_string()
    }))
}
