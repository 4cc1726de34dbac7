//! A writer that fails once part-way, as a full disk or a non-blocking
//! pipe that would block does, for the exporters that write lines.

use std::io::{self, Write};

/// Takes `budget` bytes, then fails once with `kind`, then takes
/// everything.
pub struct FailsOnce {
    pub out: Vec<u8>,
    pub budget: Option<usize>,
    pub kind: io::ErrorKind,
}

impl Write for FailsOnce {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = match self.budget {
            Some(0) => {
                self.budget = None;
                return Err(self.kind.into());
            }
            Some(left) => {
                let n = buf.len().min(left);
                self.budget = Some(left - n);
                n
            }
            None => buf.len(),
        };
        self.out.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
