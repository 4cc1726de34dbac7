//! Limits whose edge no other file pins through this API: at the edge the
//! input is taken whole, one past it the error names the limit, quoting the
//! constant's value (the messages once wrote the number a second time, by
//! hand: `TraceStateError`'s "256", `ConfigError`'s "1048576" and
//! "4294967295"). The wire parsers' edges are in `w3c_tracestate.rs`,
//! `b3_single.rs`, `jaeger.rs` and `w3c_baggage.rs`.

use baton::export::{BatchConfig, MAX_QUEUE_SIZE_LIMIT};
use baton::propagation::{check_session_id, SessionError, MAX_SESSION_ID_LEN};
use baton::{Baggage, BaggageError, Config, TraceState, TraceStateError};

#[test]
fn trace_state_insert_takes_a_key_and_value_of_the_longest_whole() {
    let key = "k".repeat(TraceState::MAX_KEY_LEN);
    let value = "v".repeat(TraceState::MAX_VALUE_LEN);
    let ts = TraceState::default().insert(&key, &value).unwrap();
    assert_eq!(
        ts.iter().collect::<Vec<_>>(),
        [(key.as_str(), value.as_str())]
    );

    let past_key = TraceState::default().insert(&format!("{key}k"), "v");
    assert_eq!(
        past_key,
        Err(TraceStateError::KeyTooLong {
            offset: TraceState::MAX_KEY_LEN
        })
    );
    let past_value = TraceState::default().insert("k", &format!("{value}v"));
    assert_eq!(
        past_value,
        Err(TraceStateError::ValueTooLong {
            offset: TraceState::MAX_VALUE_LEN
        })
    );
    assert_eq!(
        past_key.unwrap_err().to_string(),
        format!(
            "tracestate: key is longer than {} characters (byte {})",
            TraceState::MAX_KEY_LEN,
            TraceState::MAX_KEY_LEN
        )
    );
    assert_eq!(
        past_value.unwrap_err().to_string(),
        format!(
            "tracestate: value is longer than {} characters (byte {})",
            TraceState::MAX_VALUE_LEN,
            TraceState::MAX_VALUE_LEN
        )
    );
}

#[test]
fn the_member_and_session_id_errors_quote_their_limits() {
    assert_eq!(
        BaggageError::TooManyMembers.to_string(),
        format!("baggage already holds {} members", Baggage::MAX_MEMBERS)
    );
    let at = "s".repeat(MAX_SESSION_ID_LEN);
    assert_eq!(check_session_id(&at), Ok(()));
    let past = check_session_id(&format!("{at}s")).unwrap_err();
    assert_eq!(
        past,
        SessionError::IdTooLong {
            len: MAX_SESSION_ID_LEN + 1
        }
    );
    assert!(
        past.to_string()
            .ends_with(&format!("over the limit of {MAX_SESSION_ID_LEN}")),
        "{past}"
    );
}

#[test]
fn a_queue_or_batch_past_the_limit_is_refused_quoting_the_limit() {
    let at = MAX_QUEUE_SIZE_LIMIT.to_string();
    let past = (MAX_QUEUE_SIZE_LIMIT + 1).to_string();
    for variable in ["OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] {
        // Both at the limit: the batch may be as large as the queue.
        let env = |k: &str| k.starts_with("OTEL_BSP_MAX_").then(|| at.clone());
        let config = BatchConfig::from_lookup(env).unwrap();
        assert_eq!(
            (config.max_queue_size, config.max_export_batch_size),
            (MAX_QUEUE_SIZE_LIMIT, MAX_QUEUE_SIZE_LIMIT)
        );
        let env = |k: &str| (k == variable).then(|| past.clone());
        let err = BatchConfig::from_lookup(env).unwrap_err();
        assert_eq!((err.variable(), err.value()), (variable, past.as_str()));
        assert!(
            err.expected()
                .ends_with(&format!("from 1 to {MAX_QUEUE_SIZE_LIMIT}")),
            "{err}"
        );
    }
}

#[test]
fn a_span_limit_past_32_bits_is_refused_quoting_the_limit() {
    let at = u32::MAX.to_string();
    let past = (u64::from(u32::MAX) + 1).to_string();
    let env = |k: &str| (k == "OTEL_SPAN_LINK_COUNT_LIMIT").then(|| at.clone());
    let config = Config::from_lookup_strict(env).unwrap();
    assert_eq!(
        config.get_span_limits().max_links as u64,
        u64::from(u32::MAX)
    );
    let env = |k: &str| (k == "OTEL_SPAN_LINK_COUNT_LIMIT").then(|| past.clone());
    let err = Config::from_lookup_strict(env).err().unwrap();
    assert_eq!(
        (err.variable(), err.value()),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", past.as_str())
    );
    assert!(
        err.expected().ends_with(&format!("from 0 to {}", u32::MAX)),
        "{err}"
    );
}
