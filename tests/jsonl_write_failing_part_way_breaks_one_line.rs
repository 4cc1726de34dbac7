//! A write that fails part-way (a full disk, a pipe whose reader went away
//! and came back) leaves a cut line in the output. The next batch starts on
//! a line of its own, so only the cut line is broken, not the first span of
//! every batch after it.
//!
//! Regression: the next batch went on after the cut, so its first span's
//! line was glued to the fragment and lost to any JSON-lines reader.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/fails_once.rs"]
mod fails_once;

use std::io;

use fails_once::FailsOnce;

use baton::export::{JsonLinesExporter, SpanExporter};

/// The line `span` is written as.
fn line_of(span: &baton::SpanData) -> String {
    let mut exporter = JsonLinesExporter::new(Vec::new());
    exporter.export(std::slice::from_ref(span)).unwrap();
    String::from_utf8(exporter.into_inner()).unwrap()
}

#[test]
fn the_batch_after_a_cut_line_starts_on_a_new_line() {
    let mut first = batch_fixture::span();
    first.name = "first".into();
    let mut second = batch_fixture::span();
    second.name = "second".into();
    let (first_line, second_line) = (line_of(&first), line_of(&second));
    // Cut inside the line, at its end (before its line break), and at
    // none of it.
    for budget in [10, first_line.len() - 1, 0] {
        let out = FailsOnce {
            out: Vec::new(),
            budget: Some(budget),
            kind: io::ErrorKind::StorageFull,
        };
        let mut exporter = JsonLinesExporter::new(out);
        let failed = exporter.export(std::slice::from_ref(&first)).unwrap_err();
        assert!(failed.to_string().contains("no storage space"), "{failed}");
        exporter.export(std::slice::from_ref(&second)).unwrap();
        let text = String::from_utf8(exporter.into_inner().out).unwrap();
        let cut = &first_line[..budget];
        let expected = if cut.is_empty() {
            second_line.clone()
        } else {
            format!("{cut}\n{second_line}")
        };
        assert_eq!(text, expected, "cut after {budget} bytes");
    }
}
