//! `baton explain [--sender-propagators LIST] [--receiver-propagators LIST]
//! [SENT RECEIVED]`: the propagation doctor. Given the headers a caller sent
//! and the headers the next service received, says whether the trace
//! continues across that hop and, if not, why.
//!
//! The two header blocks come from two files, or from standard input
//! separated by a `---` line or a blank line. Each side is read with the
//! public propagators: the sent block with every format baton knows, the
//! received block with the receiver's `OTEL_PROPAGATORS` (default
//! `tracecontext,baggage`, as in OpenTelemetry). Each side's list is read
//! as a baton process started with it runs it
//! ([`Composite::usable_list`]: an unknown name left out, `none` with
//! others making the whole setting ignored), each thing ignored named in a
//! note. What the propagators report while reading (a limit hit, an
//! invalid member) is captured and quoted.
//! A block may be an `env` listing: the variables of baton's environment
//! carrier are read as their headers, and each block's others are named in
//! a note. A block's `BATON_SESSION_HEADER=NAME` line describes the process
//! listed: the sent block's names the header the caller writes the session
//! in, the received block's the one the receiver reads it from (without
//! one, this process's `BATON_SESSION_HEADER`).
//!
//! Exit status: 0 when the trace continues intact, 1 when it breaks or loses
//! something, 2 on a usage error (unknown option, a line that is no header
//! line) or input that cannot be read (a file, standard input).

use std::collections::{BTreeSet, HashSet};
use std::io::Read;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};

use baton::propagation::{
    check_session_id, Composite, Problem as Extracted, Propagator, PropagatorsError, SessionHeader,
    BATON_SESSION_HEADER, DEFAULT_PROPAGATORS,
};
use baton::wire::{jaeger_baggage, uberctx};
use baton::{Baggage, Context, Session, SpanContext, TraceState};

use super::decode::{self, sampling_text};
use super::{
    escaped, input_lines, line_numbers, listed, printed, propagators_that_run, read_failed,
    read_numbered, sampled_or_not, set_once, usage_error, utf8_line, without_bom, without_line_end,
    HeaderLine, InputError, Reading, Skipped, USAGE_ERROR,
};

/// The trace formats, by their `OTEL_PROPAGATORS` names.
const TRACE_FORMATS: [&str; 4] = ["tracecontext", "b3", "b3multi", "jaeger"];

/// How the sent block is read: every format, W3C first (the session
/// header the caller's).
const EVERYTHING: &str = "tracecontext,b3multi,b3,jaeger,baggage,session";

/// Exit status when the trace breaks or loses something across the hop.
const BROKEN: u8 = 1;

type Headers = Vec<(String, String)>;

struct Options {
    sender: Option<String>,
    receiver: Option<String>,
    files: Vec<String>,
}

/// One thing wrong with the hop.
struct Finding {
    /// Whether the receiver loses the trace itself (not only part of it).
    breaks: bool,
    what: String,
    fix: Option<String>,
}

impl Finding {
    fn breaks(what: String, fix: Option<String>) -> Finding {
        Finding {
            breaks: true,
            what,
            fix,
        }
    }

    fn loses(what: String, fix: Option<String>) -> Finding {
        Finding {
            breaks: false,
            what,
            fix,
        }
    }
}

pub fn run(args: &[String]) -> ExitCode {
    let options = match parse_args(args) {
        Ok(options) => options,
        Err(problem) => return usage_error(&problem),
    };
    let (sent, received) = match read_blocks(&options.files) {
        Ok(blocks) => blocks,
        Err(Problem::Usage(problem)) => return usage_error(&problem),
        Err(Problem::Read(what, e)) => return printed(|_, err| read_failed(&what, &e, err)),
        Err(Problem::Line(e, file)) => {
            return printed(|_, err| {
                if let Some(file) = file {
                    write!(err, "{file}: ")?;
                }
                e.report(err)?;
                Ok(ExitCode::from(USAGE_ERROR))
            })
        }
    };
    // Each side as a baton process started with its list runs, with the
    // session header its own listing names.
    let sender = options
        .sender
        .as_deref()
        .map(|typed| Side::running("sender", typed, sent.reading.session()));
    let receiver = Side::running(
        "receiver",
        options.receiver.as_deref().unwrap_or(DEFAULT_PROPAGATORS),
        received.reading.session(),
    );
    // Everything the propagators report while reading is quoted in the
    // explanation instead of going to stderr.
    let _ = baton::set_diagnostic_handler(Box::new(|d| {
        CAPTURED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(d.message.to_string());
    }));

    let hop = Hop {
        sent: &sent.headers,
        received: &received.headers,
        lines: [
            (&sent.lines, &sent.reading),
            (&received.lines, &received.reading),
        ],
        sender: sender.as_ref().map(|s| (&s.propagators, s.list.as_str())),
        sender_session: sent.reading.session(),
        receiver: &receiver.propagators,
        receiver_list: &receiver.list,
        receiver_session: received.reading.session(),
    };
    let (summary, findings) = hop.explain();
    printed(|out, _| {
        write!(out, "{summary}")?;
        for side in sender.iter().chain([&receiver]) {
            for note in &side.notes {
                writeln!(out, "note:     {note}")?;
            }
        }
        for (side, block) in [("sent", &sent), ("received", &received)] {
            if let Some(named) = block.reading.note() {
                writeln!(out, "note:     {side}: {named}")?;
            }
            if let Some(skipped) = block.skipped.summary() {
                writeln!(out, "note:     {side}: {skipped}")?;
            }
        }
        let verdict = if findings.iter().any(|f| f.breaks) {
            "the trace breaks at this hop"
        } else if findings.is_empty() {
            "the trace continues intact"
        } else {
            "the trace continues, but loses something on the way"
        };
        writeln!(out, "verdict:  {verdict}")?;
        for f in &findings {
            writeln!(out, "- {}", f.what)?;
            if let Some(fix) = &f.fix {
                writeln!(out, "  fix: {fix}")?;
            }
        }
        Ok(if findings.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(BROKEN)
        })
    })
}

static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// `p` reads `headers`: the context, and what the propagators reported.
fn extract(p: &Composite, headers: &Headers) -> (Context, Vec<String>) {
    CAPTURED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    let cx = p.extract(&Context::default(), headers);
    let reports = std::mem::take(&mut *CAPTURED.lock().unwrap_or_else(PoisonError::into_inner));
    (cx, reports)
}

fn composite(list: &str) -> Composite {
    // The lists in this file are fixed and valid.
    Composite::from_list(list).unwrap_or_default()
}

/// The propagators of `list` (valid, as `Composite::usable_list` gives
/// it), its `session` entry using `session` rather than this process's
/// `BATON_SESSION_HEADER`.
fn with_session(list: &str, session: SessionHeader) -> Composite {
    let names = Composite::names_in(list).unwrap_or_default();
    Composite::new(
        names
            .into_iter()
            .filter_map(|name| -> Option<Box<dyn Propagator>> {
                if name == "session" {
                    return Some(Box::new(session));
                }
                // `none` runs nothing.
                let one = composite(name);
                (!one.is_empty()).then(|| Box::new(one) as Box<dyn Propagator>)
            })
            .collect(),
    )
}

/// One side of the hop as a baton process started with an
/// `OTEL_PROPAGATORS` list runs.
struct Side {
    propagators: Composite,
    /// The list that runs, as `OTEL_PROPAGATORS` would name it.
    list: String,
    /// What of the typed list that process ignores, and how.
    notes: Vec<String>,
}

impl Side {
    /// `typed` read as baton reads `OTEL_PROPAGATORS` (by the one rule,
    /// [`Composite::usable_list`]): an unknown name is left out, `none`
    /// with others makes the whole setting ignored; each is a note, as
    /// that process warns of it (`invalid-config`).
    fn running(side: &str, typed: &str, session: SessionHeader) -> Side {
        let (usable, ignored) = Composite::usable_list(typed);
        let list = propagators_that_run(&usable);
        let notes = ignored
            .iter()
            .map(|problem| {
                let what = match problem {
                    PropagatorsError::UnknownPropagator { .. } => {
                        format!("left out: the {side} runs {list} and warns (invalid-config)")
                    }
                    _ => format!(
                        "the whole setting is ignored: the {side} runs the default, {list}, \
                         and warns (invalid-config)"
                    ),
                };
                format!("{side}: {problem}; {what}")
            })
            .collect();
        Side {
            propagators: with_session(&usable, session),
            list,
            notes,
        }
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        sender: None,
        receiver: None,
        files: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let slot = match name {
            "--sender-propagators" => &mut options.sender,
            "--receiver-propagators" => &mut options.receiver,
            _ if name.starts_with('-') && name != "-" => {
                return Err(format!("explain: unknown option {arg:?}"))
            }
            _ => {
                options.files.push(arg.clone());
                continue;
            }
        };
        let value = match inline {
            Some(v) => v,
            None => args.next().cloned().ok_or_else(|| {
                format!("explain: {name} needs a list, e.g. tracecontext,baggage")
            })?,
        };
        set_once(slot, value, "explain", name)?;
    }
    match options.files.len() {
        0 | 2 => Ok(options),
        n => Err(format!(
            "explain takes two files (sent, received) or none for standard input, not {n}"
        )),
    }
}

enum Problem {
    Usage(String),
    /// Input that cannot be read: standard input, or the file named
    /// (escaped), and why.
    Read(String, std::io::Error),
    /// A line that is no header line, and the file it is in (`None`:
    /// standard input, whose lines are numbered through both blocks).
    Line(InputError, Option<String>),
}

/// The sent and received header blocks: from two files, or from standard
/// input split at a `---` line (either block may then be empty) or else at
/// the first blank line between two blocks.
fn read_blocks(files: &[String]) -> Result<(Block, Block), Problem> {
    if let [sent, received] = files {
        let read = |path: &String| std::fs::read(path).map_err(|e| Problem::Read(escaped(path), e));
        // Each file's lines are numbered from 1: the error names the file,
        // escaped as any input echoed is.
        let named = |problem, path: &String| match problem {
            Problem::Line(e, None) => Problem::Line(e, Some(escaped(path))),
            other => other,
        };
        let text = |path: &String| text(read(path)?).map_err(|p| named(p, path));
        return Ok((
            headers(&text(sent)?, 1).map_err(|p| named(p, sent))?,
            headers(&text(received)?, 1).map_err(|p| named(p, received))?,
        ));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::Read("standard input".to_owned(), e))?;
    let text = text(bytes)?;
    let lines: Vec<&str> = input_lines(&text).collect();
    let dashes: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].trim() == "---")
        .collect();
    let at = match dashes[..] {
        [at] => at,
        [] => {
            // Blank lines before the first header or after the last are not a
            // separator: no block is on their other side.
            let filled = |i: &usize| !lines[*i].trim().is_empty();
            let first = (0..lines.len()).find(filled);
            let last = (0..lines.len()).rfind(filled);
            first
                .zip(last)
                .and_then(|(f, l)| (f..l).find(|&i| lines[i].trim().is_empty()))
                .ok_or_else(|| {
                    Problem::Usage(
                        "explain needs two header blocks (sent, then received) separated by \
                         a blank line or a --- line"
                            .into(),
                    )
                })?
        }
        _ => {
            let numbers: Vec<usize> = dashes.iter().map(|i| i + 1).collect();
            return Err(Problem::Usage(format!(
                "explain: more than one --- line: lines {}",
                line_numbers(&numbers)
            )));
        }
    };
    let sent = headers(&lines[..at].join("\n"), 1)?;
    let received = headers(&lines[at + 1..].join("\n"), at + 2)?;
    Ok((sent, received))
}

/// `bytes` as text (a byte order mark dropped), or the line holding its
/// first byte that is not UTF-8, pointed at, as `decode` points at one.
fn text(mut bytes: Vec<u8>) -> Result<String, Problem> {
    let bom = bytes.len() - without_bom(&bytes).len();
    bytes.drain(..bom);
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let start = bytes[..bad]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[bad..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| bad + i);
        let line = &bytes[start..end];
        let number = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
        match utf8_line(number, without_line_end(line)) {
            Err(e) => Problem::Line(e, None),
            // The bad byte is in that line: not reached.
            Ok(_) => Problem::Usage(format!("line {number} is not valid UTF-8")),
        }
    })
}

/// One block of header lines, the variables of an `env` listing it
/// skipped, and how it was read: the session header of the process it
/// lists.
struct Block {
    headers: Headers,
    /// The same lines with their numbers, for messages.
    lines: Vec<HeaderLine>,
    skipped: Skipped,
    reading: Reading,
}

/// The `name: value` lines of `text`, read as `decode` reads its input
/// ([`read_numbered`]: blank lines skipped, the variables of an `env`
/// listing that carry no context skipped and named, values that span
/// lines included) with the session header the block's own
/// `BATON_SESSION_HEADER` line names, else this process's; `first` is the
/// number of its first line in the input, for messages.
fn headers(text: &str, first: usize) -> Result<Block, Problem> {
    let raw: Vec<(usize, String)> = (first..)
        .zip(input_lines(text).map(str::to_owned))
        .collect();
    let line = |e| Problem::Line(e, None);
    let reading = Reading::of(&raw).map_err(line)?;
    let input = read_numbered(raw, reading).map_err(line)?;
    Ok(Block {
        headers: input
            .lines
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect(),
        lines: input.lines,
        skipped: input.skipped,
        reading: input.reading,
    })
}

/// One hop: what was sent, what arrived, and how each side reads it.
struct Hop<'a> {
    sent: &'a Headers,
    received: &'a Headers,
    /// The blocks' lines with their numbers, and how each was read.
    lines: [(&'a [HeaderLine], &'a Reading); 2],
    sender: Option<(&'a Composite, &'a str)>,
    /// The session header the caller writes.
    sender_session: SessionHeader,
    receiver: &'a Composite,
    receiver_list: &'a str,
    /// The session header the receiver reads.
    receiver_session: SessionHeader,
}

/// Whether `name` is a field some propagator reads.
fn is_propagation_field(name: &str, everything: &Composite) -> bool {
    let name = name.to_ascii_lowercase();
    everything.extract_fields().contains(&name.as_str()) || uberctx::has_prefix(&name)
}

/// The lowercase names of the propagation fields in `headers`, once each.
fn fields_in(headers: &Headers, everything: &Composite) -> BTreeSet<String> {
    headers
        .iter()
        .filter(|(n, _)| is_propagation_field(n, everything))
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect()
}

/// Every value of field `name`, in order.
fn values<'h>(headers: &'h Headers, name: &str) -> Vec<&'h str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// How many list members the `name` lines hold, as written (before any
/// limit), and how many bytes they take joined by `,`.
fn list_size(headers: &Headers, name: &str) -> (usize, usize) {
    let lines = values(headers, name);
    let members = lines
        .iter()
        .flat_map(|l| l.split(','))
        .filter(|m| !m.trim().is_empty())
        .count();
    let bytes = lines.iter().map(|l| l.len()).sum::<usize>() + lines.len().saturating_sub(1);
    (members, bytes)
}

/// How many baggage members the `baggage`, `uberctx-*` and
/// `jaeger-baggage` lines hold together, as written, and how many bytes
/// they take as one `baggage` header (`key=value` for each `uberctx-*`
/// line and `jaeger-baggage` entry): extraction puts them in one baggage,
/// under one limit.
fn baggage_size(headers: &Headers) -> (usize, usize) {
    let (members, bytes) = list_size(headers, "baggage");
    let uberctx = headers
        .iter()
        .filter(|(n, _)| uberctx::has_prefix(n))
        .map(|(n, v)| n.len() - uberctx::BAGGAGE_PREFIX.len() + 1 + v.len());
    let header = values(headers, jaeger_baggage::HEADER)
        .into_iter()
        .flat_map(jaeger_baggage::entries)
        .flatten()
        .map(|e| e.key.len() + 1 + e.raw_value.len());
    uberctx
        .chain(header)
        .fold((members, bytes), |(members, bytes), member| {
            (members + 1, bytes + usize::from(bytes > 0) + member)
        })
}

/// A trace format whose header is in a block.
struct Arrived {
    /// The format, by its `OTEL_PROPAGATORS` name.
    name: &'static str,
    /// The context it carries: `None` when present but invalid, or when
    /// it carries a decision alone.
    context: Option<SpanContext>,
    /// Whether it carries a sampling decision without ids (B3's `b3: 0`):
    /// valid, though no context.
    decides_alone: bool,
    /// What reading it reported.
    reports: Vec<String>,
}

/// The trace formats whose headers are in `headers` (see [`Arrived`]).
fn formats_in(headers: &Headers) -> Vec<Arrived> {
    TRACE_FORMATS
        .iter()
        .filter_map(|&name| {
            let p = composite(name);
            // b3 and b3multi each read both encodings; tell them apart by
            // the header that announces each.
            let announces = match name {
                "b3" => !values(headers, "b3").is_empty(),
                "b3multi" => !values(headers, "x-b3-traceid").is_empty(),
                _ => p.fields().iter().any(|f| !values(headers, f).is_empty()),
            };
            announces.then(|| {
                let (cx, reports) = extract(&p, headers);
                Arrived {
                    name,
                    context: cx.span_context().cloned(),
                    decides_alone: decision_only(&cx).is_some(),
                    reports,
                }
            })
        })
        .collect()
}

/// The names of `formats`, joined.
fn names<'a>(formats: impl IntoIterator<Item = &'a Arrived>) -> String {
    formats
        .into_iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The formats whose header parsed: a header that does not parse is no
/// format the context came as.
fn parsed(formats: &[Arrived]) -> impl Iterator<Item = &Arrived> {
    formats.iter().filter(|f| f.context.is_some())
}

fn describe(cx: &Context, formats: &str) -> String {
    let mut out = String::new();
    match cx.span_context() {
        Some(sc) => {
            out.push_str(&format!(
                "trace {} span {} {}",
                sc.trace_id(),
                sc.span_id(),
                sampling(sc)
            ));
            if !formats.is_empty() {
                out.push_str(&format!(" (as {formats})"));
            }
            if !sc.trace_state().is_empty() {
                out.push_str(&format!(
                    ", tracestate of {} members",
                    sc.trace_state().len()
                ));
            }
        }
        None => {
            out.push_str("no trace context");
            if let Some(decision) = decision_only(cx) {
                out.push_str(&format!(", only a sampling decision: {decision}"));
            }
        }
    }
    let baggage = cx
        .baggage()
        .iter()
        .filter(|(k, _, _)| *k != "session.id")
        .count();
    if baggage > 0 {
        out.push_str(&format!(", {baggage} baggage members"));
    }
    if let Some(session) = cx.session() {
        out.push_str(&format!(", session {session}"));
    }
    out
}

/// The fix for two contexts in one hop.
const ONE_CONTEXT: &str = "one hop should carry one context: find who injects or rewrites the \
                           second header (often a proxy or mesh with its own tracer) and give \
                           both sides the same OTEL_PROPAGATORS";

/// The fix for a decision without ids beside a parent that overrides it.
const ONE_DECISION: &str = "one request should carry one decision: find who sends the B3 \
                            decision without ids beside the parent (the caller, or a proxy or \
                            mesh that samples on its own) and have it send the parent's \
                            decision, or none";

/// The sampling state of `sc`. A B3 context without a sampling state has
/// the sampled bit clear but is no "not sampled": the receiver decides.
fn sampling(sc: &SpanContext) -> &'static str {
    if sc.is_deferred() {
        "no decision (deferred)"
    } else if sc.is_debug() {
        "sampled (debug)"
    } else {
        sampled_or_not(sc.is_sampled())
    }
}

/// The sampling decision `cx` carries without ids (B3 `b3: 0`, `b3: 1`,
/// `b3: d`, or `X-B3-Sampled` or `X-B3-Flags: 1` alone), debug named as
/// `decode` names it: valid B3, so it must not be taken for a header that
/// failed to parse.
fn decision_only(cx: &Context) -> Option<&'static str> {
    if cx.span_context().is_some() {
        return None;
    }
    cx.remote_decision()
        .map(|decision| sampling_text(Some(decision)))
}

/// `list` with `name` added, as an `OTEL_PROPAGATORS` value.
fn with_propagator(list: &str, name: &str) -> String {
    let kept: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("none"))
        .collect();
    if kept.is_empty() {
        name.to_owned()
    } else {
        format!("{},{name}", kept.join(","))
    }
}

fn reads(list: &str, name: &str) -> bool {
    list.split(',').any(|n| n.trim().eq_ignore_ascii_case(name))
}

fn quoted(reports: &[String], about: &str) -> Option<String> {
    reports.iter().find(|r| r.contains(about)).cloned()
}

/// The trace headers that arrived beside a context the receiver reads but
/// do not parse, each with its report quoted: whatever the receiver
/// continues, the hop broke that header (or sent it broken), and a
/// receiver that reads that format first loses the trace. A decision
/// without ids parses: what the receiver makes of one beside a parent is
/// its extract's to say (see [`Hop::conflicts`]).
fn corrupted(sent: &[Arrived], received: &[Arrived]) -> Vec<Finding> {
    received
        .iter()
        .filter(|f| f.context.is_none() && !f.decides_alone)
        .map(|Arrived { name, reports, .. }| {
            let why = match reports.join("; ") {
                none if none.is_empty() => "it does not parse".to_owned(),
                reports => reports,
            };
            let was_valid = sent.iter().any(|f| f.name == *name && f.context.is_some());
            let what = if was_valid {
                format!("the {name} header arrived corrupted: the caller sent it valid: {why}")
            } else {
                format!("the {name} header arrived invalid: {why}")
            };
            let fix = if was_valid {
                "find what rewrites the header between the two (a proxy, a gateway)"
            } else {
                "check the caller's header with `baton decode`"
            };
            Finding::loses(what, Some(fix.to_owned()))
        })
        .collect()
}

/// The fields a format reads once that `headers` hold with other values
/// too (the format uses the first), and how many others each has.
fn repeated_fields(p: &Composite, headers: &Headers) -> Vec<(&'static str, usize)> {
    let (_, problems) = p.extract_with_problems(&Context::default(), headers);
    problems
        .iter()
        .filter_map(|problem| match problem {
            Extracted::Repeated { field, differing } => Some((*field, *differing)),
            _ => None,
        })
        .collect()
}

impl Hop<'_> {
    fn explain(&self) -> (String, Vec<Finding>) {
        let everything = with_session(EVERYTHING, self.sender_session);
        let (sent_cx, sent_reports) = extract(&everything, self.sent);
        let (received_cx, received_reports) = extract(self.receiver, self.received);
        // What the receiver would read had the headers arrived as sent:
        // what it reads otherwise changed on the way. (The sent context is
        // read with every format, and formats may disagree.)
        let (unchanged, _) = extract(self.receiver, self.sent);
        let sent_formats = formats_in(self.sent);
        let received_formats = formats_in(self.received);
        let mut summary = format!(
            "sent:     {}\nreceived: {}, read with OTEL_PROPAGATORS={}\n",
            describe(&sent_cx, &names(parsed(&sent_formats))),
            describe(&received_cx, &names(parsed(&received_formats))),
            self.receiver_list,
        );
        let sent_fields = fields_in(self.sent, &everything);
        let received_fields = fields_in(self.received, &everything);
        let gone: Vec<&str> = sent_fields
            .difference(&received_fields)
            .map(String::as_str)
            .collect();

        let mut findings = Vec::new();
        if !gone.is_empty() {
            let trace_gone = gone.iter().any(|f| {
                !matches!(*f, "tracestate" | "baggage" | jaeger_baggage::HEADER)
                    && !uberctx::has_prefix(f)
            });
            let what = format!(
                "headers that disappeared on the way: {}. Something between the two \
                 services (a proxy, a gateway, an HTTP client that copies only some \
                 headers) dropped them",
                listed(&gone, ", ")
            );
            let fix = Some(format!("let {} through that hop", listed(&gone, ", ")));
            let lost_trace = trace_gone && received_cx.span_context().is_none();
            findings.push(if lost_trace {
                Finding::breaks(what, fix)
            } else {
                Finding::loses(what, fix)
            });
        }
        match (sent_cx.span_context(), received_cx.span_context()) {
            (None, _) => {
                findings.push(self.nothing_sent(&sent_cx, &sent_formats, &sent_reports));
                if let (Some(was), Some(now)) =
                    (decision_only(&sent_cx), decision_only(&received_cx))
                {
                    if was != now {
                        findings.push(Finding::loses(
                            format!(
                                "the sampling decision changed on the way: the caller sent it \
                                 without ids as {was}, the receiver reads {now}"
                            ),
                            Some(
                                "find what rewrites the header between the two (a proxy, a \
                                 sampler in between)"
                                    .to_owned(),
                            ),
                        ));
                    }
                }
            }
            (Some(_), None) if !gone.is_empty() && received_formats.is_empty() => {}
            (Some(_), None) => {
                findings.push(self.not_read(&received_cx, &received_formats, &received_reports))
            }
            (Some(sent), Some(got)) => {
                findings.extend(corrupted(&sent_formats, &received_formats));
                self.compare(sent, got, &received_formats, &mut summary, &mut findings)
            }
        }
        self.trace_state(
            [&sent_cx, &unchanged],
            &received_cx,
            &gone,
            &received_reports,
            &mut findings,
        );
        self.repeated(&everything, &mut findings);
        self.baggage_conflict(&mut findings);
        let reports = [sent_reports.as_slice(), received_reports.as_slice()];
        self.baggage(
            [&sent_cx, &unchanged],
            &received_cx,
            &gone,
            reports,
            &mut findings,
        );
        (summary, findings)
    }

    fn nothing_sent(&self, sent: &Context, formats: &[Arrived], reports: &[String]) -> Finding {
        // A header that did not parse reports why; one that parsed into a
        // decision alone reports nothing and is explained here instead.
        if let (Some(decision), []) = (decision_only(sent), reports) {
            let why = if decision == "deny" {
                ": it decided not to trace this request, so there is no trace to continue"
            } else {
                ", so the receiver starts a trace of its own"
            };
            return Finding::breaks(
                format!(
                    "no trace context injected: the caller sent only a sampling decision \
                     ({decision}), without trace and span ids{why}"
                ),
                Some(
                    "if the caller meant to trace this request, call \
                     baton::inject_context(&mut headers) on the outgoing request, inside the span"
                        .to_owned(),
                ),
            );
        }
        // Baggage or a session without a trace header: inject ran, in a
        // context with no span to send, which is what a baton root span
        // started before `baton::init` is (no pipeline: the API's span in
        // the absence of an SDK, with the invalid span context).
        if formats.is_empty() && (!sent.baggage().is_empty() || sent.session().is_some()) {
            return Finding::breaks(
                "no trace context injected: the caller sent baggage but no trace header, so it \
                 injected a context without a span (a baton span started before baton::init, \
                 with no pipeline, has no ids to send)"
                    .to_owned(),
                Some(
                    "install the caller's pipeline before its spans start \
                     (baton::init(baton::Config::from_env()?)), and inject inside the span"
                        .to_owned(),
                ),
            );
        }
        if formats.is_empty() {
            let (what, fix) = match self.sender {
                Some((p, list)) if p.is_empty() => (
                    format!("no context injected: the caller's OTEL_PROPAGATORS={list} writes no headers"),
                    format!("OTEL_PROPAGATORS={DEFAULT_PROPAGATORS} on the caller"),
                ),
                Some((p, list)) => (
                    format!(
                        "no context injected: the caller's OTEL_PROPAGATORS={list} would write {}, \
                         but its request carries none of them, so it never called inject",
                        p.fields().join(", ")
                    ),
                    "call baton::inject_context(&mut headers) on the outgoing request, inside \
                     the span"
                        .to_owned(),
                ),
                None => (
                    "no context injected: the caller's request carries no trace header \
                     (traceparent, b3, x-b3-traceid or uber-trace-id)"
                        .to_owned(),
                    "call baton::inject_context(&mut headers) on the outgoing request, inside \
                     the span"
                        .to_owned(),
                ),
            };
            return Finding::breaks(what, Some(fix));
        }
        Finding::breaks(
            format!(
                "no valid context injected: the caller sent {} but it does not parse: {}",
                names(formats),
                reports.join("; ")
            ),
            Some("check the caller's header with `baton decode`".to_owned()),
        )
    }

    fn not_read(&self, got: &Context, formats: &[Arrived], reports: &[String]) -> Finding {
        let readable: Vec<&str> = parsed(formats).map(|f| f.name).collect();
        match (readable.first(), decision_only(got)) {
            // Valid B3 without ids: there is no parse error to quote.
            (None, Some(decision)) if reports.is_empty() => Finding::breaks(
                format!(
                    "the ids were lost on the way: the receiver got only a sampling decision \
                     ({decision}) in {}",
                    names(formats)
                ),
                Some("compare the two blocks with `baton decode`".to_owned()),
            ),
            (Some(first), _) => Finding::breaks(
                format!(
                    "a format the receiver does not read: the context arrived as {}, but the \
                     receiver reads OTEL_PROPAGATORS={}",
                    readable.join(", "),
                    self.receiver_list
                ),
                Some(format!(
                    "OTEL_PROPAGATORS={} on the receiver",
                    with_propagator(self.receiver_list, first)
                )),
            ),
            (None, _) => Finding::breaks(
                format!(
                    "the context arrived invalid ({}): {}",
                    names(formats),
                    reports.join("; ")
                ),
                Some("compare the two blocks with `baton decode`".to_owned()),
            ),
        }
    }

    fn compare(
        &self,
        sent: &SpanContext,
        got: &SpanContext,
        received_formats: &[Arrived],
        summary: &mut String,
        findings: &mut Vec<Finding>,
    ) {
        let ids: BTreeSet<_> = received_formats
            .iter()
            .filter_map(|f| f.context.as_ref().map(SpanContext::trace_id))
            .collect();
        if ids.len() > 1 {
            let each: Vec<String> = received_formats
                .iter()
                .filter_map(|f| {
                    f.context
                        .as_ref()
                        .map(|sc| format!("{} carries {}", f.name, sc.trace_id()))
                })
                .collect();
            findings.push(Finding::loses(
                format!(
                    "conflicting contexts: {}; the receiver keeps {} and reports the others",
                    each.join(", "),
                    got.trace_id()
                ),
                Some(ONE_CONTEXT.to_owned()),
            ));
        } else {
            // Each format read alone may agree (b3 and b3multi both prefer a
            // valid `b3` to the `x-b3-*` beside it), while the receiver's
            // extract reports two contexts that disagree: say so.
            findings.extend(self.conflicts());
        }
        if got.trace_id() != sent.trace_id() {
            findings.push(Finding::breaks(
                format!(
                    "conflicting contexts: the receiver continues trace {}, not the caller's {} \
                     (a header was replaced on the way)",
                    got.trace_id(),
                    sent.trace_id()
                ),
                None,
            ));
            return;
        }
        if got.span_id() != sent.span_id() {
            summary.push_str(&format!(
                "note:     the parent span changed on the way from {} to {}: an intermediary \
                 recorded a span of its own between the two services\n",
                sent.span_id(),
                got.span_id()
            ));
        }
        let (was, now) = (sent.flags().is_sampled(), got.flags().is_sampled());
        if sent.is_deferred() {
            // The caller left the decision to the receiver: whatever the
            // receiver reads, nothing was flipped.
        } else if got.is_deferred() {
            findings.push(Finding::loses(
                format!(
                    "the sampling decision was lost on the way: the caller sent sampled={}, \
                     the receiver reads no decision (deferred) and samples on its own",
                    u8::from(was)
                ),
                Some(
                    "find what rewrites the header between the two (a proxy, a sampler in \
                     between)"
                        .to_owned(),
                ),
            ));
        } else if sent.is_debug() && !got.is_debug() && now {
            findings.push(Finding::loses(
                "the debug flag was lost on the way: the caller forced sampling (B3 `d`, \
                 X-B3-Flags: 1 or Jaeger's debug bit), the receiver reads a plain sampled=1, \
                 which samplers and collectors after it may drop"
                    .to_owned(),
                Some(
                    "find what rewrites the header between the two (a proxy, a propagation \
                     format without a debug flag, such as tracecontext)"
                        .to_owned(),
                ),
            ));
        } else if was != now {
            let consequence = if was {
                "the receiver will not record its spans: the trace has a hole from here on"
            } else {
                "the receiver records spans of a trace the caller did not keep"
            };
            findings.push(Finding::loses(
                format!(
                    "the sampled flag flipped: the caller sent sampled={}, the receiver reads \
                     sampled={}; {consequence}",
                    u8::from(was),
                    u8::from(now)
                ),
                Some(
                    "find what rewrites the flags between the two (a proxy, a sampler in between)"
                        .to_owned(),
                ),
            ));
        } else if got.is_debug() && !sent.is_debug() {
            findings.push(Finding::loses(
                "the debug flag was set on the way: the caller sent a plain sampled=1, the \
                 receiver reads debug (B3 `d`, X-B3-Flags: 1 or Jaeger's debug bit), which \
                 forces sampling in every service after it"
                    .to_owned(),
                Some(
                    "find what rewrites the header between the two (a proxy, a sampler in \
                     between)"
                        .to_owned(),
                ),
            ));
        }
        let (was_random, now_random) = (sent.flags().is_random(), got.flags().is_random());
        if was_random != now_random {
            let what = if was_random {
                "the random-trace-id flag was lost on the way: the caller said the trace id's \
                 last 7 bytes are random; probability samplers after it can no longer count on \
                 that"
            } else {
                "the random-trace-id flag was set on the way: the caller did not say the trace \
                 id's last 7 bytes are random, and samplers after it will count on that"
            };
            findings.push(Finding::loses(
                format!(
                    "{what} (W3C Trace Context level 2: a participant continuing a trace keeps \
                     the flag as it came)"
                ),
                Some(
                    "find what rewrites the flags between the two (a proxy, a format without \
                     the flag, such as b3 or jaeger)"
                        .to_owned(),
                ),
            ));
        }
    }

    /// The contexts the receiver's extract reports as disagreeing (another
    /// trace id, or the same trace from another parent span or with another
    /// decision: `Problem::Conflict`, `Problem::SpanConflict`; a decision
    /// without ids that the parent overrides without carrying it:
    /// `Problem::DecisionBesideParent`, each side named by its line's
    /// header), as findings.
    fn conflicts(&self) -> Vec<Finding> {
        let (_, problems) = self
            .receiver
            .extract_with_problems(&Context::default(), self.received);
        let decision = |s: Option<bool>| s.map_or("no decision (deferred)", sampled_or_not);
        problems
            .iter()
            .filter_map(|problem| {
                let what = match problem {
                    Extracted::Conflict {
                        kept,
                        kept_trace_id,
                        ignored,
                        ignored_trace_id,
                    } => format!(
                        "conflicting contexts: {kept} carries trace {kept_trace_id}, {ignored} \
                         carries {ignored_trace_id}; the receiver keeps {kept_trace_id} and \
                         reports the other"
                    ),
                    Extracted::SpanConflict {
                        kept,
                        kept_span_id,
                        kept_sampled,
                        ignored,
                        ignored_span_id,
                        ignored_sampled,
                        trace_id,
                    } => format!(
                        "conflicting contexts of trace {trace_id}: {kept} carries parent span \
                         {kept_span_id} {}, {ignored} carries {ignored_span_id} {}; the receiver \
                         keeps {kept}'s and reports the other",
                        decision(*kept_sampled),
                        decision(*ignored_sampled)
                    ),
                    Extracted::DecisionBesideParent { .. } => {
                        let named = decode::beside_parent_on_lines(problem, self.lines[1].0)
                            .map_or(*problem, |(named, _, _)| named);
                        return Some(Finding::loses(
                            format!(
                                "the receiver ignores a sampling decision sent without ids: \
                                 {named}"
                            ),
                            Some(ONE_DECISION.to_owned()),
                        ));
                    }
                    _ => return None,
                };
                Some(Finding::loses(what, Some(ONE_CONTEXT.to_owned())))
            })
            .collect()
    }

    /// A field the receiver reads once that arrived with other values too: it
    /// uses the first, so the context it continues may not be the one meant.
    fn repeated(&self, everything: &Composite, findings: &mut Vec<Finding>) {
        let sent = repeated_fields(everything, self.sent);
        for (field, differing) in repeated_fields(self.receiver, self.received) {
            let fix = if sent.iter().any(|(f, _)| *f == field) {
                "the caller sends it more than once: set the header, do not add a second one"
                    .to_owned()
            } else {
                format!(
                    "find what adds a second {field} between the two (a proxy, a gateway): it \
                     should replace the header"
                )
            };
            findings.push(Finding::loses(
                format!(
                    "{field} arrived with {differing} more value(s) that differ from the first; the \
                     receiver uses the first and ignores the others"
                ),
                Some(fix),
            ));
        }
    }

    /// Each baggage key the received lines give two values, in what the
    /// receiver reads, as `decode` names it: the receiver keeps one and
    /// loses the other (found: a caller's `baggage: k=1,k=2` arriving as
    /// sent was "intact"). A key is blamed on the caller when it gave that
    /// key two values itself, else on the way.
    fn baggage_conflict(&self, findings: &mut Vec<Finding>) {
        let [sent, received] = self.lines.map(|(lines, reading)| {
            // The lines the receiver takes baggage from, as `decode` sees
            // them: the others cannot conflict in it.
            let read: Vec<HeaderLine> = lines
                .iter()
                .filter(|l| {
                    let name = l.name.to_ascii_lowercase();
                    let format = if name == "baggage" {
                        "baggage"
                    } else if uberctx::has_prefix(&name) || name == jaeger_baggage::HEADER {
                        "jaeger"
                    } else if name == reading.session().header() {
                        "session"
                    } else {
                        return false;
                    };
                    reads(self.receiver_list, format)
                })
                .cloned()
                .collect();
            decode::baggage_conflicts(&read, reading)
        });
        let callers: HashSet<&str> = sent.iter().filter_map(|d| d.key.as_deref()).collect();
        for conflict in received {
            let by_caller = conflict.key.as_deref().is_some_and(|k| callers.contains(k));
            let fix = if by_caller {
                "the caller gives the key two values: set it once"
            } else {
                "find what adds the other value between the two (a proxy, a gateway): it should \
                 replace the member"
            };
            findings.push(Finding::loses(
                format!("received {}", conflict.text),
                Some(fix.to_owned()),
            ));
        }
    }

    /// `sent` is the sent block read with every format, and as the
    /// receiver reads it.
    fn trace_state(
        &self,
        [sent, unchanged]: [&Context; 2],
        got: &Context,
        gone: &[&str],
        reports: &[String],
        findings: &mut Vec<Finding>,
    ) {
        let (written, _) = list_size(self.sent, "tracestate");
        let kept = got.span_context().map_or(0, |sc| sc.trace_state().len());
        if let (Some(s), Some(g)) = (unchanged.span_context(), got.span_context()) {
            // Only the participant that records a span may change the
            // tracestate ("Mutating the tracestate Field"): under the same
            // parent span, nobody in between should have. Fewer members
            // is a truncation, said below.
            let same_parent = s.trace_id() == g.trace_id() && s.span_id() == g.span_id();
            let (before, after) = (s.trace_state(), g.trace_state());
            if same_parent && after.len() >= before.len() && before != after {
                let text = |ts: &TraceState| match ts.as_str() {
                    "" => "none".to_owned(),
                    members => members.to_owned(),
                };
                findings.push(Finding::loses(
                    format!(
                        "tracestate changed on the way: the caller sent {}, the receiver reads \
                         {} under the same parent span",
                        text(before),
                        text(after)
                    ),
                    Some(
                        "find what rewrites the tracestate header between the two (a proxy, \
                         a gateway): only a participant that records a span may change it"
                            .to_owned(),
                    ),
                ));
            }
        }
        if written == 0 || kept >= written || got.span_context().is_none() {
            return;
        }
        if gone.contains(&"tracestate") || sent.span_context().is_none() {
            return;
        }
        let (arrived, _) = list_size(self.received, "tracestate");
        let why = if !reads(self.receiver_list, "tracecontext") {
            format!(
                "tracestate travels only with tracecontext, which the receiver does not read \
                 (fix: OTEL_PROPAGATORS={})",
                with_propagator(self.receiver_list, "tracecontext")
            )
        } else if arrived < written {
            format!("the header was cut on the way: {arrived} members arrived")
        } else if values(self.sent, "tracestate") != values(self.received, "tracestate") {
            // Members added or rewritten, one of them invalid: W3C has the
            // receiver drop the whole header.
            match quoted(reports, "tracestate") {
                Some(report) => {
                    format!(
                        "the header was changed on the way, and the receiver dropped it: {report}"
                    )
                }
                None => "the header was changed on the way".to_owned(),
            }
        } else {
            match quoted(reports, "tracestate") {
                Some(report) => format!(
                    "the receiver dropped it: {report} (W3C allows {} members, keys of {} bytes, \
                     values of {})",
                    TraceState::MAX_MEMBERS,
                    TraceState::MAX_KEY_LEN,
                    TraceState::MAX_VALUE_LEN
                ),
                None => "the receiver dropped members".to_owned(),
            }
        };
        findings.push(Finding::loses(
            format!("tracestate truncated: the caller sent {written} members, the receiver keeps {kept}: {why}"),
            None,
        ));
    }

    /// Baggage and session members lost or changed; `sent` is the sent
    /// block read with every format, and as the receiver reads it;
    /// `reports` are what reading the sent and the received block reported.
    fn baggage(
        &self,
        [sent, unchanged]: [&Context; 2],
        got: &Context,
        gone: &[&str],
        [sent_reports, reports]: [&[String]; 2],
        findings: &mut Vec<Finding>,
    ) {
        // The members as written: the sent context is itself cut by the limits.
        let mut written: Vec<String> = values(self.sent, "baggage")
            .iter()
            .flat_map(|l| l.split(','))
            .filter_map(|m| {
                let key = m.split([';', '=']).next()?.trim();
                (!key.is_empty()).then(|| key.to_owned())
            })
            .collect();
        written.extend(
            self.sent
                .iter()
                .filter(|(n, _)| uberctx::has_prefix(n))
                .map(|(n, _)| n[uberctx::BAGGAGE_PREFIX.len()..].to_ascii_lowercase()),
        );
        written.extend(
            values(self.sent, jaeger_baggage::HEADER)
                .iter()
                .flat_map(|l| jaeger_baggage::entries(l).flatten())
                .map(|e| e.key.to_owned()),
        );
        let missing: Vec<&str> = written
            .iter()
            .map(String::as_str)
            .filter(|k| *k != "session.id" && got.baggage().get(k).is_none())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let carried_by_baggage = !values(self.received, "baggage").is_empty();
        let carried_by_uberctx = self.received.iter().any(|(n, _)| uberctx::has_prefix(n));
        let carried_by_jaeger = match (
            carried_by_uberctx,
            !values(self.received, jaeger_baggage::HEADER).is_empty(),
        ) {
            (true, false) => Some("uberctx-* headers"),
            (false, true) => Some("a jaeger-baggage header"),
            (true, true) => Some("uberctx-* and jaeger-baggage headers"),
            (false, false) => None,
        };
        let uberctx_gone: Vec<&str> = gone
            .iter()
            .copied()
            .filter(|name| uberctx::has_prefix(name))
            .collect();
        let why_baggage = || {
            if gone.contains(&"baggage") {
                "the baggage header disappeared on the way".to_owned()
            } else if !uberctx_gone.is_empty() {
                format!(
                    "the {} header(s) disappeared on the way",
                    listed(&uberctx_gone, ", ")
                )
            } else if let Some(how) = carried_by_jaeger
                .filter(|_| !carried_by_baggage && !reads(self.receiver_list, "jaeger"))
            {
                format!(
                    "they arrived as {how}, which only the jaeger propagator reads \
                     (fix: OTEL_PROPAGATORS={})",
                    with_propagator(self.receiver_list, "jaeger")
                )
            } else if carried_by_baggage && !reads(self.receiver_list, "baggage") {
                format!(
                    "the receiver does not read baggage (fix: OTEL_PROPAGATORS={})",
                    with_propagator(self.receiver_list, "baggage")
                )
            } else if values(self.sent, "baggage") != values(self.received, "baggage") {
                "the baggage header was changed or cut on the way".to_owned()
            } else {
                let (members, bytes) = baggage_size(self.received);
                let limit = if members > Baggage::MAX_MEMBERS {
                    format!(
                        "the W3C limit of {} members ({members} sent)",
                        Baggage::MAX_MEMBERS
                    )
                } else if bytes > Baggage::MAX_BYTES {
                    format!(
                        "the W3C limit of {} bytes ({bytes} sent)",
                        Baggage::MAX_BYTES
                    )
                } else {
                    "an invalid member".to_owned()
                };
                match quoted(reports, "baggage") {
                    Some(report) => format!("dropped by {limit}: {report}"),
                    None => format!("dropped by {limit}"),
                }
            }
        };
        if !missing.is_empty() {
            findings.push(Finding::loses(
                format!(
                    "baggage members dropped: {} ({} of {}): {}",
                    listed(&missing, ", "),
                    missing.len(),
                    written.len(),
                    why_baggage()
                ),
                None,
            ));
        }
        // What arrived under a key the caller sent, but not as sent (the
        // session has its own finding below).
        let members = || {
            unchanged
                .baggage()
                .iter()
                .filter(|(k, _, _)| *k != Session::BAGGAGE_KEY)
        };
        let changed: Vec<String> = members()
            .filter_map(|(key, value, properties)| {
                let (_, now, now_properties) = got.baggage().iter().find(|(k, _, _)| *k == key)?;
                if now != value {
                    Some(format!("{key}: {value:?} became {now:?}"))
                } else if properties.is_empty() || now_properties == properties {
                    None
                } else if now_properties.is_empty() {
                    Some(format!("{key}: the properties ;{properties} were dropped"))
                } else {
                    Some(format!(
                        "{key}: the properties ;{properties} became ;{now_properties}"
                    ))
                }
            })
            .collect();
        if !changed.is_empty() {
            findings.push(Finding::loses(
                format!(
                    "baggage values changed on the way: {} ({} of {})",
                    listed(&changed, "; "),
                    changed.len(),
                    members().count()
                ),
                Some(
                    "find what rewrites the baggage between the two (a proxy, a gateway, a \
                     format without properties, such as jaeger)"
                        .to_owned(),
                ),
            ));
        }
        let header = self.sender_session.header();
        if let Some(report) = quoted(sent_reports, header) {
            // The report counts what was skipped; the value says why.
            let why = match values(self.sent, header)[..] {
                [id] => check_session_id(id).map_or_else(|e| e.to_string(), |()| report),
                [] => report,
                ref ids => format!("it appears {} times; a request carries one", ids.len()),
            };
            findings.push(Finding::loses(
                format!("session dropped: the caller's {header} header is invalid: {why}"),
                None,
            ));
        }
        let Some(session) = sent.session() else {
            return;
        };
        if got.session().as_ref() == Some(&session) {
            return;
        }
        let by_header = !values(self.received, header).is_empty();
        let why = if let Some(lost) = gone.iter().find(|f| **f == header || **f == "baggage") {
            format!("the {lost} header that carried it disappeared on the way")
        } else if by_header && !carried_by_baggage && !reads(self.receiver_list, "session") {
            format!(
                "it arrived in {header}, which the receiver does not read (fix: \
                 OTEL_PROPAGATORS={})",
                with_propagator(self.receiver_list, "session")
            )
        } else if by_header && !carried_by_baggage && self.receiver_session.header() != header {
            format!(
                "it arrived in {header}, but the receiver reads its session from {} (fix: \
                 the same {BATON_SESSION_HEADER} on both sides)",
                self.receiver_session.header()
            )
        } else if !by_header && !carried_by_baggage && carried_by_jaeger.is_none() {
            format!(
                "no header carries it to the receiver (fix: OTEL_PROPAGATORS={} on both \
                 sides)",
                with_propagator(self.receiver_list, "session")
            )
        } else if let Some(report) = quoted(reports, "session") {
            format!("the receiver rejected it: {report}")
        } else {
            why_baggage()
        };
        findings.push(Finding::loses(
            format!("session dropped: the caller's session {session} does not reach the receiver: {why}"),
            None,
        ));
    }
}
