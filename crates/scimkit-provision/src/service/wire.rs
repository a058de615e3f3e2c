//! The HTTP side of the service: query strings, conditional headers, media types, replies.

use http::header::{self, HeaderMap, HeaderValue};
use http::{Request, Response, StatusCode};
use scimkit_schema::ScimError;
use serde_json::Value;

use crate::store::Version;

/// The SCIM media type (RFC 7644 §8.1), used for every response body.
pub const SCIM_JSON: &str = "application/scim+json";

/// What a handler produced, before it becomes an HTTP response or a bulk operation result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub version: Option<Version>,
    pub location: Option<String>,
    /// The `Allow` header of a 405 (RFC 9110 §15.5.6).
    pub allow: Option<String>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            version: None,
            location: None,
            allow: None,
        }
    }

    pub(crate) fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: None,
            version: None,
            location: None,
            allow: None,
        }
    }

    pub(crate) fn error(err: &ScimError) -> Reply {
        let body = serde_json::to_value(err).unwrap_or(Value::Null);
        Reply::json(err.status, body)
    }

    pub(crate) fn into_response(self) -> Response<Vec<u8>> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut builder = Response::builder().status(status);
        if let Some(version) = &self.version
            && let Ok(v) = HeaderValue::from_str(&version.etag())
        {
            builder = builder.header(header::ETAG, v);
        }
        if let Some(location) = &self.location
            && let Ok(v) = HeaderValue::from_str(location)
        {
            builder = builder.header(header::LOCATION, v);
        }
        if let Some(allow) = &self.allow
            && let Ok(v) = HeaderValue::from_str(allow)
        {
            builder = builder.header(header::ALLOW, v);
        }
        if self.status == 401 {
            builder = builder.header(header::WWW_AUTHENTICATE, "Bearer realm=\"SCIM\"");
        }
        let body = match &self.body {
            Some(body) => {
                builder = builder.header(header::CONTENT_TYPE, SCIM_JSON);
                serde_json::to_vec(body).unwrap_or_default()
            }
            None => Vec::new(),
        };
        builder.body(body).unwrap_or_else(|_| {
            let mut fallback = Response::new(Vec::new());
            *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
    }
}

/// The response to a HEAD request (RFC 9110 §9.3.2): `response`'s status and headers, with
/// `Content-Length` giving the size of its body, and no body.
pub(crate) fn without_content(response: Response<Vec<u8>>) -> Response<Vec<u8>> {
    let (mut parts, body) = response.into_parts();
    if !body.is_empty() {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    }
    Response::from_parts(parts, Vec::new())
}

/// Decoded query parameters (RFC 7644 §3.4.2): `application/x-www-form-urlencoded`, so `+`
/// is a space and `%XX` is decoded. Names are matched ASCII case-insensitively; unknown
/// parameters (e.g. Entra's `aadOptscim062020`) are ignored; for a repeated parameter the
/// last value wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// An integer parameter; `None` when absent.
    ///
    /// # Errors
    /// 400 `invalidValue` when present but not an integer (RFC-silent; the nearest fit).
    pub(crate) fn integer(&self, name: &str) -> Result<Option<i64>, ScimError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text.parse::<i64>().map(Some).or_else(|_| {
                // Saturate absurdly large values instead of refusing them.
                if !text.is_empty()
                    && text
                        .trim_start_matches(['-', '+'])
                        .bytes()
                        .all(|b| b.is_ascii_digit())
                {
                    Ok(Some(if text.starts_with('-') {
                        i64::MIN
                    } else {
                        i64::MAX
                    }))
                } else {
                    Err(ScimError::invalid_value(format!(
                        "query parameter {name}={text:?} is not an integer (RFC 7644 §3.4.2.4)"
                    )))
                }
            }),
        }
    }
}

/// An `If-Match` / `If-None-Match` header value (RFC 7232 §3.1, §3.2): `*` or a list of
/// entity tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TagList {
    Any,
    Tags(Vec<Version>),
}

impl TagList {
    /// Reads the header; `None` when absent or blank.
    ///
    /// # Errors
    /// 400 `invalidValue` when the header is not `*` or a list of quoted tags.
    pub(crate) fn from_header(
        headers: &HeaderMap,
        name: header::HeaderName,
    ) -> Result<Option<TagList>, ScimError> {
        let mut tags = Vec::new();
        let mut any = false;
        let mut seen = false;
        for value in headers.get_all(&name) {
            let text = value.to_str().map_err(|_| {
                ScimError::invalid_value(format!("{name} is not valid text (RFC 7232 §3)"))
            })?;
            for item in split_tags(text) {
                seen = true;
                if item == "*" {
                    any = true;
                } else {
                    tags.push(Version::from_etag(item).ok_or_else(|| {
                        ScimError::invalid_value(format!(
                            "{name}: {item:?} is not an entity tag such as W/\"1\" (RFC 7232 §2.3)"
                        ))
                    })?);
                }
            }
        }
        Ok(match (seen, any) {
            (false, _) => None,
            (true, true) => Some(TagList::Any),
            (true, false) => Some(TagList::Tags(tags)),
        })
    }

    /// Whether the current version satisfies the list (weak comparison, RFC 7232 §2.3.2).
    pub(crate) fn matches(&self, current: Option<&Version>) -> bool {
        match self {
            TagList::Any => true,
            TagList::Tags(tags) => current.is_some_and(|c| tags.contains(c)),
        }
    }
}

/// Splits a tag list on commas outside quotes.
fn split_tags(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

/// The bearer token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750
/// §2.1).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Checks a request body's media type: JSON in UTF-8 (RFC 7644 §3.8). `application/scim+json`
/// and `application/json` with or without `charset=utf-8` pass, as does a missing
/// `Content-Type`; a non-UTF-8 charset is 415.
///
/// # Errors
/// 415 with a SCIM Error naming the charset.
pub(crate) fn check_content_type(headers: &HeaderMap) -> Result<(), ScimError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or("").to_ascii_lowercase();
    for param in text.split(';').skip(1) {
        if let Some((name, value)) = param.split_once('=')
            && name.trim() == "charset"
        {
            let charset = value.trim().trim_matches('"');
            if charset != "utf-8" && charset != "utf8" {
                return Err(ScimError::with_status(
                    415,
                    format!(
                        "charset {charset:?} is not supported; send UTF-8 JSON (RFC 7644 §3.8)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The base URL for `meta.location`: configured, else from the request.
pub(crate) fn base_url(
    configured: Option<&str>,
    base_path: &str,
    request: &Request<Vec<u8>>,
) -> String {
    if let Some(url) = configured {
        return url.trim_end_matches('/').to_owned();
    }
    let uri = request.uri();
    if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
        return format!("{scheme}://{authority}{base_path}");
    }
    match request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    {
        Some(host) if !host.is_empty() => format!("http://{host}{base_path}"),
        _ => base_path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7644 §3.4.2 with form encoding: `+` is a space; unknown parameters are kept but
    /// never consulted.
    #[test]
    fn query_decodes_plus_and_percent() {
        let q = Query::parse(Some(
            "aadOptscim062020&filter=userName+eq+%22a%2Bb%40x%22&Count=5",
        ));
        assert_eq!(q.get("filter"), Some("userName eq \"a+b@x\""));
        assert_eq!(q.integer("count").unwrap(), Some(5));
        assert_eq!(q.integer("startIndex").unwrap(), None);
        assert!(Query::parse(Some("count=ten")).integer("count").is_err());
        assert_eq!(
            Query::parse(Some("count=99999999999999999999"))
                .integer("count")
                .unwrap(),
            Some(i64::MAX)
        );
    }

    #[test]
    fn tag_lists() {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, HeaderValue::from_static(r#"W/"1", "2""#));
        let tags = TagList::from_header(&headers, header::IF_MATCH)
            .unwrap()
            .unwrap();
        assert!(tags.matches(Some(&Version::new("2"))));
        assert!(!tags.matches(Some(&Version::new("3"))));
        headers.insert(header::IF_MATCH, HeaderValue::from_static("*"));
        assert_eq!(
            TagList::from_header(&headers, header::IF_MATCH).unwrap(),
            Some(TagList::Any)
        );
        headers.insert(header::IF_MATCH, HeaderValue::from_static("nope"));
        assert!(TagList::from_header(&headers, header::IF_MATCH).is_err());
    }

    #[test]
    fn bearer_and_content_type() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/scim+json; charset=UTF-8"),
        );
        assert!(check_content_type(&headers).is_ok());
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=iso-8859-1"),
        );
        assert_eq!(check_content_type(&headers).unwrap_err().status, 415);
    }
}
