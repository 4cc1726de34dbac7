//! Scans of a byte string eight bytes at a time, for the lexers whose
//! stops are few and whose runs are long: a tracestate value, a list split
//! at every `,`.

/// A byte of `0x01` in every lane of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The top bit of every lane.
pub(crate) const HIGH: u64 = ONES * 0x80;

/// `byte` in every lane of a word.
#[inline(always)]
pub(crate) const fn splat(byte: u8) -> u64 {
    ONES * byte as u64
}

/// Marks (sets the top bit of) the lanes of `word` that are zero. A borrow
/// can also mark a lane above a zero one, never below, so the lowest mark
/// is exact; callers use only the lowest.
#[inline(always)]
pub(crate) const fn zero_lanes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGH
}

/// The offset of the first byte of `bytes` that `stops` marks in its word
/// (the word read little-endian, so its first byte is its lowest lane);
/// `Err` with the offset of the last `len % 8` bytes, which no word
/// covers, if no full word holds one.
#[inline(always)]
pub(crate) fn first_stop(bytes: &[u8], stops: impl Fn(u64) -> u64) -> Result<usize, usize> {
    let mut at = 0;
    while let Some(eight) = bytes.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        let marked = stops(u64::from_le_bytes(word));
        if marked != 0 {
            return Ok(at + (marked.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    Err(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_stop_is_found_in_any_lane_and_in_no_tail() {
        let comma = |x: u64| zero_lanes(x ^ splat(b','));
        for at in 0..16 {
            let mut bytes = [b'a'; 16];
            bytes[at] = b',';
            // A later stop in the same word does not hide the first.
            bytes[15] = b',';
            assert_eq!(first_stop(&bytes, comma), Ok(at));
        }
        assert_eq!(first_stop(b"abcdefgh,", comma), Err(8));
        assert_eq!(first_stop(b"", comma), Err(0));
    }

    #[test]
    fn a_borrow_never_marks_a_lane_below_a_zero_one() {
        // 0x01 above a zero lane: the borrow marks it too, but only above.
        let word = u64::from_le_bytes([1, 0, 1, 1, 0, 1, 1, 1]);
        assert_eq!(zero_lanes(word).trailing_zeros() / 8, 1);
    }
}
