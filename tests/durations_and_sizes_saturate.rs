//! Every numeric `OTEL_*` variable baton reads, given 0, 1, its largest
//! value, one past it, `u64::MAX` milliseconds and more, and absurd text
//! (`1e3`, `5 000`, `0x10`, `-0`, `5ms`, a non-ASCII digit): each value is
//! either read (a duration saturating at `u64::MAX` ms, a timeout of 0 as no
//! deadline) or ignored as the spec asks, with a `ConfigError` naming the
//! variable and quoting the value, the strict reader failing on the same
//! error, and the default kept. The count variables and the duration
//! variables each go through one reader, so one table pins all of them.
//! Found: all as documented.

use std::time::Duration;

use baton::export::{
    BatchConfig, OtlpConfig, DEFAULT_EXPORT_TIMEOUT, DEFAULT_MAX_EXPORT_BATCH_SIZE,
    DEFAULT_MAX_QUEUE_SIZE, DEFAULT_OTLP_TIMEOUT, DEFAULT_SCHEDULE_DELAY, MAX_QUEUE_SIZE_LIMIT,
    MIN_SCHEDULE_DELAY,
};
use baton::{Config, SpanLimits};

/// The setting a variable controls, as a number: a count, or a duration in
/// whole milliseconds (`u128::MAX` for `Duration::MAX`, no deadline).
type Reader = fn(&dyn Fn(&str) -> Option<String>) -> u128;

const fn ms(d: Duration) -> u128 {
    if d.as_nanos() == Duration::MAX.as_nanos() {
        u128::MAX
    } else {
        d.as_millis()
    }
}

fn limits(env: &dyn Fn(&str) -> Option<String>) -> SpanLimits {
    Config::from_lookup(env).unwrap().get_span_limits()
}

fn batch(env: &dyn Fn(&str) -> Option<String>) -> BatchConfig {
    // Strict: `Config::from_lookup` has hidden an invalid value already.
    BatchConfig::from_lookup(env).unwrap_or_default()
}

/// Each numeric variable, its default, the largest count it takes (`None`
/// for a duration, which saturates), and how to read what it set.
const VARIABLES: &[(&str, u128, Option<u128>, Reader)] = &[
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        DEFAULT_MAX_QUEUE_SIZE as u128,
        Some(MAX_QUEUE_SIZE_LIMIT as u128),
        |env| batch(env).max_queue_size as u128,
    ),
    (
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        DEFAULT_MAX_EXPORT_BATCH_SIZE as u128,
        // At most the queue, which is at its default here.
        Some(DEFAULT_MAX_QUEUE_SIZE as u128),
        |env| batch(env).max_export_batch_size as u128,
    ),
    (
        "OTEL_BSP_SCHEDULE_DELAY",
        ms(DEFAULT_SCHEDULE_DELAY),
        None,
        |env| ms(batch(env).scheduled_delay),
    ),
    (
        "OTEL_BSP_EXPORT_TIMEOUT",
        ms(DEFAULT_EXPORT_TIMEOUT),
        None,
        |env| ms(batch(env).export_timeout),
    ),
    (
        "OTEL_EXPORTER_OTLP_TIMEOUT",
        ms(DEFAULT_OTLP_TIMEOUT),
        None,
        |env| ms(OtlpConfig::from_lookup(env).unwrap().get_timeout()),
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        ms(DEFAULT_OTLP_TIMEOUT),
        None,
        |env| ms(OtlpConfig::from_lookup(env).unwrap().get_timeout()),
    ),
    (
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        SpanLimits::DEFAULT_MAX as u128,
        Some(u32::MAX as u128),
        |env| limits(env).max_attributes as u128,
    ),
    (
        "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        SpanLimits::DEFAULT_MAX as u128,
        Some(u32::MAX as u128),
        |env| limits(env).max_attributes as u128,
    ),
    (
        "OTEL_SPAN_EVENT_COUNT_LIMIT",
        SpanLimits::DEFAULT_MAX as u128,
        Some(u32::MAX as u128),
        |env| limits(env).max_events as u128,
    ),
    (
        "OTEL_SPAN_LINK_COUNT_LIMIT",
        SpanLimits::DEFAULT_MAX as u128,
        Some(u32::MAX as u128),
        |env| limits(env).max_links as u128,
    ),
    (
        "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
        SpanLimits::DEFAULT_MAX as u128,
        Some(u32::MAX as u128),
        |env| limits(env).max_attributes_per_event as u128,
    ),
    (
        "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
        SpanLimits::DEFAULT_MAX as u128,
        Some(u32::MAX as u128),
        |env| limits(env).max_attributes_per_link as u128,
    ),
    // No limit by default: read as `u128::MAX`.
    (
        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        u128::MAX,
        Some(u32::MAX as u128),
        |env| {
            limits(env)
                .max_attribute_value_length
                .map_or(u128::MAX, |n| n as u128)
        },
    ),
    (
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        u128::MAX,
        Some(u32::MAX as u128),
        |env| {
            limits(env)
                .max_attribute_value_length
                .map_or(u128::MAX, |n| n as u128)
        },
    ),
];

/// What `Config::from_lookup` made of `variable=value`: the value read, or
/// the error it ignored. Checks that an ignored value is ignored whole
/// (the default kept), named, quoted, and the strict reader's error too.
fn read(
    variable: &'static str,
    default: u128,
    reader: Reader,
    value: &str,
) -> Result<u128, String> {
    let env = |k: &str| (k == variable).then(|| value.to_owned());
    let config = Config::from_lookup(env).unwrap();
    match config.ignored() {
        [] => {
            assert!(
                Config::from_lookup_strict(env).is_ok(),
                "{variable}={value:?}"
            );
            Ok(reader(&env))
        }
        [e] => {
            assert_eq!(e.variable(), variable, "{variable}={value:?}");
            assert_eq!(e.value(), value, "{variable}={value:?}");
            assert!(
                e.to_string().contains(&format!("{variable}={value:?}")),
                "{e}"
            );
            assert!(!e.expected().is_empty(), "{e}");
            let strict = Config::from_lookup_strict(env).err();
            assert_eq!(strict.as_ref(), Some(e), "{variable}={value:?}");
            // Ignored: the configuration is as if the variable were unset.
            let unset = |_: &str| None;
            assert_eq!(reader(&unset), default, "{variable}");
            Err(e.expected().to_owned())
        }
        more => panic!("{variable}={value:?}: {more:?}"),
    }
}

#[test]
fn padded_signed_and_zero_padded_numbers_are_read_as_the_number() {
    for &(variable, default, _, reader) in VARIABLES {
        for value in [
            "5",
            " 5 ",
            "\t5",
            "+5",
            "0005",
            "00000000000000000000000005",
        ] {
            assert_eq!(
                read(variable, default, reader, value),
                Ok(5),
                "{variable}={value:?}"
            );
        }
    }
}

#[test]
fn absurd_text_is_ignored_with_an_error_naming_the_variable_and_value() {
    let absurd = [
        "1e3", "5 000", "5_000", "0x10", "5ms", "5s", "5.0", ".5", "-1", "-0", "+-5", "++5", "+",
        "five", "\u{665}", "\u{ff15}", "5\u{0}", "NaN", "inf",
    ];
    for &(variable, default, _, reader) in VARIABLES {
        for value in absurd {
            assert!(
                read(variable, default, reader, value).is_err(),
                "{variable}={value:?} was read"
            );
        }
    }
}

#[test]
fn counts_are_read_up_to_their_largest_and_refused_one_past_it() {
    for &(variable, default, largest, reader) in VARIABLES {
        let Some(largest) = largest else { continue };
        assert_eq!(read(variable, default, reader, "1"), Ok(1), "{variable}");
        let at = largest.to_string();
        assert_eq!(
            read(variable, default, reader, &at),
            Ok(largest),
            "{variable}"
        );
        for past in [
            (largest + 1).to_string(),
            u64::MAX.to_string(),
            "18446744073709551616".to_owned(),
            "9".repeat(40),
        ] {
            assert!(
                read(variable, default, reader, &past).is_err(),
                "{variable}={past} was read"
            );
        }
    }
}

#[test]
fn zero_is_no_limit_for_a_timeout_the_shortest_delay_and_refused_for_a_queue() {
    let zero: &[(&str, Result<u128, ()>)] = &[
        ("OTEL_BSP_MAX_QUEUE_SIZE", Err(())),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", Err(())),
        ("OTEL_BSP_SCHEDULE_DELAY", Ok(ms(MIN_SCHEDULE_DELAY))),
        ("OTEL_BSP_EXPORT_TIMEOUT", Ok(u128::MAX)),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", Ok(u128::MAX)),
        ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", Ok(u128::MAX)),
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", Ok(0)),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", Ok(0)),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", Ok(0)),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", Ok(0)),
        ("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", Ok(0)),
        ("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", Ok(0)),
        ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", Ok(0)),
        ("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", Ok(0)),
    ];
    assert_eq!(zero.len(), VARIABLES.len());
    for (&(variable, default, _, reader), (name, want)) in VARIABLES.iter().zip(zero) {
        assert_eq!(variable, *name);
        for value in ["0", " 00 ", "+0"] {
            let got = read(variable, default, reader, value).map_err(|_| ());
            assert_eq!(got, *want, "{variable}={value:?}");
        }
    }
}

#[test]
fn durations_saturate_at_u64_max_milliseconds() {
    let longest = ms(Duration::from_millis(u64::MAX));
    for &(variable, default, largest, reader) in VARIABLES {
        if largest.is_some() {
            continue;
        }
        assert_eq!(read(variable, default, reader, "1"), Ok(1), "{variable}");
        for value in [
            u64::MAX.to_string(),
            "18446744073709551616".to_owned(),
            format!("+{}", "9".repeat(400)),
        ] {
            assert_eq!(
                read(variable, default, reader, &value),
                Ok(longest),
                "{variable}={value}"
            );
        }
    }
}
