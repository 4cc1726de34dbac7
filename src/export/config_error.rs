//! `ConfigError`: an invalid configuration value, and the helpers that read
//! `OTEL_*` variables through a lookup closure.

use std::fmt;
use std::time::Duration;

/// An invalid configuration value: which variable (or setting), the value
/// found, and what was expected.
///
/// Works with `?` in a function returning `Box<dyn std::error::Error>`.
///
/// ```
/// let err = baton::Config::from_lookup(|k| (k == "OTEL_BSP_MAX_QUEUE_SIZE").then(|| "lots".to_owned()))
///     .err().unwrap();
/// assert_eq!(err.variable(), "OTEL_BSP_MAX_QUEUE_SIZE");
/// assert_eq!(err.value(), "lots");
/// assert!(err.to_string().contains("OTEL_BSP_MAX_QUEUE_SIZE=\"lots\""));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    variable: &'static str,
    value: String,
    expected: &'static str,
}

/// Values longer than this are cut in the error, so a huge variable cannot
/// make a huge message.
const MAX_QUOTED_VALUE: usize = 256;

impl ConfigError {
    pub(crate) fn new(variable: &'static str, value: &str, expected: &'static str) -> ConfigError {
        let mut end = value.len().min(MAX_QUOTED_VALUE);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        ConfigError {
            variable,
            value: value[..end].to_owned(),
            expected,
        }
    }

    /// The variable or setting that was invalid, e.g. `OTEL_TRACES_SAMPLER`.
    pub fn variable(&self) -> &'static str {
        self.variable
    }

    /// The value found (at most 256 bytes of it).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What would have been accepted.
    pub fn expected(&self) -> &'static str {
        self.expected
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {}={:?}: {}",
            self.variable, self.value, self.expected
        )
    }
}

impl std::error::Error for ConfigError {}

/// Reads variables through a lookup closure; an empty value counts as unset,
/// as the OpenTelemetry environment spec says.
pub(crate) struct Env<F>(pub(crate) F);

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        (self.0)(key).filter(|v| !v.trim().is_empty())
    }

    /// A whole number in `min..=max`.
    pub(crate) fn number(
        &self,
        key: &'static str,
        min: u64,
        max: u64,
        expected: &'static str,
    ) -> Result<Option<u64>, ConfigError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ConfigError::new(key, &v, expected)),
        }
    }

    /// A boolean: `true` or `false` in any case, as the OpenTelemetry
    /// environment spec defines them; anything else is an error (the spec
    /// reads it as `false` with a warning, which would hide a typo).
    pub(crate) fn boolean(&self, key: &'static str) -> Result<Option<bool>, ConfigError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.trim() {
            t if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
            f if f.eq_ignore_ascii_case("false") => Ok(Some(false)),
            _ => Err(ConfigError::new(key, &v, "expected true or false")),
        }
    }

    /// A [duration](https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#duration)
    /// in whole milliseconds: 0 or more, up to `u64::MAX` (the spec asks
    /// for at least `2^31 - 1`; every duration saturates).
    pub(crate) fn duration(&self, key: &'static str) -> Result<Option<Duration>, ConfigError> {
        let ms = self.number(key, 0, u64::MAX, "expected whole milliseconds, 0 or more")?;
        Ok(ms.map(Duration::from_millis))
    }

    /// A [timeout](https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#timeout):
    /// a duration in which 0 means no deadline (`Duration::MAX`), as the
    /// spec says it should.
    pub(crate) fn timeout(&self, key: &'static str) -> Result<Option<Duration>, ConfigError> {
        let ms = self.number(key, 0, u64::MAX, "expected milliseconds, or 0 for no limit")?;
        Ok(ms.map(|ms| match ms {
            0 => Duration::MAX,
            ms => Duration::from_millis(ms),
        }))
    }
}
