//! Config::from_lookup and the readers behind it: defaults, each limit at
//! and just past its edge, and every invalid value named with its variable
//! and value: an error from the strict readers, and from Config::from_lookup
//! a setting ignored, kept in `ignored()`, with the default used.

use std::time::Duration;

use baton::export::{
    BatchConfig, OtlpConfig, Resource, DEFAULT_EXPORT_TIMEOUT, DEFAULT_MAX_EXPORT_BATCH_SIZE,
    DEFAULT_MAX_QUEUE_SIZE, DEFAULT_OTLP_TIMEOUT, DEFAULT_SCHEDULE_DELAY, MAX_QUEUE_SIZE_LIMIT,
    MIN_SCHEDULE_DELAY,
};
use baton::{Config, ConfigError};

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
use loopback_collector::lookup as env;

/// `Config::from_lookup` over `base` plus `variable=value`, which must be
/// ignored: the one setting kept in `ignored()` names the variable, and the
/// configuration is the one `base` alone gives. `from_lookup_strict`
/// returns that setting as its error. Returns it.
fn ignored(base: &[(&str, &str)], variable: &str, value: &str) -> ConfigError {
    let mut vars = base.to_vec();
    vars.push((variable, value));
    let config = Config::from_lookup(env(&vars)).unwrap();
    assert_eq!(
        config.ignored().len(),
        1,
        "{variable}={value:?}: {config:?}"
    );
    let err = config.ignored()[0].clone();
    assert_eq!(err.variable(), variable, "{value:?}");
    assert!(err.to_string().contains(variable));
    let settings = |c: &Config| {
        let shown = format!("{c:?}");
        shown[..shown.find(", ignored: ").unwrap()].to_owned()
    };
    let unset = Config::from_lookup(env(base)).unwrap();
    assert!(unset.ignored().is_empty());
    assert_eq!(settings(&config), settings(&unset), "{variable}={value:?}");
    assert_eq!(
        Config::from_lookup_strict(env(&vars)).err(),
        Some(err.clone())
    );
    err
}

#[test]
fn an_empty_environment_gives_the_opentelemetry_defaults() {
    let batch = BatchConfig::from_lookup(env(&[])).unwrap();
    assert_eq!(batch.max_queue_size, 2048);
    assert_eq!(DEFAULT_MAX_QUEUE_SIZE, 2048);
    assert_eq!(batch.max_export_batch_size, DEFAULT_MAX_EXPORT_BATCH_SIZE);
    assert_eq!(DEFAULT_MAX_EXPORT_BATCH_SIZE, 512);
    assert_eq!(batch.scheduled_delay, DEFAULT_SCHEDULE_DELAY);
    assert_eq!(DEFAULT_SCHEDULE_DELAY, Duration::from_secs(5));
    assert_eq!(batch.export_timeout, DEFAULT_EXPORT_TIMEOUT);
    assert_eq!(DEFAULT_EXPORT_TIMEOUT, Duration::from_secs(30));

    let otlp = OtlpConfig::from_lookup(env(&[])).unwrap();
    assert_eq!(otlp.endpoint(), "http://localhost:4318/v1/traces");
    assert_eq!(otlp.get_timeout(), DEFAULT_OTLP_TIMEOUT);
    assert!(otlp.headers().is_empty());
    let name = otlp.get_resource().get("service.name").unwrap().to_string();
    assert!(name.starts_with("unknown_service:"), "{name}");
    assert!(Config::from_lookup(env(&[])).is_ok());
}

#[test]
fn empty_values_count_as_unset() {
    let batch = BatchConfig::from_lookup(env(&[
        ("OTEL_BSP_MAX_QUEUE_SIZE", ""),
        ("OTEL_BSP_SCHEDULE_DELAY", " "),
    ]));
    assert_eq!(batch.unwrap(), BatchConfig::default());
}

#[test]
fn the_queue_size_limit_is_accepted_at_the_edge_and_refused_past_it() {
    let at = MAX_QUEUE_SIZE_LIMIT.to_string();
    let past = (MAX_QUEUE_SIZE_LIMIT + 1).to_string();
    let ok = BatchConfig::from_lookup(env(&[("OTEL_BSP_MAX_QUEUE_SIZE", &at)])).unwrap();
    assert_eq!(ok.max_queue_size, MAX_QUEUE_SIZE_LIMIT);
    let err = BatchConfig::from_lookup(env(&[("OTEL_BSP_MAX_QUEUE_SIZE", &past)])).unwrap_err();
    assert_eq!(
        (err.variable(), err.value()),
        ("OTEL_BSP_MAX_QUEUE_SIZE", past.as_str())
    );
    let one = BatchConfig::from_lookup(env(&[("OTEL_BSP_MAX_QUEUE_SIZE", "1")])).unwrap();
    assert_eq!((one.max_queue_size, one.max_export_batch_size), (1, 1));
}

#[test]
fn the_batch_may_equal_the_queue_but_not_exceed_it() {
    let ok = BatchConfig::from_lookup(env(&[
        ("OTEL_BSP_MAX_QUEUE_SIZE", "100"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "100"),
    ]))
    .unwrap();
    assert_eq!(ok.max_export_batch_size, 100);
    let err = BatchConfig::from_lookup(env(&[
        ("OTEL_BSP_MAX_QUEUE_SIZE", "100"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "101"),
    ]))
    .unwrap_err();
    assert_eq!(
        (err.variable(), err.value()),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "101")
    );
}

#[test]
fn durations_and_timeouts_take_what_the_environment_spec_allows() {
    // Bug: 0 and anything past a day (86400000 ms) were errors. The spec's
    // durations are whole milliseconds, 0 or more, up to at least 2^31 - 1;
    // a timeout of 0 means no deadline.
    let batch = |pairs: &[(&str, &str)]| BatchConfig::from_lookup(env(pairs)).unwrap();
    let zero = batch(&[
        ("OTEL_BSP_SCHEDULE_DELAY", "0"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "0"),
    ]);
    assert_eq!(zero.scheduled_delay, MIN_SCHEDULE_DELAY);
    assert_eq!(zero.export_timeout, Duration::MAX);
    let int_max = batch(&[
        ("OTEL_BSP_SCHEDULE_DELAY", "2147483647"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "2147483647"),
    ]);
    assert_eq!(
        int_max.scheduled_delay,
        Duration::from_millis(2_147_483_647)
    );
    assert_eq!(int_max.export_timeout, Duration::from_millis(2_147_483_647));
    let u64_max = batch(&[("OTEL_BSP_EXPORT_TIMEOUT", "18446744073709551615")]);
    assert_eq!(u64_max.export_timeout, Duration::from_millis(u64::MAX));
    for variable in [
        "OTEL_EXPORTER_OTLP_TIMEOUT",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    ] {
        let otlp = OtlpConfig::from_lookup(env(&[(variable, "0")])).unwrap();
        assert_eq!(otlp.get_timeout(), Duration::MAX, "{variable}");
    }
    assert!(Config::from_lookup(env(&[
        ("OTEL_BSP_EXPORT_TIMEOUT", "0"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "0"),
    ]))
    .is_ok());
}

#[test]
fn endpoints_follow_the_otlp_exporter_spec() {
    let table: &[(&[(&str, &str)], &str)] = &[
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")],
            "http://collector:4318/v1/traces",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")],
            "http://collector:4318/v1/traces",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c/otlp")],
            "http://c/otlp/v1/traces",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://[::1]:4318")],
            "http://[::1]:4318/v1/traces",
        ),
        (
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:1"),
                (
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "http://127.0.0.1:9/custom",
                ),
            ],
            "http://127.0.0.1:9/custom",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://host:4318")],
            "http://host:4318/",
        ),
        // Bug: the signal path went after the query
        // (`http://c:4318/p?x=1/v1/traces`), and a query with no path was
        // refused. The spec appends it to the path; the query follows.
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/p?x=1")],
            "http://c:4318/p/v1/traces?x=1",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318?x=1")],
            "http://c:4318/v1/traces?x=1",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/p/?a=1&b=/x?")],
            "http://c:4318/p/v1/traces?a=1&b=/x?",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318?x=1")],
            "http://c:4318/?x=1",
        ),
        (
            &[(
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://c:4318/custom?x=1",
            )],
            "http://c:4318/custom?x=1",
        ),
    ];
    for (vars, expected) in table {
        assert_eq!(
            OtlpConfig::from_lookup(env(vars)).unwrap().endpoint(),
            *expected
        );
    }
}

#[test]
fn an_empty_port_is_the_default_port_80() {
    // Bug: `http://collector:/` was an "invalid port" error, though the
    // OTLP exporter spec says "if the port is empty or not given, TCP port
    // 80 is the default" (RFC 3986 §3.2.3 allows the empty port).
    for (variable, url, expected) in [
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://collector:",
            "http://collector/v1/traces",
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://collector:/custom?x=1",
            "http://collector/custom?x=1",
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://[::1]:/v1/traces",
            "http://[::1]/v1/traces",
        ),
    ] {
        let config = OtlpConfig::from_lookup(env(&[(variable, url)]));
        assert_eq!(config.map(|c| c.endpoint()), Ok(expected.to_owned()));
    }
    // Only an empty port: a port that is not a number is still an error.
    // So are brackets around anything but an IPv6 address (they were read
    // as a host name, looked up on every export).
    for url in [
        "http://collector::",
        "http://collector: 1/",
        "http://[::1]:x/",
        "http://[collector]:4318",
        "http://[1:2:3]:4318",
        "http://[127.0.0.1]:4318",
        "http://[]:4318",
    ] {
        let err = OtlpConfig::from_lookup(env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", url)]));
        assert!(err.is_err(), "{url}");
    }
}

#[test]
fn a_fragment_in_an_endpoint_is_ignored_and_the_rest_of_the_url_kept() {
    // A fragment is never sent to a server. The OTLP exporter spec has the
    // host, port and path honoured and lets the rest be ignored: the
    // lenient reading drops the fragment alone, and says so; the strict
    // readers refuse the value they would have to change.
    for (variable, url, kept, posted_to) in [
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://c:4318/p#top",
            "http://c:4318/p",
            "http://c:4318/p/v1/traces",
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            " http://c:4318#top ",
            "http://c:4318",
            "http://c:4318/v1/traces",
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://c:4318/p?x=1#",
            "http://c:4318/p?x=1",
            "http://c:4318/p/v1/traces?x=1",
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://c:4318/v1/traces?x=1#top#more",
            "http://c:4318/v1/traces?x=1",
            "http://c:4318/v1/traces?x=1",
        ),
    ] {
        let err = OtlpConfig::from_lookup(env(&[(variable, url)])).unwrap_err();
        let fragment = &url.trim()[kept.len()..];
        assert_eq!(
            (err.variable(), err.value(), err.kept()),
            (variable, fragment, Some(kept))
        );
        assert!(err.expected().contains("fragment"), "{url}: {err}");
        let config = Config::from_lookup(env(&[(variable, url)])).unwrap();
        assert_eq!(config.ignored(), std::slice::from_ref(&err), "{url}");
        assert_eq!(
            Config::from_lookup_strict(env(&[(variable, url)])).err(),
            Some(err)
        );
        // The part kept is what the lenient reading sends to.
        let used = OtlpConfig::from_lookup(env(&[(variable, kept)])).unwrap();
        assert_eq!(used.endpoint(), posted_to);
    }
    // The headers stay with an endpoint ignored only in part: they go to
    // the collector they were set for.
    let config = Config::from_lookup(env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318#top"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=1"),
    ]))
    .unwrap();
    assert_eq!(config.ignored().len(), 1, "{:?}", config.ignored());
    // The part kept holds the user information, which is sent; shown in
    // `Debug`, it is hidden, as in every message.
    let url = "http://u:s3cret@c:4318/p#top";
    let config = Config::from_lookup(env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", url)])).unwrap();
    assert_eq!(config.ignored()[0].kept(), Some("http://u:s3cret@c:4318/p"));
    assert!(!format!("{config:?}").contains("s3cret"), "{config:?}");
    assert!(format!("{config:?}").contains("#top"), "{config:?}");
    // A fragment holding an `@` may be the rest of a password with an
    // unescaped `#`: the whole value is refused, and not quoted whole.
    let url = "http://c:4318#s3c@ret";
    let err = OtlpConfig::from_lookup(env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", url)])).unwrap_err();
    assert_eq!(err.kept(), None);
    assert!(err.expected().contains("%23"), "{err}");
    assert!(!err.to_string().contains("s3c"), "{err}");
    let config = Config::from_lookup(env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", url)])).unwrap();
    assert_eq!(config.ignored(), [err]);
    // In code, where the caller can remove it, a fragment is an error.
    let err = OtlpConfig::new("http://c:4318/v1/traces#x").unwrap_err();
    assert!(err.expected().contains("fragment"), "{err}");
    assert_eq!(
        (err.value(), err.kept()),
        ("http://c:4318/v1/traces#x", None)
    );
    // A `?` with nothing after it is kept as written.
    let empty = OtlpConfig::new("http://c:4318/v1/traces?").unwrap();
    assert_eq!(empty.endpoint(), "http://c:4318/v1/traces?");
}

#[test]
fn headers_timeout_and_resource_are_read() {
    let otlp = OtlpConfig::from_lookup(env(&[
        ("OTEL_EXPORTER_OTLP_HEADERS", "a=1, b = two%2Cthree ,"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1500"),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "service.name=from-attrs,team=core",
        ),
        ("OTEL_SERVICE_NAME", "from-name"),
    ]))
    .unwrap();
    let headers: Vec<(&str, &str)> = otlp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(headers, [("a", "1"), ("b", "two,three")]);
    assert_eq!(otlp.get_timeout(), Duration::from_millis(1500));
    let resource = otlp.get_resource();
    assert_eq!(
        resource.get("service.name").unwrap().to_string(),
        "from-name"
    );
    assert_eq!(resource.get("team").unwrap().to_string(), "core");
    let only_attrs =
        Resource::from_lookup(env(&[("OTEL_RESOURCE_ATTRIBUTES", "service.name=x")])).unwrap();
    assert_eq!(only_attrs.get("service.name").unwrap().to_string(), "x");
}

#[test]
fn an_https_endpoint_is_a_clear_error() {
    let err = OtlpConfig::from_lookup(env(&[(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "https://api.vendor.io",
    )]))
    .unwrap_err();
    assert_eq!(err.variable(), "OTEL_EXPORTER_OTLP_ENDPOINT");
    let message = err.to_string();
    assert!(
        message.contains("local OpenTelemetry Collector") && message.contains("SpanExporter"),
        "{message}"
    );
    // Config::from_lookup ignores it: the default endpoint.
    ignored(&[], "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "HTTPS://x");
    // The general variable, when set, takes over.
    let err = ignored(
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")],
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "HTTPS://x",
    );
    assert!(err.to_string().contains("local OpenTelemetry Collector"));
}

/// A list's unknown entry is left out and quoted alone; the known ones are
/// the propagator `init` installs (unset, the process's own
/// `OTEL_PROPAGATORS` decides).
#[test]
fn an_unknown_propagator_is_left_out_and_the_known_ones_kept() {
    let config = Config::from_lookup(env(&[("OTEL_PROPAGATORS", "b3,xray")])).unwrap();
    let ignored = config.ignored();
    assert_eq!(ignored.len(), 1, "{ignored:?}");
    assert_eq!(
        (ignored[0].variable(), ignored[0].value()),
        ("OTEL_PROPAGATORS", "xray")
    );
    assert!(
        format!("{config:?}").contains(r#"propagators: Some(["b3"])"#),
        "{config:?}"
    );
    let unset = Config::from_lookup(env(&[])).unwrap();
    assert!(
        format!("{unset:?}").contains("propagators: None"),
        "{unset:?}"
    );
}

#[test]
fn every_invalid_value_is_ignored_and_named_with_its_variable_and_value() {
    // (variable, value, the value quoted: a list's unknown entry is quoted
    // alone, as only it is left out).
    let table: &[(&str, &str, &str)] = &[
        ("OTEL_TRACES_EXPORTER", "zipkin", "zipkin"),
        ("OTEL_TRACES_EXPORTER", "otlp,zipkin", "zipkin"),
        ("OTEL_TRACES_EXPORTER", "jaeger", "jaeger"),
        ("OTEL_TRACES_EXPORTER", "otlp,none", "otlp,none"),
        // `none` with an unknown name is `none` with others too (it
        // exported nothing).
        ("OTEL_TRACES_EXPORTER", "none,zipkin", "none,zipkin"),
        ("OTEL_PROPAGATORS", "none,xray", "none,xray"),
        ("OTEL_TRACES_SAMPLER", "sometimes", "sometimes"),
        ("OTEL_PROPAGATORS", "none,b3", "none,b3"),
        ("OTEL_SDK_DISABLED", "yes", "yes"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "-5", "-5"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0", "0"),
        ("OTEL_BSP_SCHEDULE_DELAY", "5s", "5s"),
        ("OTEL_BSP_SCHEDULE_DELAY", "-1", "-1"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "-1", "-1"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "1e30", "1e30"),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "localhost:4318",
            "localhost:4318",
        ),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://x", "ftp://x"),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://x:99999",
            "http://x:99999",
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://user:p%zz@x",
            "http://<user info>@x",
        ),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://", "http://"),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://x/a b",
            "http://x/a b",
        ),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "novalue",
            "member 1 of the list",
        ),
        ("OTEL_EXPORTER_OTLP_HEADERS", "=v", "member 1 of the list"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "bad name=v", "bad…"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x=a%0D%0AInjected: 1", "x"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x=%zz", "x"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon", "soon"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "grpc"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd", "zstd"),
        ("OTEL_RESOURCE_ATTRIBUTES", "k", "k"),
        ("OTEL_RESOURCE_ATTRIBUTES", "k=%ff", "k=%ff"),
    ];
    for (variable, value, quoted) in table {
        // Header errors quote the header name or its place, never a value.
        assert_eq!(ignored(&[], variable, value).value(), *quoted, "{value:?}");
    }
}

#[test]
fn each_invalid_setting_is_ignored_alone() {
    // Three invalid settings among valid ones, and an argument the sampler
    // does not read: each is named once, and the valid ones are kept.
    let config = Config::from_lookup(env(&[
        ("OTEL_TRACES_SAMPLER", "always_off"),
        ("OTEL_TRACES_SAMPLER_ARG", "2"),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", "many"),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", "9"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
        ("OTEL_TRACES_EXPORTER", "console,otlp,bogus"),
    ]))
    .unwrap();
    let named: Vec<(&str, &str)> = config
        .ignored()
        .iter()
        .map(|e| (e.variable(), e.value()))
        .collect();
    assert_eq!(
        named,
        [
            ("OTEL_SPAN_EVENT_COUNT_LIMIT", "many"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
            ("OTEL_TRACES_SAMPLER_ARG", "2"),
            ("OTEL_TRACES_EXPORTER", "bogus"),
        ]
    );
    let shown = format!("{config:?}");
    assert!(shown.contains("sampler: \"AlwaysOffSampler\""), "{shown}");
    assert!(shown.contains("exporters: [Console, Otlp]"), "{shown}");
    assert_eq!(config.get_span_limits().max_links, 9);
    assert_eq!(config.get_span_limits().max_events, 128);
}

#[test]
fn an_invalid_sampler_argument_is_read_as_unset() {
    // The spec: "the implementation MUST behave as if
    // OTEL_TRACES_SAMPLER_ARG is not set", so the ratio is 1.0.
    for arg in ["2", "-0.5", "half", "NaN"] {
        let err = ignored(
            &[("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")],
            "OTEL_TRACES_SAMPLER_ARG",
            arg,
        );
        assert_eq!(err.value(), arg);
    }
    let config = Config::from_lookup(env(&[
        ("OTEL_TRACES_SAMPLER", "traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "2"),
    ]))
    .unwrap();
    assert!(
        format!("{config:?}").contains("TraceIdRatioBased{1}"),
        "{config:?}"
    );
}

#[test]
fn a_huge_value_is_cut_in_the_error() {
    let huge = "x".repeat(100_000);
    let config = Config::from_lookup(env(&[("OTEL_TRACES_EXPORTER", &huge)])).unwrap();
    assert_eq!(config.ignored()[0].value().len(), 256);
}

#[test]
fn both_error_types_work_with_question_mark_in_a_boxed_error_function() {
    fn setup() -> Result<(), Box<dyn std::error::Error>> {
        let config = Config::from_lookup_strict(env(&[("OTEL_TRACES_EXPORTER", "bogus")]))?;
        let _pipeline = baton::init(config.service_name("checkout"))?;
        Ok(())
    }
    let err = setup().unwrap_err();
    assert!(err.to_string().contains("OTEL_TRACES_EXPORTER"));
    fn init_twice() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Err(baton::InitError::AlreadyInstalled)?
    }
    assert!(init_twice().is_err());
}

#[test]
fn the_protocol_defaults_to_protobuf_and_the_traces_variable_wins() {
    use baton::export::Protocol;
    let get = |pairs: &[(&str, &str)]| OtlpConfig::from_lookup(env(pairs)).unwrap().get_protocol();
    assert_eq!(get(&[]), Protocol::HttpProtobuf);
    assert_eq!(
        get(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]),
        Protocol::HttpJson
    );
    assert_eq!(
        get(&[
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"),
        ]),
        Protocol::HttpProtobuf
    );
    let err = OtlpConfig::from_lookup(env(&[("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")]))
        .unwrap_err();
    assert_eq!(err.variable(), "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
    assert!(err.to_string().contains("use http/protobuf"), "{err}");
}

#[test]
fn compression_none_and_gzip_are_accepted_and_anything_else_named() {
    use baton::export::Compression;
    let none = OtlpConfig::from_lookup(env(&[("OTEL_EXPORTER_OTLP_COMPRESSION", "NONE")])).unwrap();
    assert_eq!(none.get_compression(), Compression::None);
    let gzip = OtlpConfig::from_lookup(env(&[
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "none"),
        ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip"),
    ]))
    .unwrap();
    assert_eq!(gzip.get_compression(), Compression::Gzip);
    let err =
        OtlpConfig::from_lookup(env(&[("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd")])).unwrap_err();
    assert_eq!(
        (err.variable(), err.value()),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd")
    );
}

#[test]
fn insecure_takes_true_or_false_and_the_traces_variable_wins() {
    // Issue 11: OTEL_EXPORTER_OTLP_[TRACES_]INSECURE was neither honoured
    // nor refused. Both values are accepted (baton speaks plain OTLP/HTTP to
    // the URL as given); anything else is named and ignored (as unset).
    for value in ["true", "false", "TRUE", " False "] {
        for variable in [
            "OTEL_EXPORTER_OTLP_INSECURE",
            "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
        ] {
            let config = Config::from_lookup(env(&[(variable, value)]));
            assert!(config.is_ok(), "{variable}={value:?}");
        }
    }
    for value in ["yes", "1", "on", "tru"] {
        for variable in [
            "OTEL_EXPORTER_OTLP_INSECURE",
            "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
        ] {
            let err = ignored(&[], variable, value);
            assert_eq!(err.value(), value);
            assert!(err.to_string().contains("true or false"), "{err}");
        }
    }
    // The signal-specific variable wins, so the general one is not read.
    assert!(OtlpConfig::from_lookup(env(&[
        ("OTEL_EXPORTER_OTLP_INSECURE", "maybe"),
        ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "true"),
    ]))
    .is_ok());
    let err = OtlpConfig::from_lookup(env(&[
        ("OTEL_EXPORTER_OTLP_INSECURE", "true"),
        ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "maybe"),
    ]))
    .unwrap_err();
    assert_eq!(err.variable(), "OTEL_EXPORTER_OTLP_TRACES_INSECURE");
    // Empty counts as unset; nothing else about the exporter changes.
    let plain = OtlpConfig::from_lookup(env(&[])).unwrap();
    let insecure = OtlpConfig::from_lookup(env(&[
        ("OTEL_EXPORTER_OTLP_INSECURE", "true"),
        ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", ""),
    ]))
    .unwrap();
    assert_eq!(insecure.endpoint(), plain.endpoint());
    assert_eq!(insecure.get_protocol(), plain.get_protocol());
}

#[test]
fn certificates_are_refused_with_a_pointer_to_a_local_collector() {
    let err = ignored(&[], "OTEL_EXPORTER_OTLP_CERTIFICATE", "/ca.pem");
    assert!(
        err.to_string().contains("local OpenTelemetry Collector"),
        "{err}"
    );
    // Not read when OTLP is not the exporter.
    let console = Config::from_lookup(env(&[
        ("OTEL_TRACES_EXPORTER", "console"),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/ca.pem"),
    ]))
    .unwrap();
    assert!(console.ignored().is_empty());
}

#[test]
fn every_tls_variable_is_ignored_with_a_pointer_to_a_local_collector() {
    // The README's table: `_CERTIFICATE`, `_CLIENT_KEY` and
    // `_CLIENT_CERTIFICATE`, general and `TRACES_`, "set: ignored". Only the
    // general certificate was checked; a key or client certificate read as
    // accepted would leave a user believing the exporter speaks mTLS.
    for variable in [
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
        "OTEL_EXPORTER_OTLP_CLIENT_KEY",
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
    ] {
        let err = ignored(&[], variable, "/tls/file.pem");
        assert_eq!(err.value(), "/tls/file.pem");
        assert!(
            err.to_string().contains("local OpenTelemetry Collector"),
            "{err}"
        );
        let strict = OtlpConfig::from_lookup(env(&[(variable, "/tls/file.pem")])).unwrap_err();
        assert_eq!(strict.variable(), variable);
    }
}

#[test]
fn the_exporter_list_is_case_insensitive_and_repeats_count_once() {
    for list in [
        "otlp,console",
        "OTLP, Console",
        "console,otlp,console",
        "none",
        "NONE",
        "logging",
        " , ",
    ] {
        let config = Config::from_lookup(env(&[("OTEL_TRACES_EXPORTER", list)])).unwrap();
        assert!(config.ignored().is_empty(), "{list:?}");
    }
}

#[test]
fn sdk_disabled_turns_export_off_and_reads_nothing_else() {
    for value in ["true", "TRUE", " True "] {
        let config = Config::from_lookup(env(&[
            ("OTEL_SDK_DISABLED", value),
            // Not read: nothing else is reported for a disabled SDK.
            ("OTEL_TRACES_SAMPLER", "sometimes"),
        ]))
        .unwrap();
        assert!(config.is_disabled(), "{value:?}");
        assert!(config.ignored().is_empty());
    }
    for value in ["false", "FALSE", ""] {
        let config = Config::from_lookup(env(&[("OTEL_SDK_DISABLED", value)])).unwrap();
        assert!(!config.is_disabled(), "{value:?}");
    }
}

#[test]
fn span_limits_are_read_with_the_specific_variable_winning() {
    use baton::SpanLimits;
    let limits =
        |pairs: &[(&str, &str)]| Config::from_lookup(env(pairs)).unwrap().get_span_limits();
    let defaults = limits(&[]);
    assert_eq!(defaults.max_attributes, SpanLimits::DEFAULT_MAX);
    assert_eq!(defaults.max_events, 128);
    assert_eq!(defaults.max_links, 128);
    assert_eq!(defaults.max_attributes_per_event, 128);
    assert_eq!(defaults.max_attributes_per_link, 128);
    assert_eq!(defaults.max_attribute_value_length, None);

    let general = limits(&[
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", "7"),
        ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "30"),
    ]);
    assert_eq!(general.max_attributes, 7);
    assert_eq!(general.max_attributes_per_event, 7);
    assert_eq!(general.max_attributes_per_link, 7);
    assert_eq!(general.max_attribute_value_length, Some(30));
    assert_eq!(general.max_events, 128);

    let specific = limits(&[
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", "7"),
        ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "30"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "1"),
        ("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "0"),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", "2"),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", "3"),
        ("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "4"),
        ("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "5"),
    ]);
    assert_eq!(specific.max_attributes, 1);
    assert_eq!(specific.max_attribute_value_length, Some(0));
    assert_eq!(specific.max_events, 2);
    assert_eq!(specific.max_links, 3);
    assert_eq!(specific.max_attributes_per_event, 4);
    assert_eq!(specific.max_attributes_per_link, 5);

    // The largest accepted value, and one past it.
    let edge = limits(&[("OTEL_SPAN_EVENT_COUNT_LIMIT", "4294967295")]);
    assert_eq!(edge.max_events, 4_294_967_295);
    ignored(&[], "OTEL_SPAN_EVENT_COUNT_LIMIT", "4294967296");
    // An ignored specific limit gives way to the general one.
    let general = ignored(
        &[("OTEL_ATTRIBUTE_COUNT_LIMIT", "7")],
        "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "-1",
    );
    assert_eq!(general.value(), "-1");
    let config = Config::from_lookup(env(&[
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", "7"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "-1"),
    ]))
    .unwrap();
    assert_eq!(config.get_span_limits().max_attributes, 7);
}
