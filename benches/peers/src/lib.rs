//! The engines under comparison, behind one signature per job: the filter parsers here,
//! the PATCH engines in [`patch`]; and the helpers the benches' tables use.

pub mod patch;

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

/// The median of a list of numbers (NaN when it is empty).
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Criterion's median estimate (ns) for `group/function` under the output directory `dir`,
/// if this run measured it.
pub fn median_ns(dir: &std::path::Path, group: &str, function: &str) -> Option<f64> {
    let path = dir.join(group).join(function).join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// A criterion run for the bench `name` (`peers`, `patch-peers`), writing under
/// `target/criterion-<name>` of this crate, which is emptied first so that results of earlier
/// runs cannot leak into this run's table; short settings (20 samples, 0.2 s warm-up, 0.7 s
/// measurement), then the command line's. Returns the run and its output directory.
pub fn criterion(name: &str) -> (criterion::Criterion, std::path::PathBuf) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("criterion-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let c = criterion::Criterion::default()
        .output_directory(&dir)
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(200))
        .measurement_time(std::time::Duration::from_millis(700))
        .configure_from_args();
    (c, dir)
}
