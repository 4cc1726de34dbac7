//! The Jaeger propagator: `uber-trace-id` and `uberctx-{key}` baggage.
//!
//! # How Jaeger state maps onto a [`Context`]
//! - The ids become a remote [`SpanContext`](crate::SpanContext); a non-zero
//!   parent span id is kept as its parent span id.
//! - Flag `0x01` is the sampled flag and flag `0x02` is
//!   [`SpanContext::is_debug`](crate::SpanContext::is_debug), which counts
//!   only with the sampled flag: flags `2` are read as `0`, as Jaeger's
//!   clients and OpenTelemetry's read them (see
//!   [`JaegerHeader::to_span_context`]). Debug is injected again with the
//!   sampled flag, and never without it.
//! - Each `uberctx-{key}` field becomes the baggage entry `{key}`
//!   (lowercased), so a session crosses as `uberctx-session.id`.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use super::baggage_merge::add_baggage;
use super::carrier::{first_value, name_match, NameMatch};
use super::{reported, Extractor, Injector, Problem, Problems, Propagator};
use crate::baggage::{Baggage, Builder};
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::wire::baggage::entry_size;
use crate::wire::uber_trace_id::{format, parse, JaegerHeader, HEADER};
use crate::wire::uberctx::{
    check_key, format_baggage_value, has_prefix, parse_baggage_value, BAGGAGE_PREFIX,
};
use crate::wire::WireError;

/// The Jaeger [`Propagator`]: `uber-trace-id` and `uberctx-{key}` baggage.
///
/// Extraction never fails: an invalid `uber-trace-id` leaves `cx`'s span
/// context as it was, and an invalid `uberctx-*` field is skipped without
/// affecting the trace context or the other fields. Each is one problem,
/// reported once. At most [`Baggage::MAX_MEMBERS`] fields are read, and
/// [`Baggage::MAX_BYTES`] bytes of baggage kept, counted as the `baggage`
/// header would write them (what a `Composite` of Jaeger alone keeps, and
/// what a W3C inject of the baggage then sends whole); the same limits
/// hold for the fields added to the baggage `cx` already has, as in a
/// [`Composite`](super::Composite).
///
/// Injection writes `uber-trace-id` when `cx` has a span context, and every
/// baggage entry as `uberctx-{key}` with a percent-encoded value; keys that
/// cannot be lowercase header names are skipped and reported (one
/// [`DiagnosticKind::InvalidArgument`], or [`DiagnosticKind::LimitExceeded`]
/// for entries past [`Baggage::MAX_BYTES`], counted as extraction counts
/// them, so the fields sent are kept whole by the next Jaeger extract), and
/// baggage properties are not sent (the format has no place for them).
/// Into a carrier that normalizes field names
/// ([`Injector::normalizes_names`]: the environment, see
/// [`EnvCarrier`](super::EnvCarrier)) no baggage is written at all, since
/// no receiver could read a key back from `UBERCTX_{KEY}`; the entries left
/// out are one [`DiagnosticKind::InvalidArgument`], the first time in a
/// process, and a
/// [`W3cBaggage`](super::W3cBaggage) beside Jaeger carries them as
/// `BAGGAGE`.
///
/// # Example: extract a trace and its session, then inject them again
/// ```
/// use baton::propagation::{Jaeger, Propagator};
/// use std::collections::BTreeMap;
/// let mut incoming = BTreeMap::new();
/// incoming.insert("uber-trace-id".to_string(), "deadbeef%3Aabc%3A0%3A3".to_string());
/// incoming.insert("uberctx-session.id".to_string(), "user%20session%201".to_string());
/// let cx = Jaeger.extract(&baton::Context::default(), &incoming);
/// let sc = cx.span_context().unwrap();
/// assert_eq!(sc.trace_id().to_u128(), 0xdead_beef);
/// assert!(sc.is_remote() && sc.is_debug() && sc.parent_span_id().is_none());
/// assert_eq!(cx.session().unwrap().id(), "user session 1");
///
/// let mut outgoing = BTreeMap::new();
/// Jaeger.inject(&cx, &mut outgoing);
/// assert_eq!(outgoing["uber-trace-id"], "000000000000000000000000deadbeef:0000000000000abc:0:03");
/// assert_eq!(outgoing["uberctx-session.id"], "user%20session%201");
/// ```
///
/// `jaeger-debug-id` is not read, nor is `jaeger-baggage`. Jaeger's own
/// clients, now retired, start a debug trace for a request that has
/// `jaeger-debug-id` and no `uber-trace-id`, and tag its root span with
/// the header's value; OpenTelemetry's Jaeger propagators (Go, Java,
/// Python, JavaScript) do not read it, and neither does baton: a
/// propagator cannot tag the span, and honouring the header would let any
/// caller force its requests to be recorded whatever the sampler says.
/// B3's lone `b3: d` asks for a debug trace between services that send
/// it (see [`B3`](super::B3)).
///
/// ```
/// use baton::propagation::{Jaeger, Propagator};
/// let headers = vec![("jaeger-debug-id".to_string(), "some-correlation-id".to_string())];
/// let (cx, problems) = Jaeger.extract_with_problems(&baton::Context::default(), &headers);
/// assert!(cx.is_empty() && problems.is_empty());
/// ```
///
/// # Example: one bad baggage field spoils nothing else
/// ```
/// use baton::propagation::{Jaeger, Propagator};
/// let headers = vec![
///     ("uber-trace-id".to_string(), "abc:def:0:1".to_string()),
///     ("uberctx-bad".to_string(), "%zz".to_string()),
///     ("uberctx-good".to_string(), "yes".to_string()),
/// ];
/// let (cx, problems) = Jaeger.extract_with_problems(&baton::Context::default(), &headers);
/// assert!(cx.span_context().unwrap().is_sampled());
/// assert_eq!(cx.baggage().get("good"), Some("yes"));
/// assert_eq!(cx.baggage().get("bad"), None);
/// assert_eq!(problems.len(), 1);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Jaeger;

const FIELDS: [&str; 1] = [HEADER];
/// Headers Jaeger's clients read that this propagator neither reads nor
/// writes: `jaeger-debug-id` (start a debug trace) and `jaeger-baggage`
/// (baggage without a trace). A [`SessionHeader`](super::SessionHeader)
/// may not take these names.
pub(crate) const CLIENT_ONLY_HEADERS: [&str; 2] = ["jaeger-debug-id", "jaeger-baggage"];
/// Whether a Jaeger inject has reported baggage left out of a carrier that
/// normalizes names.
static LEFT_OUT_REPORTED: AtomicBool = AtomicBool::new(false);
/// Why no `uberctx-*` field is written into a carrier that normalizes
/// names ([`Injector::normalizes_names`]).
const NOT_INTO_RENAMING_CARRIERS: &str =
    "the carrier normalizes field names (in the environment, uberctx-{key} becomes \
     UBERCTX_{KEY}, which loses the key's case and punctuation), so no receiver could read \
     them back; baggage reaches a child process in BAGGAGE (OTEL_PROPAGATORS with baggage)";
/// The fields baggage travels in, as problems name them.
pub(super) const UBERCTX: &str = "uberctx-*";
/// What [`HEADER`] and [`BAGGAGE_PREFIX`] begin with.
const SHARED_PREFIX: &str = "uber";

/// What one pass over the carrier found.
#[derive(Default)]
struct Read {
    trace: Found,
    baggage: BaggageFields,
}

/// The `uber-trace-id` values met in the pass.
#[derive(Default)]
enum Found {
    #[default]
    None,
    /// Exactly one, parsed: the first value by any carrier's rule.
    Once(Result<JaegerHeader, WireError>),
    /// More than one (names in different cases, or repeated lines).
    More,
}

impl Read {
    fn field(&mut self, name: &str, value: &str) {
        if has_prefix(name) {
            self.baggage.push(&name[BAGGAGE_PREFIX.len()..], value);
        } else if name_match(name, HEADER) != NameMatch::Different {
            self.trace = match self.trace {
                Found::None => Found::Once(parse(value)),
                _ => Found::More,
            };
        }
    }
}

impl Propagator for Jaeger {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        match cx.span_context().filter(|sc| sc.is_valid()) {
            Some(sc) => carrier.set(HEADER, format(&JaegerHeader::from_span_context(sc))),
            None => carrier.remove_field(HEADER),
        }
        carrier.remove_with_prefix(BAGGAGE_PREFIX);
        if carrier.normalizes_names() {
            let left_out = cx.baggage().len();
            // Once per process: it is how the propagators were chosen, not
            // something one call did, and with `baggage` beside `jaeger`
            // (where `BAGGAGE` carries the entries) every process start
            // would repeat it.
            if left_out > 0 && !LEFT_OUT_REPORTED.swap(true, Ordering::Relaxed) {
                report(
                    DiagnosticKind::InvalidArgument,
                    &format_args!("jaeger inject: {left_out} baggage entries not written, nor will any be into this kind of carrier: {NOT_INTO_RENAMING_CARRIERS}"),
                    None,
                );
            }
            return;
        }
        let skipped = inject_baggage(cx.baggage(), carrier);
        if !skipped.is_empty() {
            let kind = if skipped.invalid > 0 {
                DiagnosticKind::InvalidArgument
            } else {
                DiagnosticKind::LimitExceeded
            };
            report(kind, &format_args!("jaeger inject: {skipped}"), None);
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        reported(self.extract_with_problems(cx, carrier))
    }

    fn extract_with_problems(&self, cx: &Context, carrier: &dyn Extractor) -> (Context, Problems) {
        let mut problems = Problems::default();
        let mut read = Read::default();
        // One look at the carrier finds `uber-trace-id` and the `uberctx-*`
        // fields, the names that start with `uber`.
        carrier.get_all_with_prefix(SHARED_PREFIX, &mut |name, value| read.field(name, value));
        let trace = match read.trace {
            Found::Once(trace) => Some(trace),
            // The first value is whatever the carrier yields first for the
            // name; a carrier that stores names in another form (the
            // environment) is asked for it by name.
            Found::None | Found::More => {
                first_value(carrier, HEADER, parse).map(|(trace, differing)| {
                    if differing > 0 {
                        problems.push(Problem::Repeated {
                            field: HEADER,
                            differing,
                        });
                    }
                    trace
                })
            }
        };
        if let Some(Err(e)) = trace {
            problems.push(Problem::Invalid(e));
        }
        let baggage = read.baggage.finish(cx.baggage());
        if !read.baggage.skipped.is_empty() {
            let skipped = read.baggage.skipped;
            problems.push(Problem::Partial {
                field: UBERCTX,
                invalid: skipped.invalid,
                dropped: skipped.dropped,
                first: skipped.first,
            });
        }
        let cx = match baggage {
            Some(b) => cx.with_baggage_replaced(b),
            None => cx.clone(),
        };
        let cx = match trace {
            Some(Ok(h)) => cx.with_span_context(h.to_span_context()),
            _ => cx,
        };
        (cx, problems)
    }

    fn fields(&self) -> &[&str] {
        &FIELDS
    }
}

/// What one extract or inject of `uberctx-*` fields skipped.
#[derive(Debug, Default)]
struct Skipped {
    /// Fields rejected as invalid.
    invalid: usize,
    /// The first field skipped, and why: the first invalid one, else the
    /// first that did not fit the baggage already there.
    first: Option<WireError>,
    /// Fields dropped by [`Baggage::MAX_MEMBERS`] or [`Baggage::MAX_BYTES`],
    /// or repeated (the first value of a key wins).
    dropped: usize,
}

impl Skipped {
    fn invalid(&mut self, e: WireError) {
        self.invalid += 1;
        self.first.get_or_insert(e);
    }

    fn is_empty(&self) -> bool {
        self.invalid == 0 && self.dropped == 0
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} invalid uberctx- field(s) skipped, {} dropped (repeated, or past {} fields or {} bytes)",
            self.invalid,
            self.dropped,
            Baggage::MAX_MEMBERS,
            Baggage::MAX_BYTES
        )?;
        match self.first {
            Some(e) => write!(f, "; first: {e}"),
            None => Ok(()),
        }
    }
}

/// The `uberctx-*` fields read so far, bounded for hostile carriers: values
/// are read for at most [`Baggage::MAX_MEMBERS`] distinct fields, and kept
/// while the baggage they make fits [`Baggage::MAX_BYTES`] as the `baggage`
/// header writes it ([`entry_size`], with the `,` between entries), the
/// measure of every other extract; any further field is counted as
/// dropped. One bad field is skipped and never affects the others.
#[derive(Default)]
struct BaggageFields {
    found: Vec<(String, String)>,
    /// Distinct fields whose value was read, valid or not.
    read: usize,
    /// The size of `found` as the `baggage` header writes it.
    bytes: usize,
    skipped: Skipped,
}

impl BaggageFields {
    /// Reads field `uberctx-{key}`; a repeated field's first value wins.
    fn push(&mut self, key: &str, value: &str) {
        if let Err(e) = check_key(key, false) {
            self.skipped.invalid(e);
            return;
        }
        if self.read >= Baggage::MAX_MEMBERS
            || self.found.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            self.skipped.dropped += 1;
            return;
        }
        self.read += 1;
        // Longer than a value can be: dropped, not decoded.
        if value.len() > Baggage::MAX_BYTES {
            self.skipped.dropped += 1;
            return;
        }
        match parse_baggage_value(value) {
            Ok(v) => {
                let key = key.to_ascii_lowercase();
                let size = entry_size(&key, &v, "") + usize::from(!self.found.is_empty());
                if self.bytes + size > Baggage::MAX_BYTES {
                    self.skipped.dropped += 1;
                    return;
                }
                self.bytes += size;
                self.found.push((key, v));
            }
            Err(e) => self.skipped.invalid(e),
        }
    }

    /// `existing` plus the fields read (which replace entries of the same
    /// key, value and properties), within the W3C limits for the sum as a
    /// [`Composite`](super::Composite) keeps them; `None` when there were
    /// none.
    fn finish(&mut self, existing: &Baggage) -> Option<Baggage> {
        if self.found.is_empty() {
            return None;
        }
        let mut fields = Builder::default();
        for (key, value) in &self.found {
            fields.push(key, value, "");
        }
        let fields = fields.build();
        if existing.is_empty() {
            return Some(fields);
        }
        let added = add_baggage(existing, &fields, &mut Vec::new());
        self.skipped.dropped += added.dropped;
        self.skipped.first = self.skipped.first.or(added.first);
        Some(added.baggage)
    }
}

/// Writes `baggage` as `uberctx-{key}` fields and says what it skipped: keys
/// that cannot be lowercase header names, and entries past
/// [`Baggage::MAX_BYTES`], counted as the receiving extract counts them
/// (see [`BaggageFields`]: as the `baggage` header writes them, and a
/// field longer than that limit is dropped there unread), so what is sent
/// is kept whole. Properties have no place in this format.
fn inject_baggage(baggage: &Baggage, carrier: &mut dyn Injector) -> Skipped {
    let mut skipped = Skipped::default();
    let mut bytes = 0;
    let mut written = 0;
    let mut name = String::new();
    for (key, value, _) in baggage.iter() {
        if let Err(e) = check_key(key, true) {
            skipped.invalid(e);
            continue;
        }
        let size = entry_size(key, value, "") + usize::from(written > 0);
        // Encoding never shrinks a value, so an oversized one is not encoded.
        let value = (bytes + size <= Baggage::MAX_BYTES && value.len() <= Baggage::MAX_BYTES)
            .then(|| format_baggage_value(value));
        let Some(value) = value.filter(|v| v.len() <= Baggage::MAX_BYTES) else {
            skipped.dropped += 1;
            continue;
        };
        bytes += size;
        written += 1;
        name.clear();
        name.push_str(BAGGAGE_PREFIX);
        name.push_str(key);
        carrier.set(&name, value);
    }
    skipped
}
