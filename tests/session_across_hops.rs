//! Issue 12 item 1: with the `session` propagator configured, a session
//! crosses two hops whatever the trace format, in headers and in the
//! environment carrier; without it, only `baggage` (and `jaeger` in headers)
//! carries one. The header name is configurable (Mirascope's
//! `X-Mirascope-Session-Id` interoperates) and bad ids are reported, never
//! propagated.

mod common;

use baton::propagation::{
    check_session_id, Composite, EnvCarrier, Extractor, Injector, Propagator, SessionError,
    SessionHeader, TraceContext, DEFAULT_SESSION_HEADER, MAX_SESSION_ID_LEN,
};
use baton::{diagnostic_count, Context, DiagnosticKind, TraceId};

const NAMES: [&str; 6] = [
    "tracecontext",
    "baggage",
    "b3",
    "b3multi",
    "jaeger",
    "session",
];
const TRACE_FORMATS: [&str; 4] = ["tracecontext", "b3", "b3multi", "jaeger"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Carrier {
    Headers,
    Env,
}

/// Writes into a fresh carrier of `kind` and hands it to the next process.
fn carry(kind: Carrier, write: impl FnOnce(&mut dyn Injector)) -> Box<dyn Extractor> {
    match kind {
        Carrier::Headers => {
            let mut headers: Vec<(String, String)> = Vec::new();
            write(&mut headers);
            Box::new(headers)
        }
        Carrier::Env => {
            let mut env = EnvCarrier::default();
            write(&mut env);
            // A child process sees only its variables.
            Box::new(EnvCarrier::from_vars(env.vars()))
        }
    }
}

/// A service: extracts, works in a span, calls the next service.
fn hop(p: &Composite, kind: Carrier, incoming: &dyn Extractor) -> (Context, Box<dyn Extractor>) {
    let cx = p.extract(&Context::default(), incoming);
    let _cx = cx.clone().attach();
    let _span = baton::span("hop").enter();
    (cx, carry(kind, |out| p.inject(&Context::current(), out)))
}

/// Origin → service B → service C; returns C's context and the origin's trace id.
fn two_hops(list: &str, kind: Carrier) -> (Context, TraceId) {
    let p = Composite::from_list(list).unwrap();
    let _root = baton::new_trace_context();
    let _session = baton::session("chat-42");
    let origin = baton::span("origin").enter();
    let trace_id = baton::current_trace_id().unwrap();
    let to_b = carry(kind, |out| p.inject(&Context::current(), out));
    drop(origin);
    let (_, to_c) = hop(&p, kind, to_b.as_ref());
    let (at_c, _) = hop(&p, kind, to_c.as_ref());
    (at_c, trace_id)
}

#[test]
fn with_session_configured_every_trace_format_carries_the_session_two_hops() {
    common::exporter();
    for kind in [Carrier::Headers, Carrier::Env] {
        for format in TRACE_FORMATS {
            for list in [
                format!("{format},session"),
                format!("session,{format}"),
                format!("{format},baggage,session"),
            ] {
                let (cx, trace_id) = two_hops(&list, kind);
                assert_eq!(
                    cx.session().map(|s| s.id().to_owned()).as_deref(),
                    Some("chat-42"),
                    "{list} over {kind:?}"
                );
                assert_eq!(
                    cx.span_context().map(|sc| sc.trace_id()),
                    Some(trace_id),
                    "{list} over {kind:?}"
                );
            }
        }
    }
}

/// Every non-empty combination of propagator names, over both carriers:
/// the README's table of what carries a session, checked.
#[test]
fn which_combinations_carry_a_session_and_a_trace() {
    common::exporter();
    for kind in [Carrier::Headers, Carrier::Env] {
        for mask in 1u32..1 << NAMES.len() {
            let names: Vec<&str> = (0..NAMES.len())
                .filter(|i| mask & 1 << i != 0)
                .map(|i| NAMES[i])
                .collect();
            let has = |n| names.contains(&n);
            let list = names.join(",");
            let (cx, trace_id) = two_hops(&list, kind);
            // Jaeger's `uberctx-*` baggage is found by prefix, which an
            // environment carrier cannot list.
            let carries_session =
                has("session") || has("baggage") || (has("jaeger") && kind == Carrier::Headers);
            assert_eq!(
                cx.session().is_some(),
                carries_session,
                "session with {list} over {kind:?}"
            );
            if carries_session {
                assert_eq!(cx.session().unwrap().id(), "chat-42");
            }
            let carries_trace = TRACE_FORMATS.iter().any(|f| has(f));
            assert_eq!(
                cx.span_context().map(|sc| sc.trace_id()),
                carries_trace.then_some(trace_id),
                "trace with {list} over {kind:?}"
            );
        }
    }
}

#[test]
fn the_default_header_and_its_environment_variable() {
    let p = Composite::from_list("tracecontext,session").unwrap();
    assert_eq!(
        p.fields(),
        ["traceparent", "tracestate", DEFAULT_SESSION_HEADER]
    );
    let _s = baton::session("s-1");
    let mut headers: Vec<(String, String)> = Vec::new();
    p.inject(&Context::current(), &mut headers);
    assert_eq!(
        headers,
        [("baton-session-id".to_string(), "s-1".to_string())]
    );
    let mut env = EnvCarrier::default();
    p.inject(&Context::current(), &mut env);
    assert_eq!(
        env.vars().collect::<Vec<_>>(),
        [("BATON_SESSION_ID", "s-1")]
    );
}

#[test]
fn interoperates_with_mirascope_session_header() {
    // Configured in code, or by BATON_SESSION_HEADER (read through a lookup here).
    let in_code = SessionHeader::new("X-Mirascope-Session-Id").unwrap();
    let from_env = SessionHeader::from_lookup(|name| {
        (name == "BATON_SESSION_HEADER").then(|| "X-Mirascope-Session-Id".to_string())
    })
    .unwrap();
    assert_eq!(in_code, from_env);
    let p = Composite::new(vec![Box::new(TraceContext), Box::new(in_code)]);

    // Inject: the header a Mirascope service reads (names match case-insensitively).
    let _s = baton::session("user-123-session-456");
    let _span = baton::span("call").enter();
    let mut headers: Vec<(String, String)> = Vec::new();
    p.inject(&Context::current(), &mut headers);
    assert!(headers.contains(&(
        "x-mirascope-session-id".to_string(),
        "user-123-session-456".to_string()
    )));

    // Extract: headers as a Mirascope service sends them.
    let sent_by_mirascope = vec![
        (
            "traceparent".to_string(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_string(),
        ),
        (
            "X-Mirascope-Session-ID".to_string(),
            "extracted-session-123".to_string(),
        ),
    ];
    let cx = p.extract(&Context::default(), &sent_by_mirascope);
    assert_eq!(cx.session().unwrap().id(), "extracted-session-123");
    assert_eq!(
        cx.span_context().unwrap().trace_id().to_string(),
        "0af7651916cd43dd8448eb211c80319c"
    );
    // Current Mirascope SDKs name it `Mirascope-Session-Id`: one setting.
    let current = SessionHeader::new("Mirascope-Session-Id").unwrap();
    let sent = vec![("Mirascope-Session-Id".to_string(), "s-789".to_string())];
    assert_eq!(
        current
            .extract(&Context::default(), &sent)
            .session()
            .unwrap()
            .id(),
        "s-789"
    );
}

#[test]
fn the_first_format_listed_wins_when_baggage_and_header_disagree() {
    let carrier = vec![
        ("baggage".to_string(), "session.id=from-baggage".to_string()),
        ("baton-session-id".to_string(), "from-header".to_string()),
    ];
    // Extracted into an empty context, and into one that holds either
    // value already (`extract_context` starts from the current context):
    // the value the first format sends wins each time.
    for current in [
        Context::default(),
        Context::default().with_baggage("session.id", "from-baggage"),
        Context::default().with_baggage("session.id", "from-header"),
    ] {
        let session = |list: &str| {
            let p = Composite::from_list(list).unwrap();
            p.extract(&current, &carrier)
                .session()
                .unwrap()
                .id()
                .to_owned()
        };
        assert_eq!(session("baggage,session"), "from-baggage");
        assert_eq!(session("session,baggage"), "from-header");
    }
}

#[test]
fn the_first_format_listed_wins_over_a_value_already_current() {
    let carrier = vec![
        ("baggage".to_string(), "session.id=first".to_string()),
        ("uberctx-session.id".to_string(), "second".to_string()),
    ];
    let extract = |list: &str, current: &str| {
        let p = Composite::from_list(list).unwrap();
        let cx = Context::default().with_baggage("session.id", current);
        p.extract(&cx, &carrier)
            .baggage()
            .get("session.id")
            .map(str::to_owned)
    };
    for current in ["first", "second", "other"] {
        assert_eq!(
            extract("baggage,jaeger", current).as_deref(),
            Some("first"),
            "{current}"
        );
        assert_eq!(
            extract("jaeger,baggage", current).as_deref(),
            Some("second"),
            "{current}"
        );
    }
}

#[test]
fn session_ids_are_bounded_and_visible_ascii() {
    let at_limit = "s".repeat(MAX_SESSION_ID_LEN);
    assert_eq!(check_session_id(&at_limit), Ok(()));
    assert_eq!(
        check_session_id(&format!("{at_limit}s")),
        Err(SessionError::IdTooLong {
            len: MAX_SESSION_ID_LEN + 1
        })
    );
    assert_eq!(check_session_id(""), Err(SessionError::EmptyId));
    assert_eq!(
        check_session_id("a\u{7f}"),
        Err(SessionError::InvalidId { offset: 1 })
    );
    assert_eq!(
        check_session_id("é"),
        Err(SessionError::InvalidId { offset: 0 })
    );
    assert_eq!(SessionHeader::new(""), Err(SessionError::EmptyHeaderName));
    assert_eq!(
        SessionHeader::new("x:y"),
        Err(SessionError::InvalidHeaderName { offset: 1 })
    );
    assert!(SessionHeader::from_lookup(|_| Some("a b".into())).is_err());
    assert!(SessionError::IdTooLong { len: 300 }
        .to_string()
        .contains("256"));
}

fn extract_one(value: &str) -> Option<String> {
    let carrier = vec![("baton-session-id".to_string(), value.to_string())];
    SessionHeader::default()
        .extract(&Context::default(), &carrier)
        .session()
        .map(|s| s.id().to_owned())
}

#[test]
fn bad_incoming_ids_are_ignored_and_reported() {
    assert_eq!(
        extract_one(&"s".repeat(MAX_SESSION_ID_LEN)).map(|s| s.len()),
        Some(256)
    );
    assert_eq!(extract_one("  padded\t").as_deref(), Some("padded"));

    let limit = diagnostic_count(DiagnosticKind::LimitExceeded);
    assert_eq!(extract_one(&"s".repeat(MAX_SESSION_ID_LEN + 1)), None);
    assert!(diagnostic_count(DiagnosticKind::LimitExceeded) > limit);

    for bad in ["", "two words", "ctl\u{1}", "ünï"] {
        let invalid = diagnostic_count(DiagnosticKind::InvalidHeader);
        assert_eq!(extract_one(bad), None, "{bad:?}");
        assert!(
            diagnostic_count(DiagnosticKind::InvalidHeader) > invalid,
            "{bad:?}"
        );
    }

    let invalid = diagnostic_count(DiagnosticKind::InvalidHeader);
    let repeated = vec![
        ("baton-session-id".to_string(), "a".to_string()),
        ("Baton-Session-Id".to_string(), "b".to_string()),
    ];
    let cx = SessionHeader::default().extract(&Context::default(), &repeated);
    assert!(cx.session().is_none());
    assert!(diagnostic_count(DiagnosticKind::InvalidHeader) > invalid);
}

#[test]
fn a_session_the_header_cannot_carry_is_not_injected_and_is_reported() {
    for (id, kind) in [
        ("has space".to_string(), DiagnosticKind::InvalidHeader),
        (
            "s".repeat(MAX_SESSION_ID_LEN + 1),
            DiagnosticKind::LimitExceeded,
        ),
    ] {
        let before = diagnostic_count(kind);
        let cx = Context::default().with_baggage("session.id", &id);
        let mut headers: Vec<(String, String)> = Vec::new();
        SessionHeader::default().inject(&cx, &mut headers);
        assert!(headers.is_empty(), "{id:?}");
        assert!(diagnostic_count(kind) > before, "{id:?}");
    }
}
