//! Parse every filter of `scimkit_benches::FILTER_CORPUS` with scimkit-filter, scim_v2 and
//! scim_proto in one criterion run, then print a table: median time per filter for each
//! parser, and ratios against scimkit-filter measured in the same run. A peer that rejects a
//! corpus filter is reported for that filter, not timed on it.
//!
//! Run: `cargo bench --manifest-path benches/peers/Cargo.toml`
//! (`-- --test` runs each benchmark once and prints only the acceptance report).

use std::path::Path;

use scimkit_benches::FILTER_CORPUS;
use scimkit_peer_benches::{PARSERS, criterion, median, median_ns};

fn main() {
    let (mut c, dir) = criterion("peers");

    println!(
        "## Acceptance of the {} corpus filters\n",
        FILTER_CORPUS.len()
    );
    let mut accepted = vec![[false; 3]; FILTER_CORPUS.len()];
    for (i, text) in FILTER_CORPUS.iter().enumerate() {
        for (p, parser) in PARSERS.iter().enumerate() {
            match (parser.parse)(text) {
                Ok(()) => accepted[i][p] = true,
                Err(err) => println!(
                    "- #{i:02} rejected by {}: `{text}`\n  ({})",
                    parser.name,
                    err.lines().next().unwrap_or("")
                ),
            }
        }
    }
    assert!(
        accepted.iter().all(|a| a[0]),
        "scimkit-filter must accept the whole corpus"
    );
    println!();

    for (i, text) in FILTER_CORPUS.iter().enumerate() {
        let mut group = c.benchmark_group(format!("peer_{i:02}"));
        for (p, parser) in PARSERS.iter().enumerate() {
            if accepted[i][p] {
                group.bench_function(parser.name.split(' ').next().unwrap_or(parser.name), |b| {
                    b.iter(|| (parser.parse)(std::hint::black_box(text)))
                });
            }
        }
        group.finish();
    }
    c.final_summary();
    print_table(&dir, &accepted);
}

fn print_table(dir: &Path, accepted: &[[bool; 3]]) {
    let ids: Vec<&str> = PARSERS
        .iter()
        .map(|p| p.name.split(' ').next().unwrap_or(p.name))
        .collect();
    let mut times: Vec<[Option<f64>; 3]> = Vec::new();
    for (i, ok) in accepted.iter().enumerate() {
        let group = format!("peer_{i:02}");
        let mut row = [None; 3];
        for p in 0..3 {
            if ok[p] {
                row[p] = median_ns(dir, &group, ids[p]);
            }
        }
        times.push(row);
    }
    if times.iter().all(|row| row[0].is_none()) {
        println!("(no measurements: run without --test to get the timing table)");
        return;
    }
    println!("## Median parse time per filter (ns), ratio = peer / scimkit-filter\n");
    println!("| # | scimkit-filter | scim_v2 | ratio | scim_proto | ratio |");
    println!("|---|---|---|---|---|---|");
    let cell = |t: Option<f64>, base: Option<f64>| match (t, base) {
        (Some(t), Some(b)) => (format!("{t:.0}"), format!("{:.1}x", t / b)),
        _ => ("rejected".to_owned(), "-".to_owned()),
    };
    for (i, row) in times.iter().enumerate() {
        let (v2, v2r) = cell(row[1], row[0]);
        let (pr, prr) = cell(row[2], row[0]);
        println!(
            "| {i:02} | {:.0} | {v2} | {v2r} | {pr} | {prr} |",
            row[0].unwrap_or(f64::NAN)
        );
    }
    println!("\n## Summary\n");
    println!(
        "| parser | filters accepted | median per-filter time, own accepted set (ns) | median on filters all accept (ns) | ratio of medians (all-accept set) | median of per-filter ratios |"
    );
    println!("|---|---|---|---|---|---|");
    let common: Vec<usize> = (0..times.len())
        .filter(|&i| times[i].iter().all(Option::is_some))
        .collect();
    let base_common = median(
        &mut common
            .iter()
            .map(|&i| times[i][0].unwrap_or(0.0))
            .collect::<Vec<_>>(),
    );
    for (p, parser) in PARSERS.iter().enumerate() {
        let mut own: Vec<f64> = times.iter().filter_map(|row| row[p]).collect();
        let count = own.len();
        let own_median = median(&mut own);
        let mut on_common: Vec<f64> = common.iter().map(|&i| times[i][p].unwrap_or(0.0)).collect();
        let common_median = median(&mut on_common);
        let mut ratios: Vec<f64> = times
            .iter()
            .filter_map(|row| Some(row[p]? / row[0]?))
            .collect();
        println!(
            "| {} | {count}/{} | {own_median:.0} | {common_median:.0} | {:.1}x | {:.1}x |",
            parser.name,
            times.len(),
            common_median / base_common,
            median(&mut ratios)
        );
    }
    println!(
        "\n{} filters are accepted by all three parsers.",
        common.len()
    );
}
