//! One test (or more) per grammar rule of RFC 7644 §3.4.2.2 (filters, with errata 4690, 7322
//! and 7319) and §3.5.2 (PATCH paths), asserting the exact tree or the exact error position.

use scimkit_filter::{
    AttrExp, AttrPath, CompValue, CompareOp, ErrorKind, Filter, FilterOptions, PatchPath, Span,
    Target, parse_attr_path, parse_filter, parse_patch_path,
};

fn path(name: &str) -> AttrPath {
    match name.split_once('.') {
        Some((name, sub)) => AttrPath::new(name).with_sub_attr(sub),
        None => AttrPath::new(name),
    }
}

fn cmp(name: &str, op: CompareOp, value: impl Into<CompValue>) -> Filter {
    AttrExp::compare(path(name), op, value).into()
}

fn eq(name: &str, value: impl Into<CompValue>) -> Filter {
    cmp(name, CompareOp::Eq, value)
}

fn pr(name: &str) -> Filter {
    AttrExp::present(path(name)).into()
}

fn err_at(text: &str) -> usize {
    let err = parse_filter(text).expect_err(text);
    assert_eq!(err.target(), Target::Filter);
    err.offset()
}

/// RFC 7644 §3.4.2.2 attrExp: `attrPath SP "pr"` and all nine compareOps.
#[test]
fn attr_exp_present_and_every_compare_op() {
    assert_eq!(parse_filter("title pr").unwrap(), pr("title"));
    for op in CompareOp::ALL {
        let text = format!("userName {} \"bjensen\"", op.as_str().to_uppercase());
        assert_eq!(parse_filter(&text).unwrap(), cmp("userName", op, "bjensen"));
    }
}

/// RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters are case
/// insensitive"; RFC 5234 §2.3 makes `and`/`or`/`not`/`pr` case-insensitive too.
#[test]
fn keywords_and_operators_any_case() {
    let f = parse_filter(r#"userName Eq "a" AND NOT (title PR) Or id eq "b""#).unwrap();
    assert_eq!(
        f,
        Filter::Or(vec![
            Filter::And(vec![eq("userName", "a"), Filter::negate(pr("title"))]),
            eq("id", "b"),
        ])
    );
}

/// RFC 7644 §3.4.2.2 precedence: `not` over `and` over `or`; n-ary chains.
#[test]
fn precedence_and_n_ary_chains() {
    assert_eq!(
        parse_filter("a pr or b pr and c pr").unwrap(),
        Filter::Or(vec![pr("a"), Filter::And(vec![pr("b"), pr("c")])])
    );
    assert_eq!(
        parse_filter("a pr and b pr or c pr").unwrap(),
        Filter::Or(vec![Filter::And(vec![pr("a"), pr("b")]), pr("c")])
    );
    assert_eq!(
        parse_filter("a pr or b pr or c pr or d pr").unwrap(),
        Filter::Or(vec![pr("a"), pr("b"), pr("c"), pr("d")])
    );
    assert_eq!(
        parse_filter("not (a pr) and b pr").unwrap(),
        Filter::And(vec![Filter::negate(pr("a")), pr("b")])
    );
}

/// RFC 7644 §3.4.2.2 grouping: parentheses override precedence; redundant ones leave no node;
/// explicit same-kind grouping is kept (so the printer can reproduce it).
#[test]
fn grouping() {
    assert_eq!(
        parse_filter("(a pr or b pr) and c pr").unwrap(),
        Filter::And(vec![Filter::Or(vec![pr("a"), pr("b")]), pr("c")])
    );
    assert_eq!(parse_filter("((((a pr))))").unwrap(), pr("a"));
    assert_eq!(
        parse_filter("a pr and (b pr and c pr)").unwrap(),
        Filter::And(vec![pr("a"), Filter::And(vec![pr("b"), pr("c")])])
    );
    assert_eq!(parse_filter("( a pr )").unwrap(), pr("a"));
}

/// RFC 7644 §3.4.2.2 `*1"not" "(" FILTER ")"` with errata 7319: `not(` and `not (` both parse;
/// `not` without a group does not.
#[test]
fn not_with_and_without_space() {
    let expected = Filter::negate(eq("userName", "ada"));
    assert_eq!(parse_filter(r#"not(userName eq "ada")"#).unwrap(), expected);
    assert_eq!(
        parse_filter(r#"not (userName eq "ada")"#).unwrap(),
        expected
    );
    assert_eq!(
        parse_filter(r#"NOT  (userName eq "ada")"#).unwrap(),
        expected
    );
    assert_eq!(
        parse_filter("not (not (a pr))").unwrap(),
        Filter::negate(Filter::negate(pr("a")))
    );
    let err = parse_filter(r#"not userName eq "ada""#).unwrap_err();
    assert_eq!(err.offset(), 0);
    assert!(err.message().contains("parenthesised"), "{err}");
    // An attribute that happens to be called `not`, or start with it, is still an attribute.
    assert_eq!(parse_filter("not pr").unwrap(), pr("not"));
    assert_eq!(parse_filter("notes pr").unwrap(), pr("notes"));
}

/// RFC 7644 §3.4.2.2 valuePath with valFilter, including logExp, grouping (errata 7322) and
/// `not` inside the brackets.
#[test]
fn value_path() {
    assert_eq!(
        parse_filter(r#"emails[type eq "work" and value co "@example.com"]"#).unwrap(),
        Filter::value_path(
            path("emails"),
            Filter::And(vec![
                eq("type", "work"),
                cmp("value", CompareOp::Co, "@example.com")
            ])
        )
    );
    assert_eq!(
        parse_filter(r#"emails[type eq "work" or (type eq "home" and value ew "@example.com")]"#)
            .unwrap(),
        Filter::value_path(
            path("emails"),
            Filter::Or(vec![
                eq("type", "work"),
                Filter::And(vec![
                    eq("type", "home"),
                    cmp("value", CompareOp::Ew, "@example.com")
                ])
            ])
        )
    );
    assert_eq!(
        parse_filter(r#"emails[not (type eq "work")] and userName pr"#).unwrap(),
        Filter::And(vec![
            Filter::value_path(path("emails"), Filter::negate(eq("type", "work"))),
            pr("userName")
        ])
    );
    assert_eq!(
        parse_filter(r#"members[$ref pr]"#).unwrap(),
        Filter::value_path(path("members"), pr("$ref"))
    );
}

/// Errata 4690: no valuePath inside a valuePath; and a filter cannot continue after `]`
/// (RFC 7644 §3.4.2.2; `].sub` is PATCH syntax, case 20 F4/F5).
#[test]
fn value_path_restrictions() {
    assert_eq!(err_at(r#"emails[type eq "a" and emails[type eq "b"]]"#), 29);
    assert_eq!(err_at(r#"emails[type eq "work"].value eq "x""#), 22);
    assert_eq!(err_at(r#"emails[type eq "work"] eq "x""#), 23);
    assert_eq!(err_at(r#"emails[]"#), 7);
    assert_eq!(err_at(r#"emails[type eq "work""#), 21);
}

/// Entra ID compatibility (FilterOptions::entra_value_path_sub_attr): the non-RFC form
/// `attr[valFilter].subAttr op value` reads as `attr[valFilter and subAttr op value]`.
#[test]
fn entra_value_path_sub_attr_form() {
    let lenient = FilterOptions::lenient();
    let f = lenient
        .parse_filter(r#"emails[type eq "work"].value eq "ada@example.com""#)
        .unwrap();
    assert_eq!(
        f,
        parse_filter(r#"emails[type eq "work" and value eq "ada@example.com"]"#).unwrap()
    );
    let f = lenient
        .parse_filter(r#"emails[type eq "work" and primary eq true].value pr or id pr"#)
        .unwrap();
    assert_eq!(
        f.to_string(),
        r#"emails[type eq "work" and primary eq true and value pr] or id pr"#
    );
    let f = lenient
        .parse_filter(r#"emails[type eq "work" or type eq "home"].value sw "a""#)
        .unwrap();
    assert_eq!(
        f.to_string(),
        r#"emails[(type eq "work" or type eq "home") and value sw "a"]"#
    );
    assert!(
        lenient
            .parse_filter(r#"emails[type eq "work"].value"#)
            .is_err()
    );
    assert!(
        lenient
            .parse_filter(r#"emails[type eq "work"].a.b pr"#)
            .is_err()
    );
}

/// RFC 7644 §3.4.2.2 attrPath: URN-qualified names; the URN holds `:` and `.` (case 13).
#[test]
fn urn_prefixed_attr_paths() {
    let f = parse_filter(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u9""#,
    )
    .unwrap();
    let Filter::Attr(AttrExp::Compare { path, .. }) = &f else {
        panic!("{f:?}")
    };
    assert_eq!(
        path.urn.as_deref(),
        Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
    );
    assert_eq!(
        (path.name.as_str(), path.sub_attr.as_deref()),
        ("manager", Some("value"))
    );
    let f = parse_filter("urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"]")
        .unwrap();
    assert!(matches!(f, Filter::ValuePath(ref vp) if vp.attr.urn.is_some()));
}

/// RFC 7644 §3.4.2.2 compValue: JSON literals in any case, numbers, escaped strings.
#[test]
fn comp_values() {
    assert_eq!(parse_filter("active eq TRUE").unwrap(), eq("active", true));
    assert_eq!(parse_filter("x eq null").unwrap(), eq("x", CompValue::Null));
    assert_eq!(
        parse_filter("n gt -3").unwrap(),
        cmp("n", CompareOp::Gt, -3)
    );
    assert_eq!(
        parse_filter(r#"displayName eq "say \"hi\" \\ \u0022ok\u0022 Zoë""#).unwrap(),
        eq("displayName", "say \"hi\" \\ \"ok\" Zoë")
    );
    // h-06: a bare word is not a value.
    let err = parse_filter("name.givenName ne Ada").unwrap_err();
    assert_eq!(err.offset(), 18);
    assert!(err.message().contains("double quotes"));
}

/// RFC 7644 §3.4.2.2: an unknown operator is refused, naming it (h-06).
#[test]
fn unknown_operator_is_named() {
    let err = parse_filter(r#"name.givenName zz "Ada""#).unwrap_err();
    assert_eq!(err.offset(), 15);
    assert!(err.message().contains("\"zz\""), "{err}");
    let scim = err.into_scim();
    assert_eq!(scim.status, 400);
    assert_eq!(
        scim.scim_type,
        Some(scimkit_schema::ScimType::InvalidFilter)
    );
}

/// RFC 7644 §3.4.2.2 `SP`: tokens must be separated; runs of spaces and padding are accepted.
#[test]
fn spacing() {
    assert_eq!(err_at(r#"userName eq"x""#), 11);
    assert_eq!(err_at(r#"userNameeq "x""#), 11);
    assert_eq!(err_at(r#"a eq "x"and b pr"#), 8);
    assert_eq!(err_at(r#"a eq "x" and(b pr)"#), 12);
    assert_eq!(err_at("a pr andb pr"), 5);
    assert_eq!(err_at("a\tpr"), 1);
    assert_eq!(
        parse_filter("  a   pr    and   b pr  ").unwrap(),
        Filter::And(vec![pr("a"), pr("b")])
    );
}

#[test]
fn unbalanced_and_empty_inputs() {
    assert_eq!(err_at(""), 0);
    assert_eq!(err_at("   "), 3);
    assert_eq!(err_at("(a pr"), 5);
    assert_eq!(err_at("a pr)"), 4);
    assert_eq!(err_at("()"), 1);
    assert_eq!(err_at("a pr and"), 8);
    assert_eq!(err_at("a pr and "), 9);
    assert_eq!(err_at("or a pr"), 3);
    assert_eq!(err_at("a pr ]"), 5);
    let err = parse_filter("(a pr").unwrap_err();
    assert!(err.message().contains("opened at byte 0"), "{err}");
}

#[test]
fn spans_point_into_the_input() {
    let text = r#"title pr and not (userName eq "x")"#;
    let Filter::And(ops) = parse_filter(text).unwrap() else {
        panic!()
    };
    assert_eq!(ops[0].span(), Span::new(0, 8));
    assert_eq!(
        &text[ops[1].span().start..ops[1].span().end],
        r#"not (userName eq "x")"#
    );
    let Filter::Not { filter, .. } = &ops[1] else {
        panic!()
    };
    assert_eq!(
        &text[filter.span().start..filter.span().end],
        r#"userName eq "x""#
    );
}

/// RFC 7644 §3.5.2 PATH = attrPath / valuePath [subAttr], with the RFC's own examples.
#[test]
fn patch_paths() {
    assert_eq!(
        parse_patch_path("members").unwrap(),
        PatchPath::attr(path("members"))
    );
    assert_eq!(
        parse_patch_path("name.familyName").unwrap(),
        PatchPath::attr(path("name.familyName"))
    );
    let p = parse_patch_path(r#"addresses[type eq "work"]"#).unwrap();
    assert_eq!(p.filter, Some(eq("type", "work")));
    assert_eq!(p.sub_attr, None);
    let p =
        parse_patch_path(r#"members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName"#)
            .unwrap();
    assert_eq!(p.attr, path("members"));
    assert_eq!(
        p.filter,
        Some(eq("value", "2819c223-7f76-453a-919d-413861904646"))
    );
    assert_eq!(p.sub_attr.as_deref(), Some("displayName"));
    assert_eq!(
        p.to_string(),
        r#"members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName"#
    );
    let p = parse_patch_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").unwrap();
    assert_eq!(
        p.attr.urn.as_deref(),
        Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0")
    );
    assert_eq!(p.attr.name, "User");
    let p = parse_patch_path(r#"emails[type eq "work" and (primary eq true or value ew ".org")]"#)
        .unwrap();
    assert!(matches!(p.filter, Some(Filter::And(_))));
}

#[test]
fn malformed_patch_paths_are_invalid_path() {
    for (bad, offset) in [
        ("", 0),
        ("members ", 7),
        (" members", 0),
        (r#"emails[type eq "work"]value"#, 22),
        (r#"emails[type eq "work"].value.x"#, 28),
        (r#"emails[type eq "work""#, 21),
        (r#"emails[emails[type eq "a"]]"#, 13),
        ("emails[type pr] and x pr", 15),
        ("members[]", 8),
    ] {
        let err = parse_patch_path(bad).expect_err(bad);
        assert_eq!(err.target(), Target::PatchPath);
        assert_eq!(err.offset(), offset, "{bad:?}: {err}");
        assert_eq!(
            err.into_scim().scim_type,
            Some(scimkit_schema::ScimType::InvalidPath)
        );
    }
}

/// RFC 7644 §3.10 / §3.4.2.5: bare attribute paths and lists for `attributes=`.
#[test]
fn attr_paths_and_lists() {
    assert_eq!(
        parse_attr_path("name.givenName").unwrap(),
        path("name.givenName")
    );
    assert!(parse_attr_path("name.givenName ").is_err());
    assert!(parse_attr_path(r#"emails[type eq "work"]"#).is_err());
    let list = FilterOptions::strict()
        .parse_attr_path_list("userName, name.familyName ,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber")
        .unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[1], path("name.familyName"));
    assert_eq!(list[2].name, "employeeNumber");
    assert_eq!(
        FilterOptions::strict().parse_attr_path_list("").unwrap(),
        vec![]
    );
    for bad in ["a,", ",a", "a,,b", "a b"] {
        assert!(
            FilterOptions::strict().parse_attr_path_list(bad).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn term_limit_names_itself() {
    let opts = FilterOptions {
        max_terms: 3,
        ..FilterOptions::strict()
    };
    assert!(opts.parse_filter("a pr or b pr or c pr").is_ok());
    let err = opts
        .parse_filter("a pr or b pr or c pr or d pr")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyTerms);
    assert_eq!(err.offset(), 24);
    assert!(err.message().contains("max_terms"));
    let err = opts
        .parse_filter("emails[a pr and b pr and c pr and d pr]")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyTerms);
}

#[test]
fn depth_limit_names_itself() {
    let opts = FilterOptions {
        max_depth: 2,
        ..FilterOptions::strict()
    };
    assert!(opts.parse_filter("not ((a pr))").is_ok());
    assert!(opts.parse_filter("emails[(a pr)]").is_ok());
    let err = opts.parse_filter("not ((( a pr)))").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooDeep);
    assert_eq!(err.offset(), 6);
    assert!(err.message().contains("max_depth"));
    assert!(opts.parse_patch_path("emails[(a pr)]").is_ok());
    assert!(opts.parse_patch_path("emails[((a pr))]").is_err());
}
