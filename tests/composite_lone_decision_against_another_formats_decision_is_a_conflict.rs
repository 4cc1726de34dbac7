//! Sampling decisions without ids (B3's `b3: 0`) from two formats of a
//! composite: the first holds, as the first parent does, and a later one
//! that disagrees is one `Problem::DecisionConflict`. Found: a later
//! format's lone decision silently replaced an earlier one's (`b3: 0`
//! then a custom format's debug gave debug, no problem), against
//! `Composite`'s "the first ... sets it; later ones only add". Beside a
//! parent a lone decision counts for nothing, as decided in
//! `tests/b3_decision_without_ids_under_a_parent_is_ignored.rs`, but one
//! the parent does not carry is reported; the rows with a `traceparent`
//! pin both.

use baton::propagation::{Composite, Extractor, Injector, Problem, Propagator, B3};
use baton::wire::b3::Sampling;
use baton::Context;

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const S: &str = "00f067aa0ba902b7";

/// A format carrying only a decision, in `x-decision`: `0`, `1` or `d`.
struct LoneDecision;

impl Propagator for LoneDecision {
    fn inject(&self, _: &Context, _: &mut dyn Injector) {}

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        let decision = match carrier.get("x-decision").as_deref() {
            Some("0") => Sampling::Deny,
            Some("1") => Sampling::Accept,
            Some("d") => Sampling::Debug,
            _ => return cx.clone(),
        };
        cx.with_remote_decision(Some(decision))
    }

    fn fields(&self) -> &[&str] {
        &["x-decision"]
    }
}

/// The composite of `list`, where `mine` is [`LoneDecision`] and any other
/// name is read as `OTEL_PROPAGATORS` reads it.
fn composite(list: &str) -> Composite {
    Composite::new(
        list.split(',')
            .map(|name| -> Box<dyn Propagator> {
                match name {
                    "mine" => Box::new(LoneDecision),
                    "b3" => Box::new(B3::single()),
                    known => Box::new(Composite::from_list(known).unwrap()),
                }
            })
            .collect(),
    )
}

/// What the extract kept: the parent's decision, else the lone decision.
#[derive(Debug, PartialEq)]
enum Kept {
    Parent(Option<bool>),
    Lone(Sampling),
}

type Row = (
    &'static str,
    Vec<(&'static str, String)>,
    Kept,
    Vec<Problem>,
);

fn conflict(kept: &'static str, kept_sampled: bool, ignored: &'static str) -> Vec<Problem> {
    vec![Problem::DecisionConflict {
        kept,
        kept_sampled,
        ignored,
        ignored_sampled: !kept_sampled,
    }]
}

/// A decision without ids from `ignored` beside the sampled `traceparent`.
fn beside(ignored: &'static str, ignored_decision: Sampling) -> Vec<Problem> {
    vec![Problem::DecisionBesideParent {
        parent: "traceparent",
        parent_sampled: Some(true),
        ignored,
        ignored_decision,
    }]
}

#[test]
fn the_first_lone_decision_holds_and_a_disagreeing_one_is_a_conflict() {
    let h = |v: &str| v.to_owned();
    let sampled = format!("00-{T}-{S}-01");
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        ("b3,mine", vec![("b3", h("0")), ("x-decision", h("d"))],
            Kept::Lone(Sampling::Deny), conflict("b3", false, "x-decision")),
        ("mine,b3", vec![("b3", h("0")), ("x-decision", h("1"))],
            Kept::Lone(Sampling::Accept), conflict("x-decision", true, "b3")),
        ("b3,mine", vec![("b3", h("1")), ("x-decision", h("0"))],
            Kept::Lone(Sampling::Accept), conflict("b3", true, "x-decision")),
        ("b3,mine", vec![("b3", h("1")), ("x-decision", h("1"))],
            Kept::Lone(Sampling::Accept), vec![]),
        ("b3,mine", vec![("b3", h("0")), ("x-decision", h("0"))],
            Kept::Lone(Sampling::Deny), vec![]),
        // Debug is a sampled decision: a later one makes an accept debug.
        ("b3,mine", vec![("b3", h("1")), ("x-decision", h("d"))],
            Kept::Lone(Sampling::Debug), vec![]),
        ("b3,mine", vec![("b3", h("d")), ("x-decision", h("1"))],
            Kept::Lone(Sampling::Debug), vec![]),
        // Only one format carries a decision.
        ("b3,mine", vec![("x-decision", h("0"))], Kept::Lone(Sampling::Deny), vec![]),
        ("mine,b3", vec![("b3", h("d"))], Kept::Lone(Sampling::Debug), vec![]),
        // Beside a parent the parent decides, whatever the order, and a
        // decision it does not carry is reported.
        ("b3,tracecontext", vec![("b3", h("0")), ("traceparent", sampled.clone())],
            Kept::Parent(Some(true)), beside("b3", Sampling::Deny)),
        ("tracecontext,mine,b3",
            vec![("traceparent", sampled.clone()), ("x-decision", h("0")), ("b3", h("1"))],
            Kept::Parent(Some(true)), beside("x-decision", Sampling::Deny)),
        ("mine,b3,tracecontext",
            vec![("x-decision", h("0")), ("b3", h("1")), ("traceparent", sampled.clone())],
            Kept::Parent(Some(true)),
            [conflict("x-decision", false, "b3"), beside("x-decision", Sampling::Deny)].concat()),
        ("b3,tracecontext", vec![("b3", h("1")), ("traceparent", sampled.clone())],
            Kept::Parent(Some(true)), vec![]),
    ];
    for (list, headers, kept, problems) in table {
        let carrier: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let (cx, met) = composite(list).extract_with_problems(&Context::default(), &carrier);
        let got = match cx.span_context() {
            Some(sc) => Kept::Parent(sc.sampling_decision()),
            None => Kept::Lone(cx.remote_decision().expect("a decision")),
        };
        assert_eq!(got, kept, "{list} {headers:?}");
        let met: Vec<Problem> = met.iter().copied().collect();
        assert_eq!(met, problems, "{list} {headers:?}");
    }
}
