//! A `b3`, `X-B3-*` or `uber-trace-id` value with spaces or tabs around it
//! is read without them, as a `traceparent` is: HTTP strips them from field
//! values (RFC 9110 §5.5), but a carrier that is no HTTP stack (a map
//! filled by hand, a queue message's headers) may keep them. Found by an
//! interop audit against OpenTelemetry Python, which reads a padded
//! `uber-trace-id`: baton rejected all three, and the trace broke at that
//! hop. An error in a padded value points into the value as received.

use std::collections::HashMap;

use baton::propagation::{Jaeger, Propagator, B3};
use baton::wire::{b3_multi, b3_single, uber_trace_id, Field, Reason, WireError};
use baton::{Context, SpanId, TraceId};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

fn extracted(propagator: &dyn Propagator, headers: &[(&str, String)]) -> Context {
    let carrier: HashMap<String, String> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    propagator.extract(&Context::default(), &carrier)
}

fn assert_continues(cx: &Context, what: &str) {
    let sc = cx
        .span_context()
        .unwrap_or_else(|| panic!("{what}: no context"));
    assert_eq!(sc.trace_id(), TraceId::from_hex(TRACE).unwrap(), "{what}");
    assert_eq!(sc.span_id(), SpanId::from_hex(SPAN).unwrap(), "{what}");
    assert!(sc.is_sampled(), "{what}");
}

#[test]
fn padded_values_carry_the_context() {
    for pad in [" ", "\t", "  \t "] {
        let single = format!("{pad}{TRACE}-{SPAN}-1{pad}");
        assert_continues(&extracted(&B3::single(), &[("b3", single)]), "b3");

        let multi = [
            ("x-b3-traceid", format!("{pad}{TRACE}")),
            ("x-b3-spanid", format!("{SPAN}{pad}")),
            ("x-b3-sampled", format!("{pad}1{pad}")),
        ];
        assert_continues(&extracted(&B3::multi(), &multi), "x-b3-*");

        let jaeger = format!("{pad}{TRACE}:{SPAN}:0:1{pad}");
        let cx = extracted(&Jaeger, &[("uber-trace-id", jaeger)]);
        assert_continues(&cx, "uber-trace-id");
    }
    // A debug flag padded is still debug.
    let parsed = b3_multi::parse_multi(&b3_multi::MultiFields {
        trace_id: Some(TRACE),
        span_id: Some(SPAN),
        flags: Some(" 1 "),
        ..b3_multi::MultiFields::default()
    });
    assert!(matches!(
        parsed,
        Ok(baton::wire::b3::B3Header::Context {
            sampling: Some(baton::wire::b3::Sampling::Debug),
            ..
        })
    ));
}

#[test]
fn errors_in_padded_values_point_into_the_value_as_received() {
    // The bad digit `X` is at byte 34 of the padded value: two spaces, a
    // 16-digit trace id, a `-` and 15 digits.
    assert_eq!(
        b3_single::parse_single(&format!("  {}-{}X-1", &TRACE[..16], &SPAN[..15])),
        Err(WireError::new(Field::B3SpanId, 34, Reason::NotLowerHex))
    );
    assert_eq!(
        uber_trace_id::parse("\t\t0:1:0:1"),
        Err(WireError::new(Field::JaegerTraceId, 2, Reason::AllZero))
    );
    let sampled = b3_multi::MultiFields {
        sampled: Some("  yes"),
        ..b3_multi::MultiFields::default()
    };
    assert_eq!(
        b3_multi::parse_multi(&sampled),
        Err(WireError::new(Field::B3Sampled, 2, Reason::UnknownValue))
    );
    // Blank is empty, not a value of spaces.
    assert_eq!(
        b3_single::parse_single("   ").map_err(|e| e.reason()),
        Err(Reason::Empty)
    );
    // The length limits count the value without its padding.
    let padded = format!(
        "{}{TRACE}-{SPAN}-1-{SPAN}{}",
        " ".repeat(40),
        " ".repeat(40)
    );
    assert!(b3_single::parse_single(&padded).is_ok());
    assert!(padded.len() > b3_single::MAX_SINGLE_LEN);
}
