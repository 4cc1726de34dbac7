//! Where the ids of new spans come from: this thread's random generator,
//! or one the application installs.

use std::any::TypeId;

use crate::id::{SpanId, TraceId};

/// Makes the ids of new spans: the OpenTelemetry SDK's `IdGenerator`, for
/// ids in a vendor's format (AWS X-Ray trace ids start with the time, say).
/// Installed with [`Config::id_generator`](crate::Config::id_generator);
/// without one, every id is random ([`RandomIdGenerator`]).
///
/// The types forbid an all-zero id, so a generator cannot make an invalid
/// one. Its methods run on the thread that starts the span, on every span,
/// and should be as cheap as the random default.
///
/// # Example: trace ids that start with the time, X-Ray style
/// ```
/// use baton::{IdGenerator, RandomIdGenerator, SpanId, TraceId};
///
/// struct TimeFirst;
///
/// impl IdGenerator for TimeFirst {
///     fn new_trace_id(&self) -> TraceId {
///         let seconds = baton::now_unix_nanos() / 1_000_000_000;
///         let random = RandomIdGenerator.new_trace_id().to_u128() & (u128::MAX >> 32);
///         TraceId::from_u128(u128::from(seconds) << 96 | random).unwrap()
///     }
///
///     fn new_span_id(&self) -> SpanId {
///         RandomIdGenerator.new_span_id()
///     }
/// }
///
/// let spans = baton::InMemoryExporter::default();
/// let config = baton::Config::new().id_generator(TimeFirst).exporter(spans.clone());
/// let _pipeline = baton::init(config).unwrap();
/// drop(baton::span("request").start());
/// let started = spans.take()[0].span_context.trace_id().to_u128() >> 96;
/// assert!(started.abs_diff(u128::from(baton::now_unix_nanos() / 1_000_000_000)) <= 1);
/// ```
pub trait IdGenerator: Send + Sync + 'static {
    /// The trace id of a new root span.
    fn new_trace_id(&self) -> TraceId;

    /// The span id of a new span.
    fn new_span_id(&self) -> SpanId;

    /// Whether at least the rightmost 7 bytes of each trace id are
    /// uniformly random: root spans then carry the W3C level-2 `random`
    /// flag, on which a receiver's sampling by trace id may rely. `false`
    /// unless the generator says so, as in OpenTelemetry Python.
    fn is_trace_id_random(&self) -> bool {
        false
    }
}

/// The default [`IdGenerator`]: every bit of every id random, from this
/// thread's generator ([`TraceId::random`], [`SpanId::random`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomIdGenerator;

impl IdGenerator for RandomIdGenerator {
    fn new_trace_id(&self) -> TraceId {
        TraceId::random()
    }

    fn new_span_id(&self) -> SpanId {
        SpanId::random()
    }

    fn is_trace_id_random(&self) -> bool {
        true
    }
}

/// `generator` boxed for the span path, or `None` for the default, which
/// the span path makes its ids with directly.
pub(crate) fn custom<G: IdGenerator>(generator: G) -> Option<Box<dyn IdGenerator>> {
    let default = TypeId::of::<G>() == TypeId::of::<RandomIdGenerator>();
    (!default).then(|| Box::new(generator) as Box<dyn IdGenerator>)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;

    impl IdGenerator for Fixed {
        fn new_trace_id(&self) -> TraceId {
            TraceId::from_u128(1).unwrap()
        }

        fn new_span_id(&self) -> SpanId {
            SpanId::from_u64(1).unwrap()
        }
    }

    /// The default named in code takes the span path's own way, which
    /// knows sampling decisions beforehand; any other generator is kept.
    #[test]
    fn only_a_generator_other_than_the_default_is_kept() {
        assert!(custom(RandomIdGenerator).is_none());
        let fixed = custom(Fixed).unwrap();
        assert_eq!(fixed.new_span_id().to_u64(), 1);
        assert!(!fixed.is_trace_id_random());
    }
}
