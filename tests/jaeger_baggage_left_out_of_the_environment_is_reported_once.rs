//! Jaeger inject leaves baggage out of the environment carrier (see
//! tests/jaeger_baggage_is_not_written_into_the_environment.rs) and says
//! so, once per process: it follows from the propagators chosen, so a
//! report per inject (per child process started) was noise, above all
//! with `baggage` beside `jaeger`, where `BAGGAGE` carries the entries.
//! Alone in this file: the flag is the process's.

use baton::propagation::{EnvCarrier, Jaeger, Propagator};
use baton::{diagnostic_count, Context, DiagnosticKind};

#[test]
fn baggage_left_out_of_the_environment_is_reported_once_per_process() {
    let cx = Context::default().with_baggage("session.id", "s1");
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    // Nothing left out, nothing reported (and the once not spent).
    Jaeger.inject(&Context::default(), &mut EnvCarrier::default());
    assert_eq!(diagnostic_count(DiagnosticKind::InvalidArgument), before);
    for _ in 0..3 {
        let mut env = EnvCarrier::default();
        Jaeger.inject(&cx, &mut env);
        assert!(env.vars().all(|(k, _)| !k.starts_with("UBERCTX_")));
    }
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1
    );
}
