//! Rendering command results as a table, JSON or CSV (`--format`).
//!
//! A command turns what the facade returned into a [`View`]: named columns, rows of
//! optional cells, and the JSON form of the same data. This module only decides how a
//! view is written; it knows nothing about the API, and nothing here makes a request.

use std::io::{self, Write};

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

/// How results are printed on stdout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable table (one record: a field/value table).
    #[default]
    Table,
    /// Pretty JSON, the API's field names.
    Json,
    /// CSV with a header row, for spreadsheets and scripts.
    Csv,
}

/// A cell: `None` is an absent or `null` value (`-` in tables, empty in CSV).
pub type Cell = Option<String>;

/// What one command prints: a table view and the JSON form of the same data.
#[derive(Debug)]
pub struct View {
    columns: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
    json: serde_json::Value,
    single: bool,
}

impl View {
    /// Several records, one row each.
    pub fn list(columns: Vec<&'static str>, rows: Vec<Vec<Cell>>, json: serde_json::Value) -> Self {
        Self {
            columns,
            rows,
            json,
            single: false,
        }
    }

    /// One record; tables show it vertically as field/value pairs.
    pub fn record(columns: Vec<&'static str>, row: Vec<Cell>, json: serde_json::Value) -> Self {
        Self {
            columns,
            rows: vec![row],
            json,
            single: true,
        }
    }

    /// Build the JSON side from anything serialisable.
    pub fn json_of(value: &impl Serialize) -> serde_json::Value {
        serde_json::to_value(value).expect("API models serialise to JSON")
    }

    /// Write the view to `out` in `format`.
    pub fn write(&self, format: Format, out: &mut impl Write) -> io::Result<()> {
        match format {
            Format::Table => writeln!(out, "{}", self.table()),
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, &self.json)?;
                writeln!(out)
            }
            Format::Csv => self.csv(out),
        }
    }

    /// Print to stdout.
    pub fn print(&self, format: Format) -> io::Result<()> {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        self.write(format, &mut lock)?;
        lock.flush()
    }

    /// The rendered table (also used by the demo, which always prints tables).
    pub fn table(&self) -> Table {
        let mut table = Table::new();
        table
            .load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        if self.single {
            table.set_header(vec!["field", "value"]);
            for (column, cell) in self
                .columns
                .iter()
                .zip(self.rows.first().into_iter().flatten())
            {
                table.add_row(vec![column.to_string(), table_cell(cell)]);
            }
        } else {
            table.set_header(self.columns.clone());
            for row in &self.rows {
                table.add_row(row.iter().map(table_cell).collect::<Vec<_>>());
            }
        }
        table
    }

    fn csv(&self, out: &mut impl Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&self.columns)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|c| c.as_deref().unwrap_or("")))?;
        }
        writer.flush()
    }
}

fn table_cell(cell: &Cell) -> String {
    cell.clone().unwrap_or_else(|| "-".to_owned())
}

/// A present value as a cell.
pub fn cell(value: impl ToString) -> Cell {
    Some(value.to_string())
}

/// A timestamp as a cell, RFC 3339 to the second (JSON keeps full precision).
pub fn time(value: chrono::DateTime<chrono::Utc>) -> Cell {
    Some(value.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// An optional timestamp as a cell.
pub fn opt_time(value: Option<chrono::DateTime<chrono::Utc>>) -> Cell {
    value.and_then(time)
}

/// An optional value as a cell.
pub fn opt(value: Option<impl ToString>) -> Cell {
    value.map(|v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(view: &View, format: Format) -> String {
        let mut out = Vec::new();
        view.write(format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn sample() -> View {
        View::list(
            vec!["phone_number", "spam_risk"],
            vec![
                vec![cell("+12025551234"), cell("low")],
                vec![cell("+12025555678"), None],
            ],
            serde_json::json!([{"phone_number": "+12025551234"}]),
        )
    }

    #[test]
    fn csv_has_a_header_and_empty_cells_for_null() {
        assert_eq!(
            render(&sample(), Format::Csv),
            "phone_number,spam_risk\n+12025551234,low\n+12025555678,\n"
        );
    }

    #[test]
    fn table_shows_dash_for_null() {
        let text = render(&sample(), Format::Table);
        assert!(text.contains("+12025555678 ┆ -"), "{text}");
    }

    #[test]
    fn single_record_table_is_vertical() {
        let view = View::record(
            vec!["id", "status"],
            vec![cell("e1"), cell("approved")],
            serde_json::json!({}),
        );
        let text = render(&view, Format::Table);
        assert!(text.contains("status ┆ approved"), "{text}");
    }

    #[test]
    fn json_is_pretty() {
        assert!(render(&sample(), Format::Json).starts_with("[\n  {"));
    }
}
