//! `baton convert` names every trace flag the target format loses, not
//! only the first. Found: `traceparent` flags `0b` (sampled, random and a
//! bit W3C reserves) converted to `b3: ...-1` with only "the W3C random
//! flag is dropped" on stderr: the reserved bit `08`, which a W3C hop
//! forwards as received, vanished without a word, as the checks were one
//! `else if` chain.

mod common;

use common::cli::baton;

fn convert_stderr(to: &str, flags: &str) -> (i32, String) {
    let tp = format!("traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}");
    let out = baton(&["convert", "--to", to, &tp], "");
    (out.code, out.stderr)
}

#[test]
fn the_random_flag_and_a_reserved_bit_lost_together_are_both_named() {
    for to in ["b3", "b3multi", "jaeger"] {
        let (code, stderr) = convert_stderr(to, "0b");
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            stderr,
            format!(
                "baton: convert --to {to}: the W3C random flag (the trace id is random) is dropped\n\
                 baton: convert --to {to}: trace flags 0b become 01\n"
            )
        );
    }
}

#[test]
fn a_reserved_bit_alone_and_the_random_flag_alone_are_named_once() {
    let (_, stderr) = convert_stderr("b3", "09");
    assert_eq!(stderr, "baton: convert --to b3: trace flags 09 become 01\n");
    let (_, stderr) = convert_stderr("b3", "03");
    assert_eq!(
        stderr,
        "baton: convert --to b3: the W3C random flag (the trace id is random) is dropped\n"
    );
    let (_, stderr) = convert_stderr("tracecontext", "0b");
    assert_eq!(stderr, "");
}
