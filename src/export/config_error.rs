//! `ConfigError`: an invalid configuration value, and the helpers that read
//! `OTEL_*` variables through a lookup closure.

use std::borrow::Cow;
use std::fmt;
use std::num::IntErrorKind;
use std::time::Duration;

use crate::export::url_credentials::redacted;

/// An invalid configuration value: which variable (or setting), the value
/// found, and what was expected.
///
/// [`Config::from_lookup`](crate::Config::from_lookup) ignores such a
/// value and keeps it in [`Config::ignored`](crate::Config::ignored);
/// [`Config::from_lookup_strict`](crate::Config::from_lookup_strict)
/// returns it. Works with `?` in a function returning
/// `Box<dyn std::error::Error>`.
///
/// ```
/// let env = |k: &str| (k == "OTEL_BSP_MAX_QUEUE_SIZE").then(|| "lots".to_owned());
/// let config = baton::Config::from_lookup(env).unwrap();
/// let err = &config.ignored()[0];
/// assert_eq!(err.variable(), "OTEL_BSP_MAX_QUEUE_SIZE");
/// assert_eq!(err.value(), "lots");
/// assert!(err.to_string().contains("OTEL_BSP_MAX_QUEUE_SIZE=\"lots\""));
/// assert_eq!(baton::Config::from_lookup_strict(env).err().as_ref(), Some(err));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Owned only for a variable found not Unicode: its name is the one the
    /// reader asked for, which no table repeats.
    variable: Cow<'static, str>,
    value: String,
    expected: &'static str,
    /// For a value ignored only in part, the rest, which is used.
    kept: Option<String>,
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
            variable: Cow::Borrowed(variable),
            value: value[..end].to_owned(),
            expected,
            kept: None,
        }
    }

    /// `part` of `variable`'s value, ignored, and `kept`, the rest of the
    /// value, used instead.
    pub(crate) fn ignored_in_part(
        variable: &'static str,
        part: &str,
        expected: &'static str,
        kept: &str,
    ) -> ConfigError {
        ConfigError {
            kept: Some(kept.to_owned()),
            ..ConfigError::new(variable, part, expected)
        }
    }

    /// `variable`, set (in the process environment, or as a lookup holds
    /// it) to a value that is not Unicode, which no reader can take. The value is not quoted: it may
    /// be a secret.
    pub(crate) fn not_unicode(variable: &str) -> ConfigError {
        ConfigError {
            variable: Cow::Owned(variable.to_owned()),
            value: String::new(),
            expected: "the value is not valid Unicode (not quoted: it may be a secret)",
            kept: None,
        }
    }

    /// The variable or setting that was invalid, e.g. `OTEL_TRACES_SAMPLER`.
    pub fn variable(&self) -> &str {
        &self.variable
    }

    /// The value found (at most 256 bytes of it); for one entry of a list
    /// (a name in `OTEL_PROPAGATORS`, a header in
    /// `OTEL_EXPORTER_OTLP_HEADERS`) that entry, and for a header its name
    /// (up to its first character that no header name holds: what follows
    /// may be a value), never its value, which may be a secret; empty for
    /// a value that is not Unicode (see
    /// [`Config::from_env`](crate::Config::from_env)), which is not quoted
    /// either.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What would have been accepted.
    pub fn expected(&self) -> &'static str {
        self.expected
    }

    /// For a value ignored only in part, the rest of it, which
    /// [`Config::from_lookup`](crate::Config::from_lookup) uses; `None` for
    /// a value ignored whole (read as unset). The one such part is an OTLP
    /// endpoint's fragment (`#…`), which is never sent to a server: the
    /// endpoint is the URL before it.
    ///
    /// ```
    /// let env = |k: &str| (k == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://c:4318/otlp#top".to_owned());
    /// let config = baton::Config::from_lookup(env).unwrap();
    /// let err = &config.ignored()[0];
    /// assert_eq!((err.value(), err.kept()), ("#top", Some("http://c:4318/otlp")));
    /// // The strict readers refuse what they would have to ignore.
    /// assert_eq!(baton::Config::from_lookup_strict(env).err().as_ref(), Some(err));
    /// ```
    pub fn kept(&self) -> Option<&str> {
        self.kept.as_deref()
    }
}

/// The kept part of a value is shown without its user information, as a
/// URL in a message is: it may hold a password.
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigError")
            .field("variable", &self.variable)
            .field("value", &self.value)
            .field("expected", &self.expected)
            .field("kept", &self.kept.as_deref().map(redacted))
            .finish()
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

/// Whether `text` ends with `n` written in decimal, as a whole number: an
/// `expected` message quoting a limit is checked against the limit's
/// constant when the crate builds, so the two cannot drift apart.
#[allow(
    dead_code,
    reason = "rustc 1.86 to 1.88 do not count a use in a `const _` assertion"
)]
pub(crate) const fn ends_with_number(text: &str, mut n: u64) -> bool {
    let bytes = text.as_bytes();
    let mut at = bytes.len();
    loop {
        if at == 0 || bytes[at - 1] != b'0' + (n % 10) as u8 {
            return false;
        }
        at -= 1;
        n /= 10;
        if n == 0 {
            return at == 0 || !bytes[at - 1].is_ascii_digit();
        }
    }
}

/// Runs `read` over `lookup` and, each time it fails on a variable, again
/// with that variable hidden (as unset), so that every invalid setting is
/// ignored as the OpenTelemetry environment spec asks ("generate a warning
/// and gracefully ignore the setting", "treat them as not set") while each
/// grammar and limit stays in its one reader. Returns what `read` built and
/// the settings ignored, in the order found.
///
/// `along` names the settings that must be ignored because of those
/// already ignored (headers set for an endpoint that was ignored, see
/// [`OtlpConfig`](crate::export::OtlpConfig)): they are hidden too, and
/// `read` runs again, until it succeeds with nothing more to hide.
///
/// An error naming a variable already hidden is returned: hiding cannot
/// mend it. Each round hides one more variable, so this ends after at most
/// one round per variable `read` looks up or `along` names.
pub(crate) fn ignoring_invalid<T>(
    lookup: &dyn Fn(&str) -> Option<String>,
    read: impl Fn(&dyn Fn(&str) -> Option<String>) -> Result<T, ConfigError>,
    along: impl Fn(&[ConfigError]) -> Vec<ConfigError>,
) -> Result<(T, Vec<ConfigError>), ConfigError> {
    let mut ignored: Vec<ConfigError> = Vec::new();
    let hidden = |ignored: &[ConfigError], key: &str| ignored.iter().any(|e| e.variable == key);
    loop {
        let visible = |key: &str| {
            if hidden(&ignored, key) {
                None
            } else {
                lookup(key)
            }
        };
        match read(&visible) {
            Ok(built) => {
                let more: Vec<ConfigError> = along(&ignored)
                    .into_iter()
                    .filter(|e| !hidden(&ignored, e.variable()))
                    .collect();
                if more.is_empty() {
                    return Ok((built, ignored));
                }
                ignored.extend(more);
            }
            Err(e) if hidden(&ignored, e.variable()) => return Err(e),
            Err(e) => ignored.push(e),
        }
    }
}

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
    /// environment spec defines them; anything else is an error, which
    /// [`ignoring_invalid`] turns into the spec's reading: a warning, and
    /// the variable unset (`false` for every boolean the spec defines).
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
        let ms = self.millis(key, "expected whole milliseconds, 0 or more")?;
        Ok(ms.map(Duration::from_millis))
    }

    /// Whole milliseconds, saturating as every duration does: more than a
    /// `u64` holds is the longest, `u64::MAX`.
    fn millis(
        &self,
        key: &'static str,
        expected: &'static str,
    ) -> Result<Option<u64>, ConfigError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.trim().parse::<u64>() {
            Ok(ms) => Ok(Some(ms)),
            Err(e) if *e.kind() == IntErrorKind::PosOverflow => Ok(Some(u64::MAX)),
            Err(_) => Err(ConfigError::new(key, &v, expected)),
        }
    }

    /// A [timeout](https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#timeout):
    /// a duration in which 0 means no deadline (`Duration::MAX`), as the
    /// spec says it should.
    pub(crate) fn timeout(&self, key: &'static str) -> Result<Option<Duration>, ConfigError> {
        let ms = self.millis(key, "expected milliseconds, or 0 for no limit")?;
        Ok(ms.map(|ms| match ms {
            0 => Duration::MAX,
            ms => Duration::from_millis(ms),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::{ends_with_number, ignoring_invalid, ConfigError};
    use std::cell::Cell;

    #[test]
    fn a_message_ends_with_a_number_only_when_written_whole() {
        assert!(ends_with_number("from 1 to 1048576", 1 << 20));
        assert!(ends_with_number("0", 0));
        assert!(ends_with_number("to 4294967295", u32::MAX.into()));
        assert!(ends_with_number(&u64::MAX.to_string(), u64::MAX));
        // A number that ends the same way is another number.
        assert!(!ends_with_number("to 11048576", 1 << 20));
        assert!(!ends_with_number("to 048576", 48576));
        assert!(!ends_with_number("to 1048577", 1 << 20));
        assert!(!ends_with_number("to 1048576.", 1 << 20));
        assert!(!ends_with_number("", 0));
        assert!(!ends_with_number("576", 1 << 20));
    }

    /// A reader that fails on the first of `A`, `B`, `C` that is set, as
    /// `Config::read` fails on the first invalid variable.
    fn first_set(lookup: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        for key in ["A", "B", "C"] {
            if let Some(v) = lookup(key) {
                return Err(ConfigError::new(key, &v, "nothing"));
            }
        }
        Ok(())
    }

    #[test]
    fn each_failing_variable_is_hidden_in_turn_then_the_read_succeeds() {
        let rounds = Cell::new(0);
        let read = |lookup: &dyn Fn(&str) -> Option<String>| {
            rounds.set(rounds.get() + 1);
            first_set(lookup)
        };
        let all = |k: &str| Some(k.to_lowercase());
        let ((), ignored) = ignoring_invalid(&all, read, |_| Vec::new()).unwrap();
        let named: Vec<_> = ignored.iter().map(|e| (e.variable(), e.value())).collect();
        assert_eq!(named, [("A", "a"), ("B", "b"), ("C", "c")]);
        // One round per variable, and the one that succeeds.
        assert_eq!(rounds.get(), 4);
    }

    #[test]
    fn an_error_that_hiding_cannot_mend_is_returned_after_one_more_round() {
        let rounds = Cell::new(0);
        // Fails on `A` whether it is set or not.
        let read = |_: &dyn Fn(&str) -> Option<String>| -> Result<(), ConfigError> {
            rounds.set(rounds.get() + 1);
            Err(ConfigError::new("A", "", "always"))
        };
        let err = ignoring_invalid(&|_| None, read, |_| Vec::new()).unwrap_err();
        assert_eq!(err.variable(), "A");
        assert_eq!(rounds.get(), 2);
    }

    #[test]
    fn settings_ignored_along_are_hidden_and_read_again_once() {
        let rounds = Cell::new(0);
        let read = |lookup: &dyn Fn(&str) -> Option<String>| {
            rounds.set(rounds.get() + 1);
            // `A` is invalid; `B`, valid alone, must go with it.
            match lookup("A") {
                Some(v) => Err(ConfigError::new("A", &v, "nothing")),
                None => Ok(lookup("B")),
            }
        };
        let along = |ignored: &[ConfigError]| {
            let a = ignored.iter().any(|e| e.variable() == "A");
            a.then(|| ConfigError::new("B", "b", "goes with A"))
                .into_iter()
                .collect()
        };
        let all = |k: &str| Some(k.to_lowercase());
        let (b, ignored) = ignoring_invalid(&all, read, along).unwrap();
        assert_eq!(b, None);
        let named: Vec<_> = ignored.iter().map(|e| e.variable()).collect();
        assert_eq!(named, ["A", "B"]);
        // Failed on `A`; read with `B`, which was then hidden; read again.
        assert_eq!(rounds.get(), 3);
    }
}
