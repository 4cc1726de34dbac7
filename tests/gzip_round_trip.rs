//! gzip output decodes, through an independent naive inflater and through
//! the system's `gzip -dc`, to exactly the input: edge cases of RFC 1951
//! (empty input, one byte, 258-byte matches, a match at the 32 KiB window's
//! far edge, several blocks) and incompressible input, which may grow only by
//! the stored-block overhead (issue 11, item 2).

#[path = "common/gzip_check.rs"]
mod gzip_check;
#[path = "common/inflate.rs"]
mod inflate;

use gzip_check::{round_trip, system_gunzip};

/// Deterministic bytes that do not compress (xorshift64*).
fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn check_with_system_gzip(data: &[u8], member: &[u8]) {
    if let Some(back) = system_gunzip(member) {
        assert!(back == data, "gzip -dc gave different bytes");
    }
}

#[test]
fn empty_input() {
    let (member, stats) = round_trip(b"");
    assert_eq!(member.len(), 20, "header, 2 bytes of DEFLATE, trailer");
    assert_eq!(stats.matches, 0);
    check_with_system_gzip(b"", &member);
}

#[test]
fn one_byte() {
    for b in [0u8, b'a', 0xff] {
        let (member, _) = round_trip(&[b]);
        check_with_system_gzip(&[b], &member);
    }
}

#[test]
fn short_inputs_of_every_length() {
    let text = b"GET /api/v1/users/42 HTTP/1.1 traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 ".repeat(3);
    for len in 0..text.len() {
        round_trip(&text[..len]);
    }
}

#[test]
fn long_runs_use_258_byte_matches() {
    let data = vec![b'a'; 100_000];
    let (member, stats) = round_trip(&data);
    assert_eq!(stats.max_length, 258);
    assert!(stats.stored_blocks == 0 && stats.matches > 0);
    // 100 kB of one byte: about 390 matches of 258, a few bits each.
    assert!(member.len() < 400, "{} bytes", member.len());
    check_with_system_gzip(&data, &member);
    // Every match length 3..=258, each followed by a byte that breaks the run.
    let mut lengths = Vec::new();
    for len in 3..=258usize {
        lengths.extend(std::iter::repeat_n(b'x', len));
        lengths.push(b'|');
    }
    let (member, stats) = round_trip(&lengths);
    assert_eq!(stats.max_length, 258);
    check_with_system_gzip(&lengths, &member);
}

#[test]
fn matches_reach_exactly_the_window_edge() {
    // A 200-byte phrase, random filler, and the phrase again exactly 32768
    // bytes after its first copy: the only way to compress the second copy
    // is a match at the largest distance DEFLATE allows.
    let phrase = random_bytes(200, 7);
    let mut data = phrase.clone();
    data.extend(random_bytes(32768 - 200, 8));
    data.extend(&phrase);
    assert_eq!(data.len(), 32768 + 200);
    let (member, stats) = round_trip(&data);
    assert_eq!(stats.max_distance, 32768);
    check_with_system_gzip(&data, &member);

    // One byte farther: out of the window, the phrase cannot be matched
    // (the oracle refuses any distance past 32768).
    let mut far = phrase.clone();
    far.extend(random_bytes(32769 - 200, 8));
    far.extend(&phrase);
    let (member, stats) = round_trip(&far);
    assert!(stats.max_distance < 32768);
    check_with_system_gzip(&far, &member);
}

#[test]
fn inputs_past_64_kib_span_many_blocks() {
    // Text with structure and variety, 1.5 MiB: several blocks, matches
    // across block boundaries.
    let mut data = Vec::new();
    let mut i = 0u64;
    while data.len() < 3 << 19 {
        data.extend_from_slice(
            format!(
                "{{\"span\":\"{:016x}\",\"name\":\"db.query {}\",\"rows\":{}}}\n",
                i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                i % 17,
                i * 7 % 1000
            )
            .as_bytes(),
        );
        i += 1;
    }
    let (member, stats) = round_trip(&data);
    assert!(stats.dynamic_blocks > 1, "{stats:?}");
    assert!(
        member.len() * 3 < data.len(),
        "{} of {}",
        member.len(),
        data.len()
    );
    check_with_system_gzip(&data, &member);
}

#[test]
fn incompressible_input_grows_only_by_stored_block_overhead() {
    for n in [1000, 65_535, 65_536, 300_000] {
        let data = random_bytes(n, n as u64);
        let (member, stats) = round_trip(&data);
        let bound = 18 + n + 5 * n.div_ceil(65_535);
        assert!(
            member.len() <= bound,
            "{n} random bytes became {} (bound {bound})",
            member.len()
        );
        assert!(stats.stored_blocks > 0);
        check_with_system_gzip(&data, &member);
    }
}

/// Random bytes, `low_per_mille` of them below 0x80: skewed just enough
/// that Huffman codes save about what a block's code header costs.
fn skewed_bytes(n: usize, seed: u64, low_per_mille: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
            let low = (r >> 56) as u8 & 0x7f;
            if (r & 0xffff) % 1000 < low_per_mille {
                low
            } else {
                low | 0x80
            }
        })
        .collect()
}

#[test]
fn barely_compressible_input_grows_only_by_stored_block_overhead() {
    // Each 32 KiB block coded with its own codes for a few bits less than
    // storing it alone used to cost up to 5 bytes more than its raw bytes,
    // twice per 64 KiB: 4 × 64 KiB of such input became 25 bytes longer
    // than stored blocks (20 bytes of headers) would have made it.
    let n = 4 * 65_535;
    for low_per_mille in [630, 631, 632, 633, 640, 641] {
        for seed in 1..4 {
            let data = skewed_bytes(n, seed, low_per_mille);
            let (member, _) = round_trip(&data);
            let bound = 18 + n + 5 * n.div_ceil(65_535);
            assert!(
                member.len() <= bound,
                "{n} bytes ({low_per_mille}‰ low, seed {seed}) became {} (bound {bound})",
                member.len()
            );
        }
    }
}

#[test]
fn mixed_random_and_repetitive_stretches() {
    let mut data = Vec::new();
    for i in 0..12u64 {
        if i % 3 == 0 {
            data.extend(random_bytes(100_000, i));
        } else {
            data.extend(b"service.name=checkout ".repeat(1000 + i as usize));
        }
    }
    let (member, stats) = round_trip(&data);
    assert!(
        stats.stored_blocks > 0 && stats.dynamic_blocks + stats.fixed_blocks > 0,
        "{stats:?}"
    );
    check_with_system_gzip(&data, &member);
}

#[test]
fn the_same_input_twice_gives_the_same_bytes() {
    // The compressor's tables are reused between calls on one thread; what
    // an earlier input left in them must not leak into the next member.
    let first = b"abcabcabc-first input-abcabc".repeat(500);
    let second = b"second input, other words, abcabc".repeat(300);
    let (a, _) = round_trip(&second);
    round_trip(&first);
    let (b, _) = round_trip(&second);
    assert_eq!(a, b);
}

#[test]
fn crc_known_vector_in_the_trailer() {
    let (member, _) = round_trip(b"123456789");
    let n = member.len();
    assert_eq!(member[n - 8..n - 4], 0xCBF4_3926u32.to_le_bytes());
    assert_eq!(inflate::crc32(b"123456789"), 0xCBF4_3926);
}
