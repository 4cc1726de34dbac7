//! An out-of-order guard drop is reported once, through the installed
//! diagnostic handler, naming the place the guard was created.

use baton::{Context, DiagnosticKind};

fn marked(i: usize) -> Context {
    Context::default().with_baggage("frame", &i.to_string())
}

fn current_mark() -> Option<String> {
    baton::baggage("frame")
}

#[test]
fn the_diagnostic_names_where_the_guard_was_created() {
    use std::sync::Mutex;
    static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::GuardDroppedOutOfOrder {
            SEEN.lock().unwrap().push(d.to_string());
        }
    }))
    .unwrap();
    let line = line!() + 1;
    let a = marked(1).attach();
    let b = marked(2).attach();
    drop(a);
    assert_eq!(current_mark().as_deref(), Some("2"));
    drop(b);
    assert_eq!(current_mark(), None);
    let seen = SEEN.lock().unwrap();
    let ours: Vec<&String> = seen
        .iter()
        .filter(|m| m.contains(&format!("{}:{line}:", file!())))
        .collect();
    assert_eq!(ours.len(), 1, "reported exactly once: {seen:?}");
}
