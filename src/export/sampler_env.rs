//! The sampler named by `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`.

use std::cell::Cell;

use crate::export::config_error::ConfigError;
use crate::sampling::{
    report_below_smallest_ratio, AlwaysOff, AlwaysOn, ParentBased, Sampler, TraceIdRatio,
};

/// The sampler named by `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`,
/// read through `lookup` (pass `|k| std::env::var(k).ok()` for the process
/// environment).
///
/// Accepted names, as in the
/// [OpenTelemetry environment spec](https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration):
/// `always_on`, `always_off`, `traceidratio`, `parentbased_always_on` (the
/// default, also for an unset or empty variable), `parentbased_always_off`,
/// `parentbased_traceidratio`, in any case (the spec reads enum values
/// case-insensitively). The ratio argument defaults to `1.0` and must
/// be a number in `[0, 1]`; one above 0 but too small to keep any trace
/// (below 2^-57, `1e-400` included) is reported and read as 0, as
/// [`TraceIdRatio::new`] reads it. Anything else is an error naming the variable and
/// its value; [`Config::from_lookup`](crate::Config::from_lookup) ignores it
/// instead, as the spec asks: an unknown sampler gives the default, and an
/// invalid argument is read as unset ("MUST behave as if
/// `OTEL_TRACES_SAMPLER_ARG` is not set"), so the ratio is `1.0`. An
/// argument the sampler takes none of (`always_on`, or the default with
/// no sampler named) is not read; `Config::from_lookup` reports it as
/// ignored too, as input the spec says "MUST be logged".
///
/// ```
/// use baton::export::sampler_from_env;
/// let env = |k: &str| match k {
///     "OTEL_TRACES_SAMPLER" => Some("parentbased_traceidratio".to_owned()),
///     "OTEL_TRACES_SAMPLER_ARG" => Some("0.5".to_owned()),
///     _ => None,
/// };
/// assert!(sampler_from_env(env).unwrap().description().starts_with("ParentBased{root:TraceIdRatioBased{0.5}"));
/// let bad = sampler_from_env(|_| Some("sometimes".to_owned())).unwrap_err();
/// assert_eq!(bad.variable(), "OTEL_TRACES_SAMPLER");
/// ```
pub fn sampler_from_env(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Box<dyn Sampler>, ConfigError> {
    read(&lookup).map(|(sampler, _)| sampler)
}

/// The sampler [`sampler_from_env`] reads, and `OTEL_TRACES_SAMPLER_ARG`
/// as an ignored setting when that sampler takes no argument.
pub(crate) fn read(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(Box<dyn Sampler>, Option<ConfigError>), ConfigError> {
    const SAMPLER: &str = "OTEL_TRACES_SAMPLER";
    const ARG: &str = "OTEL_TRACES_SAMPLER_ARG";
    let value = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
    let argument_read = Cell::new(false);
    let ratio = || -> Result<TraceIdRatio, ConfigError> {
        argument_read.set(true);
        let Some(arg) = value(ARG) else {
            return Ok(TraceIdRatio::new(1.0));
        };
        let text = arg.trim();
        let out_of_range = || ConfigError::new(ARG, &arg, "expected a number from 0 to 1");
        match text.parse::<f64>() {
            // A number so near zero that it parsed as 0 (`1e-400`) is not
            // 0: a negative one is out of range, and a positive one is
            // reported as `TraceIdRatio::new` reports one too small to keep
            // any trace.
            Ok(r) if r == 0.0 && names_a_nonzero_number(text) => {
                if text.starts_with('-') {
                    return Err(out_of_range());
                }
                report_below_smallest_ratio(&text);
                Ok(TraceIdRatio::new(0.0))
            }
            Ok(r) if (0.0..=1.0).contains(&r) => Ok(TraceIdRatio::new(r)),
            _ => Err(out_of_range()),
        }
    };
    // The spec's enum values are read in any case, as the exporter and
    // propagator lists are.
    let name = value(SAMPLER);
    let is = |known: &str| {
        name.as_ref()
            .is_some_and(|n| n.trim().eq_ignore_ascii_case(known))
    };
    let sampler: Box<dyn Sampler> = if name.is_none() || is("parentbased_always_on") {
        Box::new(ParentBased::new(AlwaysOn))
    } else if is("always_on") {
        Box::new(AlwaysOn)
    } else if is("always_off") {
        Box::new(AlwaysOff)
    } else if is("traceidratio") {
        Box::new(ratio()?)
    } else if is("parentbased_always_off") {
        Box::new(ParentBased::new(AlwaysOff))
    } else if is("parentbased_traceidratio") {
        Box::new(ParentBased::new(ratio()?))
    } else {
        return Err(ConfigError::new(
            SAMPLER,
            name.as_deref().unwrap_or_default(),
            "expected always_on, always_off, traceidratio, parentbased_always_on, \
             parentbased_always_off or parentbased_traceidratio",
        ));
    };
    let unread = value(ARG).filter(|_| !argument_read.get()).map(|arg| {
        let why = if name.is_some() {
            "not read: only traceidratio and parentbased_traceidratio take an argument, \
             and OTEL_TRACES_SAMPLER names another sampler"
        } else {
            "not read: only traceidratio and parentbased_traceidratio take an argument, \
             and with OTEL_TRACES_SAMPLER unset the sampler is parentbased_always_on"
        };
        ConfigError::new(ARG, &arg, why)
    });
    Ok((sampler, unread))
}

/// Whether `number`, which parsed as an `f64` zero, names another number:
/// a nonzero digit before its exponent.
fn names_a_nonzero_number(number: &str) -> bool {
    let mantissa = number.split(['e', 'E']).next().unwrap_or_default();
    mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'))
}
