//! The parsers under comparison, behind one signature, and the table the bench prints.

use std::str::FromStr;

/// A parser of the comparison: its name and a function that parses one filter, returning
/// whether it accepted it.
pub struct Parser {
    /// Crate name as on crates.io.
    pub name: &'static str,
    /// Parses one filter; `Err` carries the parser's message.
    pub parse: fn(&str) -> Result<(), String>,
}

fn scimkit(text: &str) -> Result<(), String> {
    scimkit_filter::parse_filter(text)
        .map(|f| drop(std::hint::black_box(f)))
        .map_err(|e| e.to_string())
}

fn scim_v2(text: &str) -> Result<(), String> {
    scim_v2::filter::Filter::from_str(text)
        .map(|f| drop(std::hint::black_box(f)))
        .map_err(|e| format!("{e:?}"))
}

fn scim_proto(text: &str) -> Result<(), String> {
    scim_proto::filter::ScimFilter::from_str(text)
        .map(|f| drop(std::hint::black_box(f)))
        .map_err(|e| format!("{e:?}"))
}

/// scimkit-filter first (the baseline of every ratio), then the peers.
pub const PARSERS: [Parser; 3] = [
    Parser {
        name: "scimkit-filter",
        parse: scimkit,
    },
    Parser {
        name: "scim_v2 1.0.0",
        parse: scim_v2,
    },
    Parser {
        name: "scim_proto 1.10.4",
        parse: scim_proto,
    },
];

/// The median of a non-empty list of numbers.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}
