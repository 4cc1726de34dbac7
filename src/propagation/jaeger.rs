//! The Jaeger propagator: `uber-trace-id`, and baggage in `uberctx-{key}`
//! and `jaeger-baggage`.
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
//! - Each entry `key=value` of a `jaeger-baggage` header becomes the
//!   baggage entry `key` (its case kept), unless a `uberctx-{key}` field
//!   or an earlier entry gave the key its value (see [`Jaeger`]).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use super::baggage_merge::add_baggage;
use super::carrier::{name_match, FirstValue, NameMatch};
use super::{reported, Extractor, Injector, Problem, Problems, Propagator};
use crate::baggage::{skip_ows, unpadded, Baggage, Builder};
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::wire::baggage::entry_size;
use crate::wire::jaeger_baggage::{self, HEADER as BAGGAGE_HEADER};
use crate::wire::uber_trace_id::{format, parse, JaegerHeader, HEADER};
use crate::wire::uberctx::{
    check_key, format_baggage_value, has_prefix, parse_baggage_value, parse_baggage_value_in,
    BAGGAGE_PREFIX,
};
use crate::wire::WireError;

/// The Jaeger [`Propagator`]: `uber-trace-id`, and baggage in
/// `uberctx-{key}` and (read only) `jaeger-baggage`.
///
/// Extraction never fails: an invalid `uber-trace-id` leaves `cx`'s span
/// context as it was, and an invalid `uberctx-*` field or `jaeger-baggage`
/// entry is skipped without affecting the trace context or the other
/// fields and entries. What each of the three lost is one problem,
/// reported once.
///
/// `jaeger-baggage: k1=v1, k2=v2` is how Jaeger's clients let a request
/// bring baggage by hand, with or without a trace; they, and
/// OpenTelemetry's Jaeger propagators, read it and never write it, and so
/// does this one (see [`wire::jaeger_baggage`](crate::wire::jaeger_baggage)
/// for its grammar; its values are decoded as `uberctx-*` values are).
/// Every line of it is read, in order, after every `uberctx-*` field, and
/// a key's first value wins: a `uberctx-{key}` field wins over a
/// `jaeger-baggage` entry of the key whatever their order in the carrier
/// (OpenTelemetry Java keeps whichever its carrier lists last, which for
/// a hash map is no order at all). A later value that says the same as
/// the first (decoded) is nothing lost; one that differs is: a field
/// repeated in another case or on another line is a
/// [`Problem::Repeated`] of `uberctx-*`, and `jaeger-baggage` entries are
/// a [`Problem::BaggageConflict`], each a
/// [`DiagnosticKind::ConflictingContext`].
///
/// At most [`Baggage::MAX_MEMBERS`] keys are read, from both together, and
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
/// No `jaeger-baggage` is written, and one the carrier already holds is
/// removed; so [`Propagator::fields`] is `uber-trace-id` alone (as
/// OpenTelemetry Java's is), and [`Propagator::extract_fields`], what a
/// carrier must keep for an extract and lose before an inject, adds
/// `jaeger-baggage`.
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
/// `jaeger-debug-id` is not read. Jaeger's own
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
/// # Example: baggage by hand, without a trace
/// ```
/// use baton::propagation::{Jaeger, Problem, Propagator};
/// let headers = vec![
///     ("Jaeger-Baggage".to_string(), "tenant=acme, userId=caf%C3%A9".to_string()),
///     ("uberctx-tenant".to_string(), "initech".to_string()),
/// ];
/// let (cx, problems) = Jaeger.extract_with_problems(&baton::Context::default(), &headers);
/// assert!(cx.span_context().is_none());
/// assert_eq!(cx.baggage().get("userId"), Some("café"));
/// // The uberctx- field wins, and the other value is a conflict.
/// assert_eq!(cx.baggage().get("tenant"), Some("initech"));
/// assert_eq!(
///     problems.iter().collect::<Vec<_>>(),
///     [&Problem::BaggageConflict { ignored: "jaeger-baggage", entries: 1 }]
/// );
/// assert_eq!(Jaeger.fields(), ["uber-trace-id"]);
/// assert_eq!(Jaeger.extract_fields(), ["uber-trace-id", "jaeger-baggage"]);
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
/// What extraction reads by name: [`FIELDS`], and `jaeger-baggage`, which
/// inject never writes (as Jaeger's clients and OpenTelemetry's Jaeger
/// propagators never write it) but removes from a reused carrier.
const EXTRACT_FIELDS: [&str; 2] = [HEADER, BAGGAGE_HEADER];
/// Headers Jaeger's clients read that this propagator neither reads nor
/// writes: `jaeger-debug-id` (start a debug trace). A
/// [`SessionHeader`](super::SessionHeader) may not take these names.
pub(crate) const CLIENT_ONLY_HEADERS: [&str; 1] = ["jaeger-debug-id"];
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
        } else if name_match(name, BAGGAGE_HEADER) != NameMatch::Different {
            self.baggage.header_line(value);
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
        // Read on extract, never written: one left in a reused carrier
        // would send the baggage of another context.
        carrier.remove_field(BAGGAGE_HEADER);
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
        // One look at every entry finds `uber-trace-id`, `jaeger-baggage`
        // and the `uberctx-*` fields: the names share no prefix to narrow
        // it, and a second look for `jaeger-baggage` alone, which most
        // carriers lack, would cost every extract another pass.
        carrier.get_all_with_prefix("", &mut |name, value| read.field(name, value));
        let trace = match read.trace {
            Found::Once(trace) => Some(trace),
            // The first value is whatever the carrier yields first for the
            // name; a carrier that stores names in another form (the
            // environment) is asked for it by name, and for
            // `jaeger-baggage` too, unless the pass met that.
            Found::None | Found::More => {
                let mut first = FirstValue::default();
                if matches!(read.trace, Found::None) && !read.baggage.has_header_lines() {
                    let baggage = &mut read.baggage;
                    carrier.get_all_of(&EXTRACT_FIELDS, &mut |i, v| match i {
                        0 => first.push(v, parse),
                        _ => baggage.header_line(v),
                    });
                } else {
                    carrier.get_all(HEADER, &mut |v| first.push(v, parse));
                }
                first.finish().map(|(trace, differing)| {
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
        read.baggage.read_header_lines();
        let baggage = read.baggage.finish(cx.baggage());
        read.baggage.problems(&mut problems);
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

    fn extract_fields(&self) -> &[&str] {
        &EXTRACT_FIELDS
    }
}

/// What one extract or inject of `uberctx-*` fields, or one extract of
/// `jaeger-baggage` entries, skipped.
#[derive(Debug, Default)]
struct Skipped {
    /// Fields or entries rejected as invalid.
    invalid: usize,
    /// The first skipped, and why: the first invalid one, else the first
    /// that did not fit the baggage already there.
    first: Option<WireError>,
    /// Fields or entries dropped by [`Baggage::MAX_MEMBERS`] or
    /// [`Baggage::MAX_BYTES`].
    dropped: usize,
}

impl Skipped {
    fn invalid(&mut self, e: WireError) {
        self.invalid += 1;
        self.first.get_or_insert(e);
    }

    /// A value that did not decode: invalid, or past a limit.
    fn undecoded(&mut self, e: WireError) {
        if e.is_limit() {
            self.dropped += 1;
        } else {
            self.invalid(e);
        }
    }

    fn is_empty(&self) -> bool {
        self.invalid == 0 && self.dropped == 0
    }

    /// The problem this is, for the fields named `field`.
    fn problem(&self, field: &'static str) -> Problem {
        Problem::Partial {
            field,
            invalid: self.invalid,
            dropped: self.dropped,
            first: self.first,
        }
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} invalid uberctx- field(s) skipped, {} dropped (past {} fields or {} bytes)",
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

/// The Jaeger baggage read so far, bounded for hostile carriers: values
/// are read for at most [`Baggage::MAX_MEMBERS`] distinct keys, and kept
/// while the baggage they make fits [`Baggage::MAX_BYTES`] as the `baggage`
/// header writes it ([`entry_size`], with the `,` between entries), the
/// measure of every other extract; any further key is counted as dropped.
/// One bad field or entry is skipped and never affects the others.
///
/// The `uberctx-*` fields are read first, then the `jaeger-baggage`
/// entries, line by line: a key's first value wins, so a `uberctx-{key}`
/// field wins over a `jaeger-baggage` entry whatever their order in the
/// carrier (a map's order is no order). A later value of a key that says
/// the same is nothing lost; one that differs is a conflict.
#[derive(Default)]
struct BaggageFields {
    found: Vec<(String, String)>,
    /// Distinct keys whose value was read, valid or not.
    read: usize,
    /// The size of `found` as the `baggage` header writes it.
    bytes: usize,
    /// What the `uberctx-*` fields lost.
    skipped: Skipped,
    /// What only a repeated key or a `jaeger-baggage` header needs, made
    /// when the first is met: most extracts meet neither, and with these
    /// fields inline, setting up and dropping `BaggageFields` made every
    /// Jaeger extract dearer (callgrind, `extract-jaeger`: 726
    /// instructions, 670 so).
    rare: Option<Box<Rare>>,
}

/// The part of [`BaggageFields`] most extracts never need.
#[derive(Default)]
struct Rare {
    /// How many of `found` came from `uberctx-*` fields (the first ones).
    from_fields: usize,
    /// What the `jaeger-baggage` entries lost.
    header_skipped: Skipped,
    /// `uberctx-*` fields repeated (in another case, or on another line)
    /// with another value.
    repeated: usize,
    /// `jaeger-baggage` entries whose key already had another value.
    conflicting: usize,
    /// The `jaeger-baggage` values, read after every `uberctx-*` field.
    header_lines: Vec<String>,
    /// Where a later value of a key is decoded to be compared.
    scratch: Vec<u8>,
}

/// Where a Jaeger baggage entry came from.
#[derive(Clone, Copy)]
enum Source {
    Field,
    Header,
}

impl BaggageFields {
    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// Keeps a `jaeger-baggage` value to read after the pass.
    fn header_line(&mut self, value: &str) {
        self.rare().header_lines.push(value.to_owned());
    }

    /// Whether the pass met a `jaeger-baggage` header.
    fn has_header_lines(&self) -> bool {
        self.rare
            .as_ref()
            .is_some_and(|r| !r.header_lines.is_empty())
    }

    /// Reads field `uberctx-{key}`, without the spaces and tabs around its
    /// value: HTTP strips them (RFC 9110 §5.5), a carrier filled by hand may
    /// keep them, and a space of the value itself comes encoded. An error
    /// points into the value as received.
    fn push(&mut self, key: &str, received: &str) {
        let value = unpadded(received);
        let pad = skip_ows(received.as_bytes(), 0);
        if let Err(e) = check_key(key, false) {
            self.skipped.invalid(e);
            return;
        }
        // Every key found so far is a field's, lowercase.
        match self
            .found
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            Some(i) => {
                let rare = self.rare.get_or_insert_with(Box::default);
                let same = parse_baggage_value_in(value, &mut rare.scratch)
                    .map(|v| v == self.found[i].1)
                    .map_err(|e| e.shifted(pad));
                self.again(Source::Field, same);
            }
            None => self.keep(
                Source::Field,
                || key.to_ascii_lowercase(),
                value.len(),
                || parse_baggage_value(value).map_err(|e| e.shifted(pad)),
            ),
        }
    }

    /// Reads the `jaeger-baggage` lines, after every `uberctx-*` field.
    fn read_header_lines(&mut self) {
        let found = self.found.len();
        let Some(rare) = &mut self.rare else {
            return;
        };
        rare.from_fields = found;
        for line in core::mem::take(&mut rare.header_lines) {
            for entry in jaeger_baggage::entries(&line) {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        self.rare().header_skipped.invalid(e);
                        continue;
                    }
                };
                match self.found.iter().position(|(k, _)| k == entry.key) {
                    Some(i) => {
                        let rare = self.rare.get_or_insert_with(Box::default);
                        let same = entry
                            .value_in(&mut rare.scratch)
                            .map(|v| v == self.found[i].1);
                        self.again(Source::Header, same);
                    }
                    None => self.keep(
                        Source::Header,
                        || entry.key.to_owned(),
                        entry.raw_value.len(),
                        || entry.value(),
                    ),
                }
            }
        }
    }

    fn skipped(&mut self, source: Source) -> &mut Skipped {
        match source {
            Source::Field => &mut self.skipped,
            Source::Header => &mut self.rare().header_skipped,
        }
    }

    /// Another value of a key already kept, whose first value stays:
    /// whether it says the same, or why it did not decode.
    fn again(&mut self, source: Source, same: Result<bool, WireError>) {
        match same {
            Ok(true) => {}
            Ok(false) => match source {
                Source::Field => self.rare().repeated += 1,
                Source::Header => self.rare().conflicting += 1,
            },
            Err(e) => self.skipped(source).undecoded(e),
        }
    }

    /// The first value of a key, `raw_len` bytes as written, if it fits.
    fn keep(
        &mut self,
        source: Source,
        key: impl FnOnce() -> String,
        raw_len: usize,
        value: impl FnOnce() -> Result<String, WireError>,
    ) {
        if self.read >= Baggage::MAX_MEMBERS {
            self.skipped(source).dropped += 1;
            return;
        }
        self.read += 1;
        // Longer than a value can be: dropped, not decoded.
        if raw_len > Baggage::MAX_BYTES {
            self.skipped(source).dropped += 1;
            return;
        }
        match value() {
            Ok(v) => {
                let key = key();
                let size = entry_size(&key, &v, "") + usize::from(!self.found.is_empty());
                if self.bytes + size > Baggage::MAX_BYTES {
                    self.skipped(source).dropped += 1;
                    return;
                }
                self.bytes += size;
                self.found.push((key, v));
            }
            Err(e) => self.skipped(source).invalid(e),
        }
    }

    /// `existing` plus the entries read (which replace entries of the same
    /// key, value and properties), within the W3C limits for the sum as a
    /// [`Composite`](super::Composite) keeps them; `None` when there were
    /// none.
    fn finish(&mut self, existing: &Baggage) -> Option<Baggage> {
        if self.found.is_empty() {
            return None;
        }
        let built = |entries: &[(String, String)]| {
            let mut b = Builder::default();
            for (key, value) in entries {
                b.push(key, value, "");
            }
            b.build()
        };
        if existing.is_empty() {
            return Some(built(&self.found));
        }
        // Added in two steps, so that what each loses is its own field's.
        let from_fields = self
            .rare
            .as_ref()
            .map_or(self.found.len(), |r| r.from_fields);
        let (fields, header) = self.found.split_at(from_fields);
        let mut baggage = existing.clone();
        let mut header_skipped = Skipped::default();
        for (entries, skipped) in [(fields, &mut self.skipped), (header, &mut header_skipped)] {
            if entries.is_empty() {
                continue;
            }
            let added = add_baggage(&baggage, &built(entries), &mut Vec::new());
            skipped.dropped += added.dropped;
            skipped.first = skipped.first.or(added.first);
            baggage = added.baggage;
        }
        if let Some(rare) = &mut self.rare {
            rare.header_skipped.dropped += header_skipped.dropped;
            rare.header_skipped.first = rare.header_skipped.first.or(header_skipped.first);
        }
        Some(baggage)
    }

    /// What was lost, as one problem per kind and field.
    fn problems(&self, problems: &mut Problems) {
        if !self.skipped.is_empty() {
            problems.push(self.skipped.problem(UBERCTX));
        }
        let Some(rare) = &self.rare else {
            return;
        };
        if rare.repeated > 0 {
            problems.push(Problem::Repeated {
                field: UBERCTX,
                differing: rare.repeated,
            });
        }
        if !rare.header_skipped.is_empty() {
            problems.push(rare.header_skipped.problem(BAGGAGE_HEADER));
        }
        if rare.conflicting > 0 {
            problems.push(Problem::BaggageConflict {
                ignored: BAGGAGE_HEADER,
                entries: rare.conflicting,
            });
        }
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
