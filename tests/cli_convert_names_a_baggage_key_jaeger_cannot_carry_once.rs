//! `baton convert --to jaeger` names a baggage key Jaeger cannot carry (no
//! lowercase header name: `userId`) once, with the reason. Found: it was
//! said twice, by Jaeger inject's own `invalid-argument` diagnostic
//! (`1 invalid uberctx- field(s) skipped ...; first: uberctx- name at byte
//! 12 is not allowed here`) and by convert's `baggage member userId
//! dropped`, which did not say why. A value that encodes past the byte
//! limit was said twice too, the library's line naming the limit.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn a_key_jaeger_cannot_carry_is_named_once_with_why() {
    let out = baton(
        &[
            "convert",
            "--to",
            "jaeger",
            TP,
            "baggage: userId=1,ok=2,Tenant=3",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01\n\
         uberctx-ok: 2\n"
    );
    assert_eq!(
        out.stderr,
        "baton: convert --to jaeger: baggage member userId dropped: uberctx-userId: uberctx- \
         name at byte 12 is not allowed here\n\
         baton: convert --to jaeger: baggage member Tenant dropped: uberctx-Tenant: uberctx- \
         name at byte 8 is not allowed here\n"
    );
}

#[test]
fn a_value_past_the_limit_once_encoded_is_named_once_with_the_limit() {
    // `$` is a W3C baggage octet, and `%24` as a uberctx- value: 4000 of
    // them fit the `baggage` header and pass 8192 bytes encoded.
    let baggage = format!("baggage: big={},ok=2", "$".repeat(4000));
    let out = baton(&["convert", "--to", "jaeger", TP, &baggage], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "baton: convert --to jaeger: baggage member big dropped: uberctx-big: past the limit \
         of 8192 bytes, its value encoded as uberctx- values are\n"
    );
}
