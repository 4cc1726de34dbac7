//! Credentials written in an endpoint URL (`http://user:password@host/`):
//! RFC 3986 user information, sent as HTTP Basic authentication (RFC 7617),
//! as the HTTP clients of OpenTelemetry's Python (`requests`) and Go
//! exporters send it, and never shown in a message.

use std::borrow::Cow;

use crate::base64::Base64;
use crate::wire::lexical::percent_decode_into;

/// What stands for the user information where a URL is shown.
const HIDDEN: &str = "<user info>";

/// Why user information with a bad escape is refused, in either part.
const BAD_ESCAPE: &str = "a % in the user information begins no %XX escape";

/// The authority of `url` (what follows `scheme://`, up to a `/`, `?` or
/// `#`) split into its user information, if it has an `@`, and the rest.
/// The last `@` ends it, as WHATWG URL parsers read it; one before it is
/// refused by [`basic_authorization`].
pub(crate) fn split_user_info(authority: &str) -> (Option<&str>, &str) {
    match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    }
}

/// `url` with what may be user information replaced by `<user info>`: a
/// password must not reach a log through an error message. Errors quote
/// malformed URLs, where the authority cannot be told (`http:/u:p@h`, a
/// password with an unescaped `#`, `/` or `?`), so everything from the
/// scheme's `://` (or the start) to the last `@` counts as such: an `@` in
/// a path or query hides a little more than it had to.
pub(crate) fn redacted(url: &str) -> Cow<'_, str> {
    let Some(at) = url.rfind('@') else {
        return Cow::Borrowed(url);
    };
    let start = url[..at].find("://").map_or(0, |i| i + 3);
    Cow::Owned(format!("{}{HIDDEN}{}", &url[..start], &url[at..]))
}

/// The `Authorization` header value of `user_info` (`user[:password]`,
/// percent-encoded as RFC 3986 §3.2.1 allows): `Basic` and the base64 of
/// `user:password`, the password empty when not given. `Err` says what is
/// wrong, never quoting it.
pub(crate) fn basic_authorization(user_info: &str) -> Result<String, &'static str> {
    // RFC 3986 §3.2.1: unreserved, sub-delims, `:` and escapes.
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:%".contains(&b);
    if user_info.is_empty() {
        return Err("the user information before @ is empty: remove the @");
    }
    if !user_info.bytes().all(allowed) {
        return Err(
            "the user information holds a character a URL does not allow there \
                    (write @, / or a space as %40, %2F or %20)",
        );
    }
    let (user, password) = user_info.split_once(':').unwrap_or((user_info, ""));
    let mut decoded = Vec::with_capacity(user_info.len() + 1);
    percent_decode_into(user.as_bytes(), false, &mut decoded).map_err(|_| BAD_ESCAPE)?;
    // RFC 7617 §2: the user-id cannot hold a colon, and neither part a
    // control character.
    if decoded.contains(&b':') {
        return Err("the user name holds a colon (%3A), which Basic authentication cannot carry");
    }
    decoded.push(b':');
    percent_decode_into(password.as_bytes(), false, &mut decoded).map_err(|_| BAD_ESCAPE)?;
    if decoded.iter().any(u8::is_ascii_control) {
        return Err("the user information holds a control character");
    }
    Ok(format!("Basic {}", Base64(&decoded)))
}

#[cfg(test)]
mod tests {
    use super::{basic_authorization, redacted, split_user_info};

    #[test]
    fn user_information_is_sent_as_basic_authentication() {
        // RFC 7617 §2's example, then escapes, an empty password, and a
        // password holding colons (only the first one splits).
        for (user_info, header) in [
            (
                "Aladdin:open%20sesame",
                "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            ),
            (
                "Aladdin:open sesame".replace(' ', "%20").as_str(),
                "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            ),
            ("tenant", "Basic dGVuYW50Og=="),
            ("tenant:", "Basic dGVuYW50Og=="),
            ("u:a:b", "Basic dTphOmI="),
            ("%75:%40", "Basic dTpA"),
        ] {
            assert_eq!(
                basic_authorization(user_info).unwrap(),
                header,
                "{user_info}"
            );
        }
        for bad in ["", "u:p w", "u/p", "u:%4", "u%3A:p", "u:%0A", "u@x:p"] {
            assert!(basic_authorization(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_last_at_ends_the_user_information() {
        assert_eq!(split_user_info("u:p@host:1"), (Some("u:p"), "host:1"));
        assert_eq!(split_user_info("a@b@host"), (Some("a@b"), "host"));
        assert_eq!(split_user_info("host:1"), (None, "host:1"));
    }

    #[test]
    fn shown_urls_hide_the_user_information() {
        for (url, shown) in [
            ("http://u:s3cret@c:4318/v1", "http://<user info>@c:4318/v1"),
            ("http://a@b:s3cret@c", "http://<user info>@c"),
            ("http://c/p", "http://c/p"),
            ("u:s3cret@c", "<user info>@c"),
            // Malformed: where the authority ends cannot be told.
            ("http://u:s3#cret@h", "http://<user info>@h"),
            ("http://u:s3/cret@h", "http://<user info>@h"),
            ("http://u:s3?cret@h", "http://<user info>@h"),
            ("http:/u:s3cret@h", "<user info>@h"),
            ("u:s3cret@h/?r=http://x", "<user info>@h/?r=http://x"),
            ("https://u:s3cret@c?x@y", "https://<user info>@y"),
            ("http://c/p@q", "http://<user info>@q"),
        ] {
            assert_eq!(redacted(url), shown, "{url}");
        }
    }
}
