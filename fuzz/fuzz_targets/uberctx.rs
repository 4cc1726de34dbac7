//! The `uberctx-*` and `jaeger-baggage` parsers and the Jaeger propagator's
//! baggage extraction never panic. Value decoding accepts exactly what the
//! oracle (`tests/oracle/jaeger.rs`) accepts, with the same text, and
//! round-trips through encoding; names round-trip; a `jaeger-baggage`
//! entry's value decodes as a `uberctx-*` value does; and a carrier built
//! from the input's lines (`name=value`) yields baggage within the member
//! and byte limits. Errors point within the input (a `jaeger-baggage`
//! entry's value where `value_at` says).
#![no_main]

use baton::propagation::{Jaeger, Propagator};
use baton::wire::{jaeger_baggage, uberctx as jaeger};
use baton::{Baggage, Context};
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle file it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/oracle/jaeger.rs"]
mod oracle;

const MAX_BAGGAGE_BYTES: usize = Baggage::MAX_BYTES;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };

    // The whole input as one value.
    let value = jaeger::parse_baggage_value(input);
    assert_eq!(
        value.as_ref().ok(),
        oracle::parse_baggage_value(input).as_ref()
    );
    if let Err(e) = &value {
        assert!(e.offset() <= input.len(), "input {input:?}: {e}");
    }
    if let Ok(v) = value {
        assert!(input.len() <= MAX_BAGGAGE_BYTES);
        assert!(v.len() <= input.len());
        let encoded = jaeger::format_baggage_value(&v);
        if encoded.len() <= MAX_BAGGAGE_BYTES {
            assert_eq!(jaeger::parse_baggage_value(&encoded).as_ref(), Ok(&v));
        }
    }
    let encoded = jaeger::format_baggage_value(input);
    if encoded.len() <= MAX_BAGGAGE_BYTES {
        assert_eq!(jaeger::parse_baggage_value(&encoded).as_deref(), Ok(input));
    }

    // The whole input as a `jaeger-baggage` value.
    for entry in jaeger_baggage::entries(input) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                assert!(e.offset() <= input.len(), "input {input:?}: {e}");
                continue;
            }
        };
        assert_eq!(
            input
                .get(entry.value_at..)
                .and_then(|rest| rest.get(..entry.raw_value.len())),
            Some(entry.raw_value)
        );
        assert_eq!(
            entry.value().ok(),
            jaeger::parse_baggage_value(entry.raw_value).ok()
        );
        if let Err(e) = entry.value() {
            assert!(e.offset() <= input.len(), "input {input:?}: {e}");
        }
    }

    // The input's lines as header fields.
    let carrier: Vec<(String, String)> = input
        .split('\n')
        .map(|line| {
            let (name, value) = line.split_once('=').unwrap_or((line, ""));
            (name.to_string(), value.to_string())
        })
        .collect();
    for (name, _) in &carrier {
        match jaeger::parse_baggage_name(name) {
            Ok(key) => {
                let again = jaeger::format_baggage_name(&key).unwrap();
                assert_eq!(jaeger::parse_baggage_name(&again), Ok(key));
            }
            Err(e) => assert!(e.offset() <= name.len(), "name {name:?}: {e}"),
        }
        // A name the formatter writes reads back as its key.
        if let Ok(formatted) = jaeger::format_baggage_name(name) {
            assert_eq!(
                jaeger::parse_baggage_name(&formatted).as_deref(),
                Ok(&**name)
            );
        }
    }
    let cx = Jaeger.extract(&Context::default(), &carrier);
    assert!(cx.baggage().len() <= Baggage::MAX_MEMBERS);
    let bytes: usize = cx.baggage().iter().map(|(k, v, _)| k.len() + v.len()).sum();
    assert!(bytes <= MAX_BAGGAGE_BYTES);
    // Only a `jaeger-baggage` key keeps its case.
    if !carrier
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(jaeger_baggage::HEADER))
    {
        for (k, _, _) in cx.baggage().iter() {
            assert!(!k.bytes().any(|b| b.is_ascii_uppercase()));
        }
    }
});
