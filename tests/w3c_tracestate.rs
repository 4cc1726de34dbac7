//! `tracestate` parsing, formatting and updating against the W3C Trace
//! Context grammar, its limits, and the W3C test suite's cases.

use baton::wire::tracestate::{self, parse, parse_lines};
use baton::wire::{Field, Reason, WireError};
use baton::{TraceState, TraceStateError};

fn pairs(ts: &TraceState) -> Vec<(String, String)> {
    ts.iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn members(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `name: input => Ok([(key, value), ..]) | Err(error)` rows.
macro_rules! vectors {
    ($($name:ident: $input:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            let input: &str = &$input;
            let expected: Result<&[(&str, &str)], WireError> = $expected;
            assert_eq!(parse(input).map(|ts| pairs(&ts)), expected.map(members), "input {input:?}");
        }
    )*};
}

fn key(offset: usize) -> WireError {
    WireError::new(Field::TracestateKey, offset, Reason::InvalidByte)
}

fn value(offset: usize) -> WireError {
    WireError::new(Field::TracestateValue, offset, Reason::InvalidByte)
}

fn no_equals(offset: usize) -> WireError {
    WireError::new(Field::TracestateMember, offset, Reason::MissingEquals)
}

fn empty_value(offset: usize) -> WireError {
    WireError::new(Field::TracestateValue, offset, Reason::Empty)
}

fn too_many(offset: usize) -> WireError {
    WireError::new(
        Field::TracestateMember,
        offset,
        Reason::TooManyMembers { max: 32 },
    )
}

vectors! {
    single: "rojo=00f067aa0ba902b7" => Ok(&[("rojo", "00f067aa0ba902b7")]);
    two: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE" => Ok(&[("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")]);
    empty_header: "" => Ok(&[]);
    only_commas_and_ows: " , \t,," => Ok(&[]);
    empty_members_skipped: ",foo=1,,bar=2," => Ok(&[("foo", "1"), ("bar", "2")]);
    ows_around_members: "foo=1 \t , \t bar=2, \t baz=3" => Ok(&[("foo", "1"), ("bar", "2"), ("baz", "3")]);
    ows_tabs: "foo=1\t \t,\t \tbar=2" => Ok(&[("foo", "1"), ("bar", "2")]);
    leading_value_spaces_kept: "foo=  1" => Ok(&[("foo", "  1")]);
    value_inner_space: "foo=a b" => Ok(&[("foo", "a b")]);
    multi_tenant: "fw529a3039@dt=ZGMxZmY" => Ok(&[("fw529a3039@dt", "ZGMxZmY")]);
    tenant_starts_with_digit: "1tenant@sys=v" => Ok(&[("1tenant@sys", "v")]);
    key_special_chars: "a_-*/9=v" => Ok(&[("a_-*/9", "v")]);
    // Level 2: `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`, `@` a keychar
    // anywhere after the first character (the suite's
    // key_illegal_vendor_format cases).
    key_starts_with_digit: "1foo=1" => Ok(&[("1foo", "1")]);
    at_at_the_end: "foo@=1,bar=2" => Ok(&[("foo@", "1"), ("bar", "2")]);
    double_at: "foo@@bar=1,bar=2" => Ok(&[("foo@@bar", "1"), ("bar", "2")]);
    two_ats: "foo@bar@baz=1,bar=2" => Ok(&[("foo@bar@baz", "1"), ("bar", "2")]);
    system_starts_with_digit: "foo@1bar=1" => Ok(&[("foo@1bar", "1")]);
    // Keys.
    key_uppercase: "FOO=1" => Err(key(0));
    key_dot: "foo.bar=1" => Err(key(3));
    key_space_before_equals: "foo =1" => Err(key(3));
    key_empty: "=1" => Err(key(0));
    key_starts_with_at: "@foo=1,bar=2" => Err(key(0));
    missing_equals: "foo" => Err(no_equals(3));
    missing_equals_later: "a=1, foo , b=2" => Err(no_equals(8));
    // Values.
    value_empty: "foo=" => Err(empty_value(4));
    value_only_spaces: "foo=   " => Err(empty_value(4));
    value_with_equals: "foo=a=b" => Err(value(5));
    value_with_tab: "foo=a\tb" => Err(value(5));
    value_non_ascii: "foo=é" => Err(value(4));
    value_control: "foo=a\u{7f}" => Err(value(5));
    // W3C Trace Context Level 2, §3.5: vendors "MAY discard duplicate keys"
    // they did not generate; the suite's test_tracestate_duplicated_keys
    // expects "the duplicated keys to be either kept as-is or one of them to
    // be discarded". Kept as-is here.
    duplicate_same_value: "foo=1,foo=1" => Ok(&[("foo", "1"), ("foo", "1")]);
    duplicate_other_value: "foo=1,foo=2" => Ok(&[("foo", "1"), ("foo", "2")]);
}

#[test]
fn every_allowed_character() {
    let key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    let value: String = (0x20u8..=0x7e)
        .filter(|b| *b != b',' && *b != b'=')
        .map(char::from)
        .collect();
    for k in [key.to_string(), format!("{key}@a-z0-9_-*/@")] {
        let ts = parse(&format!("{k}={value}")).unwrap();
        assert_eq!(ts.get(&k), Some(value.as_str()));
    }
}

fn numbered(n: usize) -> String {
    (1..=n)
        .map(|i| format!("bar{i:02}={i:02}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn member_limit_32_ok_33_rejected() {
    assert_eq!(TraceState::MAX_MEMBERS, 32);
    let ts = parse(&numbered(32)).unwrap();
    assert_eq!(ts.len(), 32);
    assert_eq!(ts.get("bar01"), Some("01"));
    let header = numbered(33);
    let offset = header.find("bar33").unwrap();
    assert_eq!(parse(&header), Err(too_many(offset)));
}

#[test]
fn member_limit_counts_over_all_lines() {
    // The W3C suite sends the 32 members as four lines.
    let all = numbered(33);
    let parts: Vec<&str> = all.split(',').collect();
    let lines = [
        parts[..10].join(","),
        parts[10..20].join(","),
        parts[20..30].join(","),
        parts[30..32].join(","),
    ];
    let ts = parse_lines(lines.iter().map(String::as_str)).unwrap();
    assert_eq!(ts.len(), 32);
    let with_33 = [lines[3].clone(), parts[32].to_string()];
    let lines33 = lines[..3].iter().chain(with_33.iter()).map(String::as_str);
    assert_eq!(
        parse_lines(lines33).map_err(|e| e.reason()),
        Err(Reason::TooManyMembers { max: 32 })
    );
}

#[test]
fn key_length_256_ok_257_rejected() {
    assert_eq!(TraceState::MAX_KEY_LEN, 256);
    let ok = "z".repeat(256);
    assert_eq!(parse(&format!("{ok}=1")).unwrap().get(&ok), Some("1"));
    assert_eq!(
        parse(&format!("{}=1", "z".repeat(257))),
        Err(WireError::new(
            Field::TracestateKey,
            256,
            Reason::TooLong { max: 256 }
        ))
    );
}

/// W3C Trace Context Level 2, §3.3.1.3.1 "Key": `key = ( lcalpha / DIGIT )
/// 0*255 ( keychar )` with `keychar = lcalpha / DIGIT / "_" / "-"/ "*" / "/"
/// / "@"`: the old `tenant@system` split and its 241/14 limits are gone, so
/// a 242-character tenant is a valid key as long as the whole key has at
/// most 256 characters (the suite's key_length_limit cases).
#[test]
fn keys_with_at_follow_the_256_limit_only() {
    let suite = format!("{}@{}", "t".repeat(241), "v".repeat(14));
    assert_eq!(suite.len(), 256);
    assert!(parse(&format!("foo=1,{suite}=1"))
        .unwrap()
        .get(&suite)
        .is_some());
    let long_tenant = format!("{}@v", "t".repeat(242));
    assert_eq!(parse(&format!("{long_tenant}=1")).unwrap().len(), 1);
    let long_system = format!("t@{}", "v".repeat(15));
    assert_eq!(parse(&format!("{long_system}=1")).unwrap().len(), 1);
    let too_long = format!("{}@v", "t".repeat(255));
    assert_eq!(
        parse(&format!("{too_long}=1")).map_err(|e| e.reason()),
        Err(Reason::TooLong { max: 256 })
    );
}

/// The suite's test_tracestate_duplicated_keys sends the duplicate on one
/// line and on two; both are passed on.
#[test]
fn duplicated_keys_are_passed_on_from_one_line_or_two() {
    let one = parse("foo=1,foo=2").unwrap();
    let two = parse_lines(["foo=1", "foo=1"]).unwrap();
    assert_eq!(tracestate::format(&one), "foo=1,foo=2");
    assert_eq!(tracestate::format(&two), "foo=1,foo=1");
    assert_eq!(one.get("foo"), Some("1"), "the first wins on lookup");
    // A vendor updating its own entry leaves one.
    assert_eq!(
        tracestate::format(&one.insert("foo", "3").unwrap()),
        "foo=3"
    );
}

#[test]
fn value_length_256_ok_257_rejected() {
    assert_eq!(TraceState::MAX_VALUE_LEN, 256);
    let ok = "v".repeat(256);
    assert_eq!(
        parse(&format!("k={ok}")).unwrap().get("k"),
        Some(ok.as_str())
    );
    assert_eq!(
        parse(&format!("k={}", "v".repeat(257))),
        Err(WireError::new(
            Field::TracestateValue,
            2 + 256,
            Reason::TooLong { max: 256 }
        ))
    );
    // Trailing spaces are OWS, not part of the value, so they do not count.
    assert!(parse(&format!("k={ok}    ")).is_ok());
}

#[test]
fn lines_combine_in_order_as_if_joined_by_commas() {
    let ts = parse_lines(["foo=1,bar=2", "rojo=1,congo=2", "", "baz=3"]).unwrap();
    assert_eq!(tracestate::format(&ts), "foo=1,bar=2,rojo=1,congo=2,baz=3");
    // Offsets are into the joined value: "foo=1" + "," + "foo=2".
    assert_eq!(parse_lines(["foo=1", "Foo=2"]), Err(key(6)));
    assert_eq!(parse_lines(["a=1", "", "B=2"]), Err(key(5)));
    assert_eq!(parse_lines(["", "foo=1"]).unwrap().get("foo"), Some("1"));
}

#[test]
fn format_round_trips_and_drops_ows() {
    let ts = parse(" a=1 ,\tb= 2 ,,c@d=x").unwrap();
    let s = tracestate::format(&ts);
    assert_eq!(s, "a=1,b= 2,c@d=x");
    assert_eq!(parse(&s).unwrap(), ts);
    assert_eq!(tracestate::format(&TraceState::default()), "");
}

#[test]
fn insert_moves_the_key_to_the_left() {
    let ts = parse("congo=1,rojo=2,other=3").unwrap();
    let ts = ts.insert("rojo", "9").unwrap();
    assert_eq!(tracestate::format(&ts), "rojo=9,congo=1,other=3");
    let ts = ts.insert("new", "x").unwrap();
    assert_eq!(tracestate::format(&ts), "new=x,rojo=9,congo=1,other=3");
}

#[test]
fn insert_drops_the_right_most_member_past_32() {
    let full = parse(&numbered(32)).unwrap();
    let ts = full.insert("new", "x").unwrap();
    assert_eq!(ts.len(), 32);
    assert_eq!(ts.iter().next(), Some(("new", "x")));
    assert_eq!(ts.get("bar32"), None, "the right-most member goes");
    assert_eq!(ts.get("bar31"), Some("31"));
    // Updating an existing key of a full list drops nothing.
    let ts = full.insert("bar32", "y").unwrap();
    assert_eq!(ts.len(), 32);
    assert_eq!(ts.iter().next(), Some(("bar32", "y")));
    assert_eq!(ts.get("bar01"), Some("01"));
}

#[test]
fn insert_checks_key_and_value() {
    use TraceStateError::*;
    let ts = TraceState::default();
    assert_eq!(ts.insert("", "v"), Err(InvalidKey { offset: 0 }));
    assert_eq!(ts.insert("@a", "v"), Err(InvalidKey { offset: 0 }));
    assert_eq!(ts.insert("a.b", "v"), Err(InvalidKey { offset: 1 }));
    assert_eq!(
        ts.insert(&"k".repeat(257), "v"),
        Err(KeyTooLong { offset: 256 })
    );
    assert_eq!(ts.insert("k", ""), Err(EmptyValue { offset: 0 }));
    assert_eq!(ts.insert("k", "v "), Err(InvalidValue { offset: 1 }));
    assert_eq!(ts.insert("k", " v"), Ok(parse("k= v").unwrap()));
    assert_eq!(
        ts.insert("k", &"v".repeat(257)),
        Err(ValueTooLong { offset: 256 })
    );
    assert_eq!(ts, TraceState::default(), "insert never mutates");
}

#[test]
fn error_display_names_the_byte() {
    assert_eq!(
        parse("foo=1,Foo=2").unwrap_err().to_string(),
        "tracestate key at byte 6 is not allowed here"
    );
}
