//! The OpenTelemetry Propagators API, sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/context/api-propagators/): one
//! test per requirement, each quoting it, over every propagator baton
//! ships. (Extract never panicking on hostile input: `extract_never_fails.rs`
//! and the fuzz targets; B3's own requirements: `b3_*.rs`.)

#![cfg(unix)]

#[path = "common/child_process.rs"]
mod child_process;

use std::collections::{BTreeMap, HashMap};

use baton::propagation::{
    global_propagator, Composite, EnvCarrier, Extractor, Injector, Jaeger, Propagator,
    SessionHeader, TraceContext, W3cBaggage, B3,
};
use baton::wire::b3::Sampling;
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId, TraceState};
use child_process::run_alone;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID: &str = "00f067aa0ba902b7";
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn remote(span_id: &str) -> SpanContext {
    SpanContext::new(
        TraceId::from_hex(TRACE_ID).unwrap(),
        SpanId::from_hex(span_id).unwrap(),
        TraceFlags::from_bits(1),
    )
    .with_remote(true)
}

/// Every propagator baton ships, each alone, and all of them together.
fn every_propagator() -> Vec<(&'static str, Box<dyn Propagator>)> {
    vec![
        ("tracecontext", Box::new(TraceContext)),
        ("baggage", Box::new(W3cBaggage)),
        ("b3", Box::new(B3::single())),
        ("b3multi", Box::new(B3::multi())),
        ("jaeger", Box::new(Jaeger)),
        ("session", Box::new(SessionHeader::default())),
        (
            "all",
            Box::new(
                Composite::from_list("tracecontext,baggage,b3,b3multi,jaeger,session").unwrap(),
            ),
        ),
    ]
}

/// Contexts that make each format write all it can: a sampled parent with
/// tracestate, a debug one with its parent's span id, baggage with
/// properties and a session, a decision without ids, and nothing.
fn rich_contexts() -> Vec<Context> {
    let state = TraceState::default().insert("vendor", "v1").unwrap();
    let baggage = |cx: Context| {
        let b = cx
            .baggage()
            .try_insert("user", " ü ,;=%\r\n ", "p1;p2=x")
            .unwrap();
        cx.with_baggage_replaced(b.try_insert("session.id", "chat-42", "").unwrap())
    };
    vec![
        baggage(Context::default().with_span_context(remote(SPAN_ID).with_trace_state(state))),
        Context::default().with_span_context(
            remote(SPAN_ID)
                .with_debug(true)
                .with_parent_span_id(Some(SpanId::from_hex("b7ad6b7169203331").unwrap())),
        ),
        Context::default().with_span_context(remote(SPAN_ID).with_flags(TraceFlags::from_bits(0))),
        Context::default().with_remote_decision(Some(Sampling::Debug)),
        Context::default().with_remote_decision(Some(Sampling::Deny)),
        baggage(Context::default()),
        Context::default(),
    ]
}

/// An injector that records what a propagator asks of it.
#[derive(Default)]
struct Recording {
    set: Vec<(String, String)>,
    removed: Vec<String>,
    removed_prefixes: Vec<String>,
}

impl Injector for Recording {
    fn set(&mut self, key: &str, value: String) {
        self.set.push((key.to_owned(), value));
    }

    fn remove_field(&mut self, key: &str) {
        self.removed.push(key.to_owned());
    }

    fn remove_with_prefix(&mut self, prefix: &str) {
        self.removed_prefixes.push(prefix.to_owned());
    }
}

/// Jaeger's baggage fields, named by their key: the spec's "additional
/// fields with variable names", which no `fields()` list can hold.
const VARIABLE_PREFIX: &str = "uberctx-";

/// "Returns list of fields that will be used by the `TextMapPropagator`."
/// (Fields) Every field inject sets is listed (Jaeger's `uberctx-{key}`
/// aside, a variable name), and every field it removes is one extract
/// reads, so a carrier cleared of `extract_fields()` is as inject leaves it.
#[test]
fn inject_sets_only_the_fields_the_propagator_lists() {
    for (name, p) in every_propagator() {
        let mut seen = Vec::new();
        for cx in rich_contexts() {
            let mut carrier = Recording::default();
            p.inject(&cx, &mut carrier);
            for (key, _) in &carrier.set {
                if !key.starts_with(VARIABLE_PREFIX) {
                    assert!(
                        p.fields().contains(&key.as_str()),
                        "{name} set {key}, not in {:?}",
                        p.fields()
                    );
                }
                if !seen.contains(key) {
                    seen.push(key.clone());
                }
            }
            for key in &carrier.removed {
                assert!(
                    p.extract_fields().contains(&key.as_str()),
                    "{name} removed {key}"
                );
            }
            for prefix in &carrier.removed_prefixes {
                assert_eq!(prefix, VARIABLE_PREFIX, "{name}");
            }
        }
        // And each field listed is one inject writes for some context.
        for field in p.fields() {
            assert!(
                seen.iter().any(|s| s == field),
                "{name} lists {field} but never sets it"
            );
        }
    }
}

/// "If a value can not be parsed from the carrier, for a cross-cutting
/// concern, the implementation MUST NOT throw an exception and MUST NOT
/// store a new value in the `Context`, in order to preserve any previously
/// existing valid value." (Extract)
#[test]
fn an_unparsable_value_leaves_the_given_context_as_it_was() {
    let given = [
        Context::default()
            .with_span_context(remote(SPAN_ID))
            .with_baggage("keep", "1")
            .with_baggage("session.id", "chat-42"),
        Context::default()
            .with_remote_decision(Some(Sampling::Debug))
            .with_baggage("keep", "1"),
    ];
    let invalid: &[&[(&str, &str)]] = &[
        &[("traceparent", "garbage")],
        &[(
            "traceparent",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        )],
        &[("traceparent", TRACEPARENT), ("traceparent", TRACEPARENT)],
        &[("tracestate", "a=1")],
        &[("baggage", "=,,;")],
        &[("baggage", "keep")],
        &[("b3", "garbage")],
        &[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-1")],
        &[("x-b3-traceid", "garbage"), ("x-b3-spanid", SPAN_ID)],
        &[("x-b3-sampled", "maybe")],
        &[("uber-trace-id", "garbage")],
        &[("uber-trace-id", "0:0:0:1")],
        &[("uberctx-keep", "%zz")],
        &[("baton-session-id", "not\u{1}visible")],
        &[("baton-session-id", "")],
    ];
    for cx in &given {
        for carrier in invalid {
            let carrier: Vec<(String, String)> = carrier
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            for (name, p) in every_propagator() {
                let got = p.extract(cx, &carrier);
                assert_eq!(
                    format!("{got:?}"),
                    format!("{cx:?}"),
                    "{name} over {carrier:?}"
                );
            }
        }
    }
}

/// "Returns a new `Context` derived from the `Context` passed as argument,
/// containing the extracted value" (Extract), and the Trace API's "If the
/// extracted value is a `SpanContext`, its `IsRemote` property MUST be set
/// to true", for every format.
#[test]
fn extract_adds_to_the_given_context_and_the_span_context_is_remote() {
    let carriers: [(&str, &[(&str, &str)]); 5] = [
        ("tracecontext", &[("traceparent", TRACEPARENT)]),
        (
            "b3",
            &[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")],
        ),
        (
            "b3multi",
            &[
                ("x-b3-traceid", TRACE_ID),
                ("x-b3-spanid", SPAN_ID),
                ("x-b3-sampled", "1"),
            ],
        ),
        (
            "jaeger",
            &[(
                "uber-trace-id",
                "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1",
            )],
        ),
        ("all", &[("traceparent", TRACEPARENT)]),
    ];
    let local = SpanContext::new(
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
        SpanId::from_hex("b7ad6b7169203331").unwrap(),
        TraceFlags::from_bits(0),
    );
    let given = Context::default()
        .with_span_context(local)
        .with_baggage("keep", "1");
    for (name, p) in every_propagator() {
        let Some((_, carrier)) = carriers.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let carrier: HashMap<String, String> = carrier
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let got = p.extract(&given, &carrier);
        let sc = got.span_context().unwrap();
        assert!(sc.is_remote(), "{name}");
        assert_eq!(
            (sc.trace_id().to_string(), sc.span_id().to_string()),
            (TRACE_ID.into(), SPAN_ID.into()),
            "{name}"
        );
        assert_eq!(got.baggage().get("keep"), Some("1"), "{name}");
        assert_eq!(
            given.span_context().unwrap().span_id().to_string(),
            "b7ad6b7169203331"
        );
    }
}

/// "The Get function MUST return the first value of the given propagation
/// key or return null if the key doesn't exist." and "If the getter is
/// intended to work with a HTTP request object, the getter MUST be case
/// insensitive." (Get) The environment carrier reads a field from its
/// normalized variable.
#[test]
fn get_returns_the_first_value_or_none_in_any_case() {
    let lines = vec![
        ("Baggage".to_string(), "a=1".to_string()),
        ("accept".to_string(), "*/*".to_string()),
        ("baggage".to_string(), "b=2".to_string()),
    ];
    assert_eq!(lines.get("baggage").as_deref(), Some("a=1"));
    assert_eq!(lines.get("BAGGAGE").as_deref(), Some("a=1"));
    assert_eq!(lines.get("traceparent"), None);

    let map = HashMap::from([("TraceParent".to_string(), TRACEPARENT.to_string())]);
    assert_eq!(map.get_value("traceparent"), Some(TRACEPARENT.to_string()));
    let tree = BTreeMap::from([("TRACEPARENT".to_string(), TRACEPARENT.to_string())]);
    assert_eq!(tree.get_value("traceparent"), Some(TRACEPARENT.to_string()));
    assert_eq!(tree.get_value("tracestate"), None);

    let env = EnvCarrier::from_vars([("TRACEPARENT", TRACEPARENT), ("PATH", "/bin")]);
    assert_eq!(env.get("traceparent").as_deref(), Some(TRACEPARENT));
    assert_eq!(env.get("tracestate"), None);
}

/// [`Extractor::get`] under a name the maps' own `get` does not shadow.
trait GetValue {
    fn get_value(&self, key: &str) -> Option<String>;
}

impl<E: Extractor> GetValue for E {
    fn get_value(&self, key: &str) -> Option<String> {
        Extractor::get(self, key)
    }
}

/// "The `GetAll` function MUST return all values of the given propagation
/// key. It SHOULD return them in the same order as they appear in the
/// carrier. If the key doesn't exist, it SHOULD return an empty
/// collection." (Get All, in development) and "The `Keys` function MUST
/// return the list of all the keys in the carrier." (Keys)
#[test]
fn get_all_yields_every_value_in_order_and_keys_every_key() {
    let lines = vec![
        ("tracestate".to_string(), "a=1".to_string()),
        ("accept".to_string(), "*/*".to_string()),
        ("TraceState".to_string(), "b=2".to_string()),
        ("tracestate".to_string(), "c=3".to_string()),
    ];
    let mut values = Vec::new();
    lines.get_all("tracestate", &mut |v| values.push(v.to_owned()));
    assert_eq!(values, ["a=1", "b=2", "c=3"]);
    let mut none = 0;
    lines.get_all("baggage", &mut |_| none += 1);
    assert_eq!(none, 0);

    let mut keys = Vec::new();
    lines.keys(&mut |k| keys.push(k.to_owned()));
    assert_eq!(keys, ["tracestate", "accept", "TraceState", "tracestate"]);

    let map: HashMap<String, String> = lines.iter().cloned().collect();
    let mut keys = Vec::new();
    Extractor::keys(&map, &mut |k| keys.push(k.to_owned()));
    keys.sort();
    assert_eq!(keys, ["TraceState", "accept", "tracestate"]);
    let tree: BTreeMap<String, String> = lines.into_iter().collect();
    let mut keys = Vec::new();
    Extractor::keys(&tree, &mut |k| keys.push(k.to_owned()));
    assert_eq!(keys, ["TraceState", "accept", "tracestate"]);
}

/// A carrier that yields several values of a field: `tracestate` and
/// `baggage` lines combine, as their W3C specifications say; a repeated
/// `traceparent` is invalid; B3 reads the first value ("the first value
/// wins").
#[test]
fn extract_reads_every_value_a_getter_yields() {
    let lines = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let all = Composite::from_list("tracecontext,baggage").unwrap();
    let cx = all.extract(
        &Context::default(),
        &lines(&[
            ("traceparent", TRACEPARENT),
            ("tracestate", "a=1"),
            ("baggage", "x=1"),
            ("Tracestate", "b=2"),
            ("BAGGAGE", "y=2;p"),
        ]),
    );
    let state = cx.span_context().unwrap().trace_state();
    assert_eq!((state.get("a"), state.get("b")), (Some("1"), Some("2")));
    let entries: Vec<_> = cx.baggage().iter().collect();
    assert_eq!(entries, [("x", "1", ""), ("y", "2", "p")]);

    let twice = lines(&[("traceparent", TRACEPARENT), ("traceparent", TRACEPARENT)]);
    assert!(TraceContext
        .extract(&Context::default(), &twice)
        .span_context()
        .is_none());

    let other = "4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-1";
    let b3 = lines(&[
        ("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"),
        ("b3", other),
    ]);
    let got = B3::single().extract(&Context::default(), &b3);
    assert_eq!(got.span_context().unwrap().span_id().to_string(), SPAN_ID);
}

/// "Replaces a propagated field with the given value." (Set) Whatever case
/// the carrier held it in; the carrier's other fields stay.
#[test]
fn set_replaces_the_field_whatever_its_case_and_keeps_the_others() {
    let old = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let mut lines = vec![
        ("TraceParent".to_string(), old.to_string()),
        ("accept".to_string(), "*/*".to_string()),
        ("traceparent".to_string(), old.to_string()),
    ];
    let mut map: HashMap<String, String> = lines.iter().cloned().collect();
    let cx = Context::default().with_span_context(remote(SPAN_ID));
    TraceContext.inject(&cx, &mut lines);
    TraceContext.inject(&cx, &mut map);
    assert_eq!(
        lines,
        [
            ("accept".to_string(), "*/*".to_string()),
            ("traceparent".to_string(), TRACEPARENT.to_string()),
        ]
    );
    assert_eq!(map.len(), 2);
    assert_eq!(map["traceparent"], TRACEPARENT);
}

/// Inject has no way to fail: into a carrier that can only set (the
/// `Injector` defaults for removal), every propagator writes what the
/// context holds and nothing for an empty context.
#[test]
fn inject_into_a_carrier_that_can_only_set_never_fails() {
    struct OnlySet(Vec<(String, String)>);
    impl Injector for OnlySet {
        fn set(&mut self, key: &str, value: String) {
            self.0.push((key.to_owned(), value));
        }
    }
    for (name, p) in every_propagator() {
        let mut empty = OnlySet(Vec::new());
        p.inject(&Context::default(), &mut empty);
        assert_eq!(empty.0, [], "{name}");
        for cx in rich_contexts() {
            p.inject(&cx, &mut OnlySet(Vec::new()));
        }
    }
    let mut carrier = OnlySet(Vec::new());
    TraceContext.inject(
        &Context::default().with_span_context(remote(SPAN_ID)),
        &mut carrier,
    );
    assert_eq!(
        carrier.0,
        [("traceparent".to_string(), TRACEPARENT.to_string())]
    );
}

/// "In order to increase compatibility, the key/value pairs MUST only
/// consist of US-ASCII characters that make up valid HTTP header fields as
/// per RFC 9110." (TextMap Propagator) Names are tokens; values are visible
/// ASCII, spaces and tabs, none at either end; whatever the context holds.
#[test]
fn every_field_injected_is_a_valid_http_field() {
    let is_tchar = baton::wire::is_tchar;
    for (name, p) in every_propagator() {
        for cx in rich_contexts() {
            let mut carrier = Recording::default();
            p.inject(&cx, &mut carrier);
            for (key, value) in &carrier.set {
                assert!(
                    !key.is_empty() && key.bytes().all(is_tchar),
                    "{name}: name {key:?}"
                );
                let ok = value
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t' || (0x21..=0x7e).contains(&b))
                    && value.trim_matches([' ', '\t']) == value;
                assert!(ok, "{name}: {key}: {value:?}");
            }
        }
    }
}

/// "The resulting composite `Propagator` will invoke the `Propagator`s,
/// `Injector`s, or `Extractor`s, in the order they were specified."
/// (Composite Propagator) Its fields are the union of its members', in
/// that order, each once.
#[test]
fn a_composite_runs_its_members_in_order_and_lists_the_union_of_their_fields() {
    let members = || -> Vec<Box<dyn Propagator>> {
        vec![
            Box::new(B3::multi()),
            Box::new(TraceContext),
            Box::new(B3::single()),
            Box::new(W3cBaggage),
        ]
    };
    let composite = Composite::new(members());
    let mut union: Vec<String> = Vec::new();
    for m in members() {
        for f in m.fields() {
            if !union.iter().any(|u| u == f) {
                union.push(f.to_string());
            }
        }
    }
    assert_eq!(composite.fields(), union);

    let cx = rich_contexts().remove(0);
    let mut carrier = Recording::default();
    composite.inject(&cx, &mut carrier);
    let order: Vec<&str> = carrier.set.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        order,
        [
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-sampled",
            "traceparent",
            "tracestate",
            "b3",
            "baggage"
        ]
    );

    // Extract: the first member that finds a parent sets it.
    let carrier = HashMap::from([
        ("x-b3-traceid".to_string(), TRACE_ID.to_string()),
        ("x-b3-spanid".to_string(), "b7ad6b7169203331".to_string()),
        ("traceparent".to_string(), TRACEPARENT.to_string()),
    ]);
    let got = composite.extract(&Context::default(), &carrier);
    assert_eq!(
        got.span_context().unwrap().span_id().to_string(),
        "b7ad6b7169203331"
    );
}

/// Run alone by the test below with no environment: before any
/// configuration or `init`.
#[test]
#[ignore = "run in a child process by the global_propagator_defaults_to_tracecontext_and_baggage"]
fn child_global_propagator_with_no_environment() {
    let global = global_propagator();
    assert_eq!(global.fields(), ["traceparent", "tracestate", "baggage"]);
    let _g = Context::default()
        .with_span_context(remote(SPAN_ID))
        .with_baggage("k", "v")
        .attach();
    let mut headers = HashMap::new();
    baton::inject_context(&mut headers);
    assert_eq!(headers.len(), 2, "{headers:?}");
    assert_eq!(headers["traceparent"], TRACEPARENT);
    assert_eq!(headers["baggage"], "k=v");
}

/// "Get Global Propagator: This method MUST exist", "Set Global
/// Propagator: This method MUST exist" (Global Propagators) and the SDK's
/// `OTEL_PROPAGATORS`, default `tracecontext,baggage`. baton is API and SDK
/// in one crate: the default holds before `init` too, where the API alone
/// would use no-op propagators, so that a process that only passes
/// requests on keeps the trace whole.
#[test]
fn global_propagator_defaults_to_tracecontext_and_baggage() {
    run_alone(
        "child_global_propagator_with_no_environment",
        &[] as &[(&str, &str)],
    );
}
