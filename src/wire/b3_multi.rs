//! The `X-B3-*` headers: parse and format.

use alloc::string::String;
use alloc::vec::Vec;

use crate::id::{SpanId, TraceId};
use crate::wire::b3::{parse_span_id, parse_trace_id, B3Header, Sampling};
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::{parsed_or_unpadded, push_short_trace_id, push_span_id, trim_ows};

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

/// Parses the `X-B3-*` headers. Error offsets count from the start of the
/// one header value the error's field names.
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
/// `true`/`false` match case-insensitively, as in Zipkin's Brave. "Debug is
/// encoded as `X-B3-Flags: 1`": that is the one value the header defines, so
/// any other value means "not debug" and the rest of the context is kept;
/// alone, it is no header ([`MultiParser::is_empty`]).
/// Debug wins over `X-B3-Sampled` (the B3 propagator reports an
/// `X-B3-Sampled: 0` it overrides). Without ids, `X-B3-Sampled` or
/// `X-B3-Flags: 1` alone is a [`B3Header::SamplingOnly`] decision. All-zero
/// ids are invalid. Spaces and tabs around a value are ignored, as HTTP
/// does for field values (RFC 9110 §5.5).
///
/// [b3-propagation README, Multiple Headers]: https://github.com/openzipkin/b3-propagation#multiple-headers
///
/// # Example
/// ```
/// use baton::wire::b3::{B3Header, Sampling};
/// use baton::wire::b3_multi::{parse_multi, MultiFields};
/// use baton::wire::{Field, Reason, WireError};
/// let h = parse_multi(&MultiFields {
///     trace_id: Some("463ac35c9f6413ad48485a3953bb6124"),
///     span_id: Some("a2fb4a1d1a96d312"),
///     sampled: Some("true"),
///     flags: Some("2"),
///     ..MultiFields::default()
/// })
/// .unwrap();
/// assert!(matches!(h, B3Header::Context { sampling: Some(Sampling::Accept), .. }));
///
/// let deny = MultiFields { sampled: Some("0"), ..MultiFields::default() };
/// assert_eq!(parse_multi(&deny), Ok(B3Header::SamplingOnly(Sampling::Deny)));
///
/// let no_span = MultiFields { trace_id: Some("463ac35c9f6413ad"), ..MultiFields::default() };
/// assert_eq!(parse_multi(&no_span), Err(WireError::new(Field::B3SpanId, 0, Reason::Missing)));
/// ```
pub fn parse_multi(fields: &MultiFields<'_>) -> Result<B3Header, WireError> {
    let mut parser = MultiParser::default();
    let headers = [
        (TRACE_ID_HEADER, fields.trace_id),
        (SPAN_ID_HEADER, fields.span_id),
        (PARENT_SPAN_ID_HEADER, fields.parent_span_id),
        (SAMPLED_HEADER, fields.sampled),
        (FLAGS_HEADER, fields.flags),
    ];
    for (name, value) in headers {
        if let Some(value) = value {
            parser.push(name, value);
        }
    }
    parser.finish()
}

/// Reads the `X-B3-*` headers one at a time, so a carrier that can only
/// lend each value briefly needs no copy of it; [`parse_multi`] is built on
/// it. Each value is parsed as it is pushed.
///
/// # Example
/// ```
/// use baton::wire::b3::{B3Header, Sampling};
/// use baton::wire::b3_multi::MultiParser;
/// let mut parser = MultiParser::default();
/// assert!(parser.is_empty());
/// parser.push("X-B3-Sampled", "1");
/// assert_eq!(parser.finish(), Ok(B3Header::SamplingOnly(Sampling::Accept)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct MultiParser {
    trace_id: Option<Result<TraceId, WireError>>,
    span_id: Option<Result<SpanId, WireError>>,
    parent_span_id: Option<Result<SpanId, WireError>>,
    sampled: Option<Result<Sampling, WireError>>,
    debug: bool,
    present: bool,
}

impl MultiParser {
    /// The header names this parser reads, lowercase.
    pub const HEADERS: [&'static str; 5] = [
        TRACE_ID_HEADER,
        SPAN_ID_HEADER,
        PARENT_SPAN_ID_HEADER,
        SAMPLED_HEADER,
        FLAGS_HEADER,
    ];

    /// Reads the value of header `name` (matched case-insensitively; a
    /// name that is not one of [`MultiParser::HEADERS`] is ignored). The
    /// caller passes each header's first value: "when extracting state
    /// headers, the first value wins".
    pub fn push(&mut self, name: &str, value: &str) {
        if let Some(header) = Self::HEADERS
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
        {
            self.push_header(header, value);
        }
    }

    /// Reads the value of header `HEADERS[header]`, for a caller that
    /// looked the headers up by those names.
    pub(crate) fn push_header(&mut self, header: usize, value: &str) {
        let v = value.as_bytes();
        match header {
            0 => self.trace_id = Some(parsed_or_unpadded(v, Field::B3TraceId, parse_trace_id)),
            1 => self.span_id = Some(parsed_or_unpadded(v, Field::B3SpanId, parse_span_id)),
            2 => {
                let parent = parsed_or_unpadded(v, Field::B3ParentSpanId, parse_span_id);
                self.parent_span_id = Some(parent);
            }
            3 => self.sampled = Some(parsed_or_unpadded(v, Field::B3Sampled, sampled)),
            _ => {
                // Sent only for debug: trimmed, not first tried as is.
                let (start, end) = trim_ows(v);
                self.debug = &v[start..end] == b"1";
                // Any other value is no flag at all: alone, it is no
                // header, not a context without its trace id.
                if !self.debug {
                    return;
                }
            }
        }
        self.present = true;
    }

    /// Whether no `X-B3-*` header that carries anything was pushed: an
    /// `X-B3-Flags` other than `1` counts as absent.
    pub fn is_empty(&self) -> bool {
        !self.present
    }

    /// Whether `X-B3-Flags: 1` came beside `X-B3-Sampled: 0`: the sender
    /// said both debug and deny, and [`MultiParser::finish`] keeps debug.
    /// For the propagator, which reports the deny dropped.
    #[cfg(feature = "std")]
    pub(crate) fn debug_beside_deny(&self) -> bool {
        self.debug && matches!(self.sampled, Some(Ok(Sampling::Deny)))
    }

    /// The B3 state the headers carry. Error offsets count from the start
    /// of the one header value the error's field names.
    pub fn finish(self) -> Result<B3Header, WireError> {
        let trace_id = self.trace_id.transpose()?;
        let span_id = self.span_id.transpose()?;
        let parent_span_id = self.parent_span_id.transpose()?;
        let sampled = self.sampled.transpose()?;
        let sampling = if self.debug {
            Some(Sampling::Debug)
        } else {
            sampled
        };
        match (trace_id, span_id) {
            (Some(trace_id), Some(span_id)) => Ok(B3Header::Context {
                trace_id,
                span_id,
                parent_span_id,
                sampling,
            }),
            (Some(_), None) => Err(WireError::new(Field::B3SpanId, 0, Reason::Missing)),
            (None, _) => match (span_id.or(parent_span_id), sampling) {
                (None, Some(s)) => Ok(B3Header::SamplingOnly(s)),
                _ => Err(WireError::new(Field::B3TraceId, 0, Reason::Missing)),
            },
        }
    }
}

fn sampled(v: &[u8], field: Field, at: usize) -> Result<Sampling, WireError> {
    if v == b"1" || v.eq_ignore_ascii_case(b"true") {
        Ok(Sampling::Accept)
    } else if v == b"0" || v.eq_ignore_ascii_case(b"false") {
        Ok(Sampling::Deny)
    } else {
        Err(WireError::new(field, at, Reason::UnknownValue))
    }
}

/// Formats the `x-b3-*` headers (lowercase names, in spec order);
/// [`parse_multi`] reads them back unchanged. A parent span id in `header`
/// is written; the B3 propagator never puts one there
/// ([`B3Header::from_span_context`]).
///
/// Debug is written as `x-b3-flags: 1` without `x-b3-sampled` ("Debug implies
/// an accept decision, so don't also send the `X-B3-Sampled` header");
/// a deferred decision writes neither.
///
/// # Example
/// ```
/// use baton::wire::b3::{B3Header, Sampling};
/// use baton::wire::b3_multi::format_multi;
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
            push_short_trace_id(&mut v, trace_id);
            out.push((TRACE_ID_HEADER, v));
            out.push((SPAN_ID_HEADER, span_hex(span_id)));
            if let Some(p) = parent_span_id {
                out.push((PARENT_SPAN_ID_HEADER, span_hex(p)));
            }
            sampling
        }
    };
    match sampling {
        Some(Sampling::Deny) => out.push((SAMPLED_HEADER, String::from("0"))),
        Some(Sampling::Accept) => out.push((SAMPLED_HEADER, String::from("1"))),
        Some(Sampling::Debug) => out.push((FLAGS_HEADER, String::from("1"))),
        None => {}
    }
    out
}

fn span_hex(id: SpanId) -> String {
    let mut v = String::with_capacity(16);
    push_span_id(&mut v, id);
    v
}
