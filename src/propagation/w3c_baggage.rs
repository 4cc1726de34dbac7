//! The W3C Baggage propagator: the `baggage` header.

use super::{baggage, Extractor, Injector, Propagator};
use crate::diagnostic::report;
use crate::{Context, DiagnosticKind};

/// Propagates the context's baggage in the W3C `baggage` header
/// ([W3C Baggage](https://www.w3.org/TR/baggage/)).
///
/// Extraction reads every `baggage` line under one budget
/// ([`baggage::MAX_MEMBERS`], [`baggage::MAX_BYTES`]), skips invalid members,
/// and sets the rest on top of the baggage `cx` already has. What was left
/// out is reported as one diagnostic per call:
/// [`DiagnosticKind::InvalidHeader`] if a member was malformed, otherwise
/// [`DiagnosticKind::LimitExceeded`].
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

impl Propagator for W3cBaggage {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        if cx.baggage().is_empty() {
            return;
        }
        let header = baggage::format(cx.baggage());
        if !header.is_empty() {
            carrier.set(BAGGAGE, header);
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        let mut lines = baggage::Lines::default();
        let mut any = false;
        carrier.get_all(BAGGAGE, &mut |line| {
            any = true;
            // Lenient mode never fails; the report below says what was skipped.
            let _ = lines.push(line, false);
        });
        if !any {
            return cx.clone();
        }
        let mut parsed = lines.finish();
        let (merged, no_room) = cx.baggage().merged(&parsed.baggage);
        parsed.dropped += no_room;
        if !parsed.is_complete() {
            let kind = if parsed.invalid > 0 {
                DiagnosticKind::InvalidHeader
            } else {
                DiagnosticKind::LimitExceeded
            };
            report(kind, &parsed, None);
        }
        if parsed.baggage.is_empty() {
            cx.clone()
        } else {
            cx.with_baggage_replaced(merged)
        }
    }

    fn fields(&self) -> &[&str] {
        &[BAGGAGE]
    }
}
