//! A sampler sees the baggage of the parent context, which the span will
//! carry (a session's `session.id` included): OpenTelemetry gives a sampler
//! the whole parent `Context`, and baggage is what a rule such as "record
//! every request of this tenant" reads. Found: `SamplingParams` had the
//! parent's span context only, so such a rule could not be written.

use std::sync::{Arc, Mutex};

use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{span, Context, InMemoryExporter};

/// A span's name, and the tenant and session its sampler saw.
type Seen = (String, Option<String>, Option<String>);

/// Records the spans of the gold tenant and of session `s-1`, and what it
/// saw of each span's baggage.
#[derive(Default, Clone)]
struct ByTenant {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Sampler for ByTenant {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        let tenant = params.baggage.get("tenant").map(str::to_owned);
        let session = params.baggage.get("session.id").map(str::to_owned);
        let keep = tenant.as_deref() == Some("gold") || session.as_deref() == Some("s-1");
        self.seen
            .lock()
            .unwrap()
            .push((params.name.to_owned(), tenant, session));
        if keep {
            SamplingDecision::RecordAndSample.into()
        } else {
            SamplingDecision::Drop.into()
        }
    }

    fn description(&self) -> String {
        "ByTenant".into()
    }
}

#[test]
fn a_sampler_decides_on_the_parent_contexts_baggage() {
    let sampler = ByTenant::default();
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(
        baton::Config::new()
            .sampler(sampler.clone())
            .exporter(spans.clone()),
    )
    .unwrap();

    let gold = Context::default().with_baggage("tenant", "gold");
    let free = Context::default().with_baggage("tenant", "free");
    {
        let _attached = gold.clone().attach();
        let request = span("gold request").enter();
        // A child: the sampler is asked again, with the same baggage.
        drop(span("gold child").enter());
        drop(request);
        // A root span has no parent, and still the current baggage.
        drop(span("gold root").root().start());
    }
    {
        let _attached = free.clone().attach();
        drop(span("free request").enter());
    }
    // An explicit parent context gives its baggage.
    drop(span("explicit gold").parent(&gold).start());
    drop(span("explicit free").parent(&free).start());
    {
        let _session = baton::session("s-1");
        drop(span("in session").start());
    }

    let t = |s: &str| Some(s.to_owned());
    assert_eq!(
        *sampler.seen.lock().unwrap(),
        [
            ("gold request".into(), t("gold"), None),
            ("gold child".into(), t("gold"), None),
            ("gold root".into(), t("gold"), None),
            ("free request".into(), t("free"), None),
            ("explicit gold".into(), t("gold"), None),
            ("explicit free".into(), t("free"), None),
            ("in session".into(), None, t("s-1")),
        ]
    );
    let mut recorded: Vec<String> = spans
        .take()
        .into_iter()
        .map(|s| s.name.to_string())
        .collect();
    recorded.sort();
    assert_eq!(
        recorded,
        [
            "explicit gold",
            "gold child",
            "gold request",
            "gold root",
            "in session"
        ]
    );
}
