//! `TraceId::from_hex` and `SpanId::from_hex` (whose digit parser every
//! propagator shares, eight digits at a time) agree with a naive one-byte-at-a-
//! time oracle: the same number, and for a bad byte the same first offset.

use baton::{IdError, SpanId, TraceId};
use proptest::prelude::*;

/// The oracle: `u128::from_str_radix` would take upper case and a `+`, so
/// each byte is checked by hand.
fn naive(s: &str, expected: usize) -> Result<u128, IdError> {
    if s.len() != expected {
        return Err(IdError::Length {
            expected,
            found: s.len(),
        });
    }
    let mut n = 0u128;
    for (index, b) in s.bytes().enumerate() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return Err(IdError::NotLowerHex { offset: index }),
        };
        n = n << 4 | u128::from(d);
    }
    if n == 0 {
        return Err(IdError::AllZero);
    }
    Ok(n)
}

/// Bytes just outside each range of lowercase hex digits, upper case, and
/// bytes whose top bit is set.
const NEIGHBOURS: [char; 9] = ['/', ':', '`', 'g', 'A', 'F', 'G', '\u{7f}', 'é'];

#[test]
fn every_digit_position_rejects_every_neighbour_byte() {
    let good = "0123456789abcdef0123456789abcdef";
    for index in 0..32 {
        for c in NEIGHBOURS
            .into_iter()
            .filter(|c| index + c.len_utf8() <= 32)
        {
            let mut s = good[..index].to_string();
            s.push(c);
            // Keep the length at 32 bytes so the digit check runs.
            s.push_str(&good[index + c.len_utf8()..]);
            assert_eq!(
                TraceId::from_hex(&s).map(TraceId::to_u128),
                naive(&s, 32),
                "{s:?}"
            );
        }
    }
}

#[test]
fn every_digit_value_parses_at_every_position() {
    for index in 0..16 {
        for d in "0123456789abcdef".chars() {
            let mut s = "1".repeat(16);
            s.replace_range(index..=index, &d.to_string());
            let n = d.to_digit(16).unwrap() as u64;
            let ones = 0x1111_1111_1111_1111u64;
            let shift = 4 * (15 - index);
            let want = ones & !(0xf << shift) | n << shift;
            assert_eq!(SpanId::from_hex(&s).unwrap().to_u64(), want, "{s:?}");
        }
    }
}

proptest! {
    #[test]
    fn trace_ids_parse_like_the_oracle(s in "[0-9a-gA-G/:`]{30,34}") {
        prop_assert_eq!(TraceId::from_hex(&s).map(TraceId::to_u128), naive(&s, 32));
    }

    #[test]
    fn span_ids_parse_like_the_oracle(s in "[0-9a-f]{16}|[0-9a-f\\x00-\\u{ff}]{16}") {
        prop_assert_eq!(
            SpanId::from_hex(&s).map(|id| u128::from(id.to_u64())),
            naive(&s, 16)
        );
    }

    #[test]
    fn valid_ids_round_trip(n in 1..=u128::MAX) {
        let id = TraceId::from_u128(n).unwrap();
        let hex = String::from_utf8(id.to_hex().to_vec()).unwrap();
        prop_assert_eq!(TraceId::from_hex(&hex), Ok(id));
    }

    /// A trace id keeps its number, its bytes and its order, whichever
    /// half of the 128 bits is set; zero is no id.
    #[test]
    fn trace_ids_keep_their_number_bytes_and_order(a in 0..=u128::MAX, b in 0..=u128::MAX, shift in 0..128u32) {
        let (a, b) = (a >> shift, b);
        prop_assert_eq!(TraceId::from_u128(a).map(TraceId::to_u128), (a != 0).then_some(a));
        prop_assert_eq!(TraceId::from_bytes(a.to_be_bytes()).map(TraceId::to_bytes), (a != 0).then_some(a.to_be_bytes()));
        if let (Some(x), Some(y)) = (TraceId::from_u128(a), TraceId::from_u128(b)) {
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x == y, a == b);
        }
    }

    /// Ids are written as std writes `{:032x}` and `{:016x}`: every digit,
    /// lowercase, leading zeros kept.
    #[test]
    fn ids_are_written_like_std_formats_them(n in 1..=u128::MAX, shift in 0..128u32) {
        let n = (n >> shift).max(1);
        let trace = TraceId::from_u128(n).unwrap();
        prop_assert_eq!(trace.to_hex().to_vec(), format!("{n:032x}").into_bytes());
        prop_assert_eq!(trace.to_string(), format!("{n:032x}"));
        let span = SpanId::from_u64(n as u64).or(SpanId::from_u64(1)).unwrap();
        prop_assert_eq!(span.to_hex().to_vec(), format!("{:016x}", span.to_u64()).into_bytes());
    }
}
