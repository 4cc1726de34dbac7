//! The OpenTelemetry environment variable spec for the trace variables,
//! sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
//! where `config_from_lookup.rs` does not check them already (it covers
//! defaults, the limits' precedence, durations, endpoints and `true` in any
//! case). Reads closures, never the process environment.

use std::collections::HashMap;

use baton::export::sampler_from_env;
use baton::propagation::{Composite, Propagator};
use baton::sampling::{AlwaysOn, ParentBased, Sampler};
use baton::{Config, Context, SpanContext, SpanId, TraceFlags, TraceId};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

/// "Any value that represents a Boolean MUST be set to true only by the
/// case-insensitive string `"true"` [...] An implementation MUST NOT extend
/// this definition and define additional values that are interpreted as
/// true. Any value not explicitly defined here as a true value, including
/// unset and empty values, MUST be interpreted as false. If any value other
/// than a true value, case-insensitive string `"false"`, empty, or unset is
/// used, a warning SHOULD be logged" (Type-specific guidance, Boolean)
#[test]
fn only_true_is_true_and_other_values_are_false_with_a_warning() {
    for value in ["1", "yes", "on", "t", "enabled"] {
        let config = Config::from_lookup(env(&[("OTEL_SDK_DISABLED", value)])).unwrap();
        assert!(!config.is_disabled(), "{value:?} is false");
        let named: Vec<&str> = config.ignored().iter().map(|e| e.variable()).collect();
        assert_eq!(named, ["OTEL_SDK_DISABLED"], "{value:?} is reported");
    }
    for value in ["false", "False", ""] {
        let config = Config::from_lookup(env(&[("OTEL_SDK_DISABLED", value)])).unwrap();
        assert!(config.ignored().is_empty(), "{value:?} is not reported");
    }
}

/// "The SDK MUST interpret an empty value of an environment variable the
/// same way as when the variable is unset." (Parsing empty value): an empty
/// specific limit gives way to the general one, as an unset one does, and
/// an empty sampler is the default.
#[test]
fn an_empty_variable_is_an_unset_one() {
    let limits = Config::from_lookup(env(&[
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", "7"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", ""),
        ("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", ""),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", ""),
    ]))
    .unwrap();
    assert!(limits.ignored().is_empty());
    let limits = limits.get_span_limits();
    assert_eq!(limits.max_attributes, 7);
    assert_eq!(limits.max_attributes_per_event, 7);
    assert_eq!(limits.max_events, 128);

    let sampler = sampler_from_env(env(&[
        ("OTEL_TRACES_SAMPLER", ""),
        ("OTEL_TRACES_SAMPLER_ARG", ""),
    ]))
    .unwrap();
    assert_eq!(
        sampler.description(),
        ParentBased::new(AlwaysOn).description()
    );
}

/// "Enum values SHOULD be interpreted in a case-insensitive manner."
/// (Enum), and of `OTEL_TRACES_SAMPLER_ARG`: "The specified value will only
/// be used if OTEL_TRACES_SAMPLER is set." (General SDK Configuration)
#[test]
fn sampler_names_in_any_case_and_the_argument_only_with_a_sampler() {
    let sampler = sampler_from_env(env(&[
        ("OTEL_TRACES_SAMPLER", "TraceIdRatio"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
    ]))
    .unwrap();
    assert_eq!(sampler.description(), "TraceIdRatioBased{0.25}");
    let sampler = sampler_from_env(env(&[("OTEL_TRACES_SAMPLER_ARG", "0.25")])).unwrap();
    assert_eq!(
        sampler.description(),
        ParentBased::new(AlwaysOn).description()
    );
}

/// "OTEL_PROPAGATORS [...] Values MUST be deduplicated in order to
/// register a `Propagator` only once." (General SDK Configuration)
#[test]
fn propagator_names_given_twice_register_one_propagator() {
    let once = Composite::from_list("tracecontext,baggage").unwrap();
    let twice = Composite::from_list("tracecontext,baggage,tracecontext,TraceContext").unwrap();
    assert_eq!(twice.len(), once.len());
    assert_eq!(twice.fields(), once.fields());

    // Injected once into a carrier that keeps every value written.
    let sc = SpanContext::new(
        TraceId::from_u128(1).unwrap(),
        SpanId::from_u64(1).unwrap(),
        TraceFlags::default().with_sampled(true),
    );
    let cx = Context::default().with_span_context(sc);
    let mut carrier: Vec<(String, String)> = Vec::new();
    twice.inject(&cx, &mut carrier);
    let traceparents = carrier.iter().filter(|(k, _)| k == "traceparent").count();
    assert_eq!(traceparents, 1, "{carrier:?}");
}
