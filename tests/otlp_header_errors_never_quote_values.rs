//! An invalid `OTEL_EXPORTER_OTLP_HEADERS` is an error that names the
//! header (or the member's place in the list), never a header value: the
//! values are API keys and bearer tokens, and a configuration error is
//! printed at startup, to logs. baton quoted the whole list (every secret in
//! it) for a malformed member or a bad escape, and the decoded value for a
//! control character. A name that is no HTTP token is quoted up to its
//! first other character: a curl-style `Authorization: Bearer …=` member
//! splits at its `=`, and the name quoted whole held the token.

use baton::export::{OtlpConfig, Resource};

const SECRET: &str = "s3cret";

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
use loopback_collector::lookup;

#[test]
fn each_malformed_list_is_named_by_key_or_place_without_its_secrets() {
    // (the list, what the error quotes)
    let table = [
        (
            "authorization=Bearer%20s3cret,x-bad",
            "member 2 of the list",
        ),
        ("Bearer s3cret", "member 1 of the list"),
        ("authorization=s3cret,,=v", "member 3 of the list"),
        ("authorization=Bearer%zzs3cret", "authorization"),
        ("api-key=s3cret%ff", "api-key"),
        ("authorization=s3cret,x-token=a%0Ds3cret", "x-token"),
        ("bad name=s3cret", "bad…"),
        // A curl-style header: the list splits at the first `=`, so what
        // the name would be holds the value; it is quoted up to the `:`.
        ("Authorization: Bearer s3cret=x", "Authorization…"),
        ("api-key:s3cret=x", "api-key…"),
        // The same when the value is what is invalid: a bad escape, or
        // bytes that are not UTF-8 decoded (found by the `env_config`
        // fuzz target: the name was quoted whole, token and all).
        ("Authorization: Bearer s3cret=%zz", "Authorization…"),
        ("api key s3cret=%ff", "api…"),
        (
            "x=1,Authorization: Bearer s3cret=,Authorization: Bearer s3cret=",
            "Authorization…",
        ),
        ("authorization=s3cret,content-length=0", "content-length"),
    ];
    for variable in [
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    ] {
        for (list, quoted) in table {
            let err = OtlpConfig::from_lookup(lookup(&[(variable, list)])).unwrap_err();
            assert_eq!(err.variable(), variable, "{list}");
            assert_eq!(err.value(), quoted, "{list}");
            let text = format!("{err} {err:?}");
            assert!(!text.contains(SECRET), "{list}: {text}");
        }
    }
}

#[test]
fn a_header_set_in_code_is_named_without_its_value() {
    let err = OtlpConfig::new("http://localhost:4318/v1/traces")
        .unwrap()
        .header("authorization", "Bearer s3cret\r\nX-Injected: 1")
        .unwrap_err();
    assert_eq!(err.value(), "authorization");
    assert!(!format!("{err} {err:?}").contains(SECRET));
}

#[test]
fn resource_attribute_errors_quote_the_offending_member() {
    // Not secrets: the member is quoted whole, and only that member.
    for (list, quoted) in [
        ("team=core,broken", "broken"),
        ("team=core, =v", "=v"),
        ("team=core,k=%ff", "k=%ff"),
        ("team=core,k%zz=v", "k%zz=v"),
    ] {
        let err = Resource::from_lookup(lookup(&[("OTEL_RESOURCE_ATTRIBUTES", list)])).unwrap_err();
        assert_eq!(err.value(), quoted, "{list}");
    }
}
