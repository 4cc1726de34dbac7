//! Zipkin B3 (github.com/openzipkin/b3-propagation).
//!
//! Single header: `b3={TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}`,
//! "where the last two fields are optional", or the sampling state alone;
//! TraceId 16 or 32 lower-hex characters, SpanId and ParentSpanId 16, all
//! non-zero; SamplingState `0`, `1` or `d`; at most 68 characters.
//!
//! Multiple headers: `X-B3-TraceId`, `X-B3-SpanId` (both, or neither),
//! `X-B3-ParentSpanId`, `X-B3-Sampled` (`1`/`0`, legacy `true`/`false` in
//! any case), `X-B3-Flags` (`1` is debug; any other value is not).
//!
//! Surrounding OWS (spaces, tabs) is no part of a value (RFC 9110 §5.5).

/// What a B3 encoding carries: ids `(trace, span, parent)` if any, and the
/// sampling state as `b'0'`, `b'1'` or `b'd'` if any.
pub type State = (Option<(u128, u64, Option<u64>)>, Option<u8>);

fn lower_hex(s: &str, lens: &[usize]) -> Option<u128> {
    let ok = lens.contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let n = u128::from_str_radix(s, 16).ok().filter(|_| ok)?;
    (n != 0).then_some(n)
}

fn span(s: &str) -> Option<u64> {
    lower_hex(s, &[16]).map(|n| n as u64)
}

fn state(s: &str) -> Option<u8> {
    matches!(s, "0" | "1" | "d").then(|| s.as_bytes()[0])
}

/// The single `b3` value, or `None` if invalid.
pub fn parse_single(s: &str) -> Option<State> {
    let s = s.trim_matches([' ', '\t']);
    if s.len() > 68 {
        return None;
    }
    if s.len() == 1 {
        return Some((None, Some(state(s)?)));
    }
    let parts: Vec<&str> = s.split('-').collect();
    let (trace, span_id) = (lower_hex(parts[0], &[16, 32])?, span(parts.get(1)?)?);
    let (sampling, parent) = match parts[2..] {
        [] => (None, None),
        [one] if one.len() == 16 => (None, Some(span(one)?)),
        [one] => (Some(state(one)?), None),
        [s, p] => (Some(state(s)?), Some(span(p)?)),
        _ => return None,
    };
    Some((Some((trace, span_id, parent)), sampling))
}

/// The `X-B3-*` values (TraceId, SpanId, ParentSpanId, Sampled, Flags), or
/// `None` if they do not make a valid state.
pub fn parse_multi(fields: [Option<&str>; 5]) -> Option<State> {
    let [trace, span_id, parent, sampled, flags] =
        fields.map(|f| f.map(|v| v.trim_matches([' ', '\t'])));
    let trace = trace
        .map(|t| lower_hex(t, &[16, 32]))
        .map_or(Some(None), |t| t.map(Some))?;
    let span_id = span_id.map(span).map_or(Some(None), |s| s.map(Some))?;
    let parent = parent.map(span).map_or(Some(None), |p| p.map(Some))?;
    let sampled = match sampled {
        None => None,
        Some(v) if v == "1" || v.eq_ignore_ascii_case("true") => Some(b'1'),
        Some(v) if v == "0" || v.eq_ignore_ascii_case("false") => Some(b'0'),
        Some(_) => return None,
    };
    let sampling = if flags == Some("1") {
        Some(b'd')
    } else {
        sampled
    };
    match (trace, span_id) {
        (Some(t), Some(s)) => Some((Some((t, s, parent)), sampling)),
        (Some(_), None) => None,
        (None, _) if span_id.is_some() || parent.is_some() => None,
        (None, _) => Some((None, Some(sampling?))),
    }
}
