//! The one pass over the stored values of a multi-valued attribute that a member change
//! needs (which stored values does the request name?), split across threads when the
//! attribute holds many values.
//!
//! On a 100,000-member group the pass waits on memory far more than it computes: each stored
//! member is a small object behind a few pointers (about 40 ns a member on one core). Threads
//! that each take a contiguous part of the array wait in parallel, so the pass takes about
//! the time of its largest part. Below [`PARALLEL_MIN`] values, or on one core, it runs on
//! the calling thread; a thread that cannot be started leaves its part to the calling thread.
//! The result is the same either way: the positions in ascending order.

use std::sync::OnceLock;

use serde_json::Value;

/// Fewest stored values for which the pass is split (a thread costs tens of microseconds to
/// start; the pass over 32,768 members takes about a millisecond).
pub(crate) const PARALLEL_MIN: usize = 32_768;

/// Most threads one pass uses (the calling thread included).
const MAX_THREADS: usize = 4;

/// How many threads a pass may use: the machine's available parallelism, at most
/// [`MAX_THREADS`].
fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(MAX_THREADS)
    })
}

/// The positions of the values for which `hit` holds, ascending.
pub(crate) fn positions(values: &[Value], hit: impl Fn(&Value) -> bool + Sync) -> Vec<usize> {
    positions_with(values, &hit, threads(), PARALLEL_MIN)
}

fn positions_with(
    values: &[Value],
    hit: &(impl Fn(&Value) -> bool + Sync),
    threads: usize,
    parallel_min: usize,
) -> Vec<usize> {
    if threads < 2 || values.len() < parallel_min.max(2) {
        return serial(values, 0, hit);
    }
    let chunk = values.len().div_ceil(threads);
    std::thread::scope(|scope| {
        // The first part runs here; each other part on a thread of its own, or here too when
        // the thread cannot be started.
        let parts: Vec<_> = values
            .chunks(chunk)
            .enumerate()
            .skip(1)
            .map(|(i, part)| {
                let start = i * chunk;
                std::thread::Builder::new()
                    .name("scimkit-patch-scan".into())
                    .spawn_scoped(scope, move || serial(part, start, hit))
                    .map_err(|_| (part, start))
            })
            .collect();
        let mut out = serial(&values[..chunk.min(values.len())], 0, hit);
        for part in parts {
            match part {
                Ok(handle) => match handle.join() {
                    Ok(found) => out.extend(found),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err((part, start)) => out.extend(serial(part, start, hit)),
            }
        }
        out
    })
}

fn serial(values: &[Value], start: usize, hit: &impl Fn(&Value) -> bool) -> Vec<usize> {
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| hit(v))
        .map(|(i, _)| start + i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Split or not, the same positions in the same order, whatever the length relative to
    /// the number of parts.
    #[test]
    fn split_passes_find_what_the_serial_pass_finds() {
        for n in [0, 1, 2, 3, 7, 64, 1_001] {
            let values: Vec<Value> = (0..n).map(|i| json!({"value": format!("m{i}")})).collect();
            let hit = |v: &Value| {
                v["value"]
                    .as_str()
                    .and_then(|s| s[1..].parse::<usize>().ok())
                    .is_some_and(|i| i % 3 == 0 || i == n - 1)
            };
            let expected = serial(&values, 0, &hit);
            for threads in [1, 2, 3, 4] {
                assert_eq!(
                    positions_with(&values, &hit, threads, 2),
                    expected,
                    "n {n}, {threads} threads"
                );
            }
        }
    }
}
