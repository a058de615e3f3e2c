//! The user-PATCH corpus of the main workspace (`benches/data/patch-corpus.json`, 24 requests:
//! Entra ID in both dialects, Okta, RFC 7644 §3.5.2 shapes) applied to the same enterprise
//! user by scimkit-patch and by scim-server 0.5.3 in one criterion run.
//!
//! Both engines get the same input, the request body as bytes and the stored user, and do the
//! same job: parse the body, apply it to a copy of the user, and hand back the resource to
//! store (see `scimkit_peer_benches::patch` for exactly what each runs). The user is
//! `scimkit_benches::enterprise_user(1)` with `meta.version` `1` instead of `W/"1"`, which
//! scim-server cannot read.
//!
//! Prints, before timing, each engine's verdict on each request: the resource the sender
//! intends (the corpus's `expect`, from RFC 7644 and the IdPs' documented behaviour), an
//! error, or a different resource with the attributes that differ. Then the median time per
//! request and for the whole corpus, with ratios scim-server / scimkit-patch, and a baseline
//! measured in the same run (one clone of the user per request, which both engines do).
//!
//! Run: `cargo bench --manifest-path benches/peers/Cargo.toml --bench patch_peers`
//! (`-- --test` runs each benchmark once and prints only the verdicts).

use std::hint::black_box;
use std::path::Path;

use scimkit_benches::{PatchRequest, enterprise_user, patch_corpus};
use scimkit_peer_benches::patch::{ScimServer, Scimkit, Verdict, judge, preset};
use scimkit_peer_benches::{criterion, median, median_ns};
use serde_json::Value;

fn main() {
    let (mut c, dir) = criterion("patch-peers");

    // scim-server refuses to read a resource whose meta.version is an RFC 7232 entity-tag such
    // as `W/"1"` (RFC 7644 §3.14's own examples): its Meta accepts only letters, digits and
    // `-_.+/=`. Both engines get the same user with a bare version so that the comparison is
    // about PATCH, not about that.
    let mut user = enterprise_user(1);
    user["meta"]["version"] = Value::String("1".to_owned());
    let requests = patch_corpus();
    let scimkit = Scimkit::default();
    let peer = ScimServer::default();
    let verdicts = print_verdicts(&user, &requests, &scimkit, &peer);

    let mut group = c.benchmark_group("patch_corpus");
    group.bench_function("baseline_clone", |b| {
        b.iter(|| {
            for _ in &requests {
                black_box(user.clone());
            }
        })
    });
    group.bench_function("scimkit", |b| {
        b.iter(|| {
            for r in &requests {
                let _ = black_box(scimkit.patch(&user, r, black_box(&r.bytes)));
            }
        })
    });
    group.bench_function("scim-server", |b| {
        b.iter(|| {
            for r in &requests {
                let _ = black_box(peer.patch(&user, black_box(&r.bytes)));
            }
        })
    });
    group.finish();
    for (i, r) in requests.iter().enumerate() {
        let mut group = c.benchmark_group(format!("patch_{i:02}"));
        group.bench_function("scimkit", |b| {
            b.iter(|| scimkit.patch(&user, r, black_box(&r.bytes)))
        });
        group.bench_function("scim-server", |b| {
            b.iter(|| peer.patch(&user, black_box(&r.bytes)))
        });
        group.finish();
    }
    c.final_summary();
    print_table(&dir, &requests, &verdicts);
}

/// One word for a verdict.
fn label(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Intended => "intended",
        Verdict::Refused(_) => "REFUSED",
        Verdict::Wrong(_) => "WRONG",
    }
}

/// Prints each engine's verdict per request and the list of scim-server's wrong answers;
/// returns scim-server's verdicts.
fn print_verdicts(
    user: &Value,
    requests: &[PatchRequest],
    scimkit: &Scimkit,
    peer: &ScimServer,
) -> Vec<Verdict> {
    println!(
        "## Verdicts on the {} corpus requests (against the result the sender intends)\n",
        requests.len()
    );
    println!("| # | request | sender | scimkit-patch (sender's preset) | scim-server 0.5.3 |");
    println!("|---|---|---|---|---|");
    let mut theirs_all = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let ours = judge(user, r, &scimkit.patch(user, r, &r.bytes));
        let theirs = judge(user, r, &peer.patch(user, &r.bytes));
        println!(
            "| {i:02} | {} | {} | {} ({}) | {} |",
            r.name,
            r.idp,
            label(&ours),
            preset(&r.idp),
            label(&theirs)
        );
        theirs_all.push(theirs);
    }
    let right = theirs_all
        .iter()
        .filter(|v| **v == Verdict::Intended)
        .count();
    println!(
        "\nscim-server gives the intended resource for {right} of {} requests. Its other answers:\n",
        requests.len()
    );
    for (i, (r, verdict)) in requests.iter().zip(&theirs_all).enumerate() {
        match verdict {
            Verdict::Intended => {}
            Verdict::Refused(e) => {
                println!("- {i:02} {} ({}): refused, `{e}`", r.name, r.idp);
            }
            Verdict::Wrong(diffs) => {
                let what: Vec<String> = diffs
                    .iter()
                    .map(|d| {
                        format!(
                            "`{}` stored {} instead of {}",
                            d.attribute, d.got, d.intended
                        )
                    })
                    .collect();
                println!(
                    "- {i:02} {} ({}): wrong, {}",
                    r.name,
                    r.idp,
                    what.join("; ")
                );
            }
        }
    }
    println!();
    theirs_all
}

fn print_table(dir: &Path, requests: &[PatchRequest], verdicts: &[Verdict]) {
    let Some(ours) = median_ns(dir, "patch_corpus", "scimkit") else {
        println!("(no measurements: run without --test to get the timing table)");
        return;
    };
    let theirs = median_ns(dir, "patch_corpus", "scim-server").unwrap_or(f64::NAN);
    let clone = median_ns(dir, "patch_corpus", "baseline_clone").unwrap_or(f64::NAN);
    println!("## Median time (µs), ratio = scim-server / scimkit-patch\n");
    println!("| # | request | scimkit-patch | scim-server (verdict) | ratio |");
    println!("|---|---|---|---|---|");
    let (mut all, mut intended) = (Vec::new(), Vec::new());
    for (i, (r, verdict)) in requests.iter().zip(verdicts).enumerate() {
        let group = format!("patch_{i:02}");
        if let (Some(a), Some(b)) = (
            median_ns(dir, &group, "scimkit"),
            median_ns(dir, &group, "scim-server"),
        ) {
            all.push(b / a);
            if *verdict == Verdict::Intended {
                intended.push(b / a);
            }
            println!(
                "| {i:02} | {} | {:.2} | {:.2} ({}) | {:.2}x |",
                r.name,
                a / 1e3,
                b / 1e3,
                label(verdict),
                b / a
            );
        }
    }
    println!(
        "\nWhole corpus ({} requests): scimkit-patch {:.1} µs, scim-server {:.1} µs, ratio {:.2}x; \
         baseline (one user clone per request) {:.1} µs, scimkit-patch {:.2}x of it, scim-server \
         {:.2}x of it.\nMedian per-request ratio {:.2}x over all requests, {:.2}x over the {} \
         that scim-server gets right (its refusals return early, which flatters it).",
        requests.len(),
        ours / 1e3,
        theirs / 1e3,
        theirs / ours,
        clone / 1e3,
        ours / clone,
        theirs / clone,
        median(&mut all),
        median(&mut intended),
        intended.len()
    );
}
