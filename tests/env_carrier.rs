//! The environment-variable carrier (OpenTelemetry "Environment Variables as
//! Context Propagation Carriers"): names, values, and a parent → child hop.

use std::ffi::OsStr;
use std::process::Command;

use baton::propagation::{
    env_name, Composite, EnvCarrier, Extractor, Injector, Propagator, TraceContext, W3cBaggage, B3,
};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn remote(flags: u8) -> Context {
    let sc = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(flags),
    );
    Context::default().with_span_context(sc)
}

macro_rules! env_names {
    ($($field:literal => $name:literal,)*) => {
        #[test]
        fn field_names_map_to_portable_variable_names() {
            $(assert_eq!(env_name($field), $name, "env_name({:?})", $field);)*
        }
    };
}

env_names! {
    "traceparent" => "TRACEPARENT",
    "tracestate" => "TRACESTATE",
    "baggage" => "BAGGAGE",
    "b3" => "B3",
    "X-B3-TraceId" => "X_B3_TRACEID",
    "uber-trace-id" => "UBER_TRACE_ID",
    "uberctx-session.id" => "UBERCTX_SESSION_ID",
    "ALREADY_OK_9" => "ALREADY_OK_9",
    "9lives" => "_9LIVES",
    "é" => "_",
    // Bug: the empty name stayed empty, not a variable name at all; the
    // spec (1.58) normalizes it to `_`.
    "" => "_",
}

/// Set and get normalize the empty name as `env_name` does.
#[test]
fn the_empty_field_name_is_the_variable_underscore() {
    let mut env = EnvCarrier::default();
    env.set("", "v".into());
    assert_eq!(env.vars().collect::<Vec<_>>(), [("_", "v")]);
    assert_eq!(
        EnvCarrier::from_vars([("", "x"), ("_", "y")])
            .get("")
            .as_deref(),
        Some("y")
    );
}

#[test]
fn inject_writes_uppercase_names_and_replaces_earlier_values() {
    let mut env = EnvCarrier::default();
    env.set("traceparent", "first".into());
    env.set("x-b3-traceid", "t".into());
    env.set("TraceParent", "second".into());
    let vars: Vec<_> = env.vars().collect();
    assert_eq!(vars, [("X_B3_TRACEID", "t"), ("TRACEPARENT", "second")]);
}

#[test]
fn extract_matches_the_mapped_name_exactly() {
    let env = EnvCarrier::from_vars([
        ("traceparent", "lowercase is another variable on Unix"),
        ("TRACEPARENT", "upper"),
        ("X_B3_SAMPLED", "1"),
    ]);
    assert_eq!(env.get("traceparent").as_deref(), Some("upper"));
    assert_eq!(env.get("X-B3-Sampled").as_deref(), Some("1"));
    assert_eq!(env.get("b3"), None);
}

#[test]
fn repeated_variables_are_all_yielded_in_order() {
    let env = EnvCarrier::from_vars([("BAGGAGE", "a=1"), ("PATH", "/bin"), ("BAGGAGE", "b=2")]);
    let mut seen = Vec::new();
    env.get_all("baggage", &mut |v| seen.push(v.to_owned()));
    assert_eq!(seen, ["a=1", "b=2"]);
}

/// Bug: every stored name was yielded, `x-b3-traceid` and `Path` too,
/// where the spec (1.58) says `Keys` "MUST return only key names that are
/// already normalized": `get` never reads the others.
#[test]
fn keys_are_only_the_normalized_variable_names() {
    let env = EnvCarrier::from_vars([
        ("TRACEPARENT", "x"),
        ("Path", "/bin"),
        ("x-b3-traceid", "t"),
        ("9LIVES", "9"),
        ("", "e"),
        ("_9LIVES", "9"),
        ("UBERCTX_K", "v"),
    ]);
    let mut keys = Vec::new();
    env.keys(&mut |k| keys.push(k.to_owned()));
    assert_eq!(keys, ["TRACEPARENT", "_9LIVES", "UBERCTX_K"]);
}

/// `remove_with_prefix` removes every field with the prefix, as every
/// carrier's does; the empty prefix is every field's. Bug: the empty prefix
/// was normalized as a name, to `_`, so only variables starting with `_`
/// were removed.
#[test]
fn remove_with_prefix_normalizes_the_prefix_and_the_empty_one_is_everything() {
    let vars = [("UBERCTX_A", "1"), ("UBER_TRACE_ID", "2"), ("_9X", "3")];
    let left = |prefix: &str| {
        let mut env = EnvCarrier::from_vars(vars);
        env.remove_with_prefix(prefix);
        env.vars()
            .map(|(k, _)| k.to_owned())
            .collect::<Vec<String>>()
    };
    assert_eq!(left("uberctx-"), ["UBER_TRACE_ID", "_9X"]);
    assert_eq!(left("9"), ["UBERCTX_A", "UBER_TRACE_ID"]);
    assert_eq!(left(""), Vec::<String>::new());
}

#[test]
fn values_are_opaque_to_the_carrier() {
    // The carrier neither validates nor trims: the propagator judges.
    let mut env = EnvCarrier::default();
    env.set("baggage", " not = valid ;; ".into());
    assert_eq!(env.get("BAGGAGE").as_deref(), Some(" not = valid ;; "));
}

#[test]
fn trace_context_round_trips_through_the_environment() {
    let tc = TraceContext;
    let mut env = EnvCarrier::default();
    tc.inject(&remote(0x03), &mut env);
    assert_eq!(
        env.get("TRACEPARENT").as_deref(),
        Some(&TRACEPARENT.replace("-01", "-03")[..])
    );

    let child = EnvCarrier::from_vars(env.vars());
    let cx = tc.extract(&Context::default(), &child);
    let sc = cx.span_context().unwrap();
    assert_eq!(sc.flags().bits(), 0x03);
    assert!(sc.is_remote());
    assert_eq!(sc.span_id().to_string(), "00f067aa0ba902b7");
}

#[test]
fn session_and_baggage_cross_as_the_baggage_variable() {
    let w3c = Composite::new(vec![Box::new(TraceContext), Box::new(W3cBaggage)]);
    let parent = remote(1)
        .with_baggage("session.id", "s 1")
        .with_baggage("k", "v");
    let mut env = EnvCarrier::default();
    w3c.inject(&parent, &mut env);
    assert_eq!(env.get("BAGGAGE").as_deref(), Some("session.id=s%201,k=v"));

    let cx = w3c.extract(&Context::default(), &EnvCarrier::from_vars(env.vars()));
    assert_eq!(cx.session().unwrap().id(), "s 1");
    assert_eq!(cx.baggage().get("k"), Some("v"));
}

fn env_of<'a>(cmd: &'a Command, name: &str) -> Option<Option<&'a OsStr>> {
    cmd.get_envs().find(|(k, _)| *k == name).map(|(_, v)| v)
}

#[test]
fn apply_to_sets_held_fields_and_removes_stale_ones() {
    let mut env = EnvCarrier::default();
    TraceContext.inject(&remote(1), &mut env);
    let mut cmd = Command::new("true");
    env.apply_to(&mut cmd, TraceContext.fields());
    assert_eq!(
        env_of(&cmd, "TRACEPARENT"),
        Some(Some(OsStr::new(TRACEPARENT)))
    );
    // No tracestate in the context: an inherited TRACESTATE must not leak through.
    assert_eq!(env_of(&cmd, "TRACESTATE"), Some(None));
}

#[test]
fn a_child_process_receives_the_context() {
    let mut env = EnvCarrier::default();
    TraceContext.inject(&remote(1), &mut env);
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "printf %s \"$TRACEPARENT\""]);
    env.apply_to(&mut cmd, TraceContext.fields());
    let out = match cmd.output() {
        Ok(out) => out,
        // No POSIX shell on this platform: nothing to check.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(String::from_utf8_lossy(&out.stdout), TRACEPARENT);
}

/// The variables `cmd` sets, as the child sees them where the parent's
/// environment holds nothing else.
fn child_env(cmd: &Command) -> EnvCarrier {
    EnvCarrier::from_vars(cmd.get_envs().filter_map(|(k, v)| {
        Some((
            k.to_str().unwrap().to_owned(),
            v?.to_str().unwrap().to_owned(),
        ))
    }))
}

/// Variables of a context older than the parent's, in both B3 encodings.
const STALE_B3: [(&str, &str); 4] = [
    ("B3", "11111111111111111111111111111111-2222222222222222-1"),
    ("X_B3_TRACEID", "33333333333333333333333333333333"),
    ("X_B3_SPANID", "4444444444444444"),
    ("X_B3_SAMPLED", "0"),
];

/// Bug: `inject_into_command` cleared only the fields B3 writes, but its
/// extract reads both encodings and the single `b3` wins, so the child of a
/// `b3multi` parent joined the trace of an inherited `B3`, and the child of
/// a `b3` parent without a span that of inherited `X_B3_*`.
#[test]
fn apply_to_extract_fields_removes_the_b3_encoding_not_written() {
    for (b3, cx) in [(B3::multi(), remote(1)), (B3::single(), Context::default())] {
        let mut cmd = Command::new("true");
        cmd.envs(STALE_B3);
        let mut env = EnvCarrier::default();
        b3.inject(&cx, &mut env);
        env.apply_to(&mut cmd, b3.extract_fields());
        for (name, stale) in STALE_B3 {
            assert_ne!(
                env_of(&cmd, name),
                Some(Some(OsStr::new(stale))),
                "{b3:?}: {name}"
            );
        }
        let child = b3.extract(&Context::default(), &child_env(&cmd));
        let ids = |cx: &Context| cx.span_context().map(|sc| (sc.trace_id(), sc.span_id()));
        assert_eq!(ids(&child), ids(&cx), "{b3:?}");
    }
}
