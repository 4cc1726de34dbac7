//! A `ConfigError` quotes at most 256 bytes of the value it refuses
//! (`ConfigError::value`: "at most 256 bytes of it"), so a huge variable
//! cannot make a huge message: 256 bytes are quoted whole, 257 are cut to
//! 256, and a cut never splits a character (it backs off to the boundary
//! before it).

use baton::export::BatchConfig;

fn refused(value: &str) -> String {
    let value = value.to_owned();
    let env = move |k: &str| (k == "OTEL_BSP_MAX_QUEUE_SIZE").then(|| value.clone());
    BatchConfig::from_lookup(env)
        .unwrap_err()
        .value()
        .to_owned()
}

#[test]
fn the_quoted_value_is_cut_at_256_bytes_on_a_character_boundary() {
    let at = "x".repeat(256);
    assert_eq!(refused(&at), at, "at the edge: quoted whole");

    let past = "x".repeat(257);
    assert_eq!(refused(&past), "x".repeat(256), "past it: cut to 256");

    // 255 ASCII bytes then a 2-byte character straddling byte 256.
    let straddling = format!("{}é", "x".repeat(255));
    assert_eq!(straddling.len(), 257);
    assert_eq!(refused(&straddling), "x".repeat(255));

    // A 4-byte character ending exactly at byte 256 is kept.
    let fits = format!("{}😀", "x".repeat(252));
    assert_eq!(fits.len(), 256);
    assert_eq!(refused(&format!("{fits}y")), fits);
}
