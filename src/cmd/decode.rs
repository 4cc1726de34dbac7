//! `baton decode [HEADER-LINE...]`: recognises each header line's format by
//! its name (the session header of `OTEL_PROPAGATORS=...,session` too:
//! `baton-session-id`, or the name in `BATON_SESSION_HEADER`: the input's,
//! if it lists one, since an `env` listing describes the process whose
//! session header it names, else this process's) and prints its
//! fields, or an error with a `^` under the
//! offending byte of the value. Lines that each decode but describe
//! different contexts (two `traceparent` lines, different trace ids) are
//! invalid input too, and the lines that disagree are named. A `NAME=VALUE`
//! line of the environment carrier (`TRACEPARENT=00-...`) is decoded as
//! the header it stands for, and the output says which; the other
//! variables of an `env` listing are skipped and named (not their values)
//! in one line after the rest, a value that spans lines with them.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use baton::propagation::{check_session_id, Problem, Propagator, SessionError};
use baton::wire::b3::{B3Header, Sampling};
use baton::wire::b3_multi::{MultiParser, FLAGS_HEADER, SAMPLED_HEADER, TRACE_ID_HEADER};
use baton::wire::uber_trace_id::JaegerHeader;
use baton::wire::{
    b3_single, baggage, jaeger_baggage, traceparent, tracestate, uber_trace_id, uberctx, Field,
    WireError,
};
use baton::{Context, Session, SpanContext, SpanId, TraceFlags, TraceId};

use super::{
    caret, escaped, indent, line_numbers, printed, read_failed, read_lines, refuse_options,
    sampled_or_not, HeaderLine, Input, Reading, Unread, INVALID_INPUT,
};

/// One decoded field: a label and its text.
type Shown = (&'static str, String);

/// Why a line did not decode.
pub struct LineError {
    message: String,
    /// The byte of the value to point at, when one is to blame.
    offset: Option<usize>,
}

impl LineError {
    fn wire(e: WireError) -> LineError {
        LineError {
            message: e.to_string(),
            offset: Some(e.offset()),
        }
    }

    /// Prints `line N: message`, then the value with a caret under the
    /// offending byte.
    pub fn report(&self, line: &HeaderLine, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "line {}: {}", line.number, self.message)?;
        if let Some(offset) = self.offset {
            writeln!(out, "{}", indent(&caret(&line.value, offset)))?;
        }
        Ok(())
    }
}

pub fn run(args: &[OsString]) -> ExitCode {
    if let Some(refused) = refuse_options("decode", args) {
        return refused;
    }
    printed(|out, err| print(args, out, err))
}

/// Prints the report on `out`, or on `err` that the input cannot be read.
fn print(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let Input {
        lines,
        skipped,
        reading,
    } = match read_lines(args) {
        Ok(input) => match input.nothing_read() {
            Some(problem) => {
                writeln!(out, "{problem}")?;
                return Ok(ExitCode::from(INVALID_INPUT));
            }
            None => input,
        },
        Err(Unread::Invalid(e)) => return e.report(out),
        Err(Unread::Failed(e)) => return read_failed("standard input", &e, err),
    };
    let mut invalid = false;
    let decoder = Decoder::new(&lines, &reading);
    for line in &lines {
        match decoder.decode(line) {
            Ok(fields) => {
                match &line.variable {
                    Some(variable) => {
                        writeln!(out, "{variable}={}", escaped(&line.value))?;
                        writeln!(out, "  {:<10} {}", "read as", line.name)?;
                    }
                    None => writeln!(out, "{}: {}", line.name, escaped(&line.value))?,
                }
                for (label, text) in fields {
                    writeln!(out, "  {label:<10} {text}")?;
                }
            }
            Err(e) => {
                invalid = true;
                e.report(line, out)?;
            }
        }
    }
    if let Some(named) = reading.note() {
        writeln!(out, "{named}")?;
    }
    if let Some(skipped) = skipped.summary() {
        writeln!(out, "{skipped}")?;
    }
    for conflict in conflicts(&lines, &reading) {
        invalid = true;
        writeln!(out, "{conflict}")?;
    }
    for passed in limits_passed(&lines, &reading) {
        invalid = true;
        writeln!(out, "{passed}")?;
    }
    Ok(if invalid {
        ExitCode::from(INVALID_INPUT)
    } else {
        ExitCode::SUCCESS
    })
}

/// Decodes the lines of one input: each alone, but the `X-B3-*` lines,
/// which are one context together.
pub struct Decoder<'a> {
    reading: &'a Reading,
    b3: B3Lines<'a>,
}

impl<'a> Decoder<'a> {
    /// A decoder of `lines`, read with `reading`.
    pub fn new(lines: &'a [HeaderLine], reading: &'a Reading) -> Decoder<'a> {
        Decoder {
            reading,
            b3: B3Lines::of(lines),
        }
    }

    /// The fields of `line`, one of the decoder's lines, by the format its
    /// name announces (the session header the reading's).
    pub fn decode(&self, line: &HeaderLine) -> Result<Vec<Shown>, LineError> {
        decode(line, &self.b3, self.reading)
    }
}

fn decode(line: &HeaderLine, b3: &B3Lines<'_>, reading: &Reading) -> Result<Vec<Shown>, LineError> {
    let session = reading.session();
    let name = line.name.to_ascii_lowercase();
    let value = line.value.as_str();
    match name.as_str() {
        "traceparent" => {
            let tp = traceparent::parse(value).map_err(LineError::wire)?;
            Ok(vec![
                ("version", format!("{:02x}", tp.version)),
                ("trace id", tp.trace_id.to_string()),
                ("span id", tp.span_id.to_string()),
                ("flags", flags(tp.flags)),
            ])
        }
        "tracestate" => {
            let ts = tracestate::parse(value).map_err(LineError::wire)?;
            Ok(ts
                .iter()
                .map(|(k, v)| ("member", format!("{k}={v}")))
                .collect())
        }
        "baggage" => {
            let b = baggage::parse(value).map_err(LineError::wire)?;
            Ok(b.iter()
                .map(|(k, v, props)| {
                    let props = if props.is_empty() {
                        String::new()
                    } else {
                        format!(" ;{props}")
                    };
                    ("entry", format!("{k} = {v:?}{props}"))
                })
                .collect())
        }
        "b3" => {
            let h = b3_single::parse_single(value).map_err(LineError::wire)?;
            Ok(b3_fields(&h))
        }
        "uber-trace-id" => {
            let h = uber_trace_id::parse(value).map_err(LineError::wire)?;
            Ok(ids(h.trace_id, h.span_id, h.parent_span_id)
                .into_iter()
                .chain([("flags", jaeger_flags(&h))])
                .collect())
        }
        jaeger_baggage::HEADER => {
            let entries = jaeger_baggage::parse(value).map_err(LineError::wire)?;
            Ok(entries
                .into_iter()
                .map(|(k, v)| ("entry", format!("{k} = {v:?}")))
                .collect())
        }
        n if n == session.header() => match check_session_id(value) {
            Ok(()) => Ok(vec![("session", value.to_owned())]),
            Err(e) => Err(LineError {
                message: e.to_string(),
                offset: match e {
                    SessionError::InvalidId { offset } => Some(offset),
                    _ => None,
                },
            }),
        },
        n if n.starts_with("x-b3-") => decode_b3_multi(line, b3),
        n if uberctx::has_prefix(n) => {
            let key = uberctx::parse_baggage_name(&line.name).map_err(|e| LineError {
                message: e.to_string(),
                offset: None,
            })?;
            let v = uberctx::parse_baggage_value(value).map_err(LineError::wire)?;
            Ok(vec![("entry", format!("{key} = {v:?}"))])
        }
        _ => Err(LineError {
            message: format!(
                "{:?} is not a propagation header (traceparent, tracestate, baggage, b3, \
                 x-b3-*, uber-trace-id, uberctx-*, jaeger-baggage, {})",
                line.name,
                session.header()
            ),
            offset: None,
        }),
    }
}

/// The flags byte in hex with the bits it sets spelled out.
fn flags(f: TraceFlags) -> String {
    let mut bits = vec![sampled_or_not(f.is_sampled())];
    if f.is_random() {
        bits.push("random");
    }
    format!("{:02x} ({})", f.bits(), bits.join(", "))
}

/// Jaeger flags in hex with what extraction reads from them
/// ([`JaegerHeader::to_span_context`]: debug counts only with sampled).
fn jaeger_flags(h: &JaegerHeader) -> String {
    let sc = h.to_span_context();
    let mut names = vec![sampled_or_not(sc.is_sampled())];
    if sc.is_debug() {
        names.push("debug");
    } else if h.flags & JaegerHeader::DEBUG != 0 {
        names.push("debug ignored without sampled");
    }
    let left = jaeger_bits_not_carried(h);
    let left = (left != 0).then(|| format!("{left:02x} not carried on"));
    names.extend(left.as_deref());
    format!("{:02x} ({})", h.flags, names.join(", "))
}

/// The Jaeger flag bits extraction leaves behind: all but sampled and
/// debug, which have no place in a span context.
pub fn jaeger_bits_not_carried(h: &JaegerHeader) -> u8 {
    h.flags & !(JaegerHeader::SAMPLED | JaegerHeader::DEBUG)
}

fn ids(trace_id: TraceId, span_id: SpanId, parent: Option<SpanId>) -> Vec<Shown> {
    vec![
        ("trace id", trace_id.to_string()),
        ("span id", span_id.to_string()),
        (
            "parent",
            parent.map_or_else(|| "none".to_owned(), |p| p.to_string()),
        ),
    ]
}

/// A B3 sampling state as the commands name it.
pub fn sampling_text(s: Option<Sampling>) -> &'static str {
    match s {
        None => "deferred (no decision)",
        Some(Sampling::Deny) => "deny",
        Some(Sampling::Accept) => "accept",
        Some(Sampling::Debug) => "debug (accept)",
    }
}

fn sampling(s: Option<Sampling>) -> Shown {
    ("sampling", sampling_text(s).to_owned())
}

fn b3_fields(h: &B3Header) -> Vec<Shown> {
    match *h {
        B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            sampling: s,
        } => {
            let mut fields = ids(trace_id, span_id, parent_span_id);
            fields.push(sampling(s));
            fields
        }
        B3Header::SamplingOnly(s) => vec![sampling(Some(s))],
    }
}

/// Which of [`MultiParser::HEADERS`] `name` is, if one.
fn b3_multi_index(name: &str) -> Option<usize> {
    MultiParser::HEADERS
        .iter()
        .position(|n| name.eq_ignore_ascii_case(n))
}

/// Whether `name` is one of the `X-B3-*` headers.
fn is_b3_multi(name: &str) -> bool {
    b3_multi_index(name).is_some()
}

/// The first line of each `X-B3-*` header of an input, in the order of
/// [`MultiParser::HEADERS`]: the lines extraction reads ("the first value
/// wins"). Found in one pass, for all the lines: each line looking
/// through the others for them took as many looks as lines, per line.
struct B3Lines<'a>([Option<&'a HeaderLine>; MultiParser::HEADERS.len()]);

impl<'a> B3Lines<'a> {
    fn of(lines: &'a [HeaderLine]) -> B3Lines<'a> {
        let mut first = [None; MultiParser::HEADERS.len()];
        for line in lines {
            if let Some(header) = b3_multi_index(&line.name) {
                first[header].get_or_insert(line);
            }
        }
        B3Lines(first)
    }

    /// The first line of header `name`.
    fn of_header(&self, name: &str) -> Option<&'a HeaderLine> {
        self.0[b3_multi_index(name)?]
    }

    /// The first `X-B3-*` line of the input.
    fn first(&self) -> Option<&'a HeaderLine> {
        self.0.iter().flatten().copied().min_by_key(|l| l.number)
    }

    /// The lines as one context, as extraction reads them; `None` when
    /// they carry nothing, as extraction finds no header
    /// ([`MultiParser::is_empty`]: an `X-B3-Flags` other than `1` alone).
    fn context(&self) -> Option<Result<B3Header, WireError>> {
        let mut parser = MultiParser::default();
        for (name, line) in MultiParser::HEADERS.iter().zip(self.0) {
            if let Some(line) = line {
                parser.push(name, &line.value);
            }
        }
        (!parser.is_empty()).then(|| parser.finish())
    }
}

/// The header whose value a B3 error is about.
fn b3_header_of(field: Field) -> &'static str {
    match field {
        Field::B3SpanId => MultiParser::HEADERS[1],
        Field::B3ParentSpanId => MultiParser::HEADERS[2],
        Field::B3Sampled => MultiParser::HEADERS[3],
        _ => TRACE_ID_HEADER,
    }
}

/// All `X-B3-*` lines of the input parse as one context: the first of them
/// shows it, the others point there. An error is shown on the line of the
/// field at fault (or on the first line when a field is missing).
fn decode_b3_multi(line: &HeaderLine, b3: &B3Lines<'_>) -> Result<Vec<Shown>, LineError> {
    if !is_b3_multi(&line.name) {
        return Err(LineError {
            message: format!(
                "{:?} is not one of the B3 headers X-B3-TraceId, X-B3-SpanId, \
                 X-B3-ParentSpanId, X-B3-Sampled, X-B3-Flags",
                line.name
            ),
            offset: None,
        });
    }
    if let Some(earlier) = b3
        .of_header(&line.name)
        .filter(|first| first.number != line.number)
    {
        return repeated_b3_multi(line, earlier);
    }
    let first = b3.first().map(|l| l.number);
    match b3.context() {
        // Only an `X-B3-Flags` other than `1`: no header at all to extract.
        None if first == Some(line.number) => Ok(vec![(
            "flags",
            format!(
                "{:?} means nothing alone: only 1 (debug) is defined, and without the \
                 other X-B3 headers extraction finds no B3 header",
                line.value
            ),
        )]),
        None => Ok(vec![("context", "with the X-B3 lines above".to_owned())]),
        Some(Ok(h)) if first == Some(line.number) => {
            let mut fields = b3_fields(&h);
            let flags = b3.of_header(FLAGS_HEADER);
            if let Some(f) = flags.filter(|f| f.value != "1") {
                fields.push((
                    "flags",
                    format!("{:?} ignored: only 1 (debug) is defined", f.value),
                ));
            }
            Ok(fields)
        }
        Some(Ok(_)) => Ok(vec![("context", "with the X-B3 lines above".to_owned())]),
        Some(Err(e)) => {
            let at_fault = b3
                .of_header(b3_header_of(e.field()))
                .map_or(first, |l| Some(l.number));
            if at_fault == Some(line.number) {
                Err(LineError::wire(e))
            } else {
                Ok(vec![(
                    "context",
                    "invalid, see the error above or below".to_owned(),
                )])
            }
        }
    }
}

/// A repeated `X-B3-*` line, which extraction does not read ("the first
/// value wins", `earlier`'s): checked alone, as a repeated `b3` line is,
/// and named as ignored.
fn repeated_b3_multi(line: &HeaderLine, earlier: &HeaderLine) -> Result<Vec<Shown>, LineError> {
    if let Some(e) = b3_multi_alone_error(line) {
        return Err(LineError::wire(e));
    }
    Ok(vec![if line.value == earlier.value {
        (
            "repeated",
            format!("the same value as line {}", earlier.number),
        )
    } else {
        (
            "ignored",
            format!(
                "a repeated X-B3 header: extraction reads the first, on line {}",
                earlier.number
            ),
        )
    }])
}

/// Why the `X-B3-*` line `line`, read alone, does not parse, if it does not.
fn b3_multi_alone_error(line: &HeaderLine) -> Option<WireError> {
    let mut alone = MultiParser::default();
    alone.push(&line.name, &line.value);
    // Alone, a valid value fails only for a header it lacks.
    alone
        .finish()
        .err()
        .filter(|e| b3_header_of(e.field()).eq_ignore_ascii_case(&line.name))
}

/// Whether a line of a header extraction reads one value of is valid by
/// itself.
fn valid_alone(line: &HeaderLine) -> bool {
    if line.name.eq_ignore_ascii_case(b3_single::SINGLE_HEADER) {
        b3_single::parse_single(&line.value).is_ok()
    } else if line.name.eq_ignore_ascii_case(uber_trace_id::HEADER) {
        uber_trace_id::parse(&line.value).is_ok()
    } else {
        b3_multi_alone_error(line).is_none()
    }
}

/// What one line says of the trace it belongs to.
struct Said<'a> {
    /// The line that says it: for the B3 lines, their `X-B3-TraceId` line.
    line: usize,
    /// The header, or `X-B3-*` for the B3 lines, which say it together.
    name: &'a str,
    trace_id: TraceId,
    /// The parent it names; none for a repeated `X-B3-TraceId` line, which
    /// says the trace too, though extraction reads only the first.
    parent: Option<SpanContext>,
}

/// Where the input says which trace it belongs to, in line order.
fn parents(lines: &[HeaderLine]) -> Vec<Said<'_>> {
    let mut found = Vec::new();
    let mut b3_multi_seen = false;
    // Found once: a look per line took as many looks as lines, per line.
    let trace_id_line = lines
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(TRACE_ID_HEADER));
    for line in lines {
        let name = line.name.to_ascii_lowercase();
        let parent = match name.as_str() {
            "traceparent" => traceparent::parse(&line.value)
                .ok()
                .map(|t| t.to_span_context()),
            "b3" => b3_single::parse_single(&line.value)
                .ok()
                .and_then(|h| h.to_span_context()),
            "uber-trace-id" => uber_trace_id::parse(&line.value)
                .ok()
                .map(|h| h.to_span_context()),
            n if is_b3_multi(n) && !std::mem::replace(&mut b3_multi_seen, true) => {
                B3Lines::of(lines)
                    .context()
                    .and_then(|h| h.ok()?.to_span_context())
            }
            _ => None,
        };
        let said = match parent {
            Some(sc) => Some((sc.trace_id(), Some(sc))),
            // B3 left-pads a 64-bit id with zeros.
            None if name == TRACE_ID_HEADER && matches!(line.value.len(), 16 | 32) => {
                TraceId::from_hex(&format!("{:0>32}", line.value))
                    .ok()
                    .map(|id| (id, None))
            }
            None => None,
        };
        if let Some((trace_id, parent)) = said {
            // The B3 lines say the trace on their `X-B3-TraceId` line.
            let trace_line = trace_id_line.filter(|_| is_b3_multi(&name) && parent.is_some());
            found.push(Said {
                line: trace_line.map_or(line.number, |l| l.number),
                name: if is_b3_multi(&name) {
                    "X-B3-*"
                } else {
                    line.name.as_str()
                },
                trace_id,
                parent,
            });
        }
    }
    found
}

/// The limits the lines pass together, which no line passes alone: baggage
/// members past 64 or 8192 bytes over several `uberctx-*`,
/// `jaeger-baggage` or `baggage` lines, which extraction would drop, and
/// tracestate members past 32 over
/// several `tracestate` lines, for which it drops the whole tracestate.
/// While one line passes a limit alone, that line's error says it, and
/// the limit is not said again here.
pub fn limits_passed(lines: &[HeaderLine], reading: &Reading) -> Vec<String> {
    let (_, problems) = reading
        .formats()
        .extract_with_problems(&Context::default(), &headers_of(lines));
    // The session header is one value: a line too long is that line's
    // error (see `decode`), not a limit lines pass together.
    let session = reading.session();
    // A tracestate or baggage line past a limit alone is that line's
    // error: the limit is no news of the lines together.
    let each_fits = |name: &str, fits: fn(&str) -> bool| {
        lines
            .iter()
            .filter(|l| l.name.eq_ignore_ascii_case(name))
            .all(|l| fits(&l.value))
    };
    let each_tracestate_fits = each_fits("tracestate", |v| tracestate::parse(v).is_ok());
    let each_baggage_fits = each_fits("baggage", |v| baggage::parse(v).is_ok());
    problems
        .iter()
        .filter(|p| match p {
            Problem::Partial { field, dropped, .. } => {
                *dropped > 0
                    && *field != session.header()
                    && (each_baggage_fits || *field != "baggage")
            }
            Problem::Invalid(e) => {
                each_tracestate_fits && e.is_limit() && e.field() == Field::TracestateMember
            }
            _ => false,
        })
        .map(|p| format!("together, the lines pass a limit: {p}"))
        .collect()
}

/// Why the lines, each valid, do not make one context: two `traceparent`
/// lines or more (W3C: a request has one) or session header lines, trace ids
/// that differ, an `X-B3-*` header repeated with another value, parent
/// span ids or sampling decisions of one trace that differ, a `b3` or
/// `uber-trace-id` header repeated with another value (a debug flag, say),
/// `X-B3-Flags: 1` beside `X-B3-Sampled: 0`, a B3 decision without ids
/// that extraction ignores (beside a parent, or another such decision), or
/// a baggage key given two values.
///
/// Every disagreement is named, the kinds in the order above and each kind
/// in line order; two lines already named are not named again for what
/// else they disagree on (two `uber-trace-id` lines of two traces are one
/// disagreement), but one kind names them for each thing it finds (two
/// baggage keys).
pub fn conflicts(lines: &[HeaderLine], reading: &Reading) -> Vec<String> {
    // Two `traceparent` lines are ignored both: neither is a parent the
    // other lines could disagree with.
    let traceparents = lines
        .iter()
        .filter(|l| l.name.eq_ignore_ascii_case("traceparent"))
        .count();
    let said: Vec<Said<'_>> = parents(lines)
        .into_iter()
        .filter(|s| traceparents < 2 || !s.name.eq_ignore_ascii_case("traceparent"))
        .collect();
    let whole = [b3_single::SINGLE_HEADER, uber_trace_id::HEADER];
    let kinds = [
        repeated_once(lines, reading),
        other_trace(&said),
        repeated_value(lines, &MultiParser::HEADERS),
        other_parent(&said),
        repeated_value(lines, &whole),
        debug_over_a_deny(lines).into_iter().collect(),
        ignored_decision(lines, reading),
        baggage_conflicts(lines, reading),
    ];
    // By pair: one look each, however many disagreements.
    let mut named: HashSet<(usize, usize)> = HashSet::new();
    let mut said_once = Vec::new();
    for found in kinds {
        let new: Vec<Disagreement> = found
            .into_iter()
            .filter(|d| !named.contains(&d.lines))
            .collect();
        named.extend(new.iter().map(|d| d.lines));
        said_once.extend(new.into_iter().map(|d| d.text));
    }
    said_once
}

/// Lines that disagree: their numbers, the lower first (the same number
/// twice for a line that disagrees with itself), and what is said.
pub struct Disagreement {
    lines: (usize, usize),
    pub text: String,
    /// The baggage key the lines give two values, when that is the
    /// disagreement: `explain` blames each key on whoever gave it both.
    pub key: Option<String>,
}

impl Disagreement {
    fn new(a: usize, b: usize, text: String) -> Disagreement {
        Disagreement {
            lines: (a.min(b), a.max(b)),
            text,
            key: None,
        }
    }
}

/// A B3 decision sent without ids that extraction ignores, as it reports
/// it: beside a parent on another line that overrides it without carrying
/// it ([`Problem::DecisionBesideParent`]: its rule says when the parent
/// carries the decision), or beside another decision without ids that it
/// keeps ([`Problem::DecisionConflict`]: B3's two encodings disagree), each
/// side named by its line.
fn ignored_decision(lines: &[HeaderLine], reading: &Reading) -> Vec<Disagreement> {
    let (_, problems) = reading
        .formats()
        .extract_with_problems(&Context::default(), &headers_of(lines));
    let named = problems.iter().filter_map(|problem| {
        let (named, a, b) = match *problem {
            Problem::DecisionConflict {
                kept,
                kept_sampled,
                ignored,
                ignored_sampled,
            } => {
                let (kept_header, kept_line) = decision_line(lines, kept, kept_sampled, None)?;
                let (ignored_header, ignored_line) =
                    decision_line(lines, ignored, ignored_sampled, Some(kept_line))?;
                let named = Problem::DecisionConflict {
                    kept: kept_header,
                    kept_sampled,
                    ignored: ignored_header,
                    ignored_sampled,
                };
                (named, kept_line, ignored_line)
            }
            _ => beside_parent_on_lines(problem, lines)?,
        };
        Some(Disagreement::new(
            a,
            b,
            format!("lines {} and {} disagree: {named}", a.min(b), a.max(b)),
        ))
    });
    named.collect()
}

/// The B3 header and number of the line of `lines` that carries a
/// decision without ids, sampled or not as `sampled` says (debug is
/// sampled), but `other`: the first line of each header, those of `field`
/// (the header, or the format, that extraction named) first.
fn decision_line(
    lines: &[HeaderLine],
    field: &str,
    sampled: bool,
    other: Option<usize>,
) -> Option<(&'static str, usize)> {
    decision_lines(lines, field, |d| (d != Sampling::Deny) == sampled)
        .find(|(_, number)| Some(*number) != other)
}

/// The first line of each B3 header of `lines` that carries a decision
/// without ids that `wanted` takes, with its header: those of `field` first.
fn decision_lines<'a>(
    lines: &'a [HeaderLine],
    field: &'a str,
    wanted: impl Fn(Sampling) -> bool + 'a,
) -> impl Iterator<Item = (&'static str, usize)> + 'a {
    let headers = [b3_single::SINGLE_HEADER, SAMPLED_HEADER, FLAGS_HEADER];
    let mut found: Vec<(&'static str, usize)> = headers
        .into_iter()
        .filter_map(|header| {
            let line = lines.iter().find(|l| l.name.eq_ignore_ascii_case(header))?;
            lone_decision(line)
                .filter(|d| wanted(*d))
                .map(|_| (header, line.number))
        })
        .collect();
    found.sort_by_key(|(header, _)| *header != field);
    found.into_iter()
}

/// `problem`, if a [`Problem::DecisionBesideParent`], with each side named
/// by the header of the line of `lines` that carries it, and the numbers
/// of those lines (the parent's, then the decision's). Extraction names a
/// side by the format that read it, and B3 reads both of its encodings:
/// `b3` for an `X-B3-Sampled` line, or `x-b3-traceid` for a `b3` line.
pub fn beside_parent_on_lines(
    problem: &Problem,
    lines: &[HeaderLine],
) -> Option<(Problem, usize, usize)> {
    let Problem::DecisionBesideParent {
        parent,
        parent_sampled,
        ignored,
        ignored_decision,
    } = *problem
    else {
        return None;
    };
    let b3_family = |name: &str| name == b3_single::SINGLE_HEADER || is_b3_multi(name);
    // B3 prefers a valid `b3` to the `X-B3-*` lines beside it.
    let said = parents(lines);
    let parent_said = said
        .iter()
        .filter(|s| s.parent.is_some())
        .filter(|s| {
            if b3_family(parent) {
                s.name == "X-B3-*" || s.name.eq_ignore_ascii_case(b3_single::SINGLE_HEADER)
            } else {
                s.name.eq_ignore_ascii_case(parent)
            }
        })
        .min_by_key(|s| s.name == "X-B3-*")?;
    let parent_header = match parent_said.name {
        "X-B3-*" => TRACE_ID_HEADER,
        _ if b3_family(parent) => b3_single::SINGLE_HEADER,
        _ => parent,
    };
    let (ignored_header, ignored_line) =
        decision_lines(lines, ignored, |d| d == ignored_decision).next()?;
    let named = Problem::DecisionBesideParent {
        parent: parent_header,
        parent_sampled,
        ignored: ignored_header,
        ignored_decision,
    };
    Some((named, parent_said.line, ignored_line))
}

/// The sampling decision `line`, a `b3` or `X-B3-*` line, carries without
/// ids, read alone.
fn lone_decision(line: &HeaderLine) -> Option<Sampling> {
    let header = if line.name.eq_ignore_ascii_case(b3_single::SINGLE_HEADER) {
        b3_single::parse_single(&line.value)
    } else {
        let mut alone = MultiParser::default();
        alone.push(&line.name, &line.value);
        alone.finish()
    };
    match header {
        Ok(B3Header::SamplingOnly(decision)) => Some(decision),
        _ => None,
    }
}

/// `lines` as the carrier extraction reads.
fn headers_of(lines: &[HeaderLine]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| (l.name.clone(), l.value.clone()))
        .collect()
}

/// `X-B3-Flags: 1` beside `X-B3-Sampled: 0`: debug "implies an accept
/// decision", so B3 sends it without `X-B3-Sampled`, and extraction reads
/// debug, overriding the other line's "not sampled".
fn debug_over_a_deny(lines: &[HeaderLine]) -> Option<Disagreement> {
    let named = |name: &str| lines.iter().find(|l| l.name.eq_ignore_ascii_case(name));
    let (sampled, flags) = (named(SAMPLED_HEADER)?, named(FLAGS_HEADER)?);
    let mut alone = MultiParser::default();
    alone.push(&sampled.name, &sampled.value);
    let deny = matches!(alone.finish(), Ok(B3Header::SamplingOnly(Sampling::Deny)));
    (deny && flags.value == "1").then(|| {
        let text = format!(
            "lines {} and {} disagree: {} says not sampled, {} says debug, which implies \
             sampled (B3 sends it without X-B3-Sampled); extraction reads debug",
            sampled.number, flags.number, sampled.name, flags.name
        );
        Disagreement::new(sampled.number, flags.number, text)
    })
}

/// Two lines or more of a header a request carries once: extraction
/// ignores them all, so each is named (see [`line_numbers`]).
fn repeated_once(lines: &[HeaderLine], reading: &Reading) -> Vec<Disagreement> {
    let session = reading.session();
    ["traceparent", session.header()]
        .into_iter()
        .filter_map(|once| {
            let repeated: Vec<usize> = lines
                .iter()
                .filter(|l| l.name.eq_ignore_ascii_case(once))
                .map(|l| l.number)
                .collect();
            let [first, second, ..] = repeated[..] else {
                return None;
            };
            let named = line_numbers(&repeated);
            let (count, all) = match repeated.len() {
                2 => ("two".to_owned(), "both"),
                n => (n.to_string(), "them all"),
            };
            let text = format!(
                "lines {named}: {count} {once} lines; a request carries one, so extraction \
                 ignores {all}"
            );
            Some(Disagreement::new(first, second, text))
        })
        .collect()
}

/// Lines that carry another trace id than the first, which extraction
/// keeps.
fn other_trace(said: &[Said<'_>]) -> Vec<Disagreement> {
    let Some(first) = said.first() else {
        return Vec::new();
    };
    let (first_line, first_name, trace) = (first.line, first.name, first.trace_id);
    said.iter()
        .filter(|s| s.trace_id != trace)
        .map(|other| {
            let text = format!(
                "lines {first_line} and {} disagree: {first_name} carries trace id {trace}, {} \
                 carries {}; extraction keeps the first",
                other.line, other.name, other.trace_id
            );
            Disagreement::new(first_line, other.line, text)
        })
        .collect()
}

/// One of the headers `names`, which extraction reads one value of (B3:
/// "the first value wins"; Jaeger's `uber-trace-id`), on two lines with two
/// values: the other is lost. A repeat that is invalid alone is that
/// line's error (see `repeated_b3_multi`); an identical one loses nothing.
fn repeated_value(lines: &[HeaderLine], names: &[&str]) -> Vec<Disagreement> {
    let mut found = Vec::new();
    for name in names {
        let mut same = lines.iter().filter(|l| l.name.eq_ignore_ascii_case(name));
        let Some(first) = same.next() else {
            continue;
        };
        for other in same.filter(|l| l.value != first.value && valid_alone(l)) {
            let text = format!(
                "lines {} and {} disagree: two {} lines, {:?} and {:?}; a request carries \
                 one, and extraction reads the first and ignores the other",
                first.number, other.number, first.name, first.value, other.value
            );
            found.push(Disagreement::new(first.number, other.number, text));
        }
    }
    found
}

/// The same trace from another parent, or with the opposite decision, as
/// a composite extract reports it (`Problem::SpanConflict`); no decision
/// disagrees with none.
fn other_parent(said: &[Said<'_>]) -> Vec<Disagreement> {
    let Some((first, Some(kept))) = said.first().map(|f| (f, f.parent.as_ref())) else {
        return Vec::new();
    };
    let (first_line, first_name, trace) = (first.line, first.name, first.trace_id);
    // Another trace is `other_trace`'s to name.
    let same_trace = said.iter().filter(|s| s.trace_id == trace);
    same_trace
        .filter_map(|other| {
            let (line, name, parent) = (other.line, other.name, other.parent.as_ref()?);
            let text = if parent.span_id() != kept.span_id() {
                format!(
                    "lines {first_line} and {line} disagree: {first_name} carries parent span id \
                 {}, {name} carries {} of the same trace {trace}; extraction keeps the first",
                    kept.span_id(),
                    parent.span_id()
                )
            } else {
                match (kept.sampling_decision(), parent.sampling_decision()) {
                    (Some(a), Some(b)) if a != b => format!(
                    "lines {first_line} and {line} disagree: {first_name} says {}, {name} says \
                     {}, of the same parent span {} of trace {trace}; extraction keeps the first",
                    sampled_or_not(a),
                    sampled_or_not(b),
                    kept.span_id()
                ),
                    _ => return None,
                }
            };
            Some(Disagreement::new(first_line, line, text))
        })
        .collect()
}

/// One baggage entry as a line gives it.
struct Entry {
    line: usize,
    key: String,
    value: String,
    properties: String,
    /// Whether a `baggage` line gives it.
    in_baggage: bool,
}

impl Entry {
    /// Its value and properties, as [`baggage::repeat_loses`] compares them.
    fn said(&self) -> (&[u8], &[u8]) {
        (self.value.as_bytes(), self.properties.as_bytes())
    }
}

/// The baggage entries of the lines that decode, in order, each as its
/// line gives it: the members of `baggage` lines one by one (a line keeps
/// the last of a repeated key, so the repeat would not show), `uberctx-*`
/// lines (keys lowercased, as extraction reads them), the entries of
/// `jaeger-baggage` lines one by one, and the session header, which is the
/// baggage key `session.id` when it is given once (extraction ignores every
/// line of one given twice or more, which `repeated_once` names).
fn baggage_entries(lines: &[HeaderLine], reading: &Reading) -> Vec<Entry> {
    let session = reading.session();
    let sessions = lines
        .iter()
        .filter(|l| l.name.eq_ignore_ascii_case(session.header()))
        .count();
    let mut entries = Vec::new();
    for line in lines {
        let name = line.name.to_ascii_lowercase();
        let in_baggage = name == "baggage";
        let entry = |key: &str, value: &str, properties: &str| Entry {
            line: line.number,
            key: key.to_owned(),
            value: value.to_owned(),
            properties: properties.to_owned(),
            in_baggage,
        };
        if in_baggage && baggage::parse(&line.value).is_ok() {
            // A valid line splits at its commas, which no key, value or
            // property holds.
            for member in line.value.split(',').filter_map(|m| baggage::parse(m).ok()) {
                entries.extend(member.iter().map(|(k, v, p)| entry(k, v, p)));
            }
        } else if uberctx::has_prefix(&name) {
            let key = uberctx::parse_baggage_name(&line.name);
            let value = uberctx::parse_baggage_value(&line.value);
            if let (Ok(key), Ok(value)) = (key, value) {
                entries.push(entry(&key, &value, ""));
            }
        } else if name == jaeger_baggage::HEADER {
            if let Ok(members) = jaeger_baggage::parse(&line.value) {
                entries.extend(members.iter().map(|(k, v)| entry(k, v, "")));
            }
        } else if name == session.header() && sessions == 1 && check_session_id(&line.value).is_ok()
        {
            entries.push(entry(Session::BAGGAGE_KEY, &line.value, ""));
        }
    }
    entries
}

/// A baggage key given two values, on one line or two, in one format or
/// two: extraction keeps one entry and loses the other, where
/// [`baggage::repeat_loses`] says so (the same entry twice loses nothing).
/// It keeps a key's last `baggage` entry (W3C Baggage is read before the
/// other formats, and its last pair "MUST take precedence"), else its
/// first.
pub fn baggage_conflicts(lines: &[HeaderLine], reading: &Reading) -> Vec<Disagreement> {
    let entries = baggage_entries(lines, reading);
    // By key, the index of the entry kept: one look each, however many lines.
    let mut kept: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let slot = kept.entry(&e.key).or_insert(i);
        if e.in_baggage {
            *slot = i;
        }
    }
    let lost = entries.iter().enumerate().filter_map(|(i, lost)| {
        let k = kept[lost.key.as_str()];
        let kept = &entries[k];
        if k == i || !baggage::repeat_loses(kept.said(), lost.said()) {
            return None;
        }
        // In the order the lines give them.
        let (first, other) = if k < i { (kept, lost) } else { (lost, kept) };
        let key = &first.key;
        let two = if first.value == other.value {
            format!(
                "with two sets of properties, {:?} and {:?}",
                first.properties, other.properties
            )
        } else {
            format!("with two values, {:?} and {:?}", first.value, other.value)
        };
        let lines = if other.line == first.line {
            format!("line {}:", first.line)
        } else {
            format!("lines {} and {} disagree:", first.line, other.line)
        };
        let text = format!(
            "{lines} baggage key {key} repeated {two}; a key carries one value, and \
             extraction keeps one and loses the other"
        );
        Some(Disagreement {
            key: Some(key.clone()),
            ..Disagreement::new(first.line, other.line, text)
        })
    });
    lost.collect()
}
