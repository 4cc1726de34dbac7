//! Base64 text of bytes (RFC 4648 §4, standard alphabet, padded), as the
//! proto3 JSON mapping writes `bytes` fields and as `Value::Bytes` displays.

use core::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Displays the bytes as base64 without allocating (vectors in the tests).
pub(crate) struct Base64<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Base64<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            let mut quad = [b'='; 4];
            // 3 input bytes give 4 symbols; 1 or 2 give 2 or 3, then padding.
            for (i, slot) in quad.iter_mut().take(chunk.len() + 1).enumerate() {
                *slot = ALPHABET[(n >> (18 - 6 * i) & 0x3f) as usize];
            }
            // The quad is ASCII by construction.
            f.write_str(core::str::from_utf8(&quad).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Base64;

    #[test]
    fn rfc_4648_test_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(Base64(input.as_bytes()).to_string(), expected);
        }
        assert_eq!(Base64(&[0xff, 0xfe, 0xfd]).to_string(), "//79");
    }
}
