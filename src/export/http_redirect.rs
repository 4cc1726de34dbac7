//! Following a collector's 307 and 308 redirections, which keep the method
//! and the body (RFC 9110 §15.4.8, §15.4.9).
//!
//! The OTLP/HTTP spec lists no redirection: "All other HTTP responses that
//! are not explicitly listed in this document should be treated according
//! to HTTP specifications", under which a client may follow one. Go's
//! `net/http` client (what the Collector's own OTLP/HTTP exporter uses)
//! sends the same `POST` again to the `Location` of a 307 or 308, and so
//! does curl; a 301, 302 or 303 would turn it into a `GET` without the
//! spans, so those are not followed (the caller reports them).

use std::borrow::Cow;

use crate::export::deadline::Deadline;
use crate::export::http::{self, Content, Endpoint, PostError, Response};
use crate::export::http_connection::KeptConnection;
use crate::export::ExportError;

/// The most redirections (307, 308) followed for one request, as Go's
/// `http.Client` allows by default; one more fails the export, naming
/// where it pointed, and is not retried (a redirection loop is no passing
/// fault).
pub const MAX_REDIRECTS: usize = 10;

/// Configured headers not sent to a `Location` of another origin (host or
/// port), as Go and curl withhold them there: credentials meant for the
/// configured collector. Names compared in any case.
const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

/// Posts as [`http::post`] does, following 307 and 308 up to
/// [`MAX_REDIRECTS`] times; returns the answer that is not one of them
/// (or one without a `Location`) and the URL that gave it.
///
/// Requests to the endpoint's origin use the `kept` connection; to another
/// origin, a connection of their own, closed after the answer (the kept
/// one is for the configured collector), without [`CREDENTIAL_HEADERS`].
/// A `Location` that cannot be followed (`https`, another scheme, a URL
/// the endpoint grammar refuses) fails the request, not retried, with an
/// error naming the status and the `Location`.
pub(crate) fn post_following(
    kept: &mut KeptConnection,
    endpoint: &Endpoint,
    headers: &[(String, String)],
    content: Content<'_>,
    body: &[u8],
    deadline: Deadline,
) -> Result<(Response, String), PostError> {
    let mut target = Cow::Borrowed(endpoint);
    let mut followed = 0;
    loop {
        let response = if target.same_origin(endpoint) {
            http::post(kept, &target, headers, content, body, deadline)?
        } else {
            let withheld: Vec<(String, String)> = headers
                .iter()
                .filter(|(name, _)| {
                    !CREDENTIAL_HEADERS
                        .iter()
                        .any(|c| name.eq_ignore_ascii_case(c))
                })
                .cloned()
                .collect();
            let mut own = KeptConnection::default();
            http::post(&mut own, &target, &withheld, content, body, deadline)?
        };
        let location = match (&response.location, response.status) {
            (Some(location), 307 | 308) => location,
            _ => return Ok((response, target.url())),
        };
        let refuse = |why: &str| PostError {
            retryable: false,
            error: ExportError::Failed(format!(
                "{} answered {}, a redirection to {}, which is not followed: {why}",
                target.url(),
                response.status,
                location.escape_debug()
            )),
        };
        if followed == MAX_REDIRECTS {
            return Err(refuse(&format!(
                "{MAX_REDIRECTS} redirections were followed already (MAX_REDIRECTS); set the \
                 endpoint to where the collector is"
            )));
        }
        target = Cow::Owned(resolve(&target, location).map_err(refuse)?);
        followed += 1;
    }
}

/// The endpoint a `Location` points to, resolved against `base` (RFC 3986
/// §5.2) without its fragment, which is never sent; `Err` says why it
/// cannot be followed, in the endpoint grammar's words.
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
    Endpoint::parse("Location", &absolute).map_err(|e| e.expected())
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
}
