//! Round trips through `baton::export::gzip::compress` and two independent
//! decoders: the naive oracle in `inflate.rs` and, when present, the
//! system's `gzip -dc`.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::io::Write;
use std::process::{Command, Stdio};

use crate::inflate::{gunzip, Stats};

/// Compresses `data` (after a prefix already in the buffer, which must be
/// kept), checks the oracle gives `data` back, and returns the member and
/// what the oracle saw.
pub fn round_trip(data: &[u8]) -> (Vec<u8>, Stats) {
    let mut out = b"prefix".to_vec();
    baton::export::gzip::compress(data, &mut out);
    assert_eq!(&out[..6], b"prefix", "compress must append");
    let member = out.split_off(6);
    let mut stats = Stats::default();
    let back = gunzip(&member, &mut stats)
        .unwrap_or_else(|e| panic!("oracle refused the member of {} bytes: {e}", data.len()));
    assert!(
        back == data,
        "oracle decoded different bytes ({} bytes in)",
        data.len()
    );
    (member, stats)
}

/// `gzip -dc` of `member`, or `None` (with a note on stderr) when there is
/// no gzip on this machine.
pub fn system_gunzip(member: &[u8]) -> Option<Vec<u8>> {
    let child = Command::new("gzip")
        .arg("-dc")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("skipping the system gzip check: cannot run gzip ({e})");
            return None;
        }
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = member.to_vec();
    // Written from another thread so a large output cannot deadlock us.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("gzip runs");
    writer
        .join()
        .expect("writer thread")
        .expect("writing to gzip");
    assert!(
        output.status.success(),
        "gzip -dc refused the member: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output.stdout)
}
