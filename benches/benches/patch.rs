//! scimkit-patch: a corpus of realistic PATCH bodies (`data/patch-corpus.json`: Entra ID in
//! both dialects, Okta, RFC 7644 shapes) applied to a typical enterprise user with the
//! server's default preset (`lenient`; `tests/patch_corpus.rs` checks every result), and
//! 100-member changes on a 100,000-member group (added; removed by Entra ID's legacy `value`
//! list; removed by one `members[value eq "..."]` operation each, as Entra ID sends with
//! aadOptscim062020), each next to a baseline measured in the same run: a plain clone of the
//! same value.
//!
//! Every group runs twice: in wall-clock time (criterion's default) and, with the suffix
//! `_cpu`, in the CPU time of the measuring thread (`CLOCK_THREAD_CPUTIME_ID`), which does not
//! count the time the thread waits while other processes run on a shared machine (their
//! load still slows it through shared caches and memory). From 32,768 stored values the
//! engine's pass over them runs partly on other threads, whose CPU time the `_cpu` figures
//! of the 100,000-member group do not count: read the wall-clock ones there.
//!
//! Run: `cargo bench -p scimkit-benches --bench patch`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rustix::time::{ClockId, clock_gettime};
use scimkit_benches::{enterprise_user, group_with_members, patch_corpus};
use scimkit_patch::{PatchOptions, apply};
use scimkit_schema::{PatchOp, SchemaRegistry};
use serde_json::{Value, json};

/// The corpus's requests, parsed once (parsing is not what this bench measures).
fn corpus() -> Vec<(String, PatchOp)> {
    patch_corpus()
        .into_iter()
        .map(|r| (r.name, PatchOp::from_json(&r.bytes).unwrap()))
        .collect()
}

fn patch_body(ops: Value) -> PatchOp {
    let body =
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
    PatchOp::from_json(&serde_json::to_vec(&body).unwrap()).unwrap()
}

/// CPU time of the measuring thread (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, nanosecond
/// resolution): unlike wall-clock time it does not count the time the thread waits while
/// other processes run.
struct ThreadCpuTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        let t = clock_gettime(ClockId::ThreadCPUTime);
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    }
    fn end(&self, start: Duration) -> Duration {
        self.start().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, shown as durations like wall-clock time.
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}

fn user_corpus_wall(c: &mut Criterion) {
    user_corpus(c, "patch_user_corpus");
}

fn big_group_wall(c: &mut Criterion) {
    big_group(c, "patch_group_100k");
}

fn user_corpus_cpu(c: &mut Criterion<ThreadCpuTime>) {
    user_corpus(c, "patch_user_corpus_cpu");
}

fn big_group_cpu(c: &mut Criterion<ThreadCpuTime>) {
    big_group(c, "patch_group_100k_cpu");
}

fn user_corpus<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let registry = SchemaRegistry::core();
    let users = registry.resource_type("User").unwrap().clone();
    let options = PatchOptions::default();
    let user = enterprise_user(1);
    let corpus = corpus();
    assert!(corpus.len() >= 20);
    for (name, patch) in &corpus {
        let mut u = user.clone();
        apply(&mut u, patch, &registry, &users, &options)
            .unwrap_or_else(|e| panic!("corpus entry {name:?} must apply: {e}"));
    }
    let mut group = c.benchmark_group(name);
    group.bench_function("baseline_clone_user_x_corpus", |b| {
        b.iter(|| {
            for _ in &corpus {
                black_box(user.clone());
            }
        })
    });
    group.bench_function("apply_corpus", |b| {
        b.iter(|| {
            for (_, patch) in &corpus {
                let mut u = user.clone();
                black_box(apply(&mut u, patch, &registry, &users, &options).unwrap());
            }
        })
    });
    group.finish();
}

fn big_group<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let registry = SchemaRegistry::core();
    let groups = registry.resource_type("Group").unwrap().clone();
    let options = PatchOptions::default();
    let group_value = group_with_members(1, 100_000);
    let add: Vec<Value> = (0..100)
        .map(|i| json!({"value": format!("new-member-{i:04}"), "display": format!("New {i}")}))
        .collect();
    let add = patch_body(json!([{"op": "add", "path": "members", "value": add}]));
    let remove_ids: Vec<Value> = (0..100)
        .map(|i| json!({"value": format!("2819c223-7f76-453a-919d-{:012}", i * 997)}))
        .collect();
    let remove = patch_body(json!([{"op": "Remove", "path": "members", "value": remove_ids}]));
    // Entra ID with aadOptscim062020: one `remove members[value eq "..."]` per member.
    let remove_each: Vec<Value> = (0..100)
        .map(|i| {
            json!({"op": "remove",
                   "path": format!("members[value eq \"2819c223-7f76-453a-919d-{:012}\"]", i * 997)})
        })
        .collect();
    let remove_each = patch_body(Value::Array(remove_each));
    let mut g = c.benchmark_group(name);
    g.sample_size(20);
    // The clone alone: its drop falls outside the timing, as the patched groups' drops do.
    g.bench_function("baseline_clone_group", |b| {
        b.iter_with_large_drop(|| group_value.clone())
    });
    for (name, patch) in [
        ("add_100_members", &add),
        ("remove_100_members", &remove),
        ("remove_100_members_one_op_each", &remove_each),
    ] {
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || group_value.clone(),
                |grp| {
                    let outcome = apply(grp, patch, &registry, &groups, &options).unwrap();
                    assert!(outcome.changed());
                    black_box(outcome)
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(wall, user_corpus_wall, big_group_wall);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = user_corpus_cpu, big_group_cpu
}
criterion_main!(wall, cpu);
