//! `gzip::compress` of any bytes, alone and repeated past the 32 KiB
//! window, gives a member that the strict oracle
//! (`tests/common/inflate.rs`) decodes back to them, appended after what
//! the buffer held, and no longer than the documented bound on growth.
#![no_main]

use baton::export::gzip;
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle file it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/common/inflate.rs"]
mod inflate;

/// RFC 1952's header and trailer, and 5 bytes per started 64 KiB of
/// stored blocks, over the input's own length.
fn bound(len: usize) -> usize {
    len + 18 + 5 * len.div_ceil(64 * 1024).max(1)
}

fuzz_target!(|data: &[u8]| {
    let Some((&times, data)) = data.split_first() else {
        return;
    };
    // The input, then enough copies of it to pass the window when it
    // asks (at most 256 KiB, so each run stays fast).
    let copies = if times & 0x80 == 0 {
        1
    } else {
        (256 * 1024 / data.len().max(1)).min(usize::from(times & 0x7f) + 2)
    };
    let input = data.repeat(copies);
    let mut out = b"kept".to_vec();
    gzip::compress(&input, &mut out);
    assert_eq!(&out[..4], b"kept");
    let member = &out[4..];
    assert!(
        member.len() <= bound(input.len()),
        "{} bytes in, {} out",
        input.len(),
        member.len()
    );
    let mut stats = inflate::Stats::default();
    let back = inflate::gunzip(member, &mut stats)
        .unwrap_or_else(|e| panic!("the oracle refused {} bytes in: {e}", input.len()));
    assert!(
        back == input,
        "{} bytes in decoded differently",
        input.len()
    );
});
