//! Property: whatever an endpoint's user information holds (escapes good
//! and bad, colons, `@`, spaces, controls, non-ASCII), parsing it never
//! panics and no text the configuration shows (an error, `endpoint()`,
//! `Debug`) holds it; a valid one is sent as the base64 of its decoded
//! `user:password`, checked against a naive decoder.

use baton::export::OtlpConfig;
use proptest::prelude::*;

/// A marker every generated password holds, to look for in what is shown.
const SECRET: &str = "S3CRET";

/// User information characters, those RFC 3986 allows there and others;
/// never `/`, `?` or `#`, which end the authority (what follows is a path,
/// query or fragment, and is no longer user information).
fn user_info_part() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9._~!$&'()*+,;=-]{1,6}",
        Just("%20".to_owned()),
        Just("%3A".to_owned()),
        Just("%40".to_owned()),
        Just("%e4".to_owned()),
        Just("%".to_owned()),
        Just("%4".to_owned()),
        Just("%zz".to_owned()),
        Just(":".to_owned()),
        Just("@".to_owned()),
        Just(" ".to_owned()),
        Just("\u{7}".to_owned()),
        Just("\u{e4}".to_owned()),
        Just("[".to_owned()),
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// The naive reading of valid user information: split at the first `:`,
/// each side percent-decoded byte by byte.
fn naive_credentials(user_info: &str) -> Vec<u8> {
    let decode = |s: &str| {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    };
    let (user, password) = user_info.split_once(':').unwrap_or((user_info, ""));
    let mut out = decode(user);
    out.push(b':');
    out.extend(decode(password));
    out
}

/// Standard base64, padded, written the long way.
fn naive_base64(bytes: &[u8]) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bits: Vec<bool> = bytes
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
        .collect();
    let mut out: String = bits
        .chunks(6)
        .map(|c| {
            let n = (0..6).fold(0, |n, i| n << 1 | usize::from(c.get(i) == Some(&true)));
            char::from(alphabet[n])
        })
        .collect();
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn user_information_is_never_shown(
        user in user_info_part(),
        before in user_info_part(),
        after in user_info_part(),
        path in "(/[a-z]{0,4}){0,2}",
    ) {
        let user_info = format!("{user}:{before}{SECRET}{after}");
        let url = format!("http://{user_info}@collector:4318{path}");
        match OtlpConfig::new(&url) {
            Ok(config) => {
                prop_assert!(!config.endpoint().contains(SECRET));
                let shown = format!("{config:?}");
                prop_assert!(!shown.contains(SECRET));
                let path = if path.is_empty() { "/" } else { &path };
                prop_assert_eq!(config.endpoint(), format!("http://collector:4318{path}"));
                let expected = format!("Basic {}", naive_base64(&naive_credentials(&user_info)));
                prop_assert_eq!(config.headers(), [("Authorization".to_owned(), expected)]);
            }
            Err(err) => {
                prop_assert!(!err.to_string().contains(SECRET), "{}", err);
                prop_assert!(!err.value().contains(SECRET));
            }
        }
    }
}
