//! A DEFLATE compressor ([RFC 1951](https://www.rfc-editor.org/rfc/rfc1951)).
//!
//! Built for speed the way fast compressors are (zlib's level 1, libdeflate's
//! fastest levels): greedy parsing, where each position is looked up once in
//! a hash table of the last two positions per 4-byte hash, and the longer of
//! the two matches (4 to 258 bytes) is taken at once; inside a long match
//! only the last few positions are hashed. Literals are not buffered one by
//! one: a block is a list of (literal run, match) sequences over the input,
//! and the literals are read back from the input when the block is written.
//! Each block is written with whichever costs fewest bits of its own dynamic
//! Huffman codes, the fixed codes, or stored (raw) bytes; the whole input
//! is stored when that is shorter than the blocks chosen one by one, so no
//! input grows by more than the stored-block headers.
//!
//! Positions in the hash table are 32-bit "virtual" positions that keep
//! counting up from one call to the next (with a gap wider than the window),
//! so a reused [`Deflater`] needs no clearing between calls: anything left
//! from an earlier input is simply too far away to match.

use crate::export::huffman::{canonical_codes, HuffmanBuilder, MAX_CODE_LENGTH};

/// The farthest a match may reach back.
const WINDOW: usize = 32 * 1024;
const WINDOW_MASK: usize = WINDOW - 1;
/// The shortest match the format can express.
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// The shortest match the compressor looks for: it hashes and compares four
/// bytes at once, and a 3-byte match saves little over its literals.
const MIN_FOUND: usize = 4;

const HASH_BITS: u32 = 14;
const HASH_SIZE: usize = 1 << HASH_BITS;

/// The positions inside a match up to this long are put in the hash table;
/// a longer match's are skipped but for its last few (the text they start is
/// already in the table at its earlier copy), which saves most of the work
/// on repetitive data.
const MAX_INSERT: usize = 8;

/// Of a longer match, this many last positions are put in the table.
const TAIL_INSERT: usize = 3;

/// Literals and matches per block: enough to amortise a dynamic header
/// (tens of bytes), few enough for the codes to follow changes in the data.
const MAX_BLOCK_SYMBOLS: usize = 1 << 15;

/// Virtual positions restart (by a multiple of the window, table shifted)
/// before passing this, far from `u32::MAX` with a block of room to spare.
const REBASE_AT: u32 = 1 << 31;

/// Stored blocks hold at most this many bytes.
const MAX_STORED: usize = 65_535;

const END_OF_BLOCK: usize = 256;
/// 286 literal/length symbols are valid; the fixed code defines 288, and
/// the two unused ones shift the canonical codes of the 9-bit literals, so
/// the tables are sized for 288 (the last two never occur).
const LITLEN_SYMBOLS: usize = 288;
const DIST_SYMBOLS: usize = 30;
const CODE_LENGTH_SYMBOLS: usize = 19;
/// The order code-length code lengths are sent in (RFC 1951 §3.2.7).
const CODE_LENGTH_ORDER: [usize; CODE_LENGTH_SYMBOLS] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; DIST_SYMBOLS] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; DIST_SYMBOLS] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Length code index (symbol − 257) for each length − 3. Later codes
/// overwrite earlier ones, so 258 gets its own code 285, not 284 + 31.
static LENGTH_CODE: [u8; MAX_MATCH - MIN_MATCH + 1] = {
    let mut t = [0u8; MAX_MATCH - MIN_MATCH + 1];
    let mut code = 0;
    while code < 29 {
        let base = LENGTH_BASE[code] as usize;
        let mut i = 0;
        while i < 1 << LENGTH_EXTRA[code] && base + i <= MAX_MATCH {
            t[base + i - MIN_MATCH] = code as u8;
            i += 1;
        }
        code += 1;
    }
    t
};

/// Distance code for distance − 1 below 256, and for (distance − 1) >> 7
/// above, as in zlib.
static DIST_CODE: [u8; 512] = {
    let mut t = [0u8; 512];
    let mut code = 0;
    while code < DIST_SYMBOLS {
        let base = DIST_BASE[code] as usize - 1;
        let mut i = 0;
        while i < 1 << DIST_EXTRA[code] {
            let d = base + i;
            if d < 256 {
                t[d] = code as u8;
            } else {
                t[256 + (d >> 7)] = code as u8;
            }
            i += 1;
        }
        code += 1;
    }
    t
};

#[inline(always)]
fn dist_code(dist: usize) -> usize {
    let d = dist - 1;
    usize::from(if d < 256 {
        DIST_CODE[d]
    } else {
        DIST_CODE[256 + ((d >> 7) & 0xff)]
    })
}

/// The fixed literal/length code lengths (RFC 1951 §3.2.6).
const fn fixed_litlen_lengths() -> [u8; LITLEN_SYMBOLS] {
    let mut t = [0u8; LITLEN_SYMBOLS];
    let mut s = 0;
    while s < LITLEN_SYMBOLS {
        t[s] = match s {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
        s += 1;
    }
    t
}
const FIXED_LITLEN_LENGTHS: [u8; LITLEN_SYMBOLS] = fixed_litlen_lengths();
const FIXED_DIST_LENGTHS: [u8; DIST_SYMBOLS] = [5; DIST_SYMBOLS];

/// A run of literals (the next `literals` input bytes) followed by a match
/// (`length` 0 for none: the block's last run).
#[derive(Clone, Copy)]
struct Sequence {
    literals: u32,
    length: u16,
    dist: u16,
}

/// An LSB-first bit writer appending to a `Vec<u8>`.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits<'_> {
    /// Appends the low `n` bits of `bits`; `n` ≤ 32.
    #[inline(always)]
    fn put(&mut self, bits: u32, n: u32) {
        debug_assert!(n <= 32 && (n == 32 || bits >> n == 0));
        self.acc |= u64::from(bits) << self.count;
        self.count += n;
        if self.count >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.count -= 32;
        }
    }

    /// Pads with zero bits to a byte boundary and writes out the bits held.
    fn align(&mut self) {
        let bytes = self.count.div_ceil(8);
        self.out
            .extend_from_slice(&self.acc.to_le_bytes()[..bytes as usize]);
        self.acc = 0;
        self.count = 0;
    }
}

/// How a block is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Stored,
    Fixed,
    Dynamic,
}

/// Reusable compressor state: the hash table, the block's sequences and
/// code scratch. Reusing one avoids allocating and clearing about 128 KiB
/// per call.
pub(crate) struct Deflater {
    /// The latest two virtual positions per hash, newest first, 0 for none.
    table: Vec<[u32; 2]>,
    /// The virtual position the next call starts at.
    next_start: u32,
    sequences: Vec<Sequence>,
    litlen_freq: [u32; LITLEN_SYMBOLS],
    dist_freq: [u32; DIST_SYMBOLS],
    litlen_lengths: [u8; LITLEN_SYMBOLS],
    dist_lengths: [u8; DIST_SYMBOLS],
    header: DynamicHeader,
    huffman: HuffmanBuilder,
}

impl std::fmt::Debug for Deflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflater").finish_non_exhaustive()
    }
}

impl Default for Deflater {
    fn default() -> Deflater {
        Deflater::new()
    }
}

/// The four bytes at `pos` (which has four), little-endian.
#[inline(always)]
fn read_u32(data: &[u8], pos: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&data[pos..pos + 4]);
    u32::from_le_bytes(word)
}

#[inline(always)]
fn hash(word: u32) -> usize {
    (word.wrapping_mul(0x1E35_A7BD) >> (32 - HASH_BITS)) as usize
}

/// How many bytes at `a` and `b` (`a` < `b`) agree, up to `max`; `b + max`
/// is within `data`.
#[inline(always)]
fn match_length(data: &[u8], a: usize, b: usize, max: usize) -> usize {
    // Slices of exactly `max` bytes let the compiler drop the bounds checks
    // from the loops.
    let (x, y) = (&data[a..a + max], &data[b..b + max]);
    let mut n = 0;
    for (p, q) in x.chunks_exact(8).zip(y.chunks_exact(8)) {
        let diff = read_u64(p) ^ read_u64(q);
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + x[n..]
        .iter()
        .zip(&y[n..])
        .take_while(|(p, q)| p == q)
        .count()
}

/// The first eight bytes of `bytes` (which has at least eight), little-endian.
#[inline(always)]
fn read_u64(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(word)
}

impl Deflater {
    pub(crate) fn new() -> Deflater {
        Deflater {
            table: vec![[0; 2]; HASH_SIZE],
            next_start: WINDOW as u32 + 1,
            sequences: Vec::new(),
            litlen_freq: [0; LITLEN_SYMBOLS],
            dist_freq: [0; DIST_SYMBOLS],
            litlen_lengths: [0; LITLEN_SYMBOLS],
            dist_lengths: [0; DIST_SYMBOLS],
            header: DynamicHeader::default(),
            huffman: HuffmanBuilder::default(),
        }
    }

    /// Appends the raw DEFLATE stream of `data` (final block included) to
    /// `out`.
    pub(crate) fn compress(&mut self, data: &[u8], out: &mut Vec<u8>) {
        if self.next_start >= REBASE_AT {
            self.table.fill([0; 2]);
            self.next_start = WINDOW as u32 + 1;
        }
        // Virtual position of `data[0]`; always > WINDOW, so the empty
        // entries (0) and everything from an earlier call are out of reach.
        let mut base = self.next_start;
        let start = out.len();
        let mut bits = Bits {
            out,
            acc: 0,
            count: 0,
        };
        // Consecutive blocks that are best stored are written together, in
        // stored blocks as large as the format allows.
        let mut stored_from = None;
        let mut pos = 0;
        loop {
            if base.wrapping_add(pos as u32) >= REBASE_AT {
                base = self.rebase(base, pos);
            }
            let end = self.find_matches(data, pos, base);
            let last = end == data.len();
            let block = self.plan_block(end - pos, stored_from.map_or(0, |from| pos - from));
            bits.out.reserve(end - pos + 64);
            if block == Block::Stored {
                let from = *stored_from.get_or_insert(pos);
                if last {
                    write_stored(&mut bits, &data[from..end], true);
                }
            } else {
                if let Some(from) = stored_from.take() {
                    write_stored(&mut bits, &data[from..pos], false);
                }
                self.write_block(&mut bits, block, &data[pos..end], last);
            }
            pos = end;
            if last {
                break;
            }
        }
        bits.align();
        // Each coded block is no longer than storing it alone, but coded
        // blocks each a few bits shorter than that can add up to more than
        // one run of stored blocks would cost.
        if out.len() - start > stored_len(data.len()) {
            out.truncate(start);
            let mut bits = Bits {
                out,
                acc: 0,
                count: 0,
            };
            write_stored(&mut bits, data, true);
        }
        let end_v = base.wrapping_add(data.len() as u32);
        self.next_start = end_v.saturating_add(WINDOW as u32 + 1);
    }

    /// Shifts every table entry down by a multiple of the window so the
    /// virtual position of `pos` drops back near the start; returns the new
    /// base. Entries that would fall below 1 were out of the window anyway.
    fn rebase(&mut self, base: u32, pos: usize) -> u32 {
        let current = base.wrapping_add(pos as u32);
        let delta = (current - WINDOW as u32 - 1) & !(WINDOW_MASK as u32);
        for e in self.table.iter_mut().flatten() {
            *e = e.saturating_sub(delta);
        }
        base.wrapping_sub(delta)
    }

    /// Fills the block's sequences from `data[pos..]`; returns where the
    /// block ends.
    fn find_matches(&mut self, data: &[u8], mut pos: usize, base: u32) -> usize {
        self.sequences.clear();
        self.litlen_freq = [0; LITLEN_SYMBOLS];
        self.dist_freq = [0; DIST_SYMBOLS];
        let len = data.len();
        // Positions before this have four bytes to hash.
        let hashable = (len + 1).saturating_sub(MIN_FOUND);
        let mut literals = 0u32;
        let mut symbols = 0;
        while pos < len && symbols < MAX_BLOCK_SYMBOLS - 1 {
            symbols += 1;
            if pos < hashable {
                let word = read_u32(data, pos);
                if let Some((length, dist)) = self.insert_and_search(data, pos, word, base) {
                    self.sequences.push(Sequence {
                        literals,
                        length: length as u16,
                        dist: dist as u16,
                    });
                    literals = 0;
                    self.litlen_freq[257 + usize::from(LENGTH_CODE[length - MIN_MATCH])] += 1;
                    self.dist_freq[dist_code(dist)] += 1;
                    // Every position of a short match; of a long one only
                    // the last few, which give the next search its nearest
                    // candidates.
                    let end = pos + length;
                    let from = if length <= MAX_INSERT {
                        pos + 1
                    } else {
                        end - TAIL_INSERT
                    };
                    for p in from..end.min(hashable) {
                        self.insert(data, p, base);
                    }
                    pos = end;
                    continue;
                }
                self.litlen_freq[(word & 0xff) as usize] += 1;
            } else {
                self.litlen_freq[usize::from(data[pos])] += 1;
            }
            literals += 1;
            pos += 1;
        }
        self.sequences.push(Sequence {
            literals,
            length: 0,
            dist: 0,
        });
        pos
    }

    /// Records `pos` in the hash table.
    #[inline(always)]
    fn insert(&mut self, data: &[u8], pos: usize, base: u32) {
        let slot = &mut self.table[hash(read_u32(data, pos))];
        *slot = [base.wrapping_add(pos as u32), slot[0]];
    }

    /// Records `pos`, where the four bytes are `word`, in the hash table and
    /// returns the longer match (length, distance) of its two candidates
    /// there, if any.
    #[inline(always)]
    fn insert_and_search(
        &mut self,
        data: &[u8],
        pos: usize,
        word: u32,
        base: u32,
    ) -> Option<(usize, usize)> {
        let v = base.wrapping_add(pos as u32);
        let slot = &mut self.table[hash(word)];
        let candidates = *slot;
        *slot = [v, candidates[0]];

        let max = (data.len() - pos).min(MAX_MATCH);
        let (mut best_len, mut best_dist) = (0, 0);
        for candidate in candidates {
            let dist = v.wrapping_sub(candidate) as usize;
            if dist > WINDOW || dist == 0 || dist > pos {
                break;
            }
            let at = pos - dist;
            if read_u32(data, at) == word {
                let n = match_length(data, at, pos, max);
                if n > best_len {
                    best_len = n;
                    best_dist = dist;
                    if n == max {
                        break;
                    }
                }
            }
        }
        (best_len >= MIN_FOUND).then_some((best_len, best_dist))
    }

    /// Builds the block's codes and picks the cheapest way to write its
    /// `raw` bytes: dynamic codes, fixed codes or stored, where `pending`
    /// bytes right before it are already to be stored.
    fn plan_block(&mut self, raw: usize, pending: usize) -> Block {
        self.litlen_freq[END_OF_BLOCK] = 1;
        self.huffman
            .lengths(&self.litlen_freq, MAX_CODE_LENGTH, &mut self.litlen_lengths);
        self.huffman
            .lengths(&self.dist_freq, MAX_CODE_LENGTH, &mut self.dist_lengths);
        self.header
            .build(&self.litlen_lengths, &self.dist_lengths, &mut self.huffman);
        let dynamic =
            3 + self.header.bits() + self.data_bits(&self.litlen_lengths, &self.dist_lengths);
        let fixed = 3 + self.data_bits(&FIXED_LITLEN_LENGTHS, &FIXED_DIST_LENGTHS);
        // Header bits and padding (one byte at most, counting the byte the
        // previous block began), LEN and NLEN: 5 bytes per stored block. A
        // coded block is taken only when it is no larger. Bytes joining a
        // pending stored run cost only the stored blocks they add to it.
        let added = if pending == 0 {
            stored_blocks(raw).max(1)
        } else {
            stored_blocks(pending + raw) - stored_blocks(pending)
        };
        let stored = 8 * (added * STORED_HEADER + raw) as u64;
        if stored <= dynamic.min(fixed) {
            Block::Stored
        } else if fixed <= dynamic {
            Block::Fixed
        } else {
            Block::Dynamic
        }
    }

    /// Writes the buffered sequences over `data` (the block's input) as a
    /// fixed or dynamic block.
    fn write_block(&self, bits: &mut Bits<'_>, block: Block, data: &[u8], last: bool) {
        if block == Block::Fixed {
            bits.put(u32::from(last) | 1 << 1, 3);
            self.write_sequences(bits, data, &FIXED_LITLEN_LENGTHS, &FIXED_DIST_LENGTHS);
        } else {
            bits.put(u32::from(last) | 2 << 1, 3);
            self.header.write(bits);
            self.write_sequences(bits, data, &self.litlen_lengths, &self.dist_lengths);
        }
    }

    /// The bits the block's symbols take with these code lengths, extra bits
    /// and end-of-block included.
    fn data_bits(&self, litlen: &[u8; LITLEN_SYMBOLS], dist: &[u8; DIST_SYMBOLS]) -> u64 {
        let mut total = 0u64;
        for (&f, &len) in self.litlen_freq.iter().zip(litlen).take(END_OF_BLOCK + 1) {
            total += u64::from(f) * u64::from(len);
        }
        for (i, &extra) in LENGTH_EXTRA.iter().enumerate() {
            let s = END_OF_BLOCK + 1 + i;
            total += u64::from(self.litlen_freq[s]) * u64::from(litlen[s] + extra);
        }
        for (c, (&f, &len)) in self.dist_freq.iter().zip(dist).enumerate() {
            total += u64::from(f) * u64::from(len + DIST_EXTRA[c]);
        }
        total
    }

    fn write_sequences(
        &self,
        bits: &mut Bits<'_>,
        data: &[u8],
        litlen_lengths: &[u8; LITLEN_SYMBOLS],
        dist_lengths: &[u8; DIST_SYMBOLS],
    ) {
        let mut litlen_codes = [0u16; LITLEN_SYMBOLS];
        let mut dist_codes = [0u16; DIST_SYMBOLS];
        canonical_codes(litlen_lengths, &mut litlen_codes);
        canonical_codes(dist_lengths, &mut dist_codes);
        let mut pos = 0;
        for seq in &self.sequences {
            let run = seq.literals as usize;
            for &byte in &data[pos..pos + run] {
                let s = usize::from(byte);
                bits.put(u32::from(litlen_codes[s]), u32::from(litlen_lengths[s]));
            }
            pos += run;
            if seq.length == 0 {
                continue;
            }
            let length = usize::from(seq.length);
            let dist = usize::from(seq.dist);
            pos += length;
            let lc = usize::from(LENGTH_CODE[length - MIN_MATCH]);
            let s = 257 + lc;
            let extra = u32::from(LENGTH_EXTRA[lc]);
            let extra_value = length as u32 - u32::from(LENGTH_BASE[lc]);
            let code_len = u32::from(litlen_lengths[s]);
            bits.put(
                u32::from(litlen_codes[s]) | extra_value << code_len,
                code_len + extra,
            );
            let dc = dist_code(dist);
            let dextra = u32::from(DIST_EXTRA[dc]);
            let dcode_len = u32::from(dist_lengths[dc]);
            bits.put(
                u32::from(dist_codes[dc]) | (dist as u32 - u32::from(DIST_BASE[dc])) << dcode_len,
                dcode_len + dextra,
            );
        }
        debug_assert_eq!(pos, data.len());
        bits.put(
            u32::from(litlen_codes[END_OF_BLOCK]),
            u32::from(litlen_lengths[END_OF_BLOCK]),
        );
    }
}

/// The bytes a stored block takes besides its data: the block header and
/// its padding (one byte at most, counting the byte the previous block
/// began), LEN and NLEN.
const STORED_HEADER: usize = 5;

/// The stored blocks `n` bytes of data fill (none for no data).
fn stored_blocks(n: usize) -> usize {
    n.div_ceil(MAX_STORED)
}

/// The bytes `n` input bytes take as stored blocks, one block even for no
/// input.
fn stored_len(n: usize) -> usize {
    n + STORED_HEADER * stored_blocks(n).max(1)
}

/// `raw` as stored blocks of at most 65,535 bytes each (RFC 1951 §3.2.4).
fn write_stored(bits: &mut Bits<'_>, raw: &[u8], last: bool) {
    let mut from = 0;
    loop {
        let n = (raw.len() - from).min(MAX_STORED);
        let final_block = last && from + n == raw.len();
        bits.put(u32::from(final_block), 3);
        bits.align();
        let len = n as u16;
        bits.out.extend_from_slice(&len.to_le_bytes());
        bits.out.extend_from_slice(&(!len).to_le_bytes());
        bits.out.extend_from_slice(&raw[from..from + n]);
        from += n;
        if from == raw.len() {
            break;
        }
    }
}

/// The dynamic block header (RFC 1951 §3.2.7): the literal/length and
/// distance code lengths, run-length coded and Huffman coded with the
/// code-length alphabet.
#[derive(Default)]
struct DynamicHeader {
    hlit: usize,
    hdist: usize,
    hclen: usize,
    /// Code-length symbols, each with its extra bits value in bits 8..16.
    runs: Vec<u16>,
    cl_lengths: [u8; CODE_LENGTH_SYMBOLS],
    cl_codes: [u16; CODE_LENGTH_SYMBOLS],
    cl_freq: [u32; CODE_LENGTH_SYMBOLS],
}

impl DynamicHeader {
    fn build(
        &mut self,
        litlen: &[u8; LITLEN_SYMBOLS],
        dist: &[u8; DIST_SYMBOLS],
        huffman: &mut HuffmanBuilder,
    ) {
        let hlit = 257.max(LITLEN_SYMBOLS - litlen.iter().rev().take_while(|&&l| l == 0).count());
        let hdist = 1.max(DIST_SYMBOLS - dist.iter().rev().take_while(|&&l| l == 0).count());
        let mut all = [0u8; LITLEN_SYMBOLS + DIST_SYMBOLS];
        all[..hlit].copy_from_slice(&litlen[..hlit]);
        all[hlit..hlit + hdist].copy_from_slice(&dist[..hdist]);
        let lengths = &all[..hlit + hdist];

        let runs = &mut self.runs;
        runs.clear();
        let mut cl_freq = [0u32; CODE_LENGTH_SYMBOLS];
        let mut push = |sym: u16, extra: u16| {
            cl_freq[usize::from(sym)] += 1;
            runs.push(sym | extra << 8);
        };
        let mut i = 0;
        while i < lengths.len() {
            let len = lengths[i];
            let run = lengths[i..].iter().take_while(|&&l| l == len).count();
            let mut left = run;
            if len == 0 {
                while left >= 11 {
                    let n = left.min(138);
                    push(18, (n - 11) as u16);
                    left -= n;
                }
                if left >= 3 {
                    push(17, (left - 3) as u16);
                    left = 0;
                }
            } else {
                push(u16::from(len), 0);
                left -= 1;
                while left >= 3 {
                    let n = left.min(6);
                    push(16, (n - 3) as u16);
                    left -= n;
                }
            }
            for _ in 0..left {
                push(u16::from(len), 0);
            }
            i += run;
        }
        let mut cl_lengths = [0u8; CODE_LENGTH_SYMBOLS];
        huffman.lengths(&cl_freq, 7, &mut cl_lengths);
        let mut cl_codes = [0u16; CODE_LENGTH_SYMBOLS];
        canonical_codes(&cl_lengths, &mut cl_codes);
        let hclen = 4.max(
            CODE_LENGTH_SYMBOLS
                - CODE_LENGTH_ORDER
                    .iter()
                    .rev()
                    .take_while(|&&s| cl_lengths[s] == 0)
                    .count(),
        );
        self.hlit = hlit;
        self.hdist = hdist;
        self.hclen = hclen;
        self.cl_lengths = cl_lengths;
        self.cl_codes = cl_codes;
        self.cl_freq = cl_freq;
    }

    /// The header's size in bits, after the 3-bit block header.
    fn bits(&self) -> u64 {
        let mut total = 5 + 5 + 4 + 3 * self.hclen as u64;
        for (s, &f) in self.cl_freq.iter().enumerate() {
            let extra = match s {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => 0,
            };
            total += u64::from(f) * (u64::from(self.cl_lengths[s]) + extra);
        }
        total
    }

    fn write(&self, bits: &mut Bits<'_>) {
        bits.put((self.hlit - 257) as u32, 5);
        bits.put((self.hdist - 1) as u32, 5);
        bits.put((self.hclen - 4) as u32, 4);
        for &s in &CODE_LENGTH_ORDER[..self.hclen] {
            bits.put(u32::from(self.cl_lengths[s]), 3);
        }
        for &r in &self.runs {
            let s = usize::from(r & 0xff);
            let extra_bits = match s {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => 0,
            };
            bits.put(u32::from(self.cl_codes[s]), u32::from(self.cl_lengths[s]));
            bits.put(u32::from(r >> 8), extra_bits);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Deflater, REBASE_AT, WINDOW};

    /// Text with matches at every distance up to the window, several blocks
    /// long.
    fn text(len: usize) -> Vec<u8> {
        let mut data = Vec::with_capacity(len + 64);
        let mut i = 0u64;
        while data.len() < len {
            let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            data.extend_from_slice(
                format!(
                    "{{\"id\":\"{:08x}\",\"n\":{},\"r\":{}}}",
                    x >> 40,
                    i % 97,
                    x % 5
                )
                .as_bytes(),
            );
            i += 1;
        }
        data.truncate(len);
        data
    }

    fn compressed(deflater: &mut Deflater, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        deflater.compress(data, &mut out);
        out
    }

    #[test]
    fn virtual_positions_rebased_in_mid_input_change_nothing_in_the_output() {
        // Matches depend on the bytes alone, so the output of a fresh
        // compressor is the reference, with no decoder needed.
        let data = text(1 << 20);
        let expected = compressed(&mut Deflater::new(), &data);
        // The input starts just below where positions are rebased, so the
        // first block crosses it and the second starts with a rebase, with
        // matches reaching back across it.
        let mut deflater = Deflater::new();
        deflater.next_start = REBASE_AT - 10_000;
        let same = |deflater: &mut Deflater| compressed(deflater, &data) == expected;
        assert!(same(&mut deflater), "differs across a rebase");
        assert!(deflater.next_start < REBASE_AT, "no rebase happened");
        // Reused after the rebase, and again after a restart at the call's
        // beginning, the tables still give the same bytes.
        assert!(same(&mut deflater), "differs after a rebase");
        deflater.next_start = REBASE_AT;
        assert!(same(&mut deflater), "differs after a restart");
        let restarted = WINDOW + 1 + data.len() + WINDOW + 1;
        assert_eq!(deflater.next_start, restarted as u32);
    }
}
