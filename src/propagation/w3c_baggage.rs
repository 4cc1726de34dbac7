//! The W3C Baggage propagator: the `baggage` header.

use super::baggage_merge::add_baggage;
use super::{reported, Extractor, Injector, Problem, Problems, Propagator};
use crate::baggage::Baggage;
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::wire::baggage::{self, ParsedBaggage};

/// Propagates the context's baggage in the W3C `baggage` header
/// ([W3C Baggage](https://www.w3.org/TR/baggage/)).
///
/// Extraction reads every `baggage` line under one budget
/// ([`Baggage::MAX_MEMBERS`], [`Baggage::MAX_BYTES`]), skips invalid members,
/// and sets the rest on top of the baggage `cx` already has, within the same
/// limits for the sum, as a [`Composite`](super::Composite) does. What was
/// left out is one [`Problem::Partial`]. A key given again, on one line or
/// another, keeps its last entry (OpenTelemetry: "the new pair MUST take
/// precedence"); where that loses another value or properties, the
/// repeats are one [`Problem::BaggageRepeated`], a
/// [`DiagnosticKind::ConflictingContext`]. The same entry given twice loses
/// nothing and is not reported. Injection writes what fits the limits and
/// reports what did not as a [`DiagnosticKind::LimitExceeded`].
///
/// # Example
/// ```
/// use baton::propagation::{Propagator, W3cBaggage};
/// let incoming = vec![
///     ("baggage".to_string(), "userId=alice".to_string()),
///     ("Baggage".to_string(), "serverNode=DF%2028".to_string()),
/// ];
/// let cx = W3cBaggage.extract(&baton::Context::default(), &incoming);
/// assert_eq!(cx.baggage().get("serverNode"), Some("DF 28"));
///
/// let mut outgoing = std::collections::HashMap::new();
/// W3cBaggage.inject(&cx, &mut outgoing);
/// assert_eq!(outgoing["baggage"], "userId=alice,serverNode=DF%2028");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct W3cBaggage;

const BAGGAGE: &str = "baggage";

/// The problems of what `parsed` lost: members left out, then entries
/// that repeated keys replaced. Out of line, as most extracts lose
/// nothing: inlined, the pushes cost every extract 4 instructions more
/// (callgrind, `extract-baggage`).
#[cold]
#[inline(never)]
fn lost(parsed: &ParsedBaggage, problems: &mut Problems) {
    if !parsed.is_complete() {
        problems.push(Problem::Partial {
            field: BAGGAGE,
            invalid: parsed.invalid,
            dropped: parsed.dropped,
            first: parsed.first_error,
        });
    }
    if parsed.conflicting > 0 {
        problems.push(Problem::BaggageRepeated {
            field: BAGGAGE,
            entries: parsed.conflicting,
        });
    }
}

impl Propagator for W3cBaggage {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        if cx.baggage().is_empty() {
            carrier.remove_field(BAGGAGE);
            return;
        }
        let out = baggage::format(cx.baggage());
        if !out.is_complete() {
            report(
                DiagnosticKind::LimitExceeded,
                &format_args!(
                    "baggage inject: {} members left out (limits {} members, {} bytes)",
                    out.dropped,
                    Baggage::MAX_MEMBERS,
                    Baggage::MAX_BYTES,
                ),
                None,
            );
        }
        if out.header.is_empty() {
            carrier.remove_field(BAGGAGE);
        } else {
            carrier.set(BAGGAGE, out.header);
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        reported(self.extract_with_problems(cx, carrier))
    }

    fn extract_with_problems(&self, cx: &Context, carrier: &dyn Extractor) -> (Context, Problems) {
        let mut problems = Problems::default();
        let mut lines = baggage::Lines::default();
        let mut any = false;
        carrier.get_all(BAGGAGE, &mut |line| {
            any = true;
            // Lenient mode never fails; the report below says what was skipped.
            let _ = lines.push(line, false);
        });
        if !any {
            return (cx.clone(), problems);
        }
        let mut parsed = lines.finish();
        // The parse kept the limits for what the carrier held; added to
        // baggage already there, the sum must keep them too.
        let found = !parsed.baggage.is_empty();
        let merged = if cx.baggage().is_empty() {
            core::mem::take(&mut parsed.baggage)
        } else {
            let added = add_baggage(cx.baggage(), &parsed.baggage, &mut Vec::new());
            parsed.dropped += added.dropped;
            parsed.first_error = parsed.first_error.or(added.first);
            added.baggage
        };
        if !parsed.is_complete() || parsed.conflicting > 0 {
            lost(&parsed, &mut problems);
        }
        let cx = if found {
            cx.with_baggage_replaced(merged)
        } else {
            cx.clone()
        };
        (cx, problems)
    }

    fn fields(&self) -> &[&str] {
        &[BAGGAGE]
    }
}
