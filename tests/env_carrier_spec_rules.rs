//! Each rule of OpenTelemetry's "Environment Variables as Context
//! Propagation Carriers" (Release Candidate,
//! <https://opentelemetry.io/docs/specs/otel/context/env-carriers/>), checked
//! on `EnvCarrier` and through every propagator: `tracecontext`, `baggage`,
//! `b3`, `b3multi`, `jaeger` and the session header.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::process::Command;

use baton::propagation::{
    env_name, Composite, EnvCarrier, Extractor, Injector, Jaeger, Propagator, SessionHeader,
    TraceContext, W3cBaggage, B3,
};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId, TraceState};
use proptest::prelude::*;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID: &str = "00f067aa0ba902b7";

/// A sampled remote parent with a `tracestate`, in session `chat-42` with
/// one more baggage entry: something for every format to write.
fn parent() -> Context {
    let sc = SpanContext::new(
        TraceId::from_hex(TRACE_ID).unwrap(),
        SpanId::from_hex(SPAN_ID).unwrap(),
        TraceFlags::from_bits(1),
    )
    .with_trace_state(TraceState::default().insert("vendor", "v1").unwrap());
    Context::default()
        .with_span_context(sc)
        .with_baggage("session.id", "chat-42")
        .with_baggage("k", "v")
}

/// What each format may hold or not: [`parent`], the same span without
/// its `tracestate` or baggage, and nothing.
fn contexts() -> [Context; 3] {
    let bare = SpanContext::new(
        TraceId::from_hex(TRACE_ID).unwrap(),
        SpanId::from_hex(SPAN_ID).unwrap(),
        TraceFlags::from_bits(1),
    );
    [
        parent(),
        Context::default().with_span_context(bare),
        Context::default(),
    ]
}

/// Every format, by its `OTEL_PROPAGATORS` name, with what it writes for
/// [`parent`].
fn formats() -> Vec<(&'static str, Box<dyn Propagator>, &'static [&'static str])> {
    vec![
        (
            "tracecontext",
            Box::new(TraceContext),
            &["TRACEPARENT", "TRACESTATE"],
        ),
        ("baggage", Box::new(W3cBaggage), &["BAGGAGE"]),
        ("b3", Box::new(B3::single()), &["B3"]),
        (
            "b3multi",
            Box::new(B3::multi()),
            &["X_B3_TRACEID", "X_B3_SPANID", "X_B3_SAMPLED"],
        ),
        ("jaeger", Box::new(Jaeger), &["UBER_TRACE_ID"]),
        (
            "session",
            Box::new(SessionHeader::default()),
            &["BATON_SESSION_ID"],
        ),
    ]
}

/// The spec's normalization, step by step as it lists them.
fn spec_normalize(key: &str) -> String {
    // "replace an empty key name with a single underscore (`_`)"
    if key.is_empty() {
        return "_".into();
    }
    let name: String = key
        .chars()
        // "uppercase ASCII letters"
        .map(|c| c.to_ascii_uppercase())
        // "replace every character that is not an ASCII letter, digit, or
        // underscore (`_`) with an underscore (`_`)"
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // "prefix the name with an underscore (`_`) if it would otherwise start
    // with an ASCII digit"
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// "a normalized environment variable name matches the regular expression
/// `^[A-Z_][A-Z0-9_]*$`"
fn is_normalized(name: &str) -> bool {
    name.bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_uppercase() || b == b'_' || (i > 0 && b.is_ascii_digit()))
        && !name.is_empty()
}

proptest! {
    /// "To normalize a key name, implementations MUST: ..." (the four
    /// steps), and "A normalized environment variable name is a non-empty
    /// environment variable name that is unchanged by applying this
    /// normalization."
    #[test]
    fn env_name_is_the_spec_normalization(key in any::<String>()) {
        let name = env_name(&key);
        prop_assert_eq!(&name, &spec_normalize(&key));
        prop_assert!(is_normalized(&name), "{:?}", name);
        prop_assert_eq!(env_name(&name), name);
    }

    /// "MUST treat values as opaque strings and MUST NOT apply
    /// propagation-format-specific logic such as validating, parsing
    /// values": whatever a value is, it is stored and read back unchanged.
    #[test]
    fn values_cross_the_carrier_unchanged(value in any::<String>()) {
        let mut env = EnvCarrier::default();
        env.set("baggage", value.clone());
        prop_assert_eq!(env.get("baggage"), Some(value.clone()));
        let child = EnvCarrier::from_vars(env.vars());
        prop_assert_eq!(child.get("BAGGAGE"), Some(value));
    }
}

proptest! {
    /// The values are the propagators' to make safe ("validating and parsing
    /// values" are theirs alone): whatever a caller puts in baggage or a
    /// session, every format writes only field characters (RFC 9110:
    /// visible ASCII, space, tab), so no NUL or line break ever reaches a
    /// child's environment, where a NUL would make the spawn itself fail.
    #[test]
    fn every_format_writes_only_field_characters(value in any::<String>(), id in any::<String>()) {
        let cx = parent().with_baggage("k", &value).with_baggage("session.id", &id);
        let all = Composite::new(formats().into_iter().map(|(_, p, _)| p).collect());
        let mut env = EnvCarrier::default();
        all.inject(&cx, &mut env);
        for (k, v) in env.vars() {
            prop_assert!(is_normalized(k), "{:?}", k);
            prop_assert!(v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)), "{}={:?}", k, v);
        }
        prop_assert!(env.get("BAGGAGE").is_some());
    }
}

/// Where "character" and "ASCII digit" could be read otherwise. A character
/// is a Unicode scalar value, as in the Go (runes) and Python (code points)
/// implementations; Java's, which walks UTF-16 units, writes two `_` for
/// one character outside the BMP.
#[test]
fn normalization_edge_cases() {
    for (key, name) in [
        ("𝄞", "_"),
        ("a𝄞b", "A_B"),
        // An Arabic-Indic three is no ASCII digit: replaced, not prefixed.
        ("٣x", "_X"),
        ("-9", "_9"),
        ("9", "_9"),
        ("_9", "_9"),
        ("9-", "_9_"),
        ("ß", "_"),
        // The Kelvin sign and the long s, whose Unicode case mappings are
        // ASCII letters, are no ASCII letters.
        ("\u{212a}", "_"),
        ("\u{17f}", "_"),
        ("uberctx-Session.ID", "UBERCTX_SESSION_ID"),
        (" ", "_"),
        ("=", "_"),
        ("\0", "_"),
    ] {
        assert_eq!(env_name(key), name, "{key:?}");
        assert_eq!(spec_normalize(key), name, "{key:?}");
    }
}

/// "`Set` MUST write values using the normalized form of the key provided
/// by the propagator": every name each format writes is normalized, and is
/// the one the spec's table names for W3C ("`TRACEPARENT`", "`TRACESTATE`",
/// "`BAGGAGE`").
#[test]
fn every_format_writes_normalized_names() {
    for (format, p, names) in formats() {
        let mut env = EnvCarrier::default();
        p.inject(&parent(), &mut env);
        let written: Vec<&str> = env.vars().map(|(k, _)| k).collect();
        assert_eq!(written, names, "{format}");
        assert!(written.iter().all(|k| is_normalized(k)), "{format}");
    }
}

/// A parent → child hop per format: what one writes, the other reads.
#[test]
fn every_format_round_trips_through_the_environment() {
    for (format, p, _) in formats() {
        let mut env = EnvCarrier::default();
        p.inject(&parent(), &mut env);
        let cx = p.extract(&Context::default(), &EnvCarrier::from_vars(env.vars()));
        match format {
            "baggage" => assert_eq!(cx.baggage(), parent().baggage()),
            "session" => assert_eq!(cx.session().unwrap().id(), "chat-42"),
            _ => {
                let sc = cx.span_context().unwrap_or_else(|| panic!("{format}"));
                assert_eq!(sc.trace_id().to_string(), TRACE_ID, "{format}");
                assert_eq!(sc.span_id().to_string(), SPAN_ID, "{format}");
                assert!(sc.is_sampled(), "{format}");
            }
        }
        if format == "tracecontext" {
            assert_eq!(
                cx.span_context().unwrap().trace_state().as_str(),
                "vendor=v1"
            );
        }
    }
}

/// "`Get` MUST normalize the key requested by the propagator and MUST use
/// the normalized key name to read from the carrier." ... "It MUST NOT read
/// a non-normalized environment variable named `x-b3-traceid`, even though
/// that name normalizes to `X_B3_TRACEID`." Each format, given its fields
/// under their header names, or with `_` for `-` and all but the first
/// letter uppercase (`tRACEPARENT`, `x_B3_TRACEID`: a case Windows may keep
/// a variable in), finds nothing.
#[test]
fn no_format_reads_a_variable_that_is_not_normalized() {
    for (format, p, _) in formats() {
        let mut headers = BTreeMap::new();
        p.inject(&parent(), &mut headers);
        let almost =
            |k: &String| k[..1].to_owned() + &k[1..].to_ascii_uppercase().replace('-', "_");
        for spelled in [
            headers.clone(),
            headers
                .iter()
                .map(|(k, v)| (almost(k), v.clone()))
                .collect(),
        ] {
            let env = EnvCarrier::from_vars(spelled.clone());
            let cx = p.extract(&Context::default(), &env);
            assert!(cx.span_context().is_none(), "{format}: {spelled:?}");
            assert!(cx.baggage().is_empty(), "{format}: {spelled:?}");
        }
    }
}

/// Names that differ only in case are separate variables on Unix, and one
/// on Windows. Get reads the normalized one alone, whatever the order; Set
/// replaces it, writing the canonical uppercase name.
#[test]
fn names_that_differ_only_in_case() {
    let env = EnvCarrier::from_vars([
        ("traceparent", "lower"),
        ("TRACEPARENT", "upper"),
        ("TraceParent", "mixed"),
    ]);
    let mut seen = Vec::new();
    env.get_all("TraceParent", &mut |v| seen.push(v.to_owned()));
    assert_eq!(seen, ["upper"]);

    let mut env = EnvCarrier::default();
    env.set("traceparent", "1".into());
    env.set("TRACEPARENT", "2".into());
    env.set("TraceParent", "3".into());
    assert_eq!(env.vars().collect::<Vec<_>>(), [("TRACEPARENT", "3")]);
}

/// "`Keys` MUST return only key names that are already normalized", and the
/// prefix lookup built on it yields no other name: a format that finds its
/// fields by name prefix meets each normalized variable once, with its
/// value.
#[test]
fn prefix_lookup_yields_what_keys_and_get_yield() {
    let env = EnvCarrier::from_vars([
        ("UBERCTX_K", "1"),
        ("uberctx-k", "2"),
        ("Uberctx_K", "3"),
        ("TRACEPARENT", "t"),
        ("9X", "4"),
        ("", "5"),
    ]);
    let mut keys = Vec::new();
    env.keys(&mut |k| keys.push(k.to_owned()));
    assert_eq!(keys, ["UBERCTX_K", "TRACEPARENT"]);
    let mut by_keys = Vec::new();
    for k in &keys {
        env.get_all(k, &mut |v| by_keys.push(format!("{k}={v}")));
    }
    let mut by_prefix = Vec::new();
    env.get_all_with_prefix("", &mut |k, v| by_prefix.push(format!("{k}={v}")));
    assert_eq!(by_prefix, by_keys);
    // Jaeger's `uberctx-` prefix names no normalized variable.
    let mut uberctx = Vec::new();
    env.get_all_with_prefix("uberctx-", &mut |k, _| uberctx.push(k.to_owned()));
    assert_eq!(uberctx, Vec::<String>::new());
}

/// "The environment variable carrier MUST be format-agnostic": the spec
/// leaves "applying any truncation" to the propagators, so the carrier
/// keeps a value of any size and an empty value as a value.
#[test]
fn the_carrier_neither_truncates_nor_drops_values() {
    let long = "x".repeat(1 << 20);
    let mut env = EnvCarrier::default();
    env.set("tracestate", long.clone());
    env.set("baggage", String::new());
    assert_eq!(env.get("TRACESTATE").map(|v| v.len()), Some(1 << 20));
    assert_eq!(env.get("BAGGAGE").as_deref(), Some(""));
    assert_eq!(env.vars().len(), 2);
}

fn env_of<'a>(cmd: &'a Command, name: &str) -> Option<Option<&'a OsStr>> {
    cmd.get_envs().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// The variables of every field a format reads, holding an older
/// context's values, as a parent may have inherited them.
fn stale(p: &dyn Propagator) -> Vec<(String, &'static str)> {
    p.extract_fields()
        .iter()
        .map(|f| (env_name(f), "stale"))
        .collect()
}

/// "A typical parent process flow copies the current environment
/// variables (if applicable), modifies that copy, and injects context into
/// the copy" (non-normative): `apply_to` writes to the command alone, and
/// of the variables of the fields each format reads, none that this
/// context does not fill reaches the child from the parent's environment.
#[test]
fn a_child_gets_each_format_s_variables_fresh_or_not_at_all() {
    let all = Composite::new(formats().into_iter().map(|(_, p, _)| p).collect());
    let before = std::env::vars_os().collect::<Vec<_>>();
    for (format, p, _) in
        formats()
            .into_iter()
            .chain([("all", Box::new(all) as Box<dyn Propagator>, &[][..])])
    {
        for cx in contexts() {
            let mut cmd = Command::new("true");
            cmd.envs(stale(p.as_ref()));
            let mut env = EnvCarrier::default();
            p.inject(&cx, &mut env);
            env.apply_to(&mut cmd, p.extract_fields());
            for (name, _) in stale(p.as_ref()) {
                let fresh = env.get(&name);
                let got = env_of(&cmd, &name).map(|v| v.map(|v| v.to_str().unwrap()));
                assert_eq!(got, Some(fresh.as_deref()), "{format}: {name}");
            }
        }
    }
    assert_eq!(std::env::vars_os().collect::<Vec<_>>(), before);
}

/// The same seen from a real child: it prints its environment, and holds
/// the fresh `TRACEPARENT`, no `TRACESTATE` from the older context, and the
/// name only in the canonical case.
#[test]
fn a_real_child_sees_only_the_fresh_context() {
    let sc = SpanContext::new(
        TraceId::from_hex(TRACE_ID).unwrap(),
        SpanId::from_hex(SPAN_ID).unwrap(),
        TraceFlags::from_bits(1),
    );
    let cx = Context::default().with_span_context(sc);
    let mut env = EnvCarrier::default();
    TraceContext.inject(&cx, &mut env);
    let mut cmd = Command::new("env");
    cmd.envs([("TRACEPARENT", "stale"), ("TRACESTATE", "old=1")]);
    env.apply_to(&mut cmd, TraceContext.extract_fields());
    let out = match cmd.output() {
        Ok(out) => out,
        // No `env` program on this platform: nothing to check.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => panic!("{e}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let child = EnvCarrier::from_vars(stdout.lines().filter_map(|l| l.split_once('=')));
    assert_eq!(
        child.get("traceparent").as_deref(),
        Some(&format!("00-{TRACE_ID}-{SPAN_ID}-01")[..])
    );
    assert_eq!(child.get("tracestate"), None);
    let mut names = Vec::new();
    child.keys(&mut |k| {
        if k.eq_ignore_ascii_case("traceparent") {
            names.push(k.to_owned());
        }
    });
    assert_eq!(names, ["TRACEPARENT"]);
}

/// The flow the spec describes: "copies the current environment
/// variables (if applicable), modifies that copy, and injects context into
/// the copy" (non-normative). Injected into a copy that holds an older
/// context in every encoding, each format leaves each variable it reads
/// fresh or gone, and leaves the rest of the copy alone.
#[test]
fn injecting_into_a_copy_of_the_environment_leaves_nothing_stale() {
    let all = Composite::new(formats().into_iter().map(|(_, p, _)| p).collect());
    let mut copy = vec![("PATH".to_owned(), "/bin"), ("HOME".to_owned(), "/h")];
    copy.extend(stale(&all));
    for (format, p, _) in
        formats()
            .into_iter()
            .chain([("all", Box::new(all) as Box<dyn Propagator>, &[][..])])
    {
        for cx in contexts() {
            let mut env = EnvCarrier::from_vars(copy.clone());
            let mut fresh = EnvCarrier::default();
            p.inject(&cx, &mut env);
            p.inject(&cx, &mut fresh);
            for field in p.extract_fields() {
                assert_eq!(env.get(field), fresh.get(field), "{format}: {field}");
            }
            assert_eq!(env.get("PATH").as_deref(), Some("/bin"), "{format}");
            assert_eq!(env.get("HOME").as_deref(), Some("/h"), "{format}");
        }
    }
}
