//! `OtlpConfig::header` called for many headers (16,000, as many as a
//! long `OTEL_EXPORTER_OTLP_HEADERS` holds) keeps each in its order; a
//! name given again, in any case, replaces that header where it stands,
//! the endpoint's `Authorization` included; a reserved name far down is
//! the error. Found: each call looked for its name among all the headers
//! before it, so N calls took time growing with N² (16,000: 0.9 s in a
//! debug build, against 40 ms with the names indexed), where the
//! environment's list was already read in linear time
//! (`otlp_headers_long_list_read_whole.rs`).

use baton::export::OtlpConfig;

const HEADERS: usize = 16_000;

fn many() -> OtlpConfig {
    (0..HEADERS).fold(
        OtlpConfig::new("http://user:pw@localhost:4318/v1/traces").unwrap(),
        |config, i| config.header(&format!("h{i}"), &format!("v{i}")).unwrap(),
    )
}

#[test]
fn every_header_is_kept_once_in_order() {
    let config = many();
    let headers = config.headers();
    assert_eq!(headers.len(), 1 + HEADERS);
    assert_eq!(headers[0].0, "Authorization");
    let expected: Vec<(String, String)> = (0..HEADERS)
        .map(|i| (format!("h{i}"), format!("v{i}")))
        .collect();
    assert_eq!(headers[1..], expected);
}

#[test]
fn a_name_given_again_replaces_its_header_where_it_stands() {
    let config = many()
        .header("H7", "again")
        .unwrap()
        .header("authorization", "Bearer t")
        .unwrap()
        .header("h7", "third")
        .unwrap();
    let headers = config.headers();
    assert_eq!(headers.len(), 1 + HEADERS);
    assert_eq!(headers[0], ("authorization".into(), "Bearer t".into()));
    assert_eq!(headers[1 + 7], ("h7".into(), "third".into()));
    assert_eq!(headers[1 + 8], ("h8".into(), "v8".into()));
    // Added after a replace, a new name goes last, and is found again.
    let config = config
        .header("last", "1")
        .unwrap()
        .header("LAST", "2")
        .unwrap();
    assert_eq!(config.headers().len(), 2 + HEADERS);
    assert_eq!(config.headers()[1 + HEADERS], ("LAST".into(), "2".into()));
}

#[test]
fn a_reserved_name_far_down_is_the_error() {
    let err = many().header("Content-Length", "0").unwrap_err();
    assert_eq!(err.variable(), "OTLP header");
    assert_eq!(err.value(), "Content-Length");
    assert!(err.to_string().contains("sets this header itself"), "{err}");
}
