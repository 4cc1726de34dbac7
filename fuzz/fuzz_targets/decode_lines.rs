//! Input lines as `baton decode` and `baton convert` read them (standard
//! input's bytes, a line at a time): reading, decoding each line and the
//! checks across lines never panic; an error's caret points within its
//! line; and every report prints.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The commands' own reading code, shared with src/main.rs.
#[allow(dead_code)]
#[path = "../../src/cmd/mod.rs"]
mod cmd;

use cmd::decode::{baggage_conflicts, conflicts, limits_passed, Decoder};
use cmd::{read_numbered, utf8_line, without_bom, without_line_end, Reading};

fuzz_target!(|data: &[u8]| {
    let mut raw = Vec::new();
    for (i, line) in data.split_inclusive(|&b| b == b'\n').enumerate() {
        let number = i + 1;
        let line = without_line_end(line);
        let line = if number == 1 { without_bom(line) } else { line };
        match utf8_line(number, line) {
            Ok(text) => raw.push((number, text)),
            Err(e) => {
                assert!(e.offset <= line.len(), "{}", e.message);
                e.report(&mut Vec::new()).unwrap();
                return;
            }
        }
    }
    let input = match Reading::of(&raw).and_then(|reading| read_numbered(raw, reading)) {
        Ok(input) => input,
        Err(e) => {
            assert!(e.offset <= e.line.len(), "{}: {:?}", e.message, e.line);
            e.report(&mut Vec::new()).unwrap();
            return;
        }
    };
    let _ = input.nothing_read();
    let _ = input.skipped.summary();
    let _ = input.reading.note();
    let decoder = Decoder::new(&input.lines, &input.reading);
    for line in &input.lines {
        match decoder.decode(line) {
            Ok(fields) => assert!(fields.iter().all(|(label, _)| !label.is_empty())),
            Err(e) => {
                let mut out = Vec::new();
                e.report(line, &mut out).unwrap();
                // The caret line is the last: it may not reach past the
                // escaped value's end by more than one column.
                let text = String::from_utf8(out).unwrap();
                let lines: Vec<&str> = text.lines().collect();
                if let [.., shown, caret] = lines[..] {
                    if caret.trim_start().starts_with('^') && lines.len() >= 3 {
                        assert!(caret.len() <= shown.len() + 1, "{text}");
                    }
                }
            }
        }
    }
    let _ = conflicts(&input.lines, &input.reading);
    let _ = limits_passed(&input.lines, &input.reading);
    let _ = baggage_conflicts(&input.lines, &input.reading);
});
