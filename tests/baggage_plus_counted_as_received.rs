//! A `+` in a baggage value is one byte against `Baggage::MAX_BYTES`, as
//! it came: the W3C Baggage spec says a header of 64 members or fewer and
//! 8192 bytes or fewer MUST be propagated, and `+` is a baggage-octet.
//! Found by an audit: sizes were counted as baton writes `+` (`%2B`, for
//! receivers that decode values as form data), so a valid 3002-byte
//! header of `+`s was over the limit: its member dropped by the
//! propagator, and the whole header refused by the strict parser. `%2B`
//! is still written wherever the header fits so; past that, `+` is
//! written as it came.

use std::collections::HashMap;

use baton::propagation::{Propagator, W3cBaggage};
use baton::wire::baggage::{format, parse};
use baton::{Baggage, Context};

fn extracted(header: &str) -> Baggage {
    let carrier = HashMap::from([("baggage".to_owned(), header.to_owned())]);
    W3cBaggage
        .extract(&Context::default(), &carrier)
        .baggage()
        .clone()
}

#[test]
fn pluses_count_as_one_byte_up_to_the_limit() {
    for n in [3000, Baggage::MAX_BYTES - 2] {
        let header = format!("k={}", "+".repeat(n));
        assert!(parse(&header).is_ok(), "{n}");
        let kept = extracted(&header);
        assert_eq!(kept.get("k").map(str::len), Some(n));
        // Sent on as it came: `%2B` would take it past the limit.
        let out = format(&kept);
        assert_eq!((out.header.as_str(), out.dropped), (header.as_str(), 0));
    }
    // One byte past the limit: refused, as any header past it.
    let past = format!("k={}", "+".repeat(Baggage::MAX_BYTES - 1));
    assert!(parse(&past).is_err());
    assert!(extracted(&past).is_empty());
}

#[test]
fn a_plus_is_written_escaped_wherever_the_header_fits_so() {
    let kept = extracted("k=a+b,l=%2B");
    assert_eq!(format(&kept).header, "k=a%2Bb,l=%2B");
    // The largest count of `+` whose `%2B`s still fit, and one more.
    let fits = (Baggage::MAX_BYTES - 2) / 3;
    for (n, escaped) in [(fits, true), (fits + 1, false)] {
        let kept = extracted(&format!("k={}", "+".repeat(n)));
        let out = format(&kept).header;
        assert_eq!(out.contains("%2B"), escaped, "{n}");
        assert!(out.len() <= Baggage::MAX_BYTES, "{n}");
        assert_eq!(parse(&out).unwrap(), kept, "{n}");
    }
}
