//! W3C `baggage` headers as the peer SDKs' own tests send and expect them,
//! fed through `W3cBaggage` with a carrier that keeps repeated lines: the
//! vectors `tests/interop_w3c_baggage_vectors_from_peer_sdks.rs` (Java's and
//! the W3C reference parser's) does not already send.
//!
//! Sources (each vector names its own):
//! - Go: open-telemetry/opentelemetry-go `baggage/baggage_test.go`
//!   (`TestBaggageParse`, `TestBaggageParseValue`, `TestBaggageString`) and
//!   `propagation/baggage_test.go`.
//! - JS: open-telemetry/opentelemetry-js
//!   `packages/opentelemetry-core/test/common/baggage/W3CBaggagePropagator.test.ts`.
//! - Python: open-telemetry/opentelemetry-python
//!   `opentelemetry-api/tests/propagators/test_w3cbaggagepropagator.py`.
//! - .NET: open-telemetry/opentelemetry-dotnet
//!   `test/OpenTelemetry.Api.Tests/Context/Propagation/BaggagePropagatorTests.cs`.
//!
//! Properties are kept as their raw text (`Baggage::iter`'s third part): a
//! peer that decodes a property value is compared by that text. Where a
//! peer disagrees with baton, the vector asserts baton's behaviour and its
//! comment quotes the sentence of W3C Baggage (`baggage/HTTP_HEADER_FORMAT.md`)
//! that decides it.

use baggage_vectors::{extract, members, Members};
use baton::propagation::{Propagator, W3cBaggage};
use baton::{Baggage, Context};

#[macro_use]
#[path = "common/baggage_vectors.rs"]
mod baggage_vectors;

extract_vectors! {
    // Go `TestBaggageParse`.
    go_empty_value: [""] => [];
    go_single_member_empty_value_no_properties: ["foo="] => [("foo", "", "")];
    go_single_member_no_properties: ["foo=1"] => [("foo", "1", "")];
    // "`+` stays `+`": only `%XX` is an escape (RFC 3986 §2.1).
    go_single_member_no_properties_plus: ["foo=1+1"] => [("foo", "1+1", "")];
    go_single_member_no_properties_plus_encoded: ["foo=1%2B1"] => [("foo", "1+1", "")];
    go_single_member_no_properties_slash: ["foo=1/1"] => [("foo", "1/1", "")];
    go_single_member_no_properties_slash_encoded: ["foo=1%2F1"] => [("foo", "1/1", "")];
    go_single_member_no_properties_equals: ["foo=1=1"] => [("foo", "1=1", "")];
    go_single_member_no_properties_equals_encoded: ["foo=1%3D1"] => [("foo", "1=1", "")];
    go_single_member_with_spaces: [" foo \t= 1\t\t "] => [("foo", "1", "")];
    go_single_member_empty_value_with_properties: ["foo=;state=on;red"] => [("foo", "", "state=on;red")];
    go_single_member_with_properties: ["foo=1;state=on;red"] => [("foo", "1", "state=on;red")];
    go_single_member_with_value_containing_equal_signs: ["foo=0=0=0"] => [("foo", "0=0=0", "")];
    go_two_members_with_properties:
        ["foo=1;state=on;red,bar=2;yellow"] => [("foo", "1", "state=on;red"), ("bar", "2", "yellow")];
    // "According to the OTel spec, last value wins", properties and all.
    go_duplicate_key: ["foo=1;state=on;red,foo=2"] => [("foo", "2", "")];
    go_equals_value: ["key=="] => [("key", "=", "")];
    go_encoded_ascii_string: ["key1=val%252%2C"] => [("key1", "val%2,", "")];
    // Go decodes the property value (`val%2,`); baton keeps the raw text,
    // which decodes to the same.
    go_encoded_property: ["key1=;bar=val%252%2C"] => [("key1", "", "bar=val%252%2C")];
    go_encoded_utf8_string: ["foo=%C4%85%C5%9B%C4%87"] => [("foo", "ąść", "")];
    // `%` is a `tchar`: a key is a token and is never decoded (.NET's
    // `KeyPercentSequenceInKeyPreservedLiterallyOnExtract` agrees).
    go_encoded_utf8_string_in_key:
        ["a=b,%C4%85%C5%9B%C4%87=%C4%85%C5%9B%C4%87"]
        => [("a", "b", ""), ("%C4%85%C5%9B%C4%87", "ąść", "")];
    go_encoded_utf8_string_in_property:
        ["a=b,%C4%85%C5%9B%C4%87=%C4%85%C5%9B%C4%87;%C4%85%C5%9B%C4%87=%C4%85%C5%9B%C4%87"]
        => [("a", "b", ""), ("%C4%85%C5%9B%C4%87", "ąść", "%C4%85%C5%9B%C4%87=%C4%85%C5%9B%C4%87")];
    // Go reports the empty member as an error and keeps both; baton skips
    // it without counting it invalid (a blank line is such a member too).
    go_invalid_member_empty: ["foo=,,bar="] => [("foo", "", ""), ("bar", "", "")];
    go_invalid_member_no_key: ["=foo"] => [];
    go_invalid_member_no_value: ["foo"] => [];
    go_invalid_member_invalid_key: ["\\=value"] => [];
    go_invalid_member_invalid_value: ["foo=\\"] => [];
    // "The percent code point (U+0025) MUST be percent-encoded."
    go_invalid_member_improper_url_encoded_value: ["key1=val%"] => [];
    go_invalid_property_no_key: ["foo=1;=v"] => [];
    go_invalid_property_invalid_key: ["foo=1;key\\=v"] => [];
    go_invalid_property_invalid_value: ["foo=1;key=\\"] => [];
    // "If the property value contains the percent code point (U+0025), it
    // MUST be percent-encoded."
    go_invalid_property_improper_url_encoded_value: ["foo=1;key=val%"] => [];
    // "When decoding the value, percent-encoded octet sequences that do
    // not match the UTF-8 encoding scheme MUST be replaced with the
    // replacement code point"; the property is kept as its text.
    go_percent_encoded_octets_not_utf8:
        ["k=aa%ffcc;p=d%fff"] => [("k", "aa\u{FFFD}cc", "p=d%fff")];
    // Go `TestBaggageParseValue`.
    go_several_percent_encoded_octets_not_utf8:
        ["k=aa%ffcc%fedd%fa"] => [("k", "aa\u{FFFD}cc\u{FFFD}dd\u{FFFD}", "")];
    go_percent_encoded_utf8: ["k=aa%26cc"] => [("k", "aa&cc", "")];

    // Go `propagation/baggage_test.go` `TestExtractValidBaggage`.
    go_valid_header_with_spaces:
        ["key1 =   val1,  key2 =val2   "] => [("key1", "val1", ""), ("key2", "val2", "")];
    go_valid_header_with_properties:
        ["key1=val1,key2=val2;prop=1"] => [("key1", "val1", ""), ("key2", "val2", "prop=1")];
    go_valid_header_with_an_invalid_header:
        ["key1=val1,key2=val2,a,val3"] => [("key1", "val1", ""), ("key2", "val2", "")];
    go_valid_header_with_no_value: ["key1=,key2=val2"] => [("key1", "", ""), ("key2", "val2", "")];
    go_valid_header_with_url_encoded_string: ["key1=val%252"] => [("key1", "val%2", "")];
    // `TestExtractValidMultipleBaggageHeaders`.
    go_single_empty: ["", "key1=val1"] => [("key1", "val1", "")];
    go_single_header_with_one_invalid_skips_invalid:
        ["key1=val1,invalid-no-equals,key2=val2"] => [("key1", "val1", ""), ("key2", "val2", "")];
    go_multiple_headers_with_one_invalid_skips_invalid_and_continues:
        ["key1=val1", "invalid-no-equals", "key2=val2"] => [("key1", "val1", ""), ("key2", "val2", "")];
    // `TestExtractManyBaggageHeader`: invalid lines around a good one.
    go_too_many_invalid_headers:
        ["bad0", "bad1", "bad2", "bad3", "bad4", "bad5", "bad6", "bad7", "bad8", "bad9", "good=val"]
        => [("good", "val", "")];
    go_single_header_with_many_invalid_members:
        ["bad0,bad1,bad2,bad3,bad4,bad5,bad6,bad7,bad8,bad9,good=val"] => [("good", "val", "")];

    // JS `W3CBaggagePropagator.test.ts` `.extract()`.
    js_extract:
        ["key1=d4cda95b==,key3=c88815a7, keyn   = valn, keym =valm"]
        => [("key1", "d4cda95b==", ""), ("key3", "c88815a7", ""), ("keyn", "valn", ""), ("keym", "valm", "")];
    js_extract_array_with_multiple_items:
        ["key1=d4cda95b==,key3=c88815a7, keyn   = valn", "keym =valm"]
        => [("key1", "d4cda95b==", ""), ("key3", "c88815a7", ""), ("keyn", "valn", ""), ("keym", "valm", "")];
    js_returns_keys_with_their_properties:
        ["key1=d4cda95b,key3=c88815a7;prop1=value1"] => [("key1", "d4cda95b", ""), ("key3", "c88815a7", "prop1=value1")];
    js_invalid_no_key_value_pair: ["289371298nekjh2939299283jbk2b"] => [];
    js_invalid_wrong_key_value_format: ["key1:value;key2=value2"] => [];
    js_invalid_double_semicolon: ["key1:value;;key2=value2"] => [];
    js_mix_invalid_and_valid_keys: ["key1:value,key2=value2"] => [("key2", "value2", "")];
    // JS DISAGREES: it refuses a member of more than 4096 bytes, the limit
    // of an earlier draft. The Limits section today has none per member,
    // only "Condition 2: The resulting baggage-string is of size 8192
    // bytes or less", under which "A platform MUST propagate all
    // list-members". .NET (`ValidateLongBaggageExtraction`) and Go keep
    // such a member too.
    js_refuses_but_spec_keeps_a_member_over_4096_bytes:
        [format!("toolong={}", "v".repeat(4093))] => [("toolong", &*"v".repeat(4093), "")];
    js_skips_but_spec_keeps_a_member_over_4096_bytes_among_others:
        [format!("good=value,toolong={},also=good", "v".repeat(4093))]
        => [("good", "value", ""), ("toolong", &*"v".repeat(4093), ""), ("also", "good", "")];

    // Python `test_w3cbaggagepropagator.py`.
    py_valid_header: ["key1=val1,key2=val2"] => [("key1", "val1", ""), ("key2", "val2", "")];
    // Python DISAGREES: it drops the whole header for spaces around `=`.
    // "Leading and trailing whitespaces (OWS) are allowed and are not
    // considered to be a part of the key" (and "of the value"); Go, Java,
    // JS and .NET read the two members.
    py_drops_but_spec_allows_ows_around_keys_and_values:
        ["key1 =   val1,  key2 =val2   "] => [("key1", "val1", ""), ("key2", "val2", "")];
    // Python DISAGREES: it folds the properties into the value
    // (`val2;prop=1;prop2;prop3=2`). `list-member = key OWS "=" OWS value
    // *( OWS ";" OWS property )`: the value ends at the `;`.
    py_folds_but_spec_separates_properties_from_the_value:
        ["key1=val1,key2=val2;prop=1;prop2;prop3=2"]
        => [("key1", "val1", ""), ("key2", "val2", "prop=1;prop2;prop3=2")];
    py_valid_header_with_url_escaped_values:
        ["key1=val1,key2=val2%3Aval3,key3=val4%40%23%24val5"]
        => [("key1", "val1", ""), ("key2", "val2:val3", ""), ("key3", "val4@#$val5", "")];
    py_header_with_invalid_value: ["key1=val1,key2=val2,a,val3"] => [("key1", "val1", ""), ("key2", "val2", "")];
    py_valid_header_with_empty_value: ["key1=,key2=val2"] => [("key1", "", ""), ("key2", "val2", "")];
    py_invalid_header: ["header1"] => [];
    py_invalid_header_blank_key_and_value: [" = "] => [];
    // `value = *baggage-octet`, ASCII only: `é` unencoded is no value.
    py_extract_non_ascii_header: ["key1=val1,key2=test\u{e9}"] => [("key1", "val1", "")];
    py_extract_unquote_plus: ["keykey=value%5Evalue"] => [("keykey", "value^value", "")];
    // Python DISAGREES: it decodes the key too (`key#key`). A key is a
    // `token` "as defined in RFC 7230", and `%` is a `tchar`; only "When
    // decoding the value" does the spec speak of percent-decoding.
    py_decodes_but_spec_keeps_a_key_as_its_token:
        ["key%23key=value%23value"] => [("key%23key", "value#value", "")];

    // .NET `BaggagePropagatorTests`.
    net_one_baggage: ["name=test"] => [("name", "test", "")];
    net_multiple_baggage: ["name1=test1", "name2=test2"] => [("name1", "test1", ""), ("name2", "test2", "")];
    net_long_baggage:
        [format!("name={},clientId=1234", "x".repeat(8186))] => [("name", &*"x".repeat(8186), "")];
    net_maximum_length_baggage:
        [format!("name={}", "x".repeat(8187))] => [("name", &*"x".repeat(8187), "")];
    net_multiple_equals_in_value: ["SomeKey=SomeValue=equals"] => [("SomeKey", "SomeValue=equals", "")];
    net_empty_value: ["SomeKey="] => [("SomeKey", "", "")];
    net_ows_on_extraction:
        ["SomeKey = \t SomeValue \t , SomeKey2 = \t SomeValue2"]
        => [("SomeKey", "SomeValue", ""), ("SomeKey2", "SomeValue2", "")];
    // .NET ignores metadata; baton keeps it as the member's properties.
    net_semicolon_metadata: ["SomeKey=SomeValue;metadata"] => [("SomeKey", "SomeValue", "metadata")];
    net_ows_before_semicolon:
        ["SomeKey=SomeValue ; propertyKey=propertyValue"] => [("SomeKey", "SomeValue", "propertyKey=propertyValue")];
    net_invalid_format_skipped: ["noequals,=orphanvalue,validkey=validvalue,"] => [("validkey", "validvalue", "")];
    net_percent_encoded_complex_characters:
        ["SomeKey=%09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29"]
        => [("SomeKey", "\t \"';=asdf!@#$%^&*()", "")];
    net_key_percent_sequence_preserved_literally:
        ["key%20name=value,valid-key=valid-value"] => [("key%20name", "value", ""), ("valid-key", "valid-value", "")];
    net_key_plus_preserved_literally: ["key+name=value"] => [("key+name", "value", "")];
    // `ValidateSpecialCharsBaggageExtraction`.
    net_special_chars_key_and_value: ["key%201=value%201"] => [("key%201", "value 1", "")];
    net_special_chars_encoded_plus: ["key=val%2Buse"] => [("key", "val+use", "")];
    net_special_chars_encoded_space: ["key=val%20use"] => [("key", "val use", "")];
    net_special_chars_all_printable_ascii:
        ["key=%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~"]
        => [("key", " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", "")];
    net_plus_is_not_a_space: ["key=a+b%20c"] => [("key", "a+b c", "")];
}

/// .NET `ValidateValidTokenCharInKeyIsAcceptedOnExtract` and
/// `ValidateKeyWithInvalidTokenCharDroppedOnExtract`: a key is exactly an
/// RFC 7230 `token`.
#[test]
fn net_keys_are_tokens() {
    for c in "!#$%&'*+-.^_`|~".chars() {
        let key = format!("key{c}name");
        assert_eq!(
            extract(&[format!("{key}=value")]),
            members(&[(&key, "value", "")]),
            "tchar {c:?}"
        );
    }
    for c in " \"()/:;<>?@[\\]{}".chars() {
        assert_eq!(
            extract(&[format!("key{c}name=value")]),
            [],
            "not a tchar {c:?}"
        );
    }
}

/// The member and byte limits. "A platform MUST propagate all
/// list-members ... whenever both of these conditions are met: ... 64
/// list-members or less ... 8192 bytes or less", and past them "it MAY
/// drop or truncate certain baggage entries in any order", so long as
/// "it MUST NOT propagate any partial list-members". baton keeps the
/// members that fit, in order, and drops whole members past either limit.
mod limits {
    use super::*;

    /// Go `generateBaggageHeader`: `{prefix}{i}=v{i}`.
    fn numbered(n: usize, prefix: &str) -> String {
        (0..n)
            .map(|i| format!("{prefix}{i}=v{i}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn keys(found: &Members) -> Vec<String> {
        found.iter().map(|(k, _, _)| k.clone()).collect()
    }

    fn first_keys(n: usize, prefix: &str) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    /// Go `single header at max members limit`, `... exceeds max members
    /// limit keeps 64` and `TestBaggageParse` `baggage string with too many
    /// members keeps first 64`.
    #[test]
    fn go_at_and_past_64_members() {
        assert_eq!(keys(&extract(&[numbered(64, "k")])), first_keys(64, "k"));
        assert_eq!(keys(&extract(&[numbered(65, "k")])), first_keys(64, "k"));
        let empty_values: String = (0..65)
            .map(|i| format!("a{i}="))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(keys(&extract(&[empty_values])), first_keys(64, "a"));
    }

    /// JS keeps 180 members (an earlier draft's limit), .NET 180 as well
    /// (`ValidateOversizedBaggageExtractionHonorsLimits`). The spec's limit
    /// is 64 today, the minimum a platform must carry; a platform "MAY
    /// define higher limits". baton's is `Baggage::MAX_MEMBERS`, 64, so what
    /// it keeps any peer keeps too.
    #[test]
    fn js_and_dotnet_keep_180_members_baton_keeps_64() {
        let pairs: Vec<String> = (0..200).map(|i| format!("k{i}=v")).collect();
        assert_eq!(extract(&[pairs.join(",")]).len(), Baggage::MAX_MEMBERS);
        let first: Vec<String> = (0..100).map(|i| format!("a{i}=v")).collect();
        let second: Vec<String> = (0..100).map(|i| format!("b{i}=v")).collect();
        assert_eq!(
            keys(&extract(&[first.join(","), second.join(",")])),
            first_keys(64, "a")
        );
        let net: Vec<String> = (0..5000).map(|i| format!("k{i:04}=v")).collect();
        let kept = extract(&[net.join(",")]);
        assert_eq!(kept.len(), 64);
        assert_eq!(kept[63].0, "k0063");
        // JS `should stop accepting entries once the extracted baggage
        // exceeds 8192 bytes` keeps 163 of these 49-byte members.
        let value = "v".repeat(45);
        let wide: Vec<String> = (0..200).map(|i| format!("{i:03}={value}")).collect();
        assert_eq!(extract(&[wide.join(",")]).len(), 64);
    }

    /// Go `single header at max bytes limit`, `... exceeds max bytes limit
    /// will be dropped entirely`, `multiple headers within total max bytes`,
    /// `TestBaggageParse` `baggage string at max size is accepted`, and
    /// `TestExtractOversizedSingleBaggageHeader`.
    #[test]
    fn go_at_and_past_8192_bytes() {
        let max = Baggage::MAX_BYTES;
        let at = format!("k={}", "v".repeat(max - 2));
        assert_eq!(extract(&[at]).len(), 1);
        assert_eq!(extract(&[format!("k={}", "v".repeat(max - 1))]), []);
        assert_eq!(extract(&[format!("key={}", "v".repeat(max))]), []);
        let halves = [
            format!("k={}", "v".repeat(max / 2 - 2)),
            format!("y={}", "v".repeat(max / 2 - 3)),
        ];
        assert_eq!(keys(&extract(&halves)), ["k", "y"]);
        let val = "v".repeat(2727);
        let three = format!("k0={val},k1={val},k2={val}");
        assert_eq!(three.len(), max);
        assert_eq!(keys(&extract(&[three])), ["k0", "k1", "k2"]);
    }

    /// Go DISAGREES: empty `baggage` lines between or before two members
    /// that fill 8192 bytes "do count comma separators" there, so Go drops
    /// everything. The limit is on "The resulting baggage-string", which
    /// joins the two members with one `,`: 8192 bytes, and then "A platform
    /// MUST propagate all list-members".
    #[test]
    fn go_counts_empty_lines_but_spec_counts_the_resulting_baggage_string() {
        let max = Baggage::MAX_BYTES;
        let k = format!("k={}", "v".repeat(max / 2 - 2));
        let y = format!("y={}", "v".repeat(max / 2 - 3));
        for lines in [
            vec![k.clone(), String::new(), String::new(), y.clone()],
            vec![String::new(), k.clone(), y.clone()],
        ] {
            assert_eq!(keys(&extract(&lines)), ["k", "y"], "{:?}", lines.len());
        }
    }

    /// Go DISAGREES: past 8192 bytes in all it drops every member
    /// ("multiple headers exceed total max bytes drops everything", "...
    /// due to comma separator", "aggregate byte budget exceeded drops
    /// everything", "member cap does not stop aggregate byte accounting",
    /// "many headers total max members and max bytes"). The spec lets a
    /// platform drop "certain baggage entries in any order" and asks it to
    /// "propagate as much baggage information as is reasonable": baton
    /// keeps the members that fit, in order.
    #[test]
    fn go_drops_everything_but_baton_keeps_what_fits() {
        let max = Baggage::MAX_BYTES;
        let full = [
            format!("k={}", "v".repeat(max - 2)),
            format!("y={}", "v".repeat(max - 2)),
        ];
        assert_eq!(keys(&extract(&full)), ["k"]);
        let comma = [
            format!("k={}", "v".repeat(max / 2 - 2)),
            format!("y={}", "v".repeat(max / 2 - 2)),
        ];
        assert_eq!(keys(&extract(&comma)), ["k"]);
        // 100 lines `k{i}=` and 190 bytes: 10 members of 193 bytes and 32 of
        // 194, with their 41 commas, make 8179 bytes; the next would not fit.
        let many: Vec<String> = (0..100)
            .map(|i| format!("k{i}={}", "v".repeat(190)))
            .collect();
        assert_eq!(keys(&extract(&many)), first_keys(42, "k"));
        // Go `generateFixedWidthBaggageHeader(64, "a")` and an oversized one.
        let fixed: String = (0..64)
            .map(|i| format!("a{i:02}=v{i:02}"))
            .collect::<Vec<_>>()
            .join(",");
        let capped = [fixed, format!("oversized={}", "v".repeat(max))];
        assert_eq!(extract(&capped).len(), 64);
        // 100 lines of 10 fixed-width members: the first 64 are kept.
        let lines: Vec<String> = (0..100)
            .map(|h| {
                (0..10)
                    .map(|i| format!("h{h:02}_k{i:02}=v{i:02}"))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        let kept = keys(&extract(&lines));
        assert_eq!(kept.len(), 64);
        assert_eq!(kept[63], "h06_k03");
    }
}

/// What `W3cBaggage` writes for `baggage`; `None` when it writes nothing.
fn injected(baggage: Baggage) -> Option<String> {
    let mut out: Vec<(String, String)> = Vec::new();
    W3cBaggage.inject(&Context::default().with_baggage_replaced(baggage), &mut out);
    assert!(out.len() <= 1, "{out:?}");
    out.pop().map(|(k, v)| {
        assert_eq!(k, "baggage");
        v
    })
}

fn bag(entries: &[(&str, &str, &str)]) -> Baggage {
    entries.iter().fold(Baggage::default(), |b, (k, v, p)| {
        b.try_insert(k, v, p).unwrap()
    })
}

/// Go `TestBaggageString` "Encoded value": every US-ASCII byte. Go writes
/// a `baggage-octet` as it is and every other byte as `%XX`, `%` too; so
/// does baton, but for `+`, which it writes `%2B` (see the next test).
#[test]
fn go_every_ascii_byte_is_written_as_go_writes_it_but_plus() {
    let all: String = (0u8..128).map(char::from).collect();
    let go = "foo=%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F%20!%22#$%25&'()*+%2C-./0123456789:%3B<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[%5C]^_`abcdefghijklmnopqrstuvwxyz{|}~%7F";
    let header = injected(bag(&[("foo", &all, "")])).unwrap();
    assert_eq!(header, go.replace('+', "%2B"));
    assert_eq!(
        extract(&[header]),
        members(&[("foo", &all, "")]),
        "read back"
    );
}

/// `+` on inject. Go (`TestBaggageString` "plus": `foo=1+1`) and .NET
/// (`ValueValidBaggageOctetCharPassesThroughUnchanged`) write a `+` as it
/// is; Python writes a space as `+` (`test_inject_space_entries`:
/// `key=val+ue`) and decodes `+` as a space (`unquote_plus`). Both are
/// within the spec ("Code points which are not required to be
/// percent-encoded MAY be percent-encoded"), but together they make `+`
/// ambiguous, so baton writes a space `%20` and a `+` `%2B`, which every
/// one of these peers decodes back to what was sent.
#[test]
fn plus_and_space_are_written_so_every_peer_reads_them_back() {
    assert_eq!(
        injected(bag(&[("foo", "1+1", "")])).as_deref(),
        Some("foo=1%2B1")
    );
    assert_eq!(
        injected(bag(&[("key", "val ue", "")])).as_deref(),
        Some("key=val%20ue")
    );
    assert_eq!(
        injected(bag(&[("transaction", "string with spaces", "")])).as_deref(),
        Some("transaction=string%20with%20spaces")
    );
    // .NET: every other `baggage-octet` goes as it is and reads back.
    for octet in "!#&*-/:=?@~".chars() {
        let value = format!("val{octet}use");
        let header = injected(bag(&[("key", &value, "")])).unwrap();
        assert_eq!(header, format!("key={value}"));
        assert_eq!(extract(&[header]), members(&[("key", &value, "")]));
    }
}

/// Inject vectors of Go (`TestInjectBaggageToHTTPReq`, `TestBaggageString`),
/// JS (`should set baggage header`), .NET (`ValidateBaggageInjection`,
/// `ValidateEmptyValueInjection`, `KeyValidTokenCharSymbolInjectedUnchanged`,
/// `ValidateRawPercentInValueIsEncodedOnInject`,
/// `ValidateOptionalWhiteSpaceExtractionDoesNotCorruptOnReinjection`).
#[test]
fn inject_vectors() {
    assert_eq!(
        injected(bag(&[("key1", "val1", ""), ("key2", "val2", "")])).as_deref(),
        Some("key1=val1,key2=val2")
    );
    assert_eq!(
        injected(bag(&[("key2", "val3,4", "")])).as_deref(),
        Some("key2=val3%2C4")
    );
    assert_eq!(
        injected(bag(&[("key1", "val1", ""), ("key2", "val2", "prop=1")])).as_deref(),
        Some("key1=val1,key2=val2;prop=1")
    );
    assert_eq!(
        injected(bag(&[("foo", "ąść", "")])).as_deref(),
        Some("foo=%C4%85%C5%9B%C4%87")
    );
    assert_eq!(
        injected(bag(&[("foo", "1", "red;state=on;z=z=z")])).as_deref(),
        Some("foo=1;red;state=on;z=z=z")
    );
    assert_eq!(injected(bag(&[("key", "", "")])).as_deref(), Some("key="));
    assert_eq!(
        injected(bag(&[("my.key-name_here", "value", "")])).as_deref(),
        Some("my.key-name_here=value")
    );
    let header = injected(bag(&[("key", "x%20y", "")])).unwrap();
    assert_eq!(header, "key=x%2520y");
    assert_eq!(extract(&[header]), members(&[("key", "x%20y", "")]));
    // JS: `with/slash` is no token, so it is no key at all (JS writes it
    // `with%2Fslash`, which a receiver reads as another key); the rest.
    assert!(Baggage::default()
        .try_insert("with/slash", "with spaces", "")
        .is_err());
    assert_eq!(
        injected(bag(&[
            ("key1", "d4cda95b652f4a1592b449d5929fda1b", ""),
            ("key3", "c88815a7-0fa9-4d95-a1f1-cdccce3c5c2a", ""),
            (
                "key4",
                "foo",
                "key4prop1=value1;key4prop2=value2;key4prop3WithNoValue"
            ),
        ]))
        .as_deref(),
        Some(
            "key1=d4cda95b652f4a1592b449d5929fda1b,key3=c88815a7-0fa9-4d95-a1f1-cdccce3c5c2a,\
             key4=foo;key4prop1=value1;key4prop2=value2;key4prop3WithNoValue"
        )
    );
    let extracted = W3cBaggage.extract(
        &Context::default(),
        &vec![(
            "baggage".to_string(),
            "correlationId= 12345,userId= user-abc".to_string(),
        )],
    );
    let mut out: Vec<(String, String)> = Vec::new();
    W3cBaggage.inject(&extracted, &mut out);
    assert_eq!(
        out,
        [(
            "baggage".to_string(),
            "correlationId=12345,userId=user-abc".to_string()
        )]
    );
    // Go, Python, .NET: no baggage, no header.
    assert_eq!(injected(Baggage::default()), None);
}

/// .NET `ValidateInjectionOfMaximumLength`,
/// `ValidateInjectionStopsBeforeExceedingMaximumLength` and
/// `ValidateInjectionOfSixtyFourEntries`.
#[test]
fn net_inject_at_the_limits() {
    let header = injected(bag(&[("a", &"0".repeat(8190), "")])).unwrap();
    assert_eq!(header.len(), Baggage::MAX_BYTES);
    for length in 8187..=8190 {
        let value = "0".repeat(length);
        assert_eq!(
            injected(bag(&[("a", &value, ""), ("b", "c", "")])),
            Some(format!("a={value}")),
            "a of {length}"
        );
    }
    // .NET DISAGREES (`ValidateInjectionDoesNotExceedMaximumLength`): with
    // a member too long to send, it sends no header at all. The spec lets
    // a platform drop "certain baggage entries in any order"; baton drops
    // the one that cannot fit and sends the rest.
    for length in [8191, 16384] {
        assert_eq!(
            injected(bag(&[("a", &"0".repeat(length), ""), ("b", "c", "")])).as_deref(),
            Some("b=c"),
            "a of {length}"
        );
    }
    let sixty_four: Vec<(String, String)> = (0..64)
        .map(|i| (format!("key{i}"), format!("value{i}")))
        .collect();
    let baggage = sixty_four.iter().fold(Baggage::default(), |b, (k, v)| {
        b.try_insert(k, v, "").unwrap()
    });
    assert_eq!(injected(baggage).unwrap().split(',').count(), 64);
}
