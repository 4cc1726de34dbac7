//! W3C `baggage` headers as the peer SDKs' and the W3C suite's own tests
//! send and expect them, fed through `W3cBaggage` with a carrier.
//!
//! Sources (each vector names its own):
//! - Java: open-telemetry/opentelemetry-java
//!   `api/all/src/test/java/io/opentelemetry/api/baggage/propagation/W3CBaggagePropagatorTest.java`.
//! - W3C: w3c/baggage `test/test_baggage.py` (the reference parser's tests).
//! - JavaScript: open-telemetry/opentelemetry-js
//!   `packages/opentelemetry-core/test/baggage/W3CBaggagePropagator.test.ts`.
//! - Spec: W3C Baggage, §3.3 "Header Content".
//!
//! Properties are kept as their raw text (`Baggage::iter`'s third part),
//! so where the W3C tests check a property's key and value, the text is
//! checked. Where a peer differs from the spec the spec decides, and the
//! test says so. Limits are in `tests/w3c_baggage_extract.rs`, `+` in
//! `tests/baggage_plus_counted_as_received.rs`.

use baggage_vectors::{extract, members};
use baton::propagation::{Propagator, W3cBaggage};
use baton::{Baggage, Context};

#[macro_use]
#[path = "common/baggage_vectors.rs"]
mod baggage_vectors;

extract_vectors! {
    // Java W3CBaggagePropagatorTest.
    java_extract_key_duplicate: ["key=value1,key=value2"] => [("key", "value2", "")];
    java_extract_key_leading_spaces: ["  key=value1"] => [("key", "value1", "")];
    java_extract_key_trailing_spaces: ["key     =value1"] => [("key", "value1", "")];
    java_extract_key_only_spaces: ["   =value1"] => [];
    java_extract_key_with_inner_spaces: ["ke y=value1"] => [];
    java_extract_key_with_separators: ["ke?y=value1"] => [];
    java_extract_key_single_valid_multiple_invalid:
        ["ke<y=value1, ;sss,key=value;meta1=value1;meta2=value2,ke(y=value;meta=val "]
        => [("key", "value", "meta1=value1;meta2=value2")];
    java_extract_value_leading_spaces: ["  key=  value1"] => [("key", "value1", "")];
    java_extract_value_url_encoding: ["key=value%201"] => [("key", "value 1", "")];
    java_extract_value_trailing_spaces: ["key=value1      "] => [("key", "value1", "")];
    java_extract_value_trailing_spaces_with_metadata:
        ["key=value1      ;meta1=meta2"] => [("key", "value1", "meta1=meta2")];
    java_extract_value_with_inner_spaces: ["key=valu e1"] => [];
    java_extract_value_with_separators: ["key=val\\ue1"] => [];
    java_extract_value_multiple_leading_spaces:
        ["key=  value1,key1=val"] => [("key", "value1", ""), ("key1", "val", "")];
    java_extract_value_multiple_trailing_spaces:
        ["key=value1      ,key1=val"] => [("key", "value1", ""), ("key1", "val", "")];
    java_extract_value_multiple_with_inner_spaces: ["key=valu e1,key1=val"] => [("key1", "val", "")];
    java_extract_value_multiple_with_separators: ["key=val\\ue1,key1=val"] => [("key1", "val", "")];
    java_extract_header_empty: [""] => [];
    java_extract_member_single: ["key=value"] => [("key", "value", "")];
    java_extract_member_multi: ["key1=value1,key2=value2"] => [("key1", "value1", ""), ("key2", "value2", "")];
    java_extract_member_single_with_metadata:
        ["key=value;metadata-key=value;othermetadata"]
        => [("key", "value", "metadata-key=value;othermetadata")];
    java_extract_multiple_headers: ["k1=v1", "k2=v2"] => [("k1", "v1", ""), ("k2", "v2", "")];
    java_extract_multiple_headers_duplicate_key: ["k1=v1", "k1=v2"] => [("k1", "v2", "")];
    java_extract_multiple_headers_mixed_duplicates_non_duplicates:
        ["k1=v1,k2=v0", "k2=v2,k3=v3"] => [("k1", "v1", ""), ("k2", "v2", ""), ("k3", "v3", "")];
    java_extract_multiple_headers_all_empty: ["", ""] => [];
    java_extract_multiple_headers_some_empty: ["", "k=v"] => [("k", "v", "")];
    // A `%` not followed by two hex digits: "The percent code point
    // (U+0025) MUST be percent-encoded".
    java_extract_multiple_headers_all_invalid: ["!@#$%^", "key=va%lue"] => [];
    java_extract_multiple_headers_some_invalid:
        ["k1=v1", "key=va%lue", "k2=v2"] => [("k1", "v1", ""), ("k2", "v2", "")];

    // Peers disagree on an empty value: Java drops `key1=` (and `key1=`
    // with only spaces, or with properties); the spec's `value =
    // *baggage-octet` allows it. baton keeps it.
    java_drops_but_spec_allows_an_empty_value: ["key1="] => [("key1", "", "")];
    java_drops_but_spec_allows_an_empty_value_of_spaces: ["key1=     "] => [("key1", "", "")];
    java_drops_but_spec_allows_an_empty_value_with_metadata:
        ["key1=;metakey=metaval"] => [("key1", "", "metakey=metaval")];
    java_extract_value_multiple_empty: ["key1=,key1=val"] => [("key1", "val", "")];
    java_extract_value_multiple_empty_with_metadata:
        ["key1=;metakey=metaval,key1=val"] => [("key1", "val", "")];

    // Peers disagree on a `;` followed by nothing (`key3 =\tvalue3 ; `):
    // Java keeps `key3` with empty metadata. The spec: `list-member = key
    // OWS "=" OWS value *( OWS ";" OWS property )`, and a `property` is at
    // least a `key` (a `token`, one or more `tchar`): the member is not in
    // the grammar, and baton skips it, keeping the others.
    java_extract_member_full_complexities:
        ["key1= value1; metadata-key = value; othermetadata, key2 =value2 , key3 =\tvalue3 ; "]
        => [("key1", "value1", "metadata-key = value; othermetadata"), ("key2", "value2", "")];
    java_extract_member_some_invalid:
        ["key1= v;alsdf;-asdflkjasdf===asdlfkjadsf ,,a sdf9asdf-alue1; metadata-key = value; othermetadata, key2 =value2, key3 =\tvalue3 ; "]
        => [("key1", "v", "alsdf;-asdflkjasdf===asdlfkjadsf"), ("key2", "value2", "")];

    // JavaScript W3CBaggagePropagator.test.ts.
    js_extract_ows:
        ["key1=d4cda95b,key3=c88815a7, keyn   = valn, keym =valm"]
        => [("key1", "d4cda95b", ""), ("key3", "c88815a7", ""), ("keyn", "valn", ""), ("keym", "valm", "")];
    js_extract_properties:
        ["key1=d4cda95b,key3=c88815a7;prop1=value1"]
        => [("key1", "d4cda95b", ""), ("key3", "c88815a7", "prop1=value1")];
    js_invalid_no_key_value_pair: ["289371298nekjh2939299283jbk2b"] => [];
    js_invalid_wrong_key_value_format: ["key1:value;key2=value2"] => [];
    js_invalid_double_semicolon: ["key1:value;;key2=value2"] => [];
    // JavaScript drops a value that starts with `=`; the spec's value is
    // `*baggage-octet`, `=` among them ("value MAY contain any number of
    // the equal sign"), so baton keeps `key1` with the value `=value`.
    js_drops_but_spec_allows_a_value_starting_with_equals:
        ["key1==value;key2=value2"] => [("key1", "=value", "key2=value2")];
    js_drops_but_spec_allows_a_value_starting_with_equals_beside_another:
        ["key1==value,key2=value2"] => [("key1", "=value", ""), ("key2", "value2", "")];

    // w3c/baggage test/test_baggage.py.
    w3c_parse_simple: ["SomeKey=SomeValue"] => [("SomeKey", "SomeValue", "")];
    w3c_parse_multiple:
        ["SomeKey=SomeValue;SomeProp,SomeKey2=SomeValue2;ValueProp=PropVal"]
        => [("SomeKey", "SomeValue", "SomeProp"), ("SomeKey2", "SomeValue2", "ValueProp=PropVal")];
    // OWS around `=` inside a property is the property's text, kept as
    // received: the grammar allows it there (`key OWS "=" OWS value`).
    w3c_parse_multiple_ows:
        ["SomeKey \t = \t SomeValue \t ; \t SomeProp \t , \t SomeKey2 \t = \t SomeValue2 \t ; \t ValueProp \t = \t PropVal"]
        => [("SomeKey", "SomeValue", "SomeProp"), ("SomeKey2", "SomeValue2", "ValueProp \t = \t PropVal")];
    w3c_parse_multiple_kv_property:
        ["SomeKey=SomeValue;SomePropKey=SomePropValue,SomeKey2=SomeValue2;SomePropKey2=SomePropValue2"]
        => [("SomeKey", "SomeValue", "SomePropKey=SomePropValue"), ("SomeKey2", "SomeValue2", "SomePropKey2=SomePropValue2")];
    w3c_parse_multiple_equals: ["SomeKey=SomeValue=equals"] => [("SomeKey", "SomeValue=equals", "")];
    // `urllib.parse.quote("\t \"';=asdf!@#$%^&*()")`.
    w3c_parse_percent_encoded:
        ["SomeKey=%09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29"]
        => [("SomeKey", "\t \"';=asdf!@#$%^&*()", "")];
    w3c_parse_percent_encoded_ows:
        ["SomeKey \t = \t %09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29 \t "]
        => [("SomeKey", "\t \"';=asdf!@#$%^&*()", "")];
    w3c_parse_multi_property:
        ["SomeKey=SomeValue;SomeProp;SecondProp=PropValue"]
        => [("SomeKey", "SomeValue", "SomeProp;SecondProp=PropValue")];
    w3c_parse_simple_ows: ["SomeKey \t = \t SomeValue \t "] => [("SomeKey", "SomeValue", "")];
    w3c_parse_multi_property_ows:
        ["SomeKey \t = \t SomeValue \t ; \t SomeProp \t ; \t SecondProp \t = \t PropValue"]
        => [("SomeKey", "SomeValue", "SomeProp \t ; \t SecondProp \t = \t PropValue")];
}

fn injected(cx: &Context) -> Option<String> {
    let mut out: Vec<(String, String)> = Vec::new();
    W3cBaggage.inject(cx, &mut out);
    assert!(out.len() <= 1, "{out:?}");
    out.pop().map(|(k, v)| {
        assert_eq!(k, "baggage");
        v
    })
}

/// w3c/baggage `test_parse_percent_encoded`: the reference encoder writes
/// the value back as `%09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29`,
/// encoding every byte Python's `quote` does not keep. baton encodes only
/// what it must (bytes outside `baggage-octet`, `%`, and `+`): `'`, `=`,
/// `!`, `@`, `#`, `$`, `^`, `&`, `*`, `(`, `)` are baggage-octets and go as
/// they are. Both are the same value to a percent-decoder, and baton reads
/// its own form back to the same string.
#[test]
fn w3c_percent_encoded_value_is_written_with_fewer_escapes() {
    let value = "\t \"';=asdf!@#$%^&*()";
    let header = injected(&Context::default().with_baggage("SomeKey", value)).unwrap();
    assert_eq!(header, "SomeKey=%09%20%22'%3B=asdf!@#$%25^&*()");
    assert_eq!(
        extract(&[&header]),
        members(&[("SomeKey", value, "")]),
        "read back"
    );
}

/// Java `inject`: Java writes `meta=meta-value;somemetadata%3B%20someother%3Dfoo`,
/// percent-encoding the metadata's own `;`, ` ` and `=`, so a receiver
/// reads one property `somemetadata%3B%20someother%3Dfoo`. The spec's
/// properties are `*( OWS ";" OWS property )`, `property = key OWS "=" OWS
/// value / key OWS`: baton writes them as they are, two properties. Keys
/// that are not tokens (`"\2ab\3cd"`, `" "`) cannot be set at all.
#[test]
fn java_inject_vector() {
    let baggage = Baggage::default()
        .try_insert("nometa", "nometa-value", "")
        .unwrap()
        .try_insert("needsEncoding", "blah blah blah", "")
        .unwrap()
        .try_insert("meta", "meta-value", "somemetadata; someother=foo")
        .unwrap();
    assert!(baggage.try_insert("\u{2}ab\u{3}cd", "x", "").is_err());
    assert!(baggage.try_insert(" ", "x", "").is_err());
    let cx = Context::default().with_baggage_replaced(baggage);
    assert_eq!(
        injected(&cx).as_deref(),
        Some(
            "nometa=nometa-value,needsEncoding=blah%20blah%20blah,\
             meta=meta-value;somemetadata; someother=foo"
        )
    );
    // Java `inject_noBaggage`, `inject_emptyBaggage`: no header at all.
    assert_eq!(injected(&Context::default()), None);
}

/// JavaScript `should not exceed the W3C standard header length limit of
/// 8192 bytes`: three members that make exactly 8192 bytes go whole; one
/// byte more and the last member is left out (and reported, as
/// `tests/w3c_baggage.rs` checks), not the whole header.
#[test]
fn js_inject_keeps_8192_bytes_and_leaves_out_the_member_past_them() {
    for (aa, len, members) in [(88, 8192, 3), (89, 8100, 2)] {
        let cx = Context::default()
            .with_baggage(&"0".repeat(48), &"v".repeat(4000))
            .with_baggage(&"1".repeat(49), &"v".repeat(4000))
            .with_baggage("aa", &"v".repeat(aa));
        let header = injected(&cx).unwrap();
        assert_eq!(header.len(), len, "aa of {aa}");
        assert_eq!(header.split(',').count(), members, "aa of {aa}");
    }
}
