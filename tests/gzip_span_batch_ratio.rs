//! On a batch of 512 typical spans in OTLP/JSON, gzip compresses at least
//! 4× (issue 11, item 2), and the member decodes back to the payload through
//! the naive oracle and `gzip -dc`. Installs a pipeline, so it has its own
//! file.

#[path = "common/gzip_check.rs"]
mod gzip_check;
#[path = "common/inflate.rs"]
mod inflate;
#[path = "common/span_batch.rs"]
mod span_batch;

#[test]
fn a_batch_of_512_spans_compresses_at_least_4x() {
    let payload = span_batch::otlp_json(span_batch::typical_spans());
    assert!(payload.len() > 512 * 500, "{} bytes", payload.len());
    let (member, stats) = gzip_check::round_trip(&payload);
    let ratio = payload.len() as f64 / member.len() as f64;
    eprintln!(
        "512 spans: {} bytes of OTLP/JSON, {} gzipped, ratio {ratio:.2}",
        payload.len(),
        member.len()
    );
    assert!(ratio >= 4.0, "ratio {ratio:.2}");
    assert!(
        stats.dynamic_blocks > 0 && stats.stored_blocks == 0,
        "{stats:?}"
    );
    if let Some(back) = gzip_check::system_gunzip(&member) {
        assert!(back == payload);
    }
}
