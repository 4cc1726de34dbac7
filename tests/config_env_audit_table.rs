//! An audit of `Config::from_lookup` against the OpenTelemetry SDK
//! environment spec: one row per variable × value not checked elsewhere
//! (whitespace, case, `+`, overflow, saturation, a bad signal-specific
//! variable giving way to its general twin, an unknown enum value), each
//! with the settings expected to be ignored (and reported) and what the
//! value must become. Found: all of these as the README table says; the
//! problems found by the same audit have files of their own
//! (`sdk_disabled_keeps_otel_propagators.rs`,
//! `resource_attributes_key_given_twice_is_reported.rs`).

use std::time::Duration;

use baton::export::{BatchConfig, Compression, OtlpConfig, Protocol};
use baton::Config;

type Vars = &'static [(&'static str, &'static str)];

fn lookup(vars: Vars) -> impl Fn(&str) -> Option<String> + Copy {
    move |k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

/// What a row expects of the configuration read.
enum Then {
    Disabled,
    Sampler(&'static str),
    Queue(usize, usize),
    Delay(Duration),
    OtlpTimeout(Duration),
    Protocol(Protocol),
    Compression(Compression),
    Endpoint(&'static str),
    HeaderNames(&'static [&'static str]),
    EventLimit(usize),
}

#[test]
fn each_variable_and_value_reads_as_the_spec_and_readme_say() {
    let max_ms = Duration::from_millis(u64::MAX);
    let rows: &[(Vars, &[&str], Then)] = &[
        (&[("OTEL_SDK_DISABLED", " TRUE ")], &[], Then::Disabled),
        (
            &[
                ("OTEL_TRACES_SAMPLER", " TraceIdRatio "),
                ("OTEL_TRACES_SAMPLER_ARG", " .5 "),
            ],
            &[],
            Then::Sampler("TraceIdRatioBased{0.5}"),
        ),
        (
            &[
                ("OTEL_TRACES_SAMPLER", "traceidratio"),
                ("OTEL_TRACES_SAMPLER_ARG", "NaN"),
            ],
            &["OTEL_TRACES_SAMPLER_ARG"],
            Then::Sampler("TraceIdRatioBased{1}"),
        ),
        (
            &[("OTEL_TRACES_SAMPLER", "parentbased_jaeger_remote")],
            &["OTEL_TRACES_SAMPLER"],
            Then::Sampler("ParentBased{root:AlwaysOnSampler"),
        ),
        (&[("OTEL_BSP_MAX_QUEUE_SIZE", "+5")], &[], Then::Queue(5, 5)),
        // A queue below the default batch size takes the batch down with it.
        (
            &[("OTEL_BSP_MAX_QUEUE_SIZE", "100")],
            &[],
            Then::Queue(100, 100),
        ),
        (
            &[
                ("OTEL_BSP_MAX_QUEUE_SIZE", "100"),
                ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512"),
            ],
            &["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"],
            Then::Queue(100, 100),
        ),
        (
            &[("OTEL_BSP_MAX_QUEUE_SIZE", "18446744073709551616")],
            &["OTEL_BSP_MAX_QUEUE_SIZE"],
            Then::Queue(2048, 512),
        ),
        (
            &[("OTEL_BSP_SCHEDULE_DELAY", "99999999999999999999999")],
            &[],
            Then::Delay(max_ms),
        ),
        (
            &[("OTEL_BSP_SCHEDULE_DELAY", "1.5")],
            &["OTEL_BSP_SCHEDULE_DELAY"],
            Then::Delay(Duration::from_secs(5)),
        ),
        (
            &[("OTEL_EXPORTER_OTLP_TIMEOUT", "99999999999999999999999")],
            &[],
            Then::OtlpTimeout(max_ms),
        ),
        (
            &[
                ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "x"),
                ("OTEL_EXPORTER_OTLP_TIMEOUT", "7"),
            ],
            &["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"],
            Then::OtlpTimeout(Duration::from_millis(7)),
        ),
        (
            &[("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "0")],
            &[],
            Then::OtlpTimeout(Duration::MAX),
        ),
        (
            &[("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", " HTTP/JSON ")],
            &[],
            Then::Protocol(Protocol::HttpJson),
        ),
        (
            &[
                ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zstd"),
                ("OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP"),
            ],
            &["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"],
            Then::Compression(Compression::Gzip),
        ),
        (
            &[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", " \t ")],
            &[],
            Then::Endpoint("http://localhost:4318/v1/traces"),
        ),
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", " http://g:2 ")],
            &[],
            Then::Endpoint("http://g:2/v1/traces"),
        ),
        (
            &[
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:1/x"),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://g:2"),
            ],
            &[],
            Then::Endpoint("http://t:1/x"),
        ),
        // The signal-specific list replaces the general one; no merge.
        (
            &[
                ("OTEL_EXPORTER_OTLP_HEADERS", "a=1"),
                ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2"),
            ],
            &[],
            Then::HeaderNames(&["b"]),
        ),
        (
            &[("OTEL_SPAN_EVENT_COUNT_LIMIT", "4294967296")],
            &["OTEL_SPAN_EVENT_COUNT_LIMIT"],
            Then::EventLimit(128),
        ),
        (
            &[("OTEL_SPAN_EVENT_COUNT_LIMIT", "-1")],
            &["OTEL_SPAN_EVENT_COUNT_LIMIT"],
            Then::EventLimit(128),
        ),
        (
            &[("OTEL_SPAN_EVENT_COUNT_LIMIT", " 0 ")],
            &[],
            Then::EventLimit(0),
        ),
    ];
    for (vars, expected_ignored, then) in rows {
        let env = lookup(vars);
        let config = Config::from_lookup(env).unwrap();
        let ignored: Vec<&str> = config.ignored().iter().map(|e| e.variable()).collect();
        assert_eq!(&ignored, expected_ignored, "{vars:?}");
        // The strict reader fails on the first ignored setting.
        match (Config::from_lookup_strict(env), expected_ignored.first()) {
            (Ok(_), None) => {}
            (Err(e), Some(first)) => assert_eq!(e.variable(), *first, "{vars:?}"),
            (got, _) => panic!("{vars:?}: strict read gave {:?}", got.map(|_| ())),
        }
        // The readers below are strict too: hide what `Config` ignored.
        let kept = |k: &str| {
            if expected_ignored.contains(&k) {
                None
            } else {
                env(k)
            }
        };
        let otlp = || OtlpConfig::from_lookup(kept).unwrap();
        let batch = || BatchConfig::from_lookup(kept).unwrap();
        match then {
            Then::Disabled => assert!(config.is_disabled(), "{vars:?}"),
            Then::Sampler(s) => {
                let shown = format!("{config:?}");
                assert!(
                    shown.contains(&format!("sampler: \"{s}")),
                    "{vars:?}: {shown}"
                );
            }
            Then::Queue(queue, size) => {
                let b = batch();
                assert_eq!(
                    (b.max_queue_size, b.max_export_batch_size),
                    (*queue, *size),
                    "{vars:?}"
                );
            }
            Then::Delay(d) => assert_eq!(batch().scheduled_delay, *d, "{vars:?}"),
            Then::OtlpTimeout(d) => assert_eq!(otlp().get_timeout(), *d, "{vars:?}"),
            Then::Protocol(p) => assert_eq!(otlp().get_protocol(), *p, "{vars:?}"),
            Then::Compression(c) => assert_eq!(otlp().get_compression(), *c, "{vars:?}"),
            Then::Endpoint(url) => assert_eq!(otlp().endpoint(), *url, "{vars:?}"),
            Then::HeaderNames(names) => {
                let otlp = otlp();
                let got: Vec<&str> = otlp.headers().iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(&got, names, "{vars:?}");
            }
            Then::EventLimit(n) => {
                assert_eq!(config.get_span_limits().max_events, *n, "{vars:?}")
            }
        }
    }
}
