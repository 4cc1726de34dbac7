//! `baton convert --to FORMAT [HEADER-LINE...]`: reads header lines in any
//! format, extracts the context, and writes it as header lines in `FORMAT`.
//!
//! Baggage goes along: as a W3C `baggage` line next to W3C and B3 headers
//! (B3 has no baggage of its own), as `uberctx-*` lines with Jaeger (a
//! `jaeger-baggage` line's entries too, read as extraction reads them).
//!
//! What the target format cannot carry (a tracestate in B3 or Jaeger, the
//! W3C `random` flag, a B3 deferred decision in W3C or Jaeger, baggage
//! properties in Jaeger, a baggage key Jaeger has no header name for) is
//! named on stderr, one line each, once (the inject's own report is not
//! printed beside it): the output is
//! the closest the format allows, never a silent loss. So is a parent span
//! id, which only Jaeger sends on: W3C has no place for it, and B3 inject
//! never writes one (OpenTelemetry "MUST NOT propagate `X-B3-ParentSpanId`").
//! So is what extraction leaves unread: a `tracestate` without a
//! `traceparent`, a higher `traceparent` version's unknown flag bits and
//! fields, and Jaeger flag bits but sampled and debug.
//! The variables of an `env` listing that carry no context are skipped and
//! named there too, in one line.
//!
//! A sampling decision without ids (B3's `b3: 0`, `b3: 1`, `b3: d`,
//! `X-B3-Sampled` or `X-B3-Flags: 1` alone) converts between the two B3
//! encodings as B3 inject writes it (`b3: d` becomes `x-b3-flags: 1`). W3C
//! and Jaeger carry a decision only with ids: converting one there loses
//! it, which is said on stderr; with nothing else to write (no baggage)
//! the conversion fails (exit 1).

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use baton::propagation::{Composite, Propagator};
use baton::wire::traceparent::{self, VERSION_00_LEN};
use baton::wire::{uber_trace_id, uberctx};
use baton::{Baggage, Context, SpanContext, TraceFlags};

use super::decode;
use super::{
    option_text, printed, read_failed, read_lines, refuse_options, sampled_or_not, usage_error,
    Input, Unread, INVALID_INPUT,
};

/// `--to` names and the propagators they write with.
const TARGETS: [(&str, &str); 4] = [
    ("tracecontext", "tracecontext,baggage"),
    ("b3", "b3,baggage"),
    ("b3multi", "b3multi,baggage"),
    ("jaeger", "jaeger"),
];

pub fn run(args: &[OsString]) -> ExitCode {
    let (target, lines) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(problem) => return usage_error(&problem),
    };
    if let Some(refused) = refuse_options("convert", lines) {
        return refused;
    }
    // This process runs no other handler. What the library reports is
    // said as it would say it, but for the inject's reports: convert
    // names each of those losses itself, with why, from the read-back.
    let _ = baton::set_diagnostic_handler(Box::new(|d| {
        if !INJECTING.load(Ordering::Relaxed) {
            let _ = writeln!(io::stderr(), "{d}");
        }
    }));
    printed(|out, err| convert(target, lines, out, err))
}

/// Set while convert injects: what inject leaves out shows in the
/// read-back, which [`losses`] names member by member (Jaeger inject's
/// own report counts them and names the first), so it is said once.
static INJECTING: AtomicBool = AtomicBool::new(false);

/// Converts `lines` to `target` (a list of propagators): the headers on
/// `out`, what is lost or refused on `err`.
fn convert(
    target: &str,
    lines: &[OsString],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitCode> {
    let Input {
        lines,
        skipped,
        reading,
    } = match read_lines(lines) {
        Ok(input) => match input.nothing_read() {
            Some(problem) => {
                writeln!(err, "baton: {problem}")?;
                return Ok(ExitCode::from(INVALID_INPUT));
            }
            None => input,
        },
        Err(Unread::Invalid(e)) => return e.report(err),
        Err(Unread::Failed(e)) => return read_failed("standard input", &e, err),
    };
    // Refuse what `decode` would reject, with the same precise message,
    // rather than converting whatever part happened to be valid.
    let mut invalid = false;
    let decoder = decode::Decoder::new(&lines, &reading);
    for line in &lines {
        if let Err(e) = decoder.decode(line) {
            e.report(line, err)?;
            invalid = true;
        }
    }
    for conflict in decode::conflicts(&lines, &reading) {
        writeln!(err, "{conflict}")?;
        invalid = true;
    }
    for passed in decode::limits_passed(&lines, &reading) {
        writeln!(err, "{passed}")?;
        invalid = true;
    }
    if invalid {
        return Ok(ExitCode::from(INVALID_INPUT));
    }

    let headers: Vec<(String, String)> = lines.into_iter().map(|l| (l.name, l.value)).collect();
    let read = reading.formats();
    let cx = read.extract(&Context::default(), &headers);
    if cx.span_context().is_none() && cx.remote_decision().is_none() {
        writeln!(
            err,
            "baton: no trace and span ids in the input to convert, and no sampling decision"
        )?;
        return Ok(ExitCode::from(INVALID_INPUT));
    }
    if let Some(named) = reading.note() {
        writeln!(err, "baton: convert: {named}")?;
    }
    if let Some(skipped) = skipped.summary() {
        writeln!(err, "baton: convert: {skipped}")?;
    }
    let mut converted: Vec<(String, String)> = Vec::new();
    INJECTING.store(true, Ordering::Relaxed);
    composite(target).inject(&cx, &mut converted);
    INJECTING.store(false, Ordering::Relaxed);
    // Read back as any receiver would: what differs is what the format
    // could not carry.
    let back = read.extract(&Context::default(), &converted);
    let format = target.split(',').next().unwrap_or(target);
    for lost in not_read(&headers)
        .into_iter()
        .chain(losses(&cx, &back, format))
    {
        writeln!(err, "baton: convert --to {format}: {lost}")?;
    }
    if converted.is_empty() {
        // Everything was lost (a lone decision in a format that needs ids):
        // no output is no success.
        writeln!(err, "baton: convert --to {format}: nothing to write")?;
        return Ok(ExitCode::from(INVALID_INPUT));
    }
    for (name, value) in converted {
        writeln!(out, "{name}: {value}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What of the input extraction leaves unread, so the context converted
/// lacks it: a Jaeger header's flag bits but sampled and debug; a
/// higher-version `traceparent`'s flag bits but sampled and random, and
/// what follows its flags (W3C reads only the version-00 fields of a
/// higher version); a `tracestate` that came without a `traceparent`
/// (W3C reads it only with one).
fn not_read(headers: &[(String, String)]) -> Vec<String> {
    let named = |header: &'static str| {
        headers
            .iter()
            .filter(move |(name, _)| name.eq_ignore_ascii_case(header))
            .map(|(_, value)| value.as_str())
    };
    let mut unread = Vec::new();
    let jaeger_bits = named(uber_trace_id::HEADER)
        .filter_map(|value| uber_trace_id::parse(value).ok())
        .map(|h| decode::jaeger_bits_not_carried(&h))
        .find(|&bits| bits != 0);
    if let Some(bits) = jaeger_bits {
        unread.push(format!(
            "Jaeger flag bits {bits:02x} are not carried on (baton keeps sampled and debug)"
        ));
    }
    for value in named("traceparent") {
        let Ok(tp) = traceparent::parse(value) else {
            continue;
        };
        let bits = tp.flags.bits() & !tp.flags.known().bits();
        if tp.version != 0 && bits != 0 {
            unread.push(format!(
                "traceparent version {:02x}: flag bits {bits:02x} are not carried on (of a \
                 higher version, W3C reads the sampled and random bits)",
                tp.version
            ));
        }
        if let Some(rest) = value.get(VERSION_00_LEN..).filter(|rest| !rest.is_empty()) {
            unread.push(format!(
                "traceparent version {:02x}: {rest:?} after the flags is not read (of a \
                 higher version, W3C reads the fields version 00 has)",
                tp.version
            ));
        }
    }
    let tracestate: Vec<&str> = named("tracestate").filter(|v| !v.is_empty()).collect();
    if !tracestate.is_empty() && named("traceparent").next().is_none() {
        unread.push(format!(
            "tracestate dropped: {}: no traceparent came with it, and W3C reads a \
             tracestate only with its traceparent",
            tracestate.join(",")
        ));
    }
    unread
}

/// What `back`, the converted headers read back, lacks of `cx`, in
/// `format`.
fn losses(cx: &Context, back: &Context, format: &str) -> Vec<String> {
    let mut lost = Vec::new();
    if let (Some(sc), Some(got)) = (cx.span_context(), back.span_context()) {
        context_losses(sc, got, &mut lost);
    }
    if let (None, Some(decision)) = (cx.span_context(), cx.remote_decision()) {
        if back.remote_decision() != Some(decision) {
            lost.push(format!(
                "the sampling decision, {}, sent without trace and span ids, is lost: \
                 {format} carries a decision only with ids (B3 carries one alone)",
                decode::sampling_text(Some(decision))
            ));
        }
    }
    for (key, value, properties) in cx.baggage().iter() {
        match back.baggage().iter().find(|(k, _, _)| *k == key) {
            None => lost.push(match dropped_because(key, format) {
                Some(why) => format!("baggage member {key} dropped: {why}"),
                None => format!("baggage member {key} dropped"),
            }),
            Some((_, v, _)) if v != value => lost.push(format!(
                "baggage member {key} changed from {value:?} to {v:?}"
            )),
            Some((_, _, p)) if p != properties => lost.push(format!(
                "baggage member {key} loses its properties ;{properties}"
            )),
            Some(_) => {}
        }
    }
    lost
}

/// Why `format` dropped baggage key `key`, for Jaeger, which says it in
/// its inject's report (not printed: see [`INJECTING`]): the key is no
/// header name, or the entry passes the byte limit, which the baggage
/// converted fits but for a value that encodes longer as `uberctx-*`.
fn dropped_because(key: &str, format: &str) -> Option<String> {
    if format != "jaeger" {
        return None;
    }
    let name = [uberctx::BAGGAGE_PREFIX, key].concat();
    Some(match uberctx::format_baggage_name(key) {
        Err(e) => format!("{name}: {e}"),
        Ok(_) => format!(
            "{name}: past the limit of {} bytes, its value encoded as uberctx- values are",
            Baggage::MAX_BYTES
        ),
    })
}

fn context_losses(sc: &SpanContext, got: &SpanContext, lost: &mut Vec<String>) {
    if sc.is_deferred() && !got.is_deferred() {
        let now = sampled_or_not(got.is_sampled());
        lost.push(format!(
            "no sampling decision (deferred) becomes {now}: the format cannot defer it"
        ));
    } else if sc.is_debug() && !got.is_debug() {
        lost.push("the debug flag is dropped (the span stays sampled)".to_owned());
    }
    // Each flag on its own: one lost hides no other.
    if sc.flags().is_random() && !got.flags().is_random() {
        lost.push("the W3C random flag (the trace id is random) is dropped".to_owned());
    }
    let random = TraceFlags::default().with_random(true).bits();
    let changed = sc.flags().bits() ^ got.flags().bits();
    if changed & !random != 0 && !sc.is_deferred() {
        lost.push(format!(
            "trace flags {:02x} become {:02x}",
            sc.flags().bits(),
            got.flags().bits()
        ));
    }
    if let (Some(parent), None) = (sc.parent_span_id(), got.parent_span_id()) {
        lost.push(format!("parent span id {parent} dropped"));
    }
    if !sc.trace_state().is_empty() && sc.trace_state() != got.trace_state() {
        lost.push(format!("tracestate dropped: {}", sc.trace_state().as_str()));
    }
}

/// Splits `--to FORMAT` (or `--to=FORMAT`) from the header lines.
fn parse_args(args: &[OsString]) -> Result<(&'static str, &[OsString]), String> {
    let Some(first) = args.first() else {
        return Err("convert needs --to FORMAT".into());
    };
    let first = option_text(first)?;
    let (name, rest) = if let Some(name) = first.strip_prefix("--to=") {
        (name, &args[1..])
    } else if first == "--to" {
        match args.get(1) {
            Some(name) => (option_text(name)?, &args[2..]),
            None => return Err("convert: --to needs a format".into()),
        }
    } else {
        return Err(format!("convert: expected --to FORMAT, found {first:?}"));
    };
    if rest
        .iter()
        .any(|a| a == "--to" || a.to_string_lossy().starts_with("--to="))
    {
        return Err("convert: --to given twice".into());
    }
    TARGETS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, list)| (*list, rest))
        .ok_or_else(|| format!("convert: unknown format {name:?}"))
}

fn composite(list: &str) -> Composite {
    // The lists above are fixed and valid.
    Composite::from_list(list).unwrap_or_default()
}
