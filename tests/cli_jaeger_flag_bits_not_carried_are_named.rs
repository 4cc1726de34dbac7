//! `baton decode` and `convert` say that Jaeger flag bits other than
//! sampled (`01`) and debug (`02`) are not carried on: extraction keeps
//! those two, as OpenTelemetry's Jaeger propagators do, so the firehose
//! bit `08` of `uber-trace-id: ...:0b` is gone after any hop through baton.
//! Found: decode showed `0b (sampled, debug)`, and `convert --to jaeger`
//! wrote `...:03` with nothing on stderr.

mod common;

use common::cli::baton;

const JAEGER: &str = "uber-trace-id: 80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:0b";

#[test]
fn decode_names_the_bits_left_behind() {
    let out = baton(&["decode", JAEGER], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("  flags      0b (sampled, debug, 08 not carried on)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn convert_names_them_whatever_the_target() {
    for to in ["jaeger", "tracecontext", "b3"] {
        let out = baton(&["convert", "--to", to, JAEGER], "");
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "baton: convert --to {to}: Jaeger flag bits 08 are not carried on (baton keeps \
                 sampled and debug)\n"
            )),
            "{to}: {}",
            out.stderr
        );
    }
    let plain = "uber-trace-id: 80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:03";
    let out = baton(&["convert", "--to", "jaeger", plain], "");
    assert_eq!(out.stderr, "");
}
