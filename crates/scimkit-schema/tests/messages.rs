//! Protocol messages (RFC 7644 §3.4.2, §3.4.3, §3.5.2, §3.7, §3.12; RFC 9865).

use scimkit_schema::{
    BulkMethod, BulkRequest, BulkResponse, ListResponse, PatchOp, PatchOpKind, ScimError, ScimType,
    SearchRequest, SortOrder,
};
use serde_json::{Value, json};

/// RFC 7644 §3.5.2: op names are read case-insensitively; the exact spelling is recorded.
#[test]
fn rfc7644_3_5_2_op_names_case_insensitive_spelling_recorded() {
    for (name, kind, exact) in [
        ("add", PatchOpKind::Add, true),
        ("Add", PatchOpKind::Add, false),
        ("ADD", PatchOpKind::Add, false),
        ("Remove", PatchOpKind::Remove, false),
        ("replace", PatchOpKind::Replace, true),
    ] {
        let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                          "Operations": [{"op": name, "path": "x", "value": 1}]});
        let patch = PatchOp::from_json(body.to_string().as_bytes()).unwrap();
        assert_eq!(patch.operations[0].op, kind, "{name}");
        assert_eq!(patch.operations[0].op_is_rfc_spelling(), exact, "{name}");
        assert_eq!(patch.operations[0].op_as_sent(), name, "echoed as sent");
        let written = serde_json::to_value(&patch).unwrap();
        assert_eq!(written["Operations"][0]["op"], kind.as_str());
    }
}

/// RFC 7644 §3.5.2: structure errors are 400 invalidSyntax naming the problem.
#[test]
fn rfc7644_3_5_2_patch_structure_errors() {
    let cases: [(&str, &str); 5] = [
        (
            r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "move"}]}"#,
            "move",
        ),
        (
            r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}"#,
            "Operations",
        ),
        (
            r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []}"#,
            "at least one",
        ),
        (
            r#"{"schemas": ["urn:x"], "Operations": [{"op": "add", "value": 1}]}"#,
            "PatchOp",
        ),
        (r#"{"Operations": "#, "PatchOp"),
    ];
    for (body, needle) in cases {
        let e = PatchOp::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
        assert!(e.detail.as_deref().unwrap().contains(needle), "{e}");
    }
}

/// A `value` of `null` is kept apart from no `value` at all.
#[test]
fn patch_value_null_differs_from_absent() {
    let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "value": null}, {"op": "remove", "path": "title"}]}"#).unwrap();
    assert_eq!(patch.operations[0].value, Some(Value::Null));
    assert_eq!(patch.operations[1].value, None);
    let written = serde_json::to_value(&patch).unwrap();
    assert_eq!(
        written["Operations"][0],
        json!({"op": "replace", "path": "title", "value": null})
    );
    assert_eq!(
        written["Operations"][1],
        json!({"op": "remove", "path": "title"})
    );
}

/// RFC 7644 §3.7: bulk status written as a string, read as string, number or {"code"}.
#[test]
fn rfc7644_3_7_bulk_status_forms() {
    let resp: BulkResponse = serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
        "Operations": [
            {"method": "POST", "bulkId": "q", "status": {"code": "201"}, "location": "https://x/Users/1"},
            {"method": "delete", "status": 404},
            {"method": "PUT", "status": "200"}
        ]})).unwrap();
    assert_eq!(
        resp.operations.iter().map(|o| o.status).collect::<Vec<_>>(),
        [201, 404, 200]
    );
    assert_eq!(resp.operations[1].method, BulkMethod::Delete);
    let written = serde_json::to_value(&resp).unwrap();
    assert_eq!(written["Operations"][0]["status"], "201");
    assert_eq!(written["Operations"][1]["method"], "DELETE");
    for bad in [
        json!({"method": "POST", "status": "x"}),
        json!({"method": "POST", "status": {"nope": 1}}),
        json!({"method": "GET", "status": 200}),
    ] {
        assert!(serde_json::from_value::<scimkit_schema::BulkOperationResponse>(bad).is_err());
    }
}

#[test]
fn bulk_request_needs_its_urn() {
    let e = BulkRequest::from_json(br#"{"Operations": []}"#).unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
    let ok = BulkRequest::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": 1,
        "Operations": [{"method": "POST", "path": "/Users", "bulkId": "q", "data": {"userName": "Alice"}}]}"#).unwrap();
    assert_eq!(ok.fail_on_errors, Some(1));
}

/// RFC 7644 §3.4.2.4: startIndex below 1 is 1; negative count is 0; sortOrder any case.
#[test]
fn rfc7644_3_4_2_4_search_request_paging_rules() {
    let req = SearchRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "startIndex": -3, "count": -1, "sortOrder": "Descending", "cursor": ""}"#,
    )
    .unwrap();
    assert_eq!(req.start_index(), 1);
    assert_eq!(req.count(), Some(0));
    assert_eq!(req.sort_order, Some(SortOrder::Descending));
    assert_eq!(req.cursor.as_deref(), Some(""));
    assert_eq!(SearchRequest::default().start_index(), 1);
    assert!(SearchRequest::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "sortOrder": "up"}"#).is_err());
}

/// RFC 7644 §3.4.2 and RFC 9865 §2: `Resources` capital R, cursors optional.
#[test]
fn list_response_shape() {
    let page: ListResponse<Value> = serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "itemsPerPage": 1, "nextCursor": "VZUTiy", "Resources": [{"id": "1"}]}))
    .unwrap();
    assert_eq!(page.total_results, None);
    assert_eq!(page.next_cursor.as_deref(), Some("VZUTiy"));
    let empty = ListResponse::<Value>::new(Vec::new(), 0);
    assert_eq!(
        serde_json::to_value(&empty).unwrap()["Resources"],
        json!([])
    );
}

/// RFC 7644 §3.12: the Error message's status reads from a string or a number.
#[test]
fn rfc7644_3_12_error_status() {
    let e: ScimError = serde_json::from_str(r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "409", "scimType": "uniqueness"}"#).unwrap();
    assert_eq!(e.status, 409);
    assert_eq!(e.scim_type, Some(ScimType::Uniqueness));
}

/// RFC 9865 §4: `pagination` in ServiceProviderConfig round-trips; absent values stay absent.
#[test]
fn rfc9865_4_service_provider_config_pagination() {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": 200},
        "changePassword": {"supported": false}, "sort": {"supported": true}, "etag": {"supported": true},
        "authenticationSchemes": [],
        "pagination": {"cursor": true, "index": true, "defaultPaginationMethod": "cursor",
                       "defaultPageSize": 10, "maxPageSize": 100, "cursorTimeout": 3600}
    });
    let config: scimkit_schema::ServiceProviderConfig =
        serde_json::from_value(body.clone()).unwrap();
    let pagination = config.pagination.unwrap();
    assert_eq!(
        pagination.default_pagination_method,
        Some(scimkit_schema::PaginationMethod::Cursor)
    );
    assert_eq!(pagination.cursor_timeout, Some(3600));
    assert_eq!(serde_json::to_value(&config).unwrap(), body);
    let minimal: scimkit_schema::ServiceProviderConfig = serde_json::from_value(json!({
        "pagination": {"cursor": false, "index": true}}))
    .unwrap();
    assert_eq!(minimal.pagination.unwrap().max_page_size, None);
}

/// RFC 7643 §3.1: `meta` date-times stay text (exact round trip) and parse on demand.
#[test]
fn rfc7643_3_1_meta_date_times() {
    let meta: scimkit_schema::Meta = serde_json::from_value(json!({
        "created": "2011-08-01T21:32:44.882Z", "lastModified": "not a date", "version": "W/\"e180ee84f0671b1\""
    })).unwrap();
    assert_eq!(
        meta.created_at().unwrap().timestamp_millis(),
        1_312_234_364_882
    );
    assert_eq!(meta.last_modified_at(), None);
    assert_eq!(
        serde_json::to_value(&meta).unwrap()["created"],
        "2011-08-01T21:32:44.882Z"
    );
}

/// RFC 7643 §2.1: attribute names are case-insensitive, the messages' too. Each message's
/// attributes in other spellings read as the RFC's; written back in the RFC's.
#[test]
fn rfc7643_2_1_message_attribute_names_are_case_insensitive() {
    let search = SearchRequest::from_json(
        br#"{"SCHEMAS": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "Attributes": ["userName"], "excludedattributes": ["emails"], "FILTER": "userName eq \"a\"",
        "SortBy": "userName", "sortorder": "descending", "STARTINDEX": 3, "Count": 7, "Cursor": ""}"#,
    )
    .unwrap();
    assert_eq!(search.attributes, Some(vec!["userName".to_owned()]));
    assert_eq!(search.excluded_attributes, Some(vec!["emails".to_owned()]));
    assert_eq!(search.filter.as_deref(), Some("userName eq \"a\""));
    assert_eq!(search.sort_by.as_deref(), Some("userName"));
    assert_eq!(search.sort_order, Some(SortOrder::Descending));
    assert_eq!((search.start_index, search.count), (Some(3), Some(7)));
    assert_eq!(search.cursor.as_deref(), Some(""));
    let written = serde_json::to_value(&search).unwrap();
    assert_eq!(written["count"], 7);
    assert_eq!(written["excludedAttributes"], json!(["emails"]));

    let patch = PatchOp::from_json(
        br#"{"Schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "operations": [{"Op": "add", "PATH": "title", "Value": null}]}"#,
    )
    .unwrap();
    let op = &patch.operations[0];
    assert_eq!(
        (op.op, op.path.as_deref(), &op.value),
        (PatchOpKind::Add, Some("title"), &Some(Value::Null))
    );
    let written = serde_json::to_value(&patch).unwrap();
    assert_eq!(
        written["Operations"][0],
        json!({"op": "add", "path": "title", "value": null})
    );

    let bulk = BulkRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "FailOnErrors": 2,
        "OPERATIONS": [{"Method": "POST", "Path": "/Users", "bulkid": "q", "Version": "W/\"1\"",
        "DATA": {"userName": "Alice"}}]}"#,
    )
    .unwrap();
    assert_eq!(bulk.fail_on_errors, Some(2));
    let op = &bulk.operations[0];
    assert_eq!(op.method, BulkMethod::Post);
    assert_eq!(
        (op.path.as_str(), op.bulk_id.as_deref()),
        ("/Users", Some("q"))
    );
    assert_eq!(op.version.as_deref(), Some("W/\"1\""));
    assert_eq!(op.data, Some(json!({"userName": "Alice"})));
    let written = serde_json::to_value(&bulk).unwrap();
    assert_eq!(written["failOnErrors"], 2);
    assert_eq!(written["Operations"][0]["bulkId"], "q");
}

/// RFC 7643 §2.1: two spellings of one attribute in one object are one attribute sent
/// twice: 400 invalidSyntax naming it, as for one spelling sent twice. Names a message does
/// not define are skipped, as before.
#[test]
fn rfc7643_2_1_one_message_attribute_in_two_spellings_is_a_duplicate() {
    let search = |rest: &str| {
        SearchRequest::from_json(
            format!(
                r#"{{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], {rest}}}"#
            )
            .as_bytes(),
        )
    };
    for (rest, name) in [
        (r#""count": 1, "Count": 2"#, "`count`"),
        (r#""count": 1, "count": 2"#, "`count`"),
        (r#""sortBy": "a", "SORTBY": "b""#, "`sortBy`"),
    ] {
        let e = search(rest).unwrap_err();
        assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax), "{rest}");
        let detail = e.detail.unwrap();
        assert!(
            detail.contains(&format!("duplicate field {name}")),
            "{detail}"
        );
    }
    assert_eq!(search(r#""counts": 1"#).unwrap().count, None);

    let e = PatchOp::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "value": 1}], "operations": []}"#,
    )
    .unwrap_err();
    assert!(e.detail.unwrap().contains("duplicate field `Operations`"));
    let e = PatchOp::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "a", "Path": "b", "value": 1}]}"#,
    )
    .unwrap_err();
    assert!(e.detail.unwrap().contains("duplicate field `path`"));
    let e = BulkRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{"method": "DELETE", "path": "/Users/1", "PATH": "/Users/2"}]}"#,
    )
    .unwrap_err();
    assert!(e.detail.unwrap().contains("duplicate field `path`"));
}

/// Required attributes of the messages are named when missing, in their RFC spelling.
#[test]
fn missing_message_attributes_are_named() {
    for (body, name) in [
        (
            r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"path": "a"}]}"#,
            "`op`",
        ),
        (
            r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "operation": []}"#,
            "`Operations`",
        ),
    ] {
        let e = PatchOp::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
        assert!(e.detail.unwrap().contains(name), "{body}");
    }
    for (body, name) in [
        (r#"{"Operations": [{"path": "/Users"}]}"#, "`method`"),
        (r#"{"Operations": [{"method": "POST"}]}"#, "`path`"),
        (r#"{}"#, "`Operations`"),
    ] {
        let body = body.replacen(
            '{',
            r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "#,
            1,
        );
        let body = body.replace(", }", "}");
        let e = BulkRequest::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
        assert!(e.detail.unwrap().contains(name), "{body}");
    }
}

/// `key` with the case of each ASCII letter flipped where `flips` has a set bit.
fn recase(key: &str, flips: u64) -> String {
    key.chars()
        .enumerate()
        .map(|(i, c)| {
            if flips >> (i % 64) & 1 == 1 {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

/// Every key of `value`, at every depth of the message's own objects (not inside `value` /
/// `data`, which are resources), re-cased by `flips`.
fn recase_keys(value: &Value, flips: u64, inside: &[&str]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .enumerate()
                .map(|(n, (k, v))| {
                    let v = if inside.contains(&k.as_str()) {
                        recase_keys(v, flips.rotate_left(n as u32 + 7), inside)
                    } else {
                        v.clone()
                    };
                    (recase(k, flips.rotate_left(n as u32)), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| recase_keys(v, flips.rotate_right(3), inside))
                .collect(),
        ),
        other => other.clone(),
    }
}

proptest::proptest! {
    /// RFC 7643 §2.1, property: a message whose attribute names are re-cased at random reads
    /// as the same message, for SearchRequest, PatchOp (and its operations) and BulkRequest
    /// (and its operations), from bytes and from a `serde_json::Value` (bulk PATCH data).
    #[test]
    fn any_casing_of_the_attribute_names_reads_the_same(flips in proptest::prelude::any::<u64>()) {
        let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "attributes": ["userName"], "excludedAttributes": ["emails"], "filter": "userName pr",
            "sortBy": "userName", "sortOrder": "descending", "startIndex": 2, "count": 3, "cursor": ""});
        let recased = recase_keys(&search, flips, &[]);
        proptest::prop_assert_eq!(
            SearchRequest::from_json(recased.to_string().as_bytes()).unwrap(),
            SearchRequest::from_json(search.to_string().as_bytes()).unwrap()
        );

        let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "a", "Display": "A"}]},
                           {"op": "remove", "path": "title"}]});
        let recased = recase_keys(&patch, flips, &["Operations"]);
        let expected = PatchOp::from_json(patch.to_string().as_bytes()).unwrap();
        proptest::prop_assert_eq!(&PatchOp::from_json(recased.to_string().as_bytes()).unwrap(), &expected);
        proptest::prop_assert_eq!(&serde_json::from_value::<PatchOp>(recased).unwrap(), &expected);
        // The resource inside `value` keeps its keys as sent: it is not the message's.
        proptest::prop_assert_eq!(&expected.operations[0].value, &Some(json!([{"value": "a", "Display": "A"}])));

        let bulk = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": 1,
            "Operations": [{"method": "POST", "bulkId": "q", "path": "/Users", "version": "W/\"1\"",
                            "data": {"userName": "q"}}]});
        let recased = recase_keys(&bulk, flips, &["Operations"]);
        proptest::prop_assert_eq!(
            BulkRequest::from_json(recased.to_string().as_bytes()).unwrap(),
            BulkRequest::from_json(bulk.to_string().as_bytes()).unwrap()
        );
    }
}

/// Regression (tester): a required attribute's absence was reported after the object was
/// read, so the detail lost its line and column ("missing field `Operations`" alone).
#[test]
fn a_missing_required_attribute_says_where() {
    let e =
        PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}"#)
            .unwrap_err();
    assert_eq!(
        e.detail.as_deref(),
        Some("not a valid PatchOp message: missing field `Operations` at line 1 column 62")
    );
    let e = BulkRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}"#,
    )
    .unwrap_err();
    assert!(
        e.detail
            .unwrap()
            .ends_with("missing field `Operations` at line 1 column 66"),
        "BulkRequest"
    );
}

/// Regression (tester): an error inside one operation did not say which; the duplicate
/// detail now names the operation and both spellings sent, also when the message is read
/// from a `serde_json::Value` (no line and column there).
#[test]
fn an_error_in_an_operation_names_it_and_the_spellings_sent() {
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "title", "value": "a"},
                       {"op": "add", "OP": "add", "path": "displayName", "value": "zz"}]});
    let e = serde_json::from_value::<PatchOp>(body)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "Operations[1]: duplicate field `op`, sent as \"op\" and \"OP\" (attribute names are \
         case-insensitive, RFC 7643 §2.1)"
    );
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "value": {}}, {"path": "title"}]});
    let e = serde_json::from_value::<PatchOp>(body)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "Operations[1]: missing field `op` (RFC 7644 §3.5.2)");
    let e = BulkRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{"method": "DELETE", "path": "/Users/1"}, {"method": "DELETE"}]}"#,
    )
    .unwrap_err();
    assert!(
        e.detail
            .unwrap()
            .contains("Operations[1]: missing field `path`"),
        "BulkRequest"
    );
}

/// Regression (tester): one name twice in a PATCH `value` or a bulk `data` object was
/// read last-wins, dropping the first without an error; it is refused (RFC 8259 §4), as
/// two spellings of one attribute are.
#[test]
fn one_name_twice_inside_a_value_is_refused() {
    let e = PatchOp::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "value": {"a": 1, "a": 2}}]}"#,
    )
    .unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
    assert!(
        e.detail.unwrap().contains("the name \"a\" appears twice"),
        "PatchOp value"
    );
    let e = BulkRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{"method": "POST", "path": "/Users", "bulkId": "q",
        "data": {"userName": "a", "userName": "b"}}]}"#,
    )
    .unwrap_err();
    assert!(
        e.detail
            .unwrap()
            .contains("the name \"userName\" appears twice"),
        "bulk data"
    );
}

/// Regression (second tester): a name the message does not define, sent twice, was refused
/// when the message was read from a `Value` (`parse_json`) and skipped when read from bytes;
/// both refuse it now (RFC 8259 §4), in any message.
#[test]
fn an_unknown_name_twice_is_refused_from_bytes_too() {
    for body in [
        r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "x": 1, "x": 2,
            "Operations": [{"op": "add", "path": "title", "value": "t"}]}"#,
        r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "title", "value": "t", "y": 1, "y": 1}]}"#,
    ] {
        let e = PatchOp::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
        let detail = e.detail.unwrap();
        assert!(detail.contains("appears twice in one object"), "{detail}");
    }
    let e = SearchRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "z": 1, "z": 2}"#,
    )
    .unwrap_err();
    assert!(e.detail.unwrap().contains("the name \"z\" appears twice"));
    // Different unknown names, and one unknown name in two cases, are skipped.
    let ok = SearchRequest::from_json(
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "z": 1, "Z": 2, "w": 3}"#,
    );
    assert!(ok.is_ok());
}
