//! The same comparison as `schema_ingest`, measured in interleaved rounds so that the load of
//! a shared machine hits the baseline and `ingest` alike: each round times a batch of plain
//! `serde_json::from_slice::<Value>` and then a batch of `ingest` on the same bytes, and the
//! median of the per-round ratios is printed. With `--test` (as `cargo bench -- --test`
//! passes) it runs one short round as a smoke test.
//!
//! `cargo bench -p scimkit-benches --bench schema_ingest_paired`

use std::hint::black_box;
use std::time::{Duration, Instant};

use scimkit_benches::enterprise_user;
use scimkit_schema::{Compat, Operation, SchemaRegistry, ingest};
use serde_json::Value;

fn time(batch: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..batch {
        f();
    }
    start.elapsed()
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let (rounds, batch) = if smoke { (1, 10) } else { (301, 2000) };
    let registry = SchemaRegistry::core();
    let user = registry.resource_type("User").expect("built in").clone();
    let bytes = serde_json::to_vec(&enterprise_user(42)).expect("serializes");
    for (label, op) in [
        ("response", Operation::Response),
        ("create", Operation::Create),
    ] {
        let mut ratios = Vec::with_capacity(rounds);
        let mut base_ns = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let base = time(batch, || {
                black_box(serde_json::from_slice::<Value>(black_box(&bytes)).expect("valid JSON"));
            });
            let full = time(batch, || {
                black_box(
                    ingest(&registry, &user, black_box(&bytes), op, &Compat::lenient())
                        .expect("valid user"),
                );
            });
            ratios.push(full.as_secs_f64() / base.as_secs_f64());
            base_ns.push(base.as_nanos() as f64 / f64::from(batch));
        }
        ratios.sort_by(f64::total_cmp);
        base_ns.sort_by(f64::total_cmp);
        let median = |v: &[f64]| v[v.len() / 2];
        println!(
            "enterprise_user ingest ({label}) / from_slice::<Value>: median ratio {:.3} \
             (quartiles {:.3}..{:.3}, {rounds} rounds of {batch}; baseline median {:.0} ns)",
            median(&ratios),
            ratios[ratios.len() / 4],
            ratios[ratios.len() * 3 / 4],
            median(&base_ns),
        );
    }
}
