//! A collector's status line with a code below 100 (`HTTP/1.1 099 …`) is a
//! malformed answer: RFC 9110 §15 has every valid status code within 100
//! to 599, and its first digit gives the class a client must understand;
//! no class starts with 0. Codes 600 to 999 keep being read (as Go's client
//! reads them), as answers of an unknown class.
//!
//! Bug (found by the `http_response` fuzz target): `099` was read as the
//! status 99, an answer of no class at all.

use baton::export::__private_api::parse_head;

#[test]
fn a_status_code_starting_with_0_is_a_malformed_status_line() {
    for line in ["HTTP/1.1 099 Continue", "HTTP/1.1 000", "HTTP/1.0 042 x"] {
        let head = format!("{line}\r\nContent-Length: 0\r\n\r\n");
        let err = parse_head(head.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "malformed status line", "{line}");
    }
    for (line, status) in [("HTTP/1.1 100 Continue", 100), ("HTTP/1.1 999 x", 999)] {
        let head = format!("{line}\r\n\r\n");
        assert_eq!(
            parse_head(head.as_bytes()).unwrap().status,
            status,
            "{line}"
        );
    }
}
