//! The composites, carriers and model of the composite-matrix audit
//! (`tests/composite_matrix_*.rs`): every single format, every ordered
//! pair of distinct formats, the default list and `tracecontext,b3,jaeger`;
//! carriers built from remote parents written in each trace format; and
//! what the README and `composite.rs` say a composite extracts from them.

#![allow(dead_code)]

use baton::propagation::{self as p, Composite, Propagator, SessionHeader, W3cBaggage};

/// One name of `OTEL_PROPAGATORS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    TraceContext,
    Baggage,
    B3,
    B3Multi,
    Jaeger,
    Session,
}

pub use Format::*;

impl Format {
    pub const ALL: [Format; 6] = [TraceContext, Baggage, B3, B3Multi, Jaeger, Session];

    pub fn name(self) -> &'static str {
        match self {
            TraceContext => "tracecontext",
            Baggage => "baggage",
            B3 => "b3",
            B3Multi => "b3multi",
            Jaeger => "jaeger",
            Session => "session",
        }
    }

    pub fn propagator(self) -> Box<dyn Propagator> {
        match self {
            TraceContext => Box::new(p::TraceContext),
            Baggage => Box::new(W3cBaggage),
            B3 => Box::new(p::B3::single()),
            B3Multi => Box::new(p::B3::multi()),
            Jaeger => Box::new(p::Jaeger),
            Session => Box::new(SessionHeader::default()),
        }
    }

    /// The field a composite names the format by in its problems (its
    /// first field).
    pub fn field(self) -> &'static str {
        match self {
            TraceContext => "traceparent",
            Baggage => "baggage",
            B3 => "b3",
            B3Multi => "x-b3-traceid",
            Jaeger => "uber-trace-id",
            Session => "baton-session-id",
        }
    }

    pub fn carries_parent(self) -> bool {
        matches!(self, TraceContext | B3 | B3Multi | Jaeger)
    }

    /// Whether the format carries baggage entries (not only the session).
    pub fn carries_baggage(self) -> bool {
        matches!(self, Baggage | Jaeger)
    }

    /// Whether the format carries B3 or Jaeger debug.
    pub fn carries_debug(self) -> bool {
        matches!(self, B3 | B3Multi | Jaeger)
    }

    /// The trace headers (sources) this format reads a parent from.
    pub fn reads(self, s: Source) -> bool {
        match self {
            TraceContext => s == Source::Traceparent,
            B3 | B3Multi => matches!(s, Source::B3Single | Source::B3Multi),
            Jaeger => s == Source::Uber,
            Baggage | Session => false,
        }
    }
}

/// The composites walked: each single format, each ordered pair of
/// distinct formats, the default and a three-format list.
pub fn composites() -> Vec<Vec<Format>> {
    let mut out: Vec<Vec<Format>> = Format::ALL.iter().map(|f| vec![*f]).collect();
    for a in Format::ALL {
        for b in Format::ALL {
            if a != b {
                out.push(vec![a, b]);
            }
        }
    }
    out.push(vec![TraceContext, Baggage]);
    out.push(vec![TraceContext, B3, Jaeger]);
    out
}

pub fn composite(formats: &[Format]) -> Composite {
    Composite::new(formats.iter().map(|f| f.propagator()).collect())
}

pub fn list_name(formats: &[Format]) -> String {
    formats
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(",")
}

/// Checks that `composite` built by `Composite::new` and by
/// `Composite::from_list` agree on the fields (the session entry of
/// `from_list` reads `BATON_SESSION_HEADER`, unset in tests).
pub fn from_list_agrees(formats: &[Format]) {
    let listed = Composite::from_list(&list_name(formats)).unwrap();
    assert_eq!(
        listed.fields(),
        composite(formats).fields(),
        "{}",
        list_name(formats)
    );
}

/// A header family that carries a remote parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Traceparent,
    B3Single,
    B3Multi,
    Uber,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Traceparent,
        Source::B3Single,
        Source::B3Multi,
        Source::Uber,
    ];

    pub fn can_carry(self, d: Decision) -> bool {
        match self {
            Source::Traceparent => matches!(d, Decision::Sampled | Decision::NotSampled),
            Source::Uber => d != Decision::Deferred,
            Source::B3Single | Source::B3Multi => true,
        }
    }

    pub fn carries_parent_span_id(self) -> bool {
        self != Source::Traceparent
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Sampled,
    NotSampled,
    Debug,
    Deferred,
}

impl Decision {
    pub const ALL: [Decision; 4] = [
        Decision::Sampled,
        Decision::NotSampled,
        Decision::Debug,
        Decision::Deferred,
    ];

    pub fn sampled(self) -> Option<bool> {
        match self {
            Decision::Sampled | Decision::Debug => Some(true),
            Decision::NotSampled => Some(false),
            Decision::Deferred => None,
        }
    }
}

pub const T1: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
pub const T2: &str = "0af7651916cd43dd8448eb211c80319c";
pub const S1: &str = "00f067aa0ba902b7";
pub const S2: &str = "b7ad6b7169203331";
pub const P1: &str = "e457b5a2e4d86bd1";

/// A remote parent as a carrier writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parent {
    pub trace: &'static str,
    pub span: &'static str,
    pub parent: Option<&'static str>,
    pub decision: Decision,
}

pub const fn parent(trace: &'static str, span: &'static str, decision: Decision) -> Parent {
    Parent {
        trace,
        span,
        parent: None,
        decision,
    }
}

/// How a source's header is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broken {
    BadHex,
    WrongLength,
    ZeroTraceId,
    ZeroSpanId,
}

impl Broken {
    pub const ALL: [Broken; 4] = [
        Broken::BadHex,
        Broken::WrongLength,
        Broken::ZeroTraceId,
        Broken::ZeroSpanId,
    ];

    fn ids(self) -> (String, String) {
        match self {
            Broken::BadHex => (T2.replacen('a', "g", 1), S2.to_owned()),
            // Too long: Jaeger reads a shorter id as left-padded.
            Broken::WrongLength => (format!("{T2}a"), S2.to_owned()),
            Broken::ZeroTraceId => ("0".repeat(32), S2.to_owned()),
            Broken::ZeroSpanId => (T2.to_owned(), "0".repeat(16)),
        }
    }
}

/// What one source in a carrier holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    Valid(Parent),
    Invalid(Broken),
}

pub type Carrier = Vec<(String, String)>;

/// The headers of `source` holding `parent`.
pub fn headers(source: Source, parent: &Parent) -> Carrier {
    let d = parent.decision;
    let h = |k: &str, v: String| (k.to_owned(), v);
    match source {
        Source::Traceparent => {
            let flags = if d.sampled() == Some(true) {
                "01"
            } else {
                "00"
            };
            vec![h(
                "traceparent",
                format!("00-{}-{}-{flags}", parent.trace, parent.span),
            )]
        }
        Source::B3Single => {
            let mut v = format!("{}-{}", parent.trace, parent.span);
            match d {
                Decision::Sampled => v.push_str("-1"),
                Decision::NotSampled => v.push_str("-0"),
                Decision::Debug => v.push_str("-d"),
                Decision::Deferred => {}
            }
            if let Some(p) = parent.parent {
                // The grammar puts a decision before the parent.
                assert!(d != Decision::Deferred, "a deferred b3 has no parent");
                v.push('-');
                v.push_str(p);
            }
            vec![h("b3", v)]
        }
        Source::B3Multi => {
            let mut out = vec![
                h("X-B3-TraceId", parent.trace.to_owned()),
                h("X-B3-SpanId", parent.span.to_owned()),
            ];
            if let Some(p) = parent.parent {
                out.push(h("X-B3-ParentSpanId", p.to_owned()));
            }
            match d {
                Decision::Sampled => out.push(h("X-B3-Sampled", "1".into())),
                Decision::NotSampled => out.push(h("X-B3-Sampled", "0".into())),
                Decision::Debug => out.push(h("X-B3-Flags", "1".into())),
                Decision::Deferred => {}
            }
            out
        }
        Source::Uber => {
            let flags = match d {
                Decision::Sampled => "01",
                Decision::NotSampled => "00",
                Decision::Debug => "03",
                Decision::Deferred => unreachable!("jaeger always decides"),
            };
            vec![h(
                "uber-trace-id",
                format!(
                    "{}:{}:{}:{flags}",
                    parent.trace,
                    parent.span,
                    parent.parent.unwrap_or("0")
                ),
            )]
        }
    }
}

/// The headers of `source` broken as `broken` says.
pub fn broken_headers(source: Source, broken: Broken) -> Carrier {
    let (t, s) = broken.ids();
    let h = |k: &str, v: String| (k.to_owned(), v);
    match source {
        Source::Traceparent => vec![h("traceparent", format!("00-{t}-{s}-01"))],
        Source::B3Single => vec![h("b3", format!("{t}-{s}-1"))],
        Source::B3Multi => vec![
            h("x-b3-traceid", t),
            h("x-b3-spanid", s),
            h("x-b3-sampled", "1".into()),
        ],
        Source::Uber => vec![h("uber-trace-id", format!("{t}:{s}:0:01"))],
    }
}

/// The carrier holding each of `held` in its source, in order.
pub fn carrier_of(held: &[(Source, Held)]) -> Carrier {
    held.iter()
        .flat_map(|(s, h)| match h {
            Held::Valid(p) => headers(*s, p),
            Held::Invalid(b) => broken_headers(*s, *b),
        })
        .collect()
}

/// `carrier` with every header name in another case.
pub fn mixed_case(carrier: &Carrier) -> Carrier {
    carrier
        .iter()
        .map(|(k, v)| {
            let name: String = k
                .char_indices()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            (name, v.clone())
        })
        .collect()
}

/// What a composite is expected to extract as its remote parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub trace: &'static str,
    pub span: &'static str,
    pub sampled: bool,
    pub debug: bool,
    /// The format whose context was kept.
    pub kept_by: Format,
}

/// A conflict a composite is expected to report: (`Conflict` when true,
/// else `SpanConflict`, kept field, ignored field).
pub type Conflict = (bool, &'static str, &'static str);

/// What a B3 format reads from `held`: a valid `b3` wins over `x-b3-*`,
/// which add to it what it left out when they carry the same parent (a
/// decision it deferred, debug).
fn b3_read(held: &[(Source, Held)]) -> Option<Parent> {
    let find = |source| {
        held.iter().find_map(|(s, h)| match h {
            Held::Valid(p) if *s == source => Some(*p),
            _ => None,
        })
    };
    match (find(Source::B3Single), find(Source::B3Multi)) {
        (Some(mut single), Some(multi)) => {
            if same_parent(&single, &multi) {
                complete(&mut single, &multi);
            }
            Some(single)
        }
        (single, multi) => single.or(multi),
    }
}

/// Whether `a` and `b` are the same parent: the same ids, no other decision.
fn same_parent(a: &Parent, b: &Parent) -> bool {
    let decisions_differ = matches!(
        (a.decision.sampled(), b.decision.sampled()),
        (Some(x), Some(y)) if x != y
    );
    a.trace == b.trace && a.span == b.span && !decisions_differ
}

/// `kept` with what `later`, the same parent, adds: a decision `kept`
/// deferred, debug.
fn complete(kept: &mut Parent, later: &Parent) {
    let adds = kept.decision == Decision::Deferred || later.decision == Decision::Debug;
    if adds && later.decision != Decision::Deferred {
        kept.decision = later.decision;
    }
}

/// The parent `format` reads from `held`, if any.
pub fn read(format: Format, held: &[(Source, Held)]) -> Option<Parent> {
    match format {
        B3 | B3Multi => b3_read(held),
        _ => held.iter().find_map(|(s, h)| match h {
            Held::Valid(p) if format.reads(*s) => Some(*p),
            _ => None,
        }),
    }
}

/// What the README and `composite.rs` say `formats` extracts from `held`:
/// the first format that finds a valid parent sets it; a later one of
/// another trace is a `Conflict`, of the same trace with another span id
/// or decision a `SpanConflict`, the first kept; a later one of the same
/// parent adds a decision the first left to us, and debug.
pub fn model(formats: &[Format], held: &[(Source, Held)]) -> (Option<Expected>, Vec<Conflict>) {
    let mut chosen: Option<(Parent, Expected)> = None;
    let mut conflicts = Vec::new();
    for f in formats.iter().copied().filter(|f| f.carries_parent()) {
        let Some(p) = read(f, held) else { continue };
        match &mut chosen {
            None => {
                chosen = Some((
                    p,
                    Expected {
                        trace: p.trace,
                        span: p.span,
                        sampled: p.decision.sampled() == Some(true),
                        debug: p.decision == Decision::Debug,
                        kept_by: f,
                    },
                ))
            }
            Some((first, e)) => {
                if p.trace != first.trace {
                    conflicts.push((true, e.kept_by.field(), f.field()));
                } else if !same_parent(first, &p) {
                    conflicts.push((false, e.kept_by.field(), f.field()));
                } else {
                    complete(first, &p);
                    e.sampled = first.decision.sampled() == Some(true);
                    e.debug = first.decision == Decision::Debug;
                }
            }
        }
    }
    // B3's two encodings of two parents: one problem of B3's own, `b3` kept.
    let b3s = |source| {
        held.iter().find_map(|(s, h)| match h {
            Held::Valid(p) if *s == source => Some(*p),
            _ => None,
        })
    };
    if formats.iter().any(|f| matches!(f, B3 | B3Multi)) {
        if let (Some(single), Some(multi)) = (b3s(Source::B3Single), b3s(Source::B3Multi)) {
            if single.trace != multi.trace {
                conflicts.push((true, "b3", "x-b3-traceid"));
            } else if !same_parent(&single, &multi) {
                conflicts.push((false, "b3", "x-b3-traceid"));
            }
        }
    }
    (chosen.map(|(_, e)| e), conflicts)
}

/// The sources `formats` reads, each once.
pub fn sources_read(formats: &[Format]) -> Vec<Source> {
    Source::ALL
        .into_iter()
        .filter(|s| formats.iter().any(|f| f.reads(*s)))
        .collect()
}

/// Fails with how many cells broke the model, and up to about 40 of them.
pub fn assert_none(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} cells broke the model, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .step_by(failures.len() / 40 + 1)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
