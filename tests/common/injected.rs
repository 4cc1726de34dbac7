//! What every propagation format writes for a context, sorted: one list to
//! compare a context's headers with another's.

use baton::propagation::{Composite, Jaeger, Propagator, TraceContext, W3cBaggage, B3};
use baton::Context;

/// W3C trace context and baggage, B3 single and multi, and Jaeger.
pub fn every_format() -> Composite {
    Composite::new(vec![
        Box::new(TraceContext),
        Box::new(B3::single()),
        Box::new(B3::multi()),
        Box::new(Jaeger),
        Box::new(W3cBaggage),
    ])
}

/// The headers [`every_format`] injects for `cx`, sorted.
pub fn injected(cx: &Context) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    every_format().inject(cx, &mut headers);
    headers.sort();
    headers
}
