//! A collector answering 307 or 308 (a load balancer moving the path, a
//! collector moved to another port) gets the same `POST`, body and headers
//! at the `Location`, as Go's `net/http` (what the Collector's own OTLP/HTTP
//! exporter uses) and curl do: up to `MAX_REDIRECTS` redirections per
//! request, none to `https` (baton has no TLS), and no configured header
//! but the User-Agent is sent to another host or port: Go and curl
//! withhold only `Authorization` and `Cookie` there, but OTLP's configured
//! headers are credentials whatever their names (`api-key`,
//! `x-honeycomb-team`). Found: an `api-key` went to any `http://` origin a
//! collector redirected to. The OTLP/HTTP spec leaves
//! redirections to HTTP, under which following 307 and 308 keeps the
//! method and body (RFC 9110 §15.4.8, §15.4.9).
//!
//! Regression: a 307 or 308 failed the export (`ExportError::Redirected`),
//! so spans were lost behind a redirection a Go or curl client follows.
//! And one that could not be followed was `ExportError::Failed` with a
//! message (or `Redirected`, without a `Location`): now it is
//! `ExportError::RedirectRefused`, saying why (`RedirectRefusal`).

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::mpsc;
use std::time::Duration;

use baton::export::{
    ExportError, OtlpConfig, OtlpExporter, RedirectRefusal, SpanExporter, MAX_REDIRECTS,
};
use loopback_collector::Request;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

fn redirect(status: u16, location: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\nContent-Length: 4\r\n\r\nmove")
        .into_bytes()
}

/// Exports one span to `url` with an `Authorization`, an `api-key` and a
/// User-Agent product; the result.
fn export(url: &str) -> Result<(), ExportError> {
    let config = OtlpConfig::new(url)
        .unwrap()
        .header("Authorization", "Bearer s3cret")
        .unwrap()
        .header("api-key", "k1")
        .unwrap()
        .header("User-Agent", "probe/1")
        .unwrap()
        .timeout(Duration::from_secs(10));
    OtlpExporter::new(config).export(&[batch_fixture::span()])
}

/// The `expected` requests a server received, and a check that no more
/// come.
fn received(requests: &mpsc::Receiver<Request>, expected: usize) -> Vec<Request> {
    let got: Vec<Request> = (0..expected)
        .map(|i| {
            requests
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("request {i} of {expected} never came"))
        })
        .collect();
    assert!(
        requests.recv_timeout(Duration::from_millis(300)).is_err(),
        "more than {expected} requests"
    );
    got
}

#[test]
fn a_307_or_308_to_another_port_gets_the_same_post_without_credentials() {
    for status in [307, 308] {
        let (to, moved) = loopback_collector::collector(1);
        let location = format!("{to}/v2/spans?tenant=7");
        let (from, first) = loopback_collector::answering(1, move |_| redirect(status, &location));
        export(&format!("{from}/v1/traces")).unwrap();
        let [first] = <[Request; 1]>::try_from(received(&first, 1)).ok().unwrap();
        let [moved] = <[Request; 1]>::try_from(received(&moved, 1)).ok().unwrap();
        assert_eq!(first.request_line, "POST /v1/traces HTTP/1.1");
        assert_eq!(moved.request_line, "POST /v2/spans?tenant=7 HTTP/1.1");
        assert_eq!(moved.body, first.body, "{status}: the same body");
        assert!(!moved.body.is_empty());
        assert_eq!(moved.header("host"), to.strip_prefix("http://"));
        for name in ["content-type", "content-length", "user-agent"] {
            assert_eq!(moved.header(name), first.header(name), "{status}: {name}");
        }
        assert!(moved.header("user-agent").unwrap().starts_with("probe/1 "));
        assert_eq!(first.header("authorization"), Some("Bearer s3cret"));
        assert_eq!(first.header("api-key"), Some("k1"));
        for credential in ["authorization", "api-key"] {
            assert_eq!(
                moved.header(credential),
                None,
                "{status}: {credential} to another origin"
            );
        }
    }
}

#[test]
fn a_relative_location_on_the_same_origin_keeps_every_header() {
    for (location, request_line) in [
        ("/otlp/v1/traces", "POST /otlp/v1/traces HTTP/1.1"),
        ("traces2?x=1", "POST /v1/traces2?x=1 HTTP/1.1"),
        ("?tenant=7#frag", "POST /v1/traces?tenant=7 HTTP/1.1"),
    ] {
        let (base, requests) = loopback_collector::answering(2, move |n| match n {
            0 => redirect(308, location),
            _ => OK.to_vec(),
        });
        export(&format!("{base}/v1/traces")).unwrap();
        let got = received(&requests, 2);
        assert_eq!(got[1].request_line, request_line, "{location}");
        assert_eq!(got[1].header("authorization"), Some("Bearer s3cret"));
        assert_eq!(got[1].header("api-key"), Some("k1"));
        assert_eq!(got[1].body, got[0].body);
    }
}

#[test]
fn redirections_are_followed_up_to_the_limit_and_not_past_it() {
    // `hops` redirections, each to the next path, then 200.
    let chain = |hops: usize| {
        loopback_collector::answering(hops + 1, move |n| {
            if n < hops {
                redirect(307, &format!("/hop/{}", n + 1))
            } else {
                OK.to_vec()
            }
        })
    };
    let (base, requests) = chain(MAX_REDIRECTS);
    export(&format!("{base}/v1/traces")).unwrap();
    let got = received(&requests, MAX_REDIRECTS + 1);
    assert_eq!(
        got.last().unwrap().request_line,
        format!("POST /hop/{MAX_REDIRECTS} HTTP/1.1")
    );

    let (base, requests) = chain(MAX_REDIRECTS + 1);
    let error = export(&format!("{base}/v1/traces")).unwrap_err();
    // Not sent again: a redirection loop is not a passing fault.
    received(&requests, MAX_REDIRECTS + 1);
    let text = error.to_string();
    let past = format!(
        "/hop/{MAX_REDIRECTS} answered 307, a redirection to /hop/{}",
        MAX_REDIRECTS + 1
    );
    assert!(text.contains(&past), "{text}");
    assert!(text.contains("that cannot be followed"), "{text}");
    assert!(text.contains("redirected MAX_REDIRECTS times"), "{text}");
    let ExportError::RedirectRefused {
        endpoint,
        status: 307,
        location: Some(location),
        reason: RedirectRefusal::TooMany,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*endpoint, format!("{base}/hop/{MAX_REDIRECTS}"));
    assert_eq!(*location, format!("/hop/{}", MAX_REDIRECTS + 1));
}

#[test]
fn a_redirection_that_cannot_be_followed_names_its_status_and_location() {
    for (status, location, why) in [
        (307, "https://collector.example:4318/v1/traces", "no TLS"),
        (308, "HTTPS://collector.example/v1/traces", "no TLS"),
        (
            307,
            "ftp://collector.example/v1/traces",
            "expected an http:// URL",
        ),
        (308, "http://user:pw@collector.example/", "user information"),
        (307, "/bad path", "no spaces or control characters"),
    ] {
        let (base, requests) =
            loopback_collector::answering(1, move |_| redirect(status, location));
        let error = export(&format!("{base}/v1/traces")).unwrap_err();
        received(&requests, 1);
        let text = error.to_string();
        let said =
            format!("answered {status}, a redirection to {location} that cannot be followed");
        assert!(text.contains(&said), "{text}");
        assert!(text.contains(why), "{text}");
        match &error {
            ExportError::RedirectRefused {
                endpoint,
                status: got,
                location: Some(got_location),
                reason: RedirectRefusal::Location(reason),
                ..
            } => {
                assert_eq!(*endpoint, format!("{base}/v1/traces"));
                assert_eq!((*got, got_location.as_str()), (status, location));
                assert!(reason.contains(why), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
    // Without a Location there is nowhere to go; nor with an empty one,
    // which names no other place (it was read as the request's own URL,
    // so the batch went to it again, 11 times, as Go's client never does).
    for location in ["", "Location:\r\n", "Location:  \t\r\n"] {
        let (base, requests) = loopback_collector::answering(1, move |_| {
            format!("HTTP/1.1 307 Temporary Redirect\r\n{location}Content-Length: 0\r\n\r\n")
                .into_bytes()
        });
        let error = export(&format!("{base}/v1/traces")).unwrap_err();
        received(&requests, 1);
        assert!(
            matches!(
                error,
                ExportError::RedirectRefused {
                    status: 307,
                    location: None,
                    reason: RedirectRefusal::NoLocation,
                    ..
                }
            ),
            "{location:?}: {error:?}"
        );
        let text = error.to_string();
        assert!(text.contains("answered 307, a redirection with no Location that cannot be followed (there is nowhere to go)"), "{text}");
    }
}
