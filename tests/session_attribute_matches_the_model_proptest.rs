//! A span started in a session records `session.id` as its first
//! attribute, under the same limits as any other. A span with nothing else
//! out of line keeps the session's baggage, and the attribute is made where
//! the span is exported (here the batch processor's export thread); one
//! given attributes or an event makes it then, and one whose context was
//! asked for keeps it there. Either way the span's attributes are what
//! setting the session's first, then the builder's, then the span's own
//! would leave, whether the id fits the length limit or is cut, and whether
//! a later `session.id` replaces it. Installs the global pipeline.

use std::sync::OnceLock;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::SpanLimits;
use proptest::prelude::*;

#[path = "common/attribute_model.rs"]
mod attribute_model;

const MAX_ATTRIBUTES: usize = 2;
const MAX_CHARS: usize = 2;

fn memory() -> &'static baton::InMemoryExporter {
    static MEMORY: OnceLock<baton::InMemoryExporter> = OnceLock::new();
    MEMORY.get_or_init(|| {
        let memory = baton::InMemoryExporter::default();
        let limits = SpanLimits {
            max_attributes: MAX_ATTRIBUTES,
            max_attribute_value_length: Some(MAX_CHARS),
            ..SpanLimits::default()
        };
        let processor = BatchProcessor::new(memory.clone(), BatchConfig::default());
        let config = baton::Config::new()
            .span_limits(limits)
            .processor(processor);
        // The pipeline lives as long as the test process.
        std::mem::forget(baton::init(config).unwrap());
        memory
    })
}

/// A key from a few, `session.id` among them; a value of one to three
/// characters, some several bytes long.
fn attributes() -> impl Strategy<Value = Vec<(String, String)>> {
    let attribute = (
        prop::sample::select(vec!["a", "b", "session.id"]),
        "[aé日]{1,3}",
    )
        .prop_map(|(k, v)| (k.to_owned(), v));
    prop::collection::vec(attribute, 0..4)
}

proptest! {
    #[test]
    fn a_session_span_has_the_attributes_the_spec_gives(
        // Up to twice the length limit, in characters of one to three
        // bytes: some fit whole, some are cut.
        session in proptest::option::of("[aé日]{1,4}"),
        builder in attributes(),
        set in attributes(),
        event in any::<bool>(),
        entered in any::<bool>(),
        // Its context asked for before anything is set: the record then
        // lives in that context, and is changed and ended there.
        shared in any::<bool>(),
    ) {
        let memory = memory();
        memory.take();
        let _session = session.as_deref().map(baton::session);
        let mut starting = baton::span("s");
        for (k, v) in &builder {
            starting = starting.attr(k.clone(), v.clone());
        }
        // Entered, the span ends through its thread's batch of ended spans;
        // started, through its own drop.
        let record = |set_attribute: &dyn Fn(String, String), add_event: &dyn Fn()| {
            for (k, v) in &set {
                set_attribute(k.clone(), v.clone());
            }
            if event {
                add_event();
            }
        };
        if entered {
            let span = starting.enter();
            let _cx = shared.then(baton::Context::current);
            record(&|k, v| span.set_attribute(k, v), &|| span.add_event("e", Vec::new()));
        } else {
            let span = starting.start();
            let _cx = shared.then(|| span.context());
            record(&|k, v| span.set_attribute(k, v), &|| span.add_event("e", Vec::new()));
        }
        baton::export::force_flush(Duration::from_secs(30)).unwrap();

        let spans = memory.take();
        prop_assert_eq!(spans.len(), 1);
        let in_session = session.map(|id| ("session.id".to_owned(), id));
        let all: Vec<_> = in_session.into_iter().chain(builder).chain(set).collect();
        let (kept, dropped) = attribute_model::model(&all, MAX_ATTRIBUTES, MAX_CHARS);
        prop_assert_eq!(&spans[0].attributes, &kept);
        prop_assert_eq!(spans[0].dropped_attributes_count, dropped);
        prop_assert_eq!(spans[0].events.len(), usize::from(event));
    }
}
