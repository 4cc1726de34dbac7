//! `baton explain` names a lone B3 debug decision (`b3: d`, `X-B3-Flags: 1`
//! without ids) as debug, as `decode` does. Found: it said "accept", hiding
//! the debug that the library keeps (`Context::remote_decision`) and B3
//! inject sends on.

mod common;

use common::cli::baton;

#[test]
fn a_lone_debug_decision_is_named_debug() {
    for lone in ["b3: d", "X-B3-Flags: 1"] {
        let out = baton(
            &["explain", "--receiver-propagators", "b3"],
            &format!("{lone}\n---\n{lone}\n"),
        );
        assert_eq!(out.code, 1, "{}", out.stdout);
        assert!(
            out.stdout.starts_with(
                "sent:     no trace context, only a sampling decision: debug (accept)\n\
                 received: no trace context, only a sampling decision: debug (accept), read \
                 with OTEL_PROPAGATORS=b3\n"
            ),
            "{lone}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(
                "- no trace context injected: the caller sent only a sampling decision \
                 (debug (accept)), without trace and span ids, so the receiver starts a trace \
                 of its own\n"
            ),
            "{lone}: {}",
            out.stdout
        );
    }
}
