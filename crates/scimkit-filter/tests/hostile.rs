//! Hostile inputs named by the issue: deep nesting that a recursive parser would overflow on,
//! and a 10,000-term `or` chain (a bulk lookup by id). Each must end in a result or a limit
//! error naming the limit, never a stack overflow. (No timing here: speed lives in the benches.)

use scimkit_filter::{
    DEFAULT_MAX_DEPTH, ErrorKind, Filter, FilterOptions, parse_filter, parse_patch_path,
};

const HUNDRED_KB: usize = 100 * 1024;

#[test]
fn hundred_kb_of_open_parens_hits_the_depth_limit() {
    let text = "(".repeat(HUNDRED_KB);
    let err = parse_filter(&text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooDeep);
    assert_eq!(err.offset(), DEFAULT_MAX_DEPTH);
    assert!(err.message().contains("64"), "{err}");
}

#[test]
fn hundred_kb_of_nested_not_hits_the_depth_limit() {
    let text = "not (".repeat(HUNDRED_KB / 5);
    let err = parse_filter(&text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooDeep);
    assert_eq!(err.offset(), DEFAULT_MAX_DEPTH * 5);
    // Without the space too (errata 7319 form).
    let err = parse_filter(&"not(".repeat(HUNDRED_KB / 4)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooDeep);
}

#[test]
fn deep_nesting_even_with_the_largest_allowed_depth_limit_is_safe() {
    // The depth option is capped at MAX_DEPTH_CEILING so that the recursive walks over the
    // tree (printing, comparing, dropping) stay shallow.
    let opts = FilterOptions {
        max_depth: usize::MAX,
        ..FilterOptions::strict()
    };
    let depth = scimkit_filter::MAX_DEPTH_CEILING;
    let text = format!("{}a pr{}", "not (".repeat(depth), ")".repeat(depth));
    let filter = opts.parse_filter(&text).unwrap();
    assert_eq!(filter.to_string(), text);
    assert_eq!(filter.clone(), filter);
    let deeper = format!("{}a pr{}", "not (".repeat(depth + 1), ")".repeat(depth + 1));
    assert_eq!(
        opts.parse_filter(&deeper).unwrap_err().kind(),
        ErrorKind::TooDeep
    );
    // Compiling and evaluating the deepest tree the parser allows is safe too, on a thread
    // with a 2 MiB stack (the default for spawned threads).
    let deep_opts = opts.clone();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let registry = scimkit_schema::SchemaRegistry::core();
            let users = registry.resource_type("User").unwrap();
            let not_chain = format!("{}title pr{}", "not (".repeat(depth), ")".repeat(depth));
            let groups = format!(
                "{}title pr{}",
                "(id pr and ".repeat(depth),
                ")".repeat(depth)
            );
            for (text, user, expected) in [
                // An even number of negations leaves `title pr`.
                (&not_chain, serde_json::json!({"title": "x"}), true),
                (&not_chain, serde_json::json!({}), false),
                (&groups, serde_json::json!({"id": "1", "title": "x"}), true),
            ] {
                let matcher = deep_opts.compile_filter(text, &registry, users).unwrap();
                assert_eq!(matcher.matches(&user), expected);
            }
        })
        .unwrap()
        .join()
        .unwrap();
    // A run of `(` far past the ceiling is refused as early as the ceiling.
    let err = opts.parse_filter(&"(".repeat(HUNDRED_KB)).unwrap_err();
    assert_eq!(err.offset(), depth);
}

#[test]
fn hundred_kb_of_brackets_in_a_patch_path() {
    let text = format!("emails[{}", "(".repeat(HUNDRED_KB));
    let err = parse_patch_path(&text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooDeep);
}

fn bulk_id_lookup(n: usize) -> String {
    (0..n)
        .map(|i| format!("id eq \"2819c223-7f76-453a-919d-{i:012}\""))
        .collect::<Vec<_>>()
        .join(" or ")
}

#[test]
fn ten_thousand_term_or_chain_parses_flat_and_round_trips() {
    let text = bulk_id_lookup(10_000);
    let filter = parse_filter(&text).unwrap();
    let Filter::Or(ops) = &filter else {
        panic!("expected one flat or-chain")
    };
    assert_eq!(ops.len(), 10_000);
    assert_eq!(filter.term_count(), 10_000);
    assert_eq!(filter.to_string(), text);
    assert_eq!(parse_filter(&filter.to_string()).unwrap(), filter);
}

#[test]
fn one_term_past_the_default_limit_is_refused() {
    let err = parse_filter(&bulk_id_lookup(10_001)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyTerms);
    assert!(err.message().contains("10000"), "{err}");
}

#[test]
fn long_unterminated_string_and_garbage_are_errors() {
    let text = format!("userName eq \"{}", "a".repeat(HUNDRED_KB));
    assert_eq!(parse_filter(&text).unwrap_err().kind(), ErrorKind::Syntax);
    let text = ")".repeat(HUNDRED_KB);
    assert_eq!(parse_filter(&text).unwrap_err().offset(), 0);
    let text = "a pr and ".repeat(HUNDRED_KB / 9);
    assert!(parse_filter(&text).is_err());
    let too_long = "a".repeat(scimkit_filter::DEFAULT_MAX_LEN + 1);
    assert_eq!(
        parse_filter(&too_long).unwrap_err().kind(),
        ErrorKind::TooLong
    );
}
