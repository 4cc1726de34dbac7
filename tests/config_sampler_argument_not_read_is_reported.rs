//! `OTEL_TRACES_SAMPLER_ARG` is read only by the two ratio samplers. Set
//! for another sampler, or with no sampler named (a user who believes they
//! sample 10 %), it vanished: nothing in `ignored()`, nothing on stderr,
//! where the spec says "Invalid or unrecognized input MUST be logged".

use baton::Config;

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
use loopback_collector::lookup as env;

fn ignored(vars: &[(&'static str, &'static str)]) -> Vec<(String, String)> {
    let mut vars = vars.to_vec();
    vars.push(("OTEL_TRACES_EXPORTER", "none"));
    Config::from_lookup(env(&vars))
        .unwrap()
        .ignored()
        .iter()
        .map(|e| (e.variable().to_owned(), e.value().to_owned()))
        .collect()
}

fn arg(value: &str) -> (String, String) {
    ("OTEL_TRACES_SAMPLER_ARG".to_owned(), value.to_owned())
}

#[test]
fn an_argument_no_sampler_reads_is_ignored_and_reported() {
    assert_eq!(ignored(&[("OTEL_TRACES_SAMPLER_ARG", "0.1")]), [arg("0.1")]);
    for sampler in [
        "always_on",
        "ALWAYS_OFF",
        "parentbased_always_on",
        "parentbased_always_off",
    ] {
        assert_eq!(
            ignored(&[
                ("OTEL_TRACES_SAMPLER", sampler),
                ("OTEL_TRACES_SAMPLER_ARG", "banana")
            ]),
            [arg("banana")],
            "{sampler}"
        );
    }
    // An unknown sampler gives the default, which reads no argument either.
    let reported = ignored(&[
        ("OTEL_TRACES_SAMPLER", "sometimes"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
    ]);
    assert_eq!(
        reported,
        [
            ("OTEL_TRACES_SAMPLER".to_owned(), "sometimes".to_owned()),
            arg("0.5")
        ]
    );
    let strict = Config::from_lookup_strict(env(&[
        ("OTEL_TRACES_SAMPLER", "always_on"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.1"),
        ("OTEL_TRACES_EXPORTER", "none"),
    ]));
    assert_eq!(strict.err().unwrap().variable(), "OTEL_TRACES_SAMPLER_ARG");
}

/// The report says which sampler left the argument unread (found: it said
/// "names neither (unset, it is parentbased_always_on)" for a named
/// `parentbased_always_off` too).
#[test]
fn the_report_names_the_case() {
    let why = |vars: &[(&'static str, &'static str)]| {
        let mut vars = vars.to_vec();
        vars.push(("OTEL_TRACES_EXPORTER", "none"));
        let config = Config::from_lookup(env(&vars)).unwrap();
        let error = &config.ignored()[0];
        assert_eq!(error.variable(), "OTEL_TRACES_SAMPLER_ARG");
        error.to_string()
    };
    let named = why(&[
        ("OTEL_TRACES_SAMPLER", "parentbased_always_off"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.1"),
    ]);
    assert!(
        named.contains("OTEL_TRACES_SAMPLER names another sampler"),
        "{named}"
    );
    assert!(!named.contains("parentbased_always_on"), "{named}");
    let unset = why(&[("OTEL_TRACES_SAMPLER_ARG", "0.1")]);
    assert!(
        unset.contains("with OTEL_TRACES_SAMPLER unset the sampler is parentbased_always_on"),
        "{unset}"
    );
}

#[test]
fn the_ratio_samplers_read_their_argument_and_report_nothing() {
    for sampler in ["traceidratio", "parentbased_traceidratio"] {
        assert_eq!(
            ignored(&[
                ("OTEL_TRACES_SAMPLER", sampler),
                ("OTEL_TRACES_SAMPLER_ARG", "0.25")
            ]),
            [],
            "{sampler}"
        );
        // Invalid, it is reported once, as before.
        assert_eq!(
            ignored(&[
                ("OTEL_TRACES_SAMPLER", sampler),
                ("OTEL_TRACES_SAMPLER_ARG", "2")
            ]),
            [arg("2")],
            "{sampler}"
        );
    }
    // Unset or empty: nothing to report.
    assert_eq!(ignored(&[("OTEL_TRACES_SAMPLER", "always_on")]), []);
    assert_eq!(ignored(&[("OTEL_TRACES_SAMPLER_ARG", " ")]), []);
}
