//! The characters that break a line of text output, or disguise what
//! follows them, when written raw: what the console exporter's lines and
//! the diagnostics written to stderr escape, each in its own way.

/// Whether `c`, written raw, would end a line or change how the rest of it
/// reads: controls (C0, DEL, C1), the Unicode line and paragraph
/// separators, and the bidirectional embeddings, overrides and isolates.
pub(crate) fn breaks_a_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}
