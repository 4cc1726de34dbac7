//! `baggage` parsing and formatting against the W3C Baggage grammar,
//! percent-encoding rules and limits (one budget over every header line).

use baton::wire::baggage::{self, parse, parse_lines};
use baton::wire::{Field, Reason, WireError};
use baton::Baggage;

const MAX_BYTES: usize = Baggage::MAX_BYTES;
const MAX_MEMBERS: usize = Baggage::MAX_MEMBERS;

type Entry<'a> = (&'a str, &'a str, &'a str);

fn entries(b: &Baggage) -> Vec<(String, String, String)> {
    b.iter()
        .map(|(k, v, p)| (k.to_owned(), v.to_owned(), p.to_owned()))
        .collect()
}

fn owned(list: &[Entry<'_>]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(k, v, p)| (k.to_string(), v.to_string(), p.to_string()))
        .collect()
}

/// `name: input => Ok([(key, value, properties), ..]) | Err(error)` rows, for the strict parser.
macro_rules! vectors {
    ($($name:ident: $input:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            let input: &str = &$input;
            let expected: Result<&[Entry<'_>], WireError> = $expected;
            assert_eq!(parse(input).map(|b| entries(&b)), expected.map(owned), "input {input:?}");
        }
    )*};
}

#[allow(non_snake_case)]
fn MissingEquals(offset: usize) -> WireError {
    WireError::new(Field::BaggageMember, offset, Reason::MissingEquals)
}
#[allow(non_snake_case)]
fn InvalidKey(offset: usize) -> WireError {
    WireError::new(Field::BaggageKey, offset, Reason::InvalidByte)
}
#[allow(non_snake_case)]
fn InvalidValue(offset: usize) -> WireError {
    WireError::new(Field::BaggageValue, offset, Reason::InvalidByte)
}
#[allow(non_snake_case)]
fn InvalidPercentEncoding(offset: usize) -> WireError {
    WireError::new(Field::BaggageValue, offset, Reason::BadEscape)
}
#[allow(non_snake_case)]
fn InvalidProperty(offset: usize) -> WireError {
    WireError::new(Field::BaggageProperty, offset, Reason::InvalidByte)
}

vectors! {
    simple: "userId=alice" => Ok(&[("userId", "alice", "")]);
    spec_example: "key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue"
        => Ok(&[("key1", "value1", "property1;property2"), ("key2", "value2", ""), ("key3", "value3", "propertyKey=propertyValue")]);
    percent_space: "serverNode=DF%2028" => Ok(&[("serverNode", "DF 28", "")]);
    plus_stays_plus: "q=a+b" => Ok(&[("q", "a+b", "")]);
    lower_case_hex: "k=%c3%a9" => Ok(&[("k", "é", "")]);
    upper_case_hex: "k=%C3%A9" => Ok(&[("k", "é", "")]);
    percent_percent: "k=100%25" => Ok(&[("k", "100%", "")]);
    not_utf8_becomes_replacement: "k=a%FFb" => Ok(&[("k", "a\u{FFFD}b", "")]);
    equals_in_value: "k=a=b==" => Ok(&[("k", "a=b==", "")]);
    empty_value: "k=" => Ok(&[("k", "", "")]);
    empty_value_with_property: "k=;p" => Ok(&[("k", "", "p")]);
    ows_everywhere: " \tk \t= \tv \t; \tp1 ; p2 = x \t" => Ok(&[("k", "v", "p1 ; p2 = x")]);
    token_key_chars: "!#$%&'*+-.^_`|~09az=1" => Ok(&[("!#$%&'*+-.^_`|~09az", "1", "")]);
    empty_members_skipped: ",a=1,, ,b=2," => Ok(&[("a", "1", ""), ("b", "2", "")]);
    empty_header: "" => Ok(&[]);
    last_duplicate_wins_in_first_place: "a=1,b=2,a=3" => Ok(&[("a", "3", ""), ("b", "2", "")]);
    // Invalid members.
    key_with_space: "a b=1" => Err(MissingEquals(2));
    key_non_token: "a(b=1" => Err(InvalidKey(1));
    key_empty: "=1" => Err(InvalidKey(0));
    no_equals: "key" => Err(MissingEquals(3));
    value_space: "k=a b" => Err(InvalidValue(3));
    value_dquote: "k=a\"b" => Err(InvalidValue(3));
    value_backslash: "k=a\\b" => Err(InvalidValue(3));
    value_non_ascii: "k=é" => Err(InvalidValue(2));
    percent_truncated: "k=ab%2" => Err(InvalidPercentEncoding(4));
    percent_at_end: "k=ab%" => Err(InvalidPercentEncoding(4));
    percent_not_hex: "k=%zz" => Err(InvalidPercentEncoding(2));
    property_empty: "k=v;" => Err(InvalidProperty(4));
    property_empty_between: "k=v;a;;b" => Err(InvalidProperty(6));
    property_bad_key: "k=v;(x)" => Err(InvalidProperty(4));
    property_bad_value: "k=v;p=a b" => Err(InvalidProperty(8));
    // "If the property value contains the percent code point (U+0025), it
    // MUST be percent-encoded": a `%` that begins no escape was not.
    property_percent_escaped: "k=v;p=100%25;q=%2f" => Ok(&[("k", "v", "p=100%25;q=%2f")]);
    property_percent_unescaped: "k=v;p=100%" => Err(InvalidProperty(9));
    property_percent_not_hex: "k=v;p=%zz;q" => Err(InvalidProperty(6));
    property_percent_cut_by_the_next: "k=v;p=%2;q=3" => Err(InvalidProperty(6));
    second_member_offset: "a=1, b c=2" => Err(MissingEquals(7));
}

#[test]
fn lenient_lines_skip_invalid_members_and_keep_the_rest() {
    let parsed = parse_lines(["a=1,bad key=2,c=%zz", "d=4"]);
    assert_eq!(
        entries(&parsed.baggage),
        owned(&[("a", "1", ""), ("d", "4", "")])
    );
    assert_eq!((parsed.invalid, parsed.dropped), (2, 0));
    assert_eq!(parsed.first_error, Some(MissingEquals(8)));
    assert!(!parsed.is_complete());
}

fn members(n: usize) -> String {
    (0..n)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn member_limit_64_ok_65_dropped() {
    assert_eq!(MAX_MEMBERS, 64);
    assert_eq!(parse(&members(64)).unwrap().len(), 64);
    let header = members(65);
    let offset = header.find("k64=").unwrap();
    assert_eq!(
        parse(&header),
        Err(WireError::new(
            Field::BaggageMember,
            offset,
            Reason::TooManyMembers { max: 64 }
        ))
    );
    let parsed = parse_lines([header.as_str()]);
    assert_eq!(parsed.baggage.len(), 64);
    assert_eq!(parsed.baggage.get("k64"), None);
    assert_eq!(parsed.dropped, 1);
}

#[test]
fn member_limit_applies_over_all_lines() {
    let lines: Vec<String> = (0..10).map(|_| members(10)).collect();
    // The same 10 keys repeated: last wins, nothing dropped.
    let parsed = parse_lines(lines.iter().map(String::as_str));
    assert_eq!(
        (parsed.baggage.len(), parsed.dropped, parsed.replaced),
        (10, 0, 90)
    );
    let lines: Vec<String> = (0..10)
        .map(|l| {
            (0..10)
                .map(|i| format!("l{l}k{i}=v"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    let parsed = parse_lines(lines.iter().map(String::as_str));
    assert_eq!((parsed.baggage.len(), parsed.dropped), (64, 36));
}

/// One member whose `key=value` form is exactly `len` bytes.
fn member_of_len(key: &str, len: usize) -> String {
    format!("{key}={}", "v".repeat(len - key.len() - 1))
}

#[test]
fn byte_limit_8192_ok_8193_dropped() {
    assert_eq!(MAX_BYTES, 8192);
    let ok = member_of_len("k", 8192);
    assert_eq!(parse(&ok).unwrap().len(), 1);
    let too_long = member_of_len("k", 8193);
    assert_eq!(
        parse(&too_long),
        Err(WireError::new(
            Field::BaggageMember,
            0,
            Reason::ListTooLong { max: 8192 }
        ))
    );
    let parsed = parse_lines([too_long.as_str()]);
    assert!(parsed.baggage.is_empty());
    assert_eq!(parsed.dropped, 1);
    // Two members plus the comma between them: 4000 + 1 + 4191 = 8192.
    let two = format!("{},{}", member_of_len("a", 4000), member_of_len("b", 4191));
    assert_eq!(parse(&two).unwrap().len(), 2);
    let over = format!("{},{}", member_of_len("a", 4000), member_of_len("b", 4192));
    assert_eq!(
        parse(&over),
        Err(WireError::new(
            Field::BaggageMember,
            4001,
            Reason::ListTooLong { max: 8192 }
        ))
    );
    // The member at 4001 is 4192 bytes: it is the list that is too long.
    let message = parse(&over).unwrap_err().to_string();
    assert!(
        message.ends_with("at byte 4001 would make the list longer than 8192 bytes"),
        "{message}"
    );
}

#[test]
fn byte_limit_counts_the_written_form_not_the_wire_form() {
    // OWS is not written back and "%41" is written "A": 8192 bytes once formatted.
    let value = "%41".repeat(8190);
    let header = format!("k  =  {value}");
    let b = parse(&header).unwrap();
    assert_eq!(b.get("k").map(str::len), Some(8190));
    assert_eq!(baggage::format(&b).header.len(), 8192);
}

#[test]
fn byte_budget_is_shared_by_all_lines() {
    let a = member_of_len("a", 5000);
    let b = member_of_len("b", 5000);
    let c = member_of_len("c", 3000);
    let parsed = parse_lines([a.as_str(), b.as_str(), c.as_str()]);
    // a (5000) fits, b would make 10001, c makes 5000 + 1 + 3000.
    let keys: Vec<&str> = parsed.baggage.iter().map(|(k, _, _)| k).collect();
    assert_eq!(keys, ["a", "c"]);
    assert_eq!(parsed.dropped, 1);
    assert_eq!(
        parsed.first_error,
        Some(WireError::new(
            Field::BaggageMember,
            5001,
            Reason::ListTooLong { max: 8192 }
        ))
    );
}

#[test]
fn replacing_a_duplicate_reuses_its_budget() {
    let a = member_of_len("a", 8192);
    let smaller = member_of_len("a", 10);
    let parsed = parse_lines([a.as_str(), smaller.as_str(), "b=1"]);
    assert_eq!(parsed.baggage.get("a").map(str::len), Some(8));
    assert_eq!(parsed.baggage.get("b"), Some("1"));
    assert!(parsed.is_complete());
}

#[test]
fn format_percent_encodes_what_it_must() {
    let b = Baggage::default()
        .try_insert("k", "a b,c;d\"e\\f%g+h=i", "")
        .unwrap()
        .try_insert("u", "Zoë 😀", "")
        .unwrap()
        .try_insert("ctl", "\t\n\u{7f}", "")
        .unwrap();
    let header = baggage::format(&b).header;
    // `+` is a baggage-octet, yet OpenTelemetry Python decodes values with
    // `unquote_plus` and read a raw `+` as a space: `%2B` reads as `+` in
    // every decoder (tests/interop_with_opentelemetry_python.rs).
    assert_eq!(
        header,
        "k=a%20b%2Cc%3Bd%22e%5Cf%25g%2Bh=i,u=Zo%C3%AB%20%F0%9F%98%80,ctl=%09%0A%7F"
    );
    assert_eq!(parse(&header).unwrap(), b);
}

#[test]
fn format_keeps_within_the_limits_and_says_what_it_left_out() {
    let mut b = Baggage::default();
    for i in 0..64 {
        b = b
            .try_insert(&format!("k{i}"), &"v".repeat(200), "")
            .unwrap();
    }
    let out = baggage::format(&b);
    assert!(out.header.len() <= MAX_BYTES);
    // Each member is "kN=" + 200 bytes, 203 or 204 bytes plus a comma.
    let written = out.header.split(',').count();
    assert_eq!(written + out.dropped, 64);
    assert!(out.dropped > 0);
    assert_eq!(parse(&out.header).unwrap().len(), written);
}

#[test]
fn format_of_empty_baggage_is_empty() {
    assert_eq!(baggage::format(&Baggage::default()).header, "");
}

#[test]
fn properties_given_in_code_hold_no_unencoded_percent() {
    assert_eq!(
        Baggage::default().try_insert("k", "v", "ratio=100%"),
        Err(baton::BaggageError::InvalidProperties { offset: 9 })
    );
    let b = Baggage::default()
        .try_insert("k", "v", "ratio=100%25")
        .unwrap();
    assert_eq!(baggage::format(&b).header, "k=v;ratio=100%25");
}
