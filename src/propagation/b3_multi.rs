//! The `X-B3-*` multi-header form.

use super::b3::{parse_first, parse_span_id, parse_trace_id, push_span_id, push_trace_id};
use super::b3::{B3Error, B3Field, B3Header, Sampling};
use super::Extractor;
use crate::{SpanId, TraceId};

/// `X-B3-TraceId`, as injected (lowercase).
pub const TRACE_ID_HEADER: &str = "x-b3-traceid";
/// `X-B3-SpanId`, as injected (lowercase).
pub const SPAN_ID_HEADER: &str = "x-b3-spanid";
/// `X-B3-ParentSpanId`, as injected (lowercase).
pub const PARENT_SPAN_ID_HEADER: &str = "x-b3-parentspanid";
/// `X-B3-Sampled`, as injected (lowercase).
pub const SAMPLED_HEADER: &str = "x-b3-sampled";
/// `X-B3-Flags`, as injected (lowercase).
pub const FLAGS_HEADER: &str = "x-b3-flags";

/// The values of the `X-B3-*` headers; `None` where a header is absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MultiFields<'a> {
    /// `X-B3-TraceId`.
    pub trace_id: Option<&'a str>,
    /// `X-B3-SpanId`.
    pub span_id: Option<&'a str>,
    /// `X-B3-ParentSpanId`.
    pub parent_span_id: Option<&'a str>,
    /// `X-B3-Sampled`.
    pub sampled: Option<&'a str>,
    /// `X-B3-Flags`.
    pub flags: Option<&'a str>,
}

/// Parses the `X-B3-*` headers.
///
/// Grammar, from the [b3-propagation README, Multiple Headers]:
///
/// ```text
/// X-B3-TraceId      = 32lhex / 16lhex   ; required with ids
/// X-B3-SpanId       = 16lhex            ; required with ids
/// X-B3-ParentSpanId = 16lhex            ; absent on a root span
/// X-B3-Sampled      = "1" / "0"         ; absent = defer
///                   / "true" / "false"  ; legacy, "a lenient implementation may accept them"
/// X-B3-Flags        = "1"               ; debug; implies accept
/// lhex              = %x30-39 / %x61-66
/// ```
///
/// `true`/`false` match case-insensitively, as in Zipkin's Brave, and
/// `X-B3-Flags: 0` is accepted as "not debug". Debug wins over
/// `X-B3-Sampled`. Without ids, `X-B3-Sampled` or `X-B3-Flags` alone is a
/// [`B3Header::SamplingOnly`] decision. All-zero ids are invalid.
///
/// [b3-propagation README, Multiple Headers]: https://github.com/openzipkin/b3-propagation#multiple-headers
///
/// # Example
/// ```
/// use baton::propagation::b3::{parse_multi, B3Error, B3Field, B3Header, MultiFields, Sampling};
/// let h = parse_multi(&MultiFields {
///     trace_id: Some("463ac35c9f6413ad48485a3953bb6124"),
///     span_id: Some("a2fb4a1d1a96d312"),
///     sampled: Some("true"),
///     ..MultiFields::default()
/// })
/// .unwrap();
/// assert!(matches!(h, B3Header::Context { sampling: Some(Sampling::Accept), .. }));
///
/// let deny = MultiFields { sampled: Some("0"), ..MultiFields::default() };
/// assert_eq!(parse_multi(&deny), Ok(B3Header::SamplingOnly(Sampling::Deny)));
///
/// let no_span = MultiFields { trace_id: Some("463ac35c9f6413ad"), ..MultiFields::default() };
/// assert_eq!(parse_multi(&no_span), Err(B3Error::Missing { field: B3Field::SpanId }));
/// ```
pub fn parse_multi(fields: &MultiFields<'_>) -> Result<B3Header, B3Error> {
    combine(Parsed {
        trace_id: fields.trace_id.map(trace_id),
        span_id: fields.span_id.map(span_id),
        parent_span_id: fields.parent_span_id.map(parent_span_id),
        sampled: fields.sampled.map(sampled),
        debug: fields.flags.map(debug),
    })
}

/// The multi headers in `carrier`, each read (first value) and parsed in
/// place; `None` when none is present.
pub(super) fn extract(carrier: &dyn Extractor) -> Option<Result<B3Header, B3Error>> {
    let parsed = Parsed {
        trace_id: parse_first(carrier, TRACE_ID_HEADER, trace_id),
        span_id: parse_first(carrier, SPAN_ID_HEADER, span_id),
        parent_span_id: parse_first(carrier, PARENT_SPAN_ID_HEADER, parent_span_id),
        sampled: parse_first(carrier, SAMPLED_HEADER, sampled),
        debug: parse_first(carrier, FLAGS_HEADER, debug),
    };
    let any = parsed.trace_id.is_some()
        || parsed.span_id.is_some()
        || parsed.parent_span_id.is_some()
        || parsed.sampled.is_some()
        || parsed.debug.is_some();
    any.then(|| combine(parsed))
}

/// Each header parsed on its own; `None` where absent.
struct Parsed {
    trace_id: Option<Result<TraceId, B3Error>>,
    span_id: Option<Result<SpanId, B3Error>>,
    parent_span_id: Option<Result<SpanId, B3Error>>,
    sampled: Option<Result<Sampling, B3Error>>,
    debug: Option<Result<bool, B3Error>>,
}

fn trace_id(v: &str) -> Result<TraceId, B3Error> {
    parse_trace_id(v.as_bytes(), 0)
}

fn span_id(v: &str) -> Result<SpanId, B3Error> {
    parse_span_id(v.as_bytes(), B3Field::SpanId, 0)
}

fn parent_span_id(v: &str) -> Result<SpanId, B3Error> {
    parse_span_id(v.as_bytes(), B3Field::ParentSpanId, 0)
}

fn sampled(v: &str) -> Result<Sampling, B3Error> {
    if v == "1" || v.eq_ignore_ascii_case("true") {
        Ok(Sampling::Accept)
    } else if v == "0" || v.eq_ignore_ascii_case("false") {
        Ok(Sampling::Deny)
    } else {
        Err(B3Error::InvalidSampling {
            field: B3Field::Sampled,
            offset: 0,
        })
    }
}

fn debug(v: &str) -> Result<bool, B3Error> {
    match v {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(B3Error::InvalidSampling {
            field: B3Field::Flags,
            offset: 0,
        }),
    }
}

fn combine(p: Parsed) -> Result<B3Header, B3Error> {
    let trace_id = p.trace_id.transpose()?;
    let span_id = p.span_id.transpose()?;
    let parent_span_id = p.parent_span_id.transpose()?;
    let sampled = p.sampled.transpose()?;
    let sampling = match p.debug.transpose()? {
        Some(true) => Some(Sampling::Debug),
        _ => sampled,
    };
    match (trace_id, span_id) {
        (Some(trace_id), Some(span_id)) => Ok(B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            sampling,
        }),
        (Some(_), None) => Err(B3Error::Missing {
            field: B3Field::SpanId,
        }),
        (None, _) => match (span_id.or(parent_span_id), sampling) {
            (None, Some(s)) => Ok(B3Header::SamplingOnly(s)),
            _ => Err(B3Error::Missing {
                field: B3Field::TraceId,
            }),
        },
    }
}

/// Formats the `x-b3-*` headers (lowercase names, in spec order);
/// [`parse_multi`] reads them back unchanged.
///
/// Debug is written as `x-b3-flags: 1` without `x-b3-sampled` ("Debug implies
/// an accept decision, so don't also send the `X-B3-Sampled` header");
/// a deferred decision writes neither.
///
/// # Example
/// ```
/// use baton::propagation::b3::{format_multi, B3Header, Sampling};
/// let pairs = format_multi(&B3Header::SamplingOnly(Sampling::Debug));
/// assert_eq!(pairs, [("x-b3-flags", "1".to_string())]);
/// ```
pub fn format_multi(header: &B3Header) -> Vec<(&'static str, String)> {
    let mut out = Vec::with_capacity(4);
    let sampling = match *header {
        B3Header::SamplingOnly(s) => Some(s),
        B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            sampling,
        } => {
            let mut v = String::with_capacity(32);
            push_trace_id(&mut v, trace_id);
            out.push((TRACE_ID_HEADER, v));
            out.push((SPAN_ID_HEADER, span_hex(span_id)));
            if let Some(p) = parent_span_id {
                out.push((PARENT_SPAN_ID_HEADER, span_hex(p)));
            }
            sampling
        }
    };
    match sampling {
        Some(Sampling::Deny) => out.push((SAMPLED_HEADER, "0".to_owned())),
        Some(Sampling::Accept) => out.push((SAMPLED_HEADER, "1".to_owned())),
        Some(Sampling::Debug) => out.push((FLAGS_HEADER, "1".to_owned())),
        None => {}
    }
    out
}

fn span_hex(id: SpanId) -> String {
    let mut v = String::with_capacity(16);
    push_span_id(&mut v, id);
    v
}
