//! `parse(print(ast)) == ast` over generated trees (proptest), for filters, PATCH paths and
//! attribute paths, and print stability over generated text.

use proptest::prelude::*;
use scimkit_filter::{
    AttrExp, AttrPath, CompValue, CompareOp, Filter, FilterOptions, PatchPath, Span, ValuePath,
    parse_attr_path, parse_filter, parse_patch_path,
};

fn attr_name() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => "[a-zA-Z][a-zA-Z0-9_$-]{0,10}",
        1 => Just("$ref".to_owned()),
        1 => prop_oneof![Just("not"), Just("and"), Just("or"), Just("pr"), Just("urn"), Just("NOT")]
            .prop_map(str::to_owned),
    ]
}

fn urn() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("urn:ietf:params:scim:schemas:core:2.0:User".to_owned()),
        Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned()),
        "(urn|URN|Urn):[a-z0-9][a-z0-9._-]{0,6}(:[A-Za-z0-9][A-Za-z0-9._%-]{0,6}){0,4}",
    ]
}

fn attr_path() -> impl Strategy<Value = AttrPath> {
    (
        proptest::option::weighted(0.2, urn()),
        attr_name(),
        proptest::option::weighted(0.3, attr_name()),
    )
        .prop_map(|(urn, name, sub_attr)| AttrPath {
            urn,
            name,
            sub_attr,
            span: Span::default(),
        })
}

fn comp_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i64>().prop_map(|n| CompValue::Number(n.into())),
        any::<u64>().prop_map(|n| CompValue::Number(n.into())),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(CompValue::Number),
        any::<String>().prop_map(CompValue::String),
        "[a-z@. \"\\\\]{0,12}".prop_map(CompValue::String),
    ]
}

fn attr_exp() -> impl Strategy<Value = Filter> {
    prop_oneof![
        attr_path().prop_map(|p| AttrExp::present(p).into()),
        (
            attr_path(),
            proptest::sample::select(CompareOp::ALL.to_vec()),
            comp_value()
        )
            .prop_map(|(p, op, v)| AttrExp::compare(p, op, v).into()),
    ]
}

/// Filters without value paths: what may appear inside `[...]` (errata 4690).
fn val_filter() -> impl Strategy<Value = Filter> {
    attr_exp().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Filter::negate),
            proptest::collection::vec(inner.clone(), 2..4).prop_map(Filter::And),
            proptest::collection::vec(inner, 2..4).prop_map(Filter::Or),
        ]
    })
}

fn value_path() -> impl Strategy<Value = Filter> {
    (attr_path(), val_filter()).prop_map(|(attr, f)| {
        Filter::ValuePath(ValuePath {
            attr,
            filter: Box::new(f),
            span: Span::default(),
        })
    })
}

fn filter() -> impl Strategy<Value = Filter> {
    prop_oneof![3 => attr_exp(), 1 => value_path()].prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Filter::negate),
            proptest::collection::vec(inner.clone(), 2..5).prop_map(Filter::And),
            proptest::collection::vec(inner, 2..5).prop_map(Filter::Or),
        ]
    })
}

fn patch_path() -> impl Strategy<Value = PatchPath> {
    (
        attr_path(),
        proptest::option::of((val_filter(), proptest::option::of(attr_name()))),
    )
        .prop_map(|(attr, rest)| {
            let (filter, sub_attr) = match rest {
                Some((f, sub)) => (Some(f), sub),
                None => (None, None),
            };
            PatchPath {
                attr,
                filter,
                sub_attr,
                span: Span::default(),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn filters_round_trip(f in filter()) {
        let text = f.to_string();
        let parsed = parse_filter(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{}", e.caret())))?;
        prop_assert_eq!(&parsed, &f);
        prop_assert_eq!(&parsed.to_string(), &text);
        // The lenient dialect reads every RFC filter the same way.
        prop_assert_eq!(FilterOptions::lenient().parse_filter(&text).unwrap(), f);
    }

    #[test]
    fn patch_paths_round_trip(p in patch_path()) {
        let text = p.to_string();
        let parsed = parse_patch_path(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{}", e.caret())))?;
        prop_assert_eq!(parsed, p);
    }

    #[test]
    fn attr_paths_round_trip(p in attr_path()) {
        let text = p.to_string();
        let parsed = parse_attr_path(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.span, Span::new(0, text.len()));
        prop_assert_eq!(parsed, p);
    }

    /// Arbitrary text: never a panic; whatever parses prints to a fixed point.
    #[test]
    fn arbitrary_text_never_panics(text in "[a-zA-Z0-9 ()\\[\\]\".:$-]{0,40}") {
        if let Ok(f) = parse_filter(&text) {
            let printed = f.to_string();
            prop_assert_eq!(parse_filter(&printed).unwrap(), f);
        }
        if let Ok(p) = parse_patch_path(&text) {
            prop_assert_eq!(parse_patch_path(&p.to_string()).unwrap(), p);
        }
    }
}
