//! Length-limited canonical Huffman codes for DEFLATE
//! ([RFC 1951 §3.2.2](https://www.rfc-editor.org/rfc/rfc1951#section-3.2.2)).
//!
//! Code lengths come from Moffat and Katajainen's in-place minimum-redundancy
//! algorithm over the symbols sorted by frequency; when the longest code is
//! past the limit (15 bits for literals/lengths and distances, 7 for the
//! code-length alphabet), the overflowing codes are moved up the tree while
//! keeping the code complete, and lengths are handed out again so that the
//! most frequent symbols keep the shortest codes.

/// The longest code length any DEFLATE alphabet allows.
pub(crate) const MAX_CODE_LENGTH: usize = 15;

/// Reused scratch for building codes, so a block allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct HuffmanBuilder {
    /// `(frequency << 16) | symbol` for the used symbols, sorted.
    sorted: Vec<u64>,
    /// The Moffat–Katajainen working array.
    work: Vec<u32>,
}

impl HuffmanBuilder {
    /// Fills `lengths[s]` with the code length of symbol `s` (0 for an unused
    /// symbol) so that the code is complete, no length exceeds `limit`, and
    /// the frequency-weighted total length is small.
    ///
    /// At least two symbols always get a code (unused ones are added when
    /// fewer than two are used): a complete code with two one-bit codes is
    /// what every inflater accepts, where a single code or no code at all is
    /// a corner case of the format.
    pub(crate) fn lengths(&mut self, freqs: &[u32], limit: usize, lengths: &mut [u8]) {
        debug_assert!(freqs.len() >= 2 && freqs.len() <= lengths.len() && freqs.len() < 1 << 16);
        debug_assert!((1..=MAX_CODE_LENGTH).contains(&limit) && freqs.len() <= 1 << limit);
        lengths.fill(0);
        self.sorted.clear();
        self.sorted.extend(
            freqs
                .iter()
                .enumerate()
                .filter(|(_, &f)| f > 0)
                .map(|(s, &f)| (u64::from(f) << 16) | s as u64),
        );
        // Pad to two symbols with unused ones: weight 0 sorts them first.
        let mut filler = 0;
        while self.sorted.len() < 2 {
            if freqs[filler] == 0 {
                self.sorted.push(filler as u64);
            }
            filler += 1;
        }
        self.sorted.sort_unstable();
        let n = self.sorted.len();
        self.work.clear();
        self.work
            .extend(self.sorted.iter().map(|&k| (k >> 16) as u32));
        minimum_redundancy(&mut self.work);

        // Codes per length, with everything deeper than the limit put at it.
        let mut count = [0u32; MAX_CODE_LENGTH + 1];
        for &depth in &self.work {
            count[(depth as usize).min(limit)] += 1;
        }
        let full = 1u32 << limit;
        let mut kraft: u32 = (1..=limit).map(|len| count[len] << (limit - len)).sum();
        while kraft > full {
            // One code fewer at the limit; a shorter leaf becomes a node with
            // two leaves one level down: the code count is unchanged and the
            // Kraft sum drops by one unit.
            count[limit] -= 1;
            if let Some(len) = (1..limit).rev().find(|&len| count[len] > 0) {
                count[len] -= 1;
                count[len + 1] += 2;
            }
            kraft -= 1;
        }
        // The least frequent symbols (first in `sorted`) take the longest codes.
        let mut next = 0;
        for len in (1..=limit).rev() {
            for _ in 0..count[len] {
                lengths[(self.sorted[next] & 0xffff) as usize] = len as u8;
                next += 1;
            }
        }
        debug_assert_eq!(next, n);
    }
}

/// Replaces the ascending weights in `a` (at least two) by the depth of each
/// leaf in a minimum-redundancy code: Moffat and Katajainen, "In-Place
/// Calculation of Minimum-Redundancy Codes" (1995). Depths are unbounded
/// here; the caller limits them.
fn minimum_redundancy(a: &mut [u32]) {
    let n = a.len();
    // Phase 1: build the tree; internal nodes overwrite the consumed leaves
    // and point to their parents.
    a[0] += a[1];
    let (mut root, mut leaf) = (0, 2);
    for next in 1..n - 1 {
        if leaf >= n || a[root] < a[leaf] {
            a[next] = a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] = a[leaf];
            leaf += 1;
        }
        if leaf >= n || (root < next && a[root] < a[leaf]) {
            a[next] += a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] += a[leaf];
            leaf += 1;
        }
    }
    // Phase 2: parent pointers become internal node depths.
    a[n - 2] = 0;
    for next in (0..n - 2).rev() {
        a[next] = a[a[next] as usize] + 1;
    }
    // Phase 3: internal depths become leaf depths.
    let (mut available, mut used, mut depth) = (1usize, 0usize, 0u32);
    let mut root = n as isize - 2;
    let mut next = n as isize - 1;
    while available > 0 {
        while root >= 0 && a[root as usize] == depth {
            used += 1;
            root -= 1;
        }
        while available > used {
            a[next as usize] = depth;
            next -= 1;
            available -= 1;
        }
        available = 2 * used;
        depth += 1;
        used = 0;
    }
}

/// Fills `codes[s]` with the canonical code of symbol `s` for `lengths`,
/// bit-reversed, since DEFLATE sends Huffman codes most significant bit
/// first into an LSB-first bit stream.
pub(crate) fn canonical_codes(lengths: &[u8], codes: &mut [u16]) {
    let mut count = [0u16; MAX_CODE_LENGTH + 1];
    for &len in lengths {
        count[usize::from(len)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; MAX_CODE_LENGTH + 1];
    let mut code = 0u16;
    for len in 1..=MAX_CODE_LENGTH {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for (s, &len) in lengths.iter().enumerate() {
        if len > 0 {
            let c = next[usize::from(len)];
            next[usize::from(len)] += 1;
            codes[s] = c.reverse_bits() >> (16 - u32::from(len));
        } else {
            codes[s] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{canonical_codes, HuffmanBuilder};

    fn kraft(lengths: &[u8]) -> f64 {
        lengths
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 0.5f64.powi(i32::from(l)))
            .sum()
    }

    #[test]
    fn fibonacci_weights_are_limited_and_stay_complete() {
        // Fibonacci weights give the deepest possible tree: 29 symbols would
        // need 28-bit codes without the limit.
        let mut freqs = vec![1u32, 1];
        while freqs.len() < 29 {
            let n = freqs.len();
            freqs.push(freqs[n - 1] + freqs[n - 2]);
        }
        let mut lengths = [0u8; 29];
        HuffmanBuilder::default().lengths(&freqs, 15, &mut lengths);
        assert!(lengths.iter().all(|&l| (1..=15).contains(&l)));
        assert_eq!(kraft(&lengths), 1.0);
        // More frequent never gets a longer code.
        for w in lengths.windows(2) {
            assert!(w[0] >= w[1]);
        }
        let mut seven = [0u8; 29];
        freqs.truncate(19);
        HuffmanBuilder::default().lengths(&freqs, 7, &mut seven[..19]);
        assert!(seven[..19].iter().all(|&l| (1..=7).contains(&l)));
        assert_eq!(kraft(&seven[..19]), 1.0);
    }

    #[test]
    fn unlimited_codes_are_optimal_huffman() {
        // Weights 1,1,2,4: depths 3,3,2,1.
        let mut lengths = [0u8; 4];
        HuffmanBuilder::default().lengths(&[4, 1, 2, 1], 15, &mut lengths);
        assert_eq!(lengths, [1, 3, 2, 3]);
    }

    #[test]
    fn fewer_than_two_symbols_still_make_a_complete_code() {
        let mut lengths = [9u8; 5];
        HuffmanBuilder::default().lengths(&[0, 0, 0, 7, 0], 15, &mut lengths);
        assert_eq!(lengths, [1, 0, 0, 1, 0]);
        HuffmanBuilder::default().lengths(&[0; 5], 15, &mut lengths);
        assert_eq!(lengths, [1, 1, 0, 0, 0]);
    }

    #[test]
    fn canonical_codes_match_rfc_1951_example() {
        // RFC 1951 §3.2.2: lengths (3, 3, 3, 3, 3, 2, 4, 4) give codes
        // 010, 011, 100, 101, 110, 00, 1110, 1111.
        let lengths = [3u8, 3, 3, 3, 3, 2, 4, 4];
        let mut codes = [0u16; 8];
        canonical_codes(&lengths, &mut codes);
        let expected = [0b010u16, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111];
        for s in 0..8 {
            let len = u32::from(lengths[s]);
            assert_eq!(
                codes[s],
                expected[s].reverse_bits() >> (16 - len),
                "symbol {s}"
            );
        }
    }
}
