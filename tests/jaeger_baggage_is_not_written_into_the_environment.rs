//! Jaeger baggage cannot cross the environment carrier: `uberctx-{key}`
//! becomes `UBERCTX_{KEY}`, which `session.id`, `session-id`, `Session_ID`
//! all become, and the carrier lists only such normalized names (the
//! OpenTelemetry env-carrier spec: `Keys` MUST return normalized names), so
//! no child can find the fields by their `uberctx-` prefix or read a key
//! back. Jaeger inject writes no `UBERCTX_*` variable and reports the
//! entries it left out; baggage reaches a child in `BAGGAGE`. Found: inject
//! wrote `UBERCTX_*` variables that no child read (and `baton decode`
//! rejects), and said nothing, so baggage sent with `OTEL_PROPAGATORS=jaeger`
//! was lost silently.

#[path = "common/child_process.rs"]
mod child_process;

use std::sync::{Mutex, PoisonError};

use baton::propagation::{Composite, EnvCarrier, Jaeger, Propagator};
use baton::{diagnostic_count, Baggage, Context, DiagnosticKind};

/// Keys with each character the variable name loses: `.`, `-`, and case.
const ENTRIES: [(&str, &str); 3] = [
    ("session.id", "user session 1"),
    ("tenant-id", "acme"),
    ("Region", "eu/west"),
];

fn parent() -> Context {
    let mut b = Baggage::default();
    for (k, v) in ENTRIES {
        b = b.try_insert(k, v, "").unwrap();
    }
    Context::default().with_baggage_replaced(b)
}

/// `InvalidArgument` reports made while `f` runs; the count is the
/// process's, so one test counts at a time.
fn reported(f: impl FnOnce()) -> u64 {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    f();
    diagnostic_count(DiagnosticKind::InvalidArgument) - before
}

fn uberctx_vars(env: &EnvCarrier) -> Vec<String> {
    env.vars()
        .filter(|(k, _)| k.starts_with("UBERCTX_"))
        .map(|(k, _)| k.to_owned())
        .collect()
}

#[test]
fn jaeger_alone_writes_no_uberctx_variable() {
    // A variable of an earlier context goes too. (That the entries left out
    // are reported is checked alone in its own process, since it is
    // reported once per process:
    // tests/jaeger_baggage_left_out_of_the_environment_is_reported_once.rs.)
    let mut env = EnvCarrier::from_vars([("UBERCTX_OLD", "stale")]);
    // Under the counting lock: the report this inject may make must not
    // fall into another test's count.
    reported(|| Jaeger.inject(&parent(), &mut env));
    assert_eq!(uberctx_vars(&env), Vec::<String>::new());
}

#[test]
fn into_headers_jaeger_still_writes_its_baggage_unreported() {
    let mut headers: Vec<(String, String)> = Vec::new();
    let cx = parent().with_baggage_replaced(
        Baggage::default()
            .try_insert("session.id", "s", "")
            .unwrap(),
    );
    let count = reported(|| Jaeger.inject(&cx, &mut headers));
    assert_eq!(
        headers,
        [("uberctx-session.id".to_string(), "s".to_string())]
    );
    assert_eq!(count, 0);
}

#[test]
fn nothing_to_leave_out_is_not_reported() {
    let mut env = EnvCarrier::default();
    assert_eq!(reported(|| Jaeger.inject(&Context::default(), &mut env)), 0);
}

/// Parent → environment → child: with `baggage` beside `jaeger`, the child
/// process reads every entry back from `BAGGAGE`, keys as they were.
#[test]
fn a_child_process_gets_the_baggage_back_in_baggage() {
    let mut env = EnvCarrier::default();
    let both = Composite::from_list("jaeger,baggage").unwrap();
    reported(|| both.inject(&parent(), &mut env));
    assert_eq!(uberctx_vars(&env), Vec::<String>::new());
    let vars: Vec<(&str, &str)> = env.vars().collect();
    child_process::run_alone("child_reads_the_parents_baggage", &vars);
}

#[test]
#[ignore = "run by a_child_process_gets_the_baggage_back_in_baggage, in a child process"]
fn child_reads_the_parents_baggage() {
    let env = EnvCarrier::from_process_env();
    assert_eq!(uberctx_vars(&env), Vec::<String>::new());
    let cx = Composite::from_list("jaeger,baggage")
        .unwrap()
        .extract(&Context::default(), &env);
    let got: Vec<(&str, &str)> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(got, ENTRIES);
}
