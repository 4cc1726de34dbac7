//! Lines of text written to a `Write` that may fail part-way (a full disk,
//! a non-blocking pipe that would block): how much went out, and whether
//! the output was left in the middle of a line, which the next write must
//! end before it starts its own.

use std::io::{self, Write};

/// `Write::write_all`, which also returns the part of `bytes` written when
/// it fails.
pub(crate) fn write_all<'a>(out: &mut impl Write, bytes: &'a [u8]) -> (&'a [u8], io::Result<()>) {
    let mut written = 0;
    while written < bytes.len() {
        match out.write(&bytes[written..]) {
            Ok(0) => return (&bytes[..written], Err(io::ErrorKind::WriteZero.into())),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (&bytes[..written], Err(e)),
        }
    }
    (bytes, Ok(()))
}

/// Whether the output is in the middle of a line once `written` went out
/// after it, when it was (`cut`) or was not before.
pub(crate) fn left_cut(cut: bool, written: &[u8]) -> bool {
    written.last().map_or(cut, |&last| last != b'\n')
}
