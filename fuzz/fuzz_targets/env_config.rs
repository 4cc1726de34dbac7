//! `NAME=VALUE` lines as the `OTEL_*` environment: reading it never
//! panics; the strict reader fails exactly when the lenient one ignored
//! something, with the first thing it ignored; an ignored header names no
//! value (it may be a secret); and a variable ignored whole leaves the
//! configuration as it is with that variable unset, as the OpenTelemetry
//! environment spec asks.
#![no_main]

use std::collections::HashMap;

use baton::export::{sampler_from_env, OtlpConfig, Resource};
use baton::propagation::SessionHeader;
use baton::Config;
use libfuzzer_sys::fuzz_target;

/// The configuration as `Debug` shows it, without what was ignored.
fn settings(config: &Config) -> String {
    let shown = format!("{config:?}");
    let ignored = format!(", ignored: {:?} }}", config.ignored());
    shown
        .strip_suffix(&ignored)
        .expect("`ignored` is shown last")
        .to_owned()
}

/// Whether a header byte may be in a header name (RFC 9110 `tchar`).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fuzz_target!(|data: &[u8]| {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        let _ = baton::set_diagnostic_handler(Box::new(|_| {}));
    });
    let text = String::from_utf8_lossy(data);
    let env: HashMap<String, String> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let lookup = |env: &HashMap<String, String>| {
        let env = env.clone();
        move |k: &str| env.get(k).cloned()
    };

    let config = Config::from_lookup(lookup(&env)).expect("from_lookup never fails");
    let strict = Config::from_lookup_strict(lookup(&env));
    match config.ignored().first() {
        Some(first) => assert_eq!(strict.err().as_ref(), Some(first)),
        None => assert_eq!(strict.map(|c| settings(&c)).ok(), Some(settings(&config))),
    }
    // Each header is quoted by its name, up to its first byte no name
    // holds (then `…`), or by its place in the list when it has none.
    for e in config.ignored() {
        if e.variable().ends_with("_HEADERS") {
            let name_only = |quoted: &str| {
                let name = quoted.strip_suffix('…').unwrap_or(quoted);
                name.bytes().all(is_tchar)
                    || quoted
                        .strip_prefix("member ")
                        .and_then(|rest| rest.strip_suffix(" of the list"))
                        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
            };
            assert!(e.value().split(',').all(name_only), "{e}");
        }
    }

    // A variable ignored whole is read as unset. Not an endpoint: the
    // headers set for it are ignored with it, where unset they would go to
    // the endpoint used instead.
    for e in config.ignored() {
        let variable = e.variable();
        if e.kept().is_some()
            || variable.ends_with("_ENDPOINT")
            || env.get(variable).map(String::as_str) != Some(e.value())
        {
            continue;
        }
        let mut unset = env.clone();
        unset.remove(variable);
        let without = Config::from_lookup(lookup(&unset)).unwrap();
        assert_eq!(settings(&without), settings(&config), "{e}");
    }

    // The readers a configuration is built from, alone.
    let _ = OtlpConfig::from_lookup(lookup(&env));
    let _ = Resource::from_lookup(lookup(&env));
    let _ = sampler_from_env(lookup(&env));
    let _ = SessionHeader::from_lookup(lookup(&env));
});
