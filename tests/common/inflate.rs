//! A naive, strict INFLATE and gunzip written from RFC 1951 and RFC 1952
//! alone, as an oracle independent of the compressor under test: bit by bit
//! Huffman decoding by code length (as in Mark Adler's `puff`), and the
//! bitwise CRC-32 definition.
#![allow(dead_code)] // each test crate uses a different part of this module

/// Reads bits least significant first.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
}

impl Bits<'_> {
    fn bit(&mut self) -> Result<u32, String> {
        let byte = *self
            .data
            .get(self.pos)
            .ok_or("input ends inside the DEFLATE stream")?;
        let b = u32::from(byte >> self.bit) & 1;
        self.bit += 1;
        if self.bit == 8 {
            self.bit = 0;
            self.pos += 1;
        }
        Ok(b)
    }

    /// `n` bits, first bit in the least significant place.
    fn bits(&mut self, n: u32) -> Result<u32, String> {
        let mut v = 0;
        for i in 0..n {
            v |= self.bit()? << i;
        }
        Ok(v)
    }

    fn align(&mut self) {
        if self.bit != 0 {
            self.bit = 0;
            self.pos += 1;
        }
    }
}

/// A canonical Huffman code: how many codes per length and the symbols in
/// canonical order.
struct Code {
    count: [u16; 16],
    symbols: Vec<u16>,
}

impl Code {
    /// Builds the code; refuses an over-subscribed code, and an incomplete
    /// one unless `incomplete_ok` (RFC 1951 allows one distance code of one
    /// bit, or none).
    fn new(lengths: &[u8], incomplete_ok: bool) -> Result<Code, String> {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[usize::from(l)] += 1;
        }
        let mut left: i32 = 1;
        for &n in &count[1..] {
            left = left * 2 - i32::from(n);
            if left < 0 {
                return Err("over-subscribed Huffman code".into());
            }
        }
        let used = lengths.len() - usize::from(count[0]);
        if left > 0 && !(incomplete_ok && used <= 1) {
            return Err(format!("incomplete Huffman code ({used} codes)"));
        }
        let mut symbols = Vec::new();
        for len in 1..16u8 {
            for (s, &l) in lengths.iter().enumerate() {
                if l == len {
                    symbols.push(s as u16);
                }
            }
        }
        Ok(Code { count, symbols })
    }

    fn decode(&self, bits: &mut Bits<'_>) -> Result<usize, String> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.bit()? as i32;
            let count = i32::from(self.count[len]);
            if code - count < first {
                return Ok(usize::from(self.symbols[(index + code - first) as usize]));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err("no symbol for the bits read".into())
    }
}

const LENGTH_BASE: [usize; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u32; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [usize; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u32; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// What the oracle saw, beyond the bytes: the block types used and the
/// longest match distance and length, so tests can check the compressor
/// really uses Huffman codes and its whole window.
#[derive(Debug, Default)]
pub struct Stats {
    pub stored_blocks: usize,
    pub fixed_blocks: usize,
    pub dynamic_blocks: usize,
    pub max_distance: usize,
    pub max_length: usize,
    pub matches: usize,
    pub literals: usize,
}

fn codes(
    bits: &mut Bits<'_>,
    out: &mut Vec<u8>,
    litlen: &Code,
    dist: &Code,
    stats: &mut Stats,
) -> Result<(), String> {
    loop {
        let sym = litlen.decode(bits)?;
        match sym {
            0..=255 => {
                stats.literals += 1;
                out.push(sym as u8);
            }
            256 => return Ok(()),
            257..=285 => {
                let i = sym - 257;
                let len = LENGTH_BASE[i] + bits.bits(LENGTH_EXTRA[i])? as usize;
                let d = dist.decode(bits)?;
                if d >= 30 {
                    return Err(format!("distance symbol {d}"));
                }
                let distance = DIST_BASE[d] + bits.bits(DIST_EXTRA[d])? as usize;
                if distance > out.len() || distance > 32768 {
                    return Err(format!("distance {distance} too far back"));
                }
                stats.matches += 1;
                stats.max_distance = stats.max_distance.max(distance);
                stats.max_length = stats.max_length.max(len);
                for _ in 0..len {
                    out.push(out[out.len() - distance]);
                }
            }
            _ => return Err(format!("literal/length symbol {sym}")),
        }
    }
}

/// Decodes a raw DEFLATE stream at the start of `data`; returns the bytes
/// and where the stream ended.
pub fn inflate(data: &[u8], stats: &mut Stats) -> Result<(Vec<u8>, usize), String> {
    let mut bits = Bits {
        data,
        pos: 0,
        bit: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = bits.bit()? == 1;
        match bits.bits(2)? {
            0 => {
                stats.stored_blocks += 1;
                bits.align();
                let at = bits.pos;
                let head = data.get(at..at + 4).ok_or("truncated stored block")?;
                let len = u16::from_le_bytes([head[0], head[1]]);
                let nlen = u16::from_le_bytes([head[2], head[3]]);
                if len != !nlen {
                    return Err("stored block LEN and NLEN disagree".into());
                }
                let body = data
                    .get(at + 4..at + 4 + usize::from(len))
                    .ok_or("truncated stored block")?;
                out.extend_from_slice(body);
                bits.pos = at + 4 + usize::from(len);
            }
            1 => {
                stats.fixed_blocks += 1;
                let mut lengths = [0u8; 288];
                for (s, l) in lengths.iter_mut().enumerate() {
                    *l = match s {
                        0..=143 => 8,
                        144..=255 => 9,
                        256..=279 => 7,
                        _ => 8,
                    };
                }
                let litlen = Code::new(&lengths, false)?;
                let dist = Code::new(&[5; 32], false)?;
                codes(&mut bits, &mut out, &litlen, &dist, stats)?;
            }
            2 => {
                stats.dynamic_blocks += 1;
                let hlit = bits.bits(5)? as usize + 257;
                let hdist = bits.bits(5)? as usize + 1;
                let hclen = bits.bits(4)? as usize + 4;
                if hlit > 286 || hdist > 30 {
                    return Err("too many length or distance codes".into());
                }
                const ORDER: [usize; 19] = [
                    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                ];
                let mut cl = [0u8; 19];
                for &s in &ORDER[..hclen] {
                    cl[s] = bits.bits(3)? as u8;
                }
                let cl_code = Code::new(&cl, false)?;
                let mut lengths = Vec::new();
                while lengths.len() < hlit + hdist {
                    let sym = cl_code.decode(&mut bits)?;
                    let (value, repeat) = match sym {
                        0..=15 => (sym as u8, 1),
                        16 => {
                            let prev = *lengths.last().ok_or("repeat with no previous length")?;
                            (prev, 3 + bits.bits(2)? as usize)
                        }
                        17 => (0, 3 + bits.bits(3)? as usize),
                        _ => (0, 11 + bits.bits(7)? as usize),
                    };
                    if lengths.len() + repeat > hlit + hdist {
                        return Err("code lengths run past the end".into());
                    }
                    lengths.extend(std::iter::repeat_n(value, repeat));
                }
                if lengths[256] == 0 {
                    return Err("no end-of-block code".into());
                }
                let litlen = Code::new(&lengths[..hlit], false)?;
                let dist = Code::new(&lengths[hlit..], true)?;
                codes(&mut bits, &mut out, &litlen, &dist, stats)?;
            }
            _ => return Err("reserved block type 3".into()),
        }
        if last {
            bits.align();
            return Ok((out, bits.pos));
        }
    }
}

/// The CRC-32 of RFC 1952 §8, bit by bit.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Decodes exactly one gzip member (RFC 1952), checking the header, the
/// CRC-32 and the size; bytes after the member are an error.
pub fn gunzip(data: &[u8], stats: &mut Stats) -> Result<Vec<u8>, String> {
    if data.len() < 18 || data[..3] != [0x1f, 0x8b, 8] {
        return Err("not a gzip member".into());
    }
    if data[3] != 0 {
        return Err(format!("unexpected header flags {:#x}", data[3]));
    }
    let (out, used) = inflate(&data[10..], stats)?;
    let trailer = data.get(10 + used..).ok_or("no trailer")?;
    if trailer.len() != 8 {
        return Err(format!(
            "{} bytes after the DEFLATE stream, expected 8",
            trailer.len()
        ));
    }
    let crc = u32::from_le_bytes(trailer[..4].try_into().unwrap());
    let size = u32::from_le_bytes(trailer[4..].try_into().unwrap());
    if crc != crc32(&out) {
        return Err("CRC-32 mismatch".into());
    }
    if size != out.len() as u32 {
        return Err("size mismatch".into());
    }
    Ok(out)
}
