//! Trace and span identifiers, and the per-thread generator that makes them.

use core::fmt;
use core::num::NonZeroU64;
#[cfg(feature = "std")]
use std::cell::Cell;
#[cfg(feature = "std")]
use std::collections::hash_map::RandomState;
#[cfg(feature = "std")]
use std::hash::{BuildHasher, Hasher};
#[cfg(feature = "std")]
use std::sync::atomic::{AtomicU64, Ordering};

/// A 16-byte trace identifier; never all zero.
///
/// Displays as 32 lowercase hex digits, the form every wire format uses.
///
/// # Example: round trip through hex
/// ```
/// use baton::TraceId;
/// let id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
/// assert_eq!(id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert!(TraceId::from_hex("00000000000000000000000000000000").is_err());
/// ```
// Two halves (never both zero), not a `NonZeroU128`: a `u128` is aligned
// to 16 bytes, which would pad every span context to 64 bytes and the
// record of an ended span past 128, the most a move copies inline (beyond,
// each move is a call to `memcpy`). The field order keeps `Ord` numeric.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId {
    hi: u64,
    lo: u64,
}

/// An 8-byte span identifier; never all zero.
///
/// # Example
/// ```
/// use baton::SpanId;
/// let id = SpanId::from_hex("00f067aa0ba902b7").unwrap();
/// assert_eq!(id.to_u64(), 0x00f0_67aa_0ba9_02b7);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(NonZeroU64);

/// Why a hex identifier was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdError {
    /// The text does not have the required number of hex digits.
    Length {
        /// The length required.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// The byte at `offset` is not a lowercase hex digit (`0-9a-f`).
    NotLowerHex {
        /// The offset of the offending byte.
        offset: usize,
    },
    /// Every digit is zero, which the specs reserve for "invalid".
    AllZero,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IdError::Length { expected, found } => {
                write!(f, "expected {expected} hex digits, found {found}")
            }
            IdError::NotLowerHex { offset } => {
                write!(f, "byte {offset} is not a lowercase hex digit")
            }
            IdError::AllZero => f.write_str("id is all zero"),
        }
    }
}

impl core::error::Error for IdError {}

/// Parses exactly `N` lowercase hex digits into a number; the shared core of
/// every id parser in the crate (W3C, B3 and Jaeger all build on it).
// Inlined so that each call site's fixed length unrolls the loop.
#[inline(always)]
pub(crate) fn parse_lower_hex(s: &[u8], expected: usize) -> Result<u128, IdError> {
    if s.len() != expected {
        return Err(IdError::Length {
            expected,
            found: s.len(),
        });
    }
    let bad = || IdError::NotLowerHex {
        // Some byte failed, so `position` finds it.
        offset: s
            .iter()
            .position(|&b| lower_hex_digit(b).is_none())
            .unwrap_or(0),
    };
    let mut n: u128 = 0;
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        n = (n << 32) | u128::from(lower_hex_8(eight).ok_or_else(bad)?);
    }
    for &b in chunks.remainder() {
        n = (n << 4) | u128::from(lower_hex_digit(b).ok_or_else(bad)?);
    }
    Ok(n)
}

pub(crate) fn lower_hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// `HEXDIG`: a hex digit of either case, as percent escapes and Jaeger ids
/// write them.
pub(crate) fn hex_digit(b: u8) -> Option<u8> {
    lower_hex_digit(if b.is_ascii_uppercase() { b | 0x20 } else { b })
}

/// Eight lowercase hex digits as a number, or `None` if any byte is not one.
/// Works on all eight bytes at once (SWAR), since ids are parsed on every
/// extracted header.
#[inline(always)]
pub(crate) fn lower_hex_8(digits: [u8; 8]) -> Option<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // The first digit in the top byte, so the digits come out in order.
    let x = u64::from_be_bytes(digits);
    if x & HIGH != 0 {
        return None;
    }
    // With every byte below 0x80 no carry crosses bytes: adding `0x80 - lo`
    // sets a byte's top bit iff it is >= lo, adding `0x7f - hi` iff it is > hi.
    let in_range = |lo: u8, hi: u8| {
        (x + ONES * u64::from(0x80 - lo)) & !(x + ONES * u64::from(0x7f - hi)) & HIGH
    };
    if in_range(b'0', b'9') | in_range(b'a', b'f') != HIGH {
        return None;
    }
    // '0'..='9' have low nibbles 0..=9; 'a'..='f' have 1..=6 and the 0x40 bit.
    let mut v = (x & (ONES * 0x0f)) + ((x & (ONES * 0x40)) >> 6) * 9;
    // Pack the eight nibbles, one per byte, into 32 bits.
    v = (v | v >> 4) & 0x00ff_00ff_00ff_00ff;
    v = (v | v >> 8) & 0x0000_ffff_0000_ffff;
    v = (v | v >> 16) & 0xffff_ffff;
    // The masks leave 32 bits.
    Some(v as u32)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes the low `out.len()` hex digits of `n` into `out`, lowercase.
/// Eight digits at a time, since every injected header and every exported
/// span writes its ids.
pub(crate) fn write_lower_hex(out: &mut [u8], mut n: u128) {
    let mut eights = out.rchunks_exact_mut(8);
    for eight in &mut eights {
        // The low 32 bits are the last eight digits.
        eight.copy_from_slice(&lower_hex_ascii_8(n as u32));
        n >>= 32;
    }
    for slot in eights.into_remainder().iter_mut().rev() {
        *slot = HEX[(n & 0xf) as usize];
        n >>= 4;
    }
}

/// `n` as eight lowercase hex digits: the inverse of [`lower_hex_8`].
#[inline(always)]
fn lower_hex_ascii_8(n: u32) -> [u8; 8] {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // One nibble per byte, the most significant in the top byte.
    let mut v = u64::from(n);
    v = (v | v << 16) & 0x0000_ffff_0000_ffff;
    v = (v | v << 8) & 0x00ff_00ff_00ff_00ff;
    v = (v | v << 4) & (ONES * 0x0f);
    // A nibble above 9 gets bit 4 when 6 is added; no byte carries.
    let letters = ((v + ONES * 6) >> 4) & ONES;
    (v + ONES * u64::from(b'0') + letters * u64::from(b'a' - b'0' - 10)).to_be_bytes()
}

impl TraceId {
    /// Makes an id from its 16 bytes, big-endian as on the wire; `None` when all zero.
    pub const fn from_bytes(bytes: [u8; 16]) -> Option<TraceId> {
        TraceId::from_u128(u128::from_be_bytes(bytes))
    }

    /// Makes an id from a number that is not zero.
    #[cfg(feature = "std")]
    pub(crate) const fn from_nonzero(n: core::num::NonZeroU128) -> TraceId {
        TraceId {
            hi: (n.get() >> 64) as u64,
            lo: n.get() as u64,
        }
    }

    /// Makes an id from a number; `None` for zero.
    pub const fn from_u128(n: u128) -> Option<TraceId> {
        if n == 0 {
            return None;
        }
        Some(TraceId {
            hi: (n >> 64) as u64,
            lo: n as u64,
        })
    }

    /// Parses exactly 32 lowercase hex digits, the form every wire format
    /// writes. A wrong length, a byte that is not `0-9a-f` (upper case
    /// included) and all zeros (the invalid id) are errors that say which.
    ///
    /// ```
    /// use baton::{IdError, TraceId};
    /// assert_eq!(
    ///     TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473").unwrap_err(),
    ///     IdError::Length { expected: 32, found: 31 }
    /// );
    /// assert_eq!(
    ///     TraceId::from_hex("4BF92F3577B34DA6A3CE929D0E0E4736").unwrap_err(),
    ///     IdError::NotLowerHex { offset: 1 }
    /// );
    /// assert_eq!(TraceId::from_hex(&"0".repeat(32)).unwrap_err(), IdError::AllZero);
    /// ```
    pub fn from_hex(hex: &str) -> Result<TraceId, IdError> {
        TraceId::from_u128(parse_lower_hex(hex.as_bytes(), 32)?).ok_or(IdError::AllZero)
    }

    /// The 16 bytes, big-endian.
    pub const fn to_bytes(self) -> [u8; 16] {
        self.to_u128().to_be_bytes()
    }

    /// The id as a number.
    pub const fn to_u128(self) -> u128 {
        (self.hi as u128) << 64 | self.lo as u128
    }

    /// A new random id from this thread's generator.
    ///
    /// The low 56 bits are random, so a trace started with it may carry the
    /// W3C level-2 `random` flag.
    #[cfg(feature = "std")]
    pub fn random() -> TraceId {
        loop {
            let hi = next_u64();
            let lo = next_u64();
            if let Some(id) = TraceId::from_u128((u128::from(hi) << 64) | u128::from(lo)) {
                return id;
            }
        }
    }

    /// The 32 hex digits without allocating.
    pub fn to_hex(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        write_lower_hex(&mut out, self.to_u128());
        out
    }
}

impl SpanId {
    /// Makes an id from its 8 bytes, big-endian; `None` when all zero.
    pub const fn from_bytes(bytes: [u8; 8]) -> Option<SpanId> {
        SpanId::from_u64(u64::from_be_bytes(bytes))
    }

    /// Makes an id from a number that is not zero.
    #[cfg(feature = "std")]
    pub(crate) const fn from_nonzero(n: NonZeroU64) -> SpanId {
        SpanId(n)
    }

    /// Makes an id from a number; `None` for zero.
    pub const fn from_u64(n: u64) -> Option<SpanId> {
        match NonZeroU64::new(n) {
            Some(n) => Some(SpanId(n)),
            None => None,
        }
    }

    /// Parses exactly 16 lowercase hex digits, with the errors of
    /// [`TraceId::from_hex`].
    ///
    /// ```
    /// use baton::{IdError, SpanId};
    /// assert_eq!(SpanId::from_hex("00f067aa0ba902b7").unwrap().to_u64(), 0x00f0_67aa_0ba9_02b7);
    /// assert_eq!(SpanId::from_hex("00f067aa0ba902b").unwrap_err(), IdError::Length { expected: 16, found: 15 });
    /// assert_eq!(SpanId::from_hex("0000000000000000").unwrap_err(), IdError::AllZero);
    /// ```
    pub fn from_hex(hex: &str) -> Result<SpanId, IdError> {
        // 16 hex digits always fit in a u64.
        SpanId::from_u64(parse_lower_hex(hex.as_bytes(), 16)? as u64).ok_or(IdError::AllZero)
    }

    /// The 8 bytes, big-endian.
    pub const fn to_bytes(self) -> [u8; 8] {
        self.0.get().to_be_bytes()
    }

    /// The id as a number.
    pub const fn to_u64(self) -> u64 {
        self.0.get()
    }

    /// A new random id from this thread's generator.
    // Inlined: a call of its own on every span (perf, the peer benchmark's
    // child span), for a few instructions.
    #[cfg(feature = "std")]
    #[inline]
    pub fn random() -> SpanId {
        loop {
            if let Some(id) = SpanId::from_u64(next_u64()) {
                return id;
            }
        }
    }

    /// The 16 hex digits without allocating.
    pub fn to_hex(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        write_lower_hex(&mut out, u128::from(self.to_u64()));
        out
    }
}

/// Writes an id's hex digits as a `str` is written, so a width, fill,
/// alignment or precision given in the format string is honoured
/// (`{:>40}` pads, `{:.8}` shortens).
fn pad_hex(f: &mut fmt::Formatter<'_>, hex: &[u8]) -> fmt::Result {
    // The buffer holds only ASCII hex digits.
    f.pad(core::str::from_utf8(hex).unwrap_or_default())
}

impl fmt::Display for TraceId {
    /// ```
    /// let id = baton::TraceId::from_u128(0xab).unwrap();
    /// assert_eq!(format!("{id:.8}|{id:>34}|"), format!("00000000|  {id}|"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad_hex(f, &self.to_hex())
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad_hex(f, &self.to_hex())
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}

#[cfg(feature = "std")]
thread_local! {
    // wyrand state; 0 means "not seeded yet".
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// A seed from OS entropy without dependencies: `RandomState` keys come from
/// the OS, and mixing in the time, the process id and a process-wide counter
/// keeps two threads or two processes apart even if those keys were ever equal.
#[cfg(feature = "std")]
#[cold]
fn seed() -> u64 {
    static SEEDS: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(crate::clock::now_unix_nanos());
    h.write_u32(std::process::id());
    h.write_u64(SEEDS.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// The next number from this thread's generator (wyrand).
#[cfg(feature = "std")]
#[inline]
pub(crate) fn next_u64() -> u64 {
    let step = |s: u64| {
        let s = s.wrapping_add(0xa076_1d64_78bd_642f);
        let t = u128::from(s) * u128::from(s ^ 0xe703_7ed1_a0b4_28db);
        (s, (t >> 64) as u64 ^ t as u64)
    };
    RNG.try_with(|cell| {
        let mut state = cell.get();
        if state == 0 {
            state = seed();
        }
        let (state, out) = step(state);
        // Stored as it is, also 0 (once in 2^64 steps), which reads as
        // "not seeded": the next call seeds again, as random as going on,
        // and no call pays for keeping the state off 0.
        cell.set(state);
        out
    })
    // During thread teardown the thread-local is gone; a fresh seed per call
    // is slow but still random.
    .unwrap_or_else(|_| step(seed()).1)
}
