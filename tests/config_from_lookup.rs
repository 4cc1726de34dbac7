//! Config::from_lookup and the readers behind it: defaults, each limit at
//! and just past its edge, and every invalid value reported with its
//! variable and value.

use std::time::Duration;

use baton::export::{
    BatchConfig, OtlpConfig, Resource, DEFAULT_EXPORT_TIMEOUT, DEFAULT_MAX_EXPORT_BATCH_SIZE,
    DEFAULT_MAX_QUEUE_SIZE, DEFAULT_OTLP_TIMEOUT, DEFAULT_SCHEDULE_DELAY, MAX_QUEUE_SIZE_LIMIT,
};
use baton::{Config, ConfigError};

fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |key| {
        pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
    }
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
    ];
    for (vars, expected) in table {
        assert_eq!(
            OtlpConfig::from_lookup(env(vars)).unwrap().endpoint(),
            *expected
        );
    }
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
    assert!(
        Config::from_lookup(env(&[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "HTTPS://x")])).is_err()
    );
}

#[test]
fn every_invalid_value_names_its_variable_and_value() {
    let table: &[(&str, &str)] = &[
        ("OTEL_TRACES_EXPORTER", "zipkin"),
        ("OTEL_TRACES_EXPORTER", "otlp,console"),
        ("OTEL_TRACES_SAMPLER", "sometimes"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "0"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "-5"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0"),
        ("OTEL_BSP_SCHEDULE_DELAY", "5s"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "0"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "86400001"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://x"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://x:99999"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:pw@x"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://x/a b"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "novalue"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "=v"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "bad name=v"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x=a%0D%0AInjected: 1"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x=%zz"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
        ("OTEL_RESOURCE_ATTRIBUTES", "k"),
        ("OTEL_RESOURCE_ATTRIBUTES", "k=%ff"),
    ];
    for (variable, value) in table {
        let err: ConfigError = match Config::from_lookup(env(&[(variable, value)])) {
            Ok(_) => panic!("{variable}={value:?} was accepted"),
            Err(e) => e,
        };
        assert_eq!(err.variable(), *variable, "{value:?}");
        assert!(err.to_string().contains(variable));
        // Header errors quote the offending part of the list.
        if !variable.ends_with("HEADERS") {
            assert_eq!(err.value(), *value);
        }
    }
}

#[test]
fn a_huge_value_is_cut_in_the_error() {
    let huge = "x".repeat(100_000);
    let err = Config::from_lookup(env(&[("OTEL_TRACES_EXPORTER", &huge)]))
        .err()
        .unwrap();
    assert_eq!(err.value().len(), 256);
}

#[test]
fn both_error_types_work_with_question_mark_in_a_boxed_error_function() {
    fn setup() -> Result<(), Box<dyn std::error::Error>> {
        let config = Config::from_lookup(env(&[("OTEL_TRACES_EXPORTER", "bogus")]))?;
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
