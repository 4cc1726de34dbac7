//! gzip ([RFC 1952](https://www.rfc-editor.org/rfc/rfc1952)): one member
//! holding a DEFLATE stream, for `Content-Encoding: gzip` request bodies
//! (`OTEL_EXPORTER_OTLP_COMPRESSION=gzip`).
//!
//! Written here, without a dependency: LZ77 matching over the 32 KiB window
//! with dynamic Huffman codes per block (stored blocks only where they are
//! smaller), and the CRC-32 trailer. Any gzip reader (`gzip -d`, zlib,
//! collectors) decompresses the output.
//!
//! # Example: compress a request body
//! ```
//! let body = br#"{"name":"GET /users","kind":2}"#.repeat(100);
//! let mut out = Vec::new();
//! baton::export::gzip::compress(&body, &mut out);
//! assert_eq!(out[..3], [0x1f, 0x8b, 8]); // gzip magic, DEFLATE
//! assert!(out.len() < body.len() / 10);
//! // The trailer ends with the input size modulo 2^32.
//! assert_eq!(out[out.len() - 4..], (body.len() as u32).to_le_bytes());
//! ```

use std::cell::Cell;

use crate::export::crc32::Crc32;
use crate::export::deflate::Deflater;

/// The fixed ten-byte member header: magic, CM = 8 (DEFLATE), no flags, no
/// modification time, no extra flags, OS 255 ("unknown"), so the same input
/// always gives the same bytes.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

thread_local! {
    /// The compressor state last used on this thread (a 128 KiB hash table
    /// and the block's buffers), kept so that an exporter compressing one
    /// batch after another allocates nothing per batch.
    static DEFLATER: Cell<Option<Box<Deflater>>> = const { Cell::new(None) };
}

/// Appends one complete gzip member holding `data` to `out`.
///
/// Never fails and never panics, whatever `data` holds or however long it is
/// (the size field of the trailer is the length modulo 2^32, as RFC 1952
/// says). Input that does not compress grows by at most 5 bytes per 64 KiB
/// plus the 18 bytes of header and trailer.
///
/// The compressor's tables are kept per thread and reused by the next call.
pub fn compress(data: &[u8], out: &mut Vec<u8>) {
    // Taken out of the thread-local while in use, so nothing can observe it
    // half-way; a thread being torn down just uses a fresh one.
    let mut deflater = DEFLATER
        .try_with(Cell::take)
        .ok()
        .flatten()
        .unwrap_or_default();
    out.extend_from_slice(&HEADER);
    deflater.compress(data, out);
    let mut crc = Crc32::new();
    crc.update(data);
    out.extend_from_slice(&crc.value().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    let _ = DEFLATER.try_with(|cell| cell.set(Some(deflater)));
}

#[cfg(test)]
mod tests {
    use super::compress;

    #[test]
    fn empty_input_is_header_an_empty_fixed_block_and_trailer() {
        let mut out = vec![7];
        compress(b"", &mut out);
        // Appended after what was there; the fixed block with only
        // end-of-block is 10 bits; CRC and size of nothing are 0.
        assert_eq!(
            out,
            [7, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn trailer_holds_crc_of_known_vector() {
        let mut out = Vec::new();
        compress(b"123456789", &mut out);
        let n = out.len();
        assert_eq!(out[n - 8..n - 4], 0xCBF4_3926u32.to_le_bytes());
        assert_eq!(out[n - 4..], 9u32.to_le_bytes());
    }
}
