//! Following a collector's 307 and 308 redirections, which keep the method
//! and the body (RFC 9110 §15.4.8, §15.4.9).
//!
//! The OTLP/HTTP spec lists no redirection: "All other HTTP responses that
//! are not explicitly listed in this document should be treated according
//! to HTTP specifications", under which a client may follow one. Go's
//! `net/http` client (what the Collector's own OTLP/HTTP exporter uses)
//! sends the same `POST` again to the `Location` of a 307 or 308, and so
//! does curl; a 301, 302 or 303 would turn it into a `GET` without the
//! spans, so those are not followed (the caller reports them). One that
//! cannot be followed is [`ExportError::RedirectRefused`], saying why.
//! The connection to the origin a redirection leads to is kept, as the one
//! to the configured origin is ([`Connections`]).

use std::borrow::Cow;

use crate::export::deadline::Deadline;
use crate::export::http::{self, Content, Endpoint, PostError, Response};
use crate::export::http_connection::KeptConnection;
use crate::export::redirect_refusal::RedirectRefusal;
use crate::export::ExportError;

/// The most redirections (307, 308) followed for one request, as Go's
/// `http.Client` allows by default; one more fails the export, naming
/// where it pointed, and is not retried (a redirection loop is no passing
/// fault).
pub const MAX_REDIRECTS: usize = 10;

/// The connections an exporter keeps between exports: to its configured
/// origin, and to the one other origin a redirection last led to, so that a
/// collector reached through a redirection is not a new connection (and,
/// by name, a new lookup) on every export either. At most two; a
/// redirection to a third origin replaces the second's.
///
/// A 308 is not remembered: every export goes to the configured endpoint
/// first, as Go's `http.Client` (the Collector's own exporter) and curl do,
/// so that the endpoint the user set stays the one in charge and a
/// redirection taken back takes effect at once.
#[derive(Debug, Default)]
pub(crate) struct Connections {
    configured: KeptConnection,
    /// The other origin (its host and port count) and its connection.
    elsewhere: Option<(Endpoint, KeptConnection)>,
}

impl Connections {
    /// The connection kept for `target`'s origin; for an origin other than
    /// `endpoint`'s and the one kept, a new slot replacing that one.
    fn to(&mut self, endpoint: &Endpoint, target: &Endpoint) -> &mut KeptConnection {
        if target.same_origin(endpoint) {
            return &mut self.configured;
        }
        if !matches!(&self.elsewhere, Some((origin, _)) if origin.same_origin(target)) {
            self.elsewhere = None;
        }
        let (_, kept) = self
            .elsewhere
            .get_or_insert_with(|| (target.clone(), KeptConnection::default()));
        kept
    }
}

/// Posts as [`http::post`] does, following 307 and 308 up to
/// [`MAX_REDIRECTS`] times; returns the answer that is not one of them
/// (or one whose body the deadline cut short) and the endpoint that gave it.
///
/// Each request goes on the connection `kept` for its origin; to an origin
/// other than the endpoint's, without the configured headers but the
/// User-Agent. A 307 or 308 that cannot be followed (no `Location`, one past [`MAX_REDIRECTS`],
/// `https`, another scheme, a URL the endpoint grammar refuses) fails the
/// request, not retried, with [`ExportError::RedirectRefused`].
pub(crate) fn post_following<'a>(
    kept: &mut Connections,
    endpoint: &'a Endpoint,
    headers: &[(String, String)],
    content: Content<'_>,
    body: &[u8],
    deadline: Deadline,
) -> Result<(Response, Cow<'a, Endpoint>), PostError> {
    let mut target = Cow::Borrowed(endpoint);
    let mut followed = 0;
    loop {
        // The configured headers are for the configured collector: OTLP's
        // are its credentials (`api-key`, `x-honeycomb-team`, an
        // `Authorization`), whatever their names. Go and curl withhold
        // only `Authorization` and `Cookie` from another origin; baton
        // sends it none but the User-Agent's product.
        let elsewhere: Vec<(String, String)>;
        let sent = if target.same_origin(endpoint) {
            headers
        } else {
            elsewhere = headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("user-agent"))
                .cloned()
                .collect();
            &elsewhere
        };
        let connection = kept.to(endpoint, &target);
        let response = http::post(connection, &target, sent, content, body, deadline)?;
        if !matches!(response.status, 307 | 308) || response.body_timed_out {
            return Ok((response, target));
        }
        let refused = |reason| PostError {
            retryable: false,
            error: ExportError::RedirectRefused {
                endpoint: target.url(),
                status: response.status,
                location: response.location.clone(),
                reason,
            },
        };
        let Some(location) = &response.location else {
            return Err(refused(RedirectRefusal::NoLocation));
        };
        if followed == MAX_REDIRECTS {
            return Err(refused(RedirectRefusal::TooMany));
        }
        let next =
            resolve(&target, location).map_err(|why| refused(RedirectRefusal::Location(why)))?;
        target = Cow::Owned(next);
        followed += 1;
    }
}

/// The endpoint a `Location` points to, resolved against `base` as RFC
/// 3986 §5.2 says, dot segments removed (§5.2.4; `%2E` is a dot there),
/// without its fragment, which is never sent; `Err` says why it cannot be
/// followed, in the endpoint grammar's words.
fn resolve(base: &Endpoint, location: &str) -> Result<Endpoint, &'static str> {
    let location = location.split('#').next().unwrap_or_default();
    let scheme = location
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        });
    let absolute = if scheme.is_some() {
        location.to_owned()
    } else if let Some(network_path) = location.strip_prefix("//") {
        format!("http://{network_path}")
    } else {
        format!("http://{}", base.resolve_reference(location))
    };
    let target = Endpoint::parse("Location", &absolute).map_err(|e| e.expected())?;
    // An empty reference path keeps the base's path as it is (§5.2.2).
    let own_path = scheme.is_some() || !(location.is_empty() || location.starts_with('?'));
    Ok(if own_path {
        target.without_dot_segments()
    } else {
        target
    })
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use crate::export::http::Endpoint;

    #[test]
    fn locations_resolve_against_the_request_url() {
        let base = Endpoint::parse("test", "http://c:4318/otlp/v1/traces?x=1").unwrap();
        for (location, url) in [
            ("http://other:9/p?q", "http://other:9/p?q"),
            ("HTTP://other", "http://other/"),
            ("//other:9/p", "http://other:9/p"),
            ("/v2/spans", "http://c:4318/v2/spans"),
            ("spans", "http://c:4318/otlp/v1/spans"),
            ("?y=2", "http://c:4318/otlp/v1/traces?y=2"),
            ("/p#top", "http://c:4318/p"),
        ] {
            assert_eq!(resolve(&base, location).unwrap().url(), url, "{location}");
        }
        assert!(resolve(&base, "https://c/v1/traces")
            .unwrap_err()
            .contains("no TLS"));
        assert!(resolve(&base, "/a\r\nX: y").is_err());
    }

    #[test]
    fn dot_segments_are_removed_as_rfc_3986_resolves_its_examples() {
        // Bug: `.` and `..` were kept, so `../v1/traces` was sent as
        // `POST /otlp/../v1/traces` to a server that need not normalize it.
        // RFC 3986 §5.4.1 and §5.4.2, those of path-relative and
        // absolute-path references (and the query and empty ones beside
        // them), against its base; a fragment is not sent, so it is gone.
        let base = Endpoint::parse("test", "http://a/b/c/d;p?q").unwrap();
        for (reference, url) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            ("g#s", "http://a/b/c/g"),
            ("g?y#s", "http://a/b/c/g?y"),
            (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            // §5.4.2, abnormal examples.
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("g#s/./x", "http://a/b/c/g"),
            ("g#s/../x", "http://a/b/c/g"),
            // And the same removal in a network-path or absolute reference.
            ("//g/x/../y", "http://g/y"),
            ("http://a/b/c/./../g", "http://a/b/g"),
        ] {
            assert_eq!(resolve(&base, reference).unwrap().url(), url, "{reference}");
        }
        // A query-only reference keeps the base's path as it is (§5.2.2).
        let dotted = Endpoint::parse("test", "http://a/b/../c").unwrap();
        assert_eq!(resolve(&dotted, "?y").unwrap().url(), "http://a/b/../c?y");
        assert_eq!(resolve(&dotted, "g").unwrap().url(), "http://a/g");
        // Segments are cut at `/` only, whatever else they hold.
        // (What RFC 3986 does not allow in a path is then percent-encoded.)
        assert_eq!(
            resolve(&base, "é/../ü").unwrap().url(),
            "http://a/b/c/%C3%BC"
        );
    }

    #[test]
    fn percent_encoded_dots_are_dots_in_dot_segments() {
        // Bug: `%2E%2E` was kept as a segment name, so a `Location` of
        // `/v1/%2E%2E/admin` was sent as it came to a server that decodes
        // it to `/v1/../admin`: `%2E` is the unreserved `.` (RFC 3986
        // §2.3, §6.2.2.2), so the segment is `..` and is removed.
        let base = Endpoint::parse("test", "http://a/b/c/d;p?q").unwrap();
        for (reference, url) in [
            ("%2E%2E/g", "http://a/b/g"),
            ("%2e%2e/g", "http://a/b/g"),
            ("%2E%2e/g", "http://a/b/g"),
            (".%2e/g", "http://a/b/g"),
            ("%2E./g", "http://a/b/g"),
            ("%2E/g", "http://a/b/c/g"),
            ("g/%2E%2E", "http://a/b/c/"),
            ("g/%2e", "http://a/b/c/g/"),
            ("/%2E%2E/%2E%2E/x", "http://a/x"),
            ("g/%2E%2E/h", "http://a/b/c/h"),
            ("http://a/b/%2e%2E/x", "http://a/x"),
            ("//g/x/%2E%2E/y", "http://g/y"),
            // Only a segment of one or two dots is one: other segments
            // are sent as they came, `%252E` is the text `%2E`, and `%2F`
            // is a byte of a segment, not a `/`.
            ("g%2Eh", "http://a/b/c/g%2Eh"),
            ("%2E%2E%2E/g", "http://a/b/c/%2E%2E%2E/g"),
            ("%252E%252E/g", "http://a/b/c/%252E%252E/g"),
            ("%2E%2E%2Fg", "http://a/b/c/%2E%2E%2Fg"),
            // The query is not a path: its dots stay as they came.
            ("g?y/%2E%2E/x", "http://a/b/c/g?y/%2E%2E/x"),
        ] {
            assert_eq!(resolve(&base, reference).unwrap().url(), url, "{reference}");
        }
        // A `%` that begins no escape is refused, as Go's client refuses
        // such a `Location`: which was meant cannot be told.
        for reference in ["%2", "%2é/%2E%2"] {
            assert!(resolve(&base, reference).is_err(), "{reference}");
        }
    }
}
