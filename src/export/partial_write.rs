//! Lines of text written to a `Write` that may fail part-way (a full disk,
//! a non-blocking pipe that would block): how much went out, and whether
//! the output was left in the middle of a line, which the next write must
//! end before it starts its own.

use std::io::{self, Write};

/// `Write::write_all`, which also returns the part of `bytes` written when
/// it fails. A writer that says it wrote more than it was given fails
/// (`InvalidData`), with what it was given counted as written: `write_all`
/// of the standard library panics on it.
pub(crate) fn write_all<'a>(out: &mut impl Write, bytes: &'a [u8]) -> (&'a [u8], io::Result<()>) {
    let mut written = 0;
    while written < bytes.len() {
        let rest = bytes.len() - written;
        match out.write(&bytes[written..]) {
            Ok(0) => return (&bytes[..written], Err(io::ErrorKind::WriteZero.into())),
            Ok(n) if n > rest => {
                let e = io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the writer said it wrote {n} bytes of {rest}"),
                );
                return (bytes, Err(e));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Says it wrote `claim` bytes of whatever it is given.
    struct Boasting {
        claim: usize,
    }

    impl Write for Boasting {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Ok(self.claim)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_writer_claiming_more_than_it_was_given_fails_without_a_panic() {
        let (written, result) = write_all(&mut Boasting { claim: 5 }, b"abc\n");
        assert_eq!(written, b"abc\n");
        let e = result.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(e.to_string(), "the writer said it wrote 5 bytes of 4");
    }

    #[test]
    fn a_writer_claiming_exactly_what_it_was_given_succeeds() {
        let (written, result) = write_all(&mut Boasting { claim: 4 }, b"abc\n");
        assert_eq!(written, b"abc\n");
        assert!(result.is_ok());
        assert!(!left_cut(true, written));
    }
}
