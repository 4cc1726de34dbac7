//! `BatchConfig`: the batch processor's settings, with the OpenTelemetry
//! defaults and the `OTEL_BSP_*` variables.

use std::time::Duration;

use crate::diagnostic::{report, DiagnosticKind};
use crate::export::config_error::{ends_with_number, ConfigError, Env};

/// Spans the queue holds before new ones are dropped (`OTEL_BSP_MAX_QUEUE_SIZE`).
pub const DEFAULT_MAX_QUEUE_SIZE: usize = 2048;
/// Spans per export call at most (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`).
pub const DEFAULT_MAX_EXPORT_BATCH_SIZE: usize = 512;
/// The longest a span waits in the queue before an export (`OTEL_BSP_SCHEDULE_DELAY`).
pub const DEFAULT_SCHEDULE_DELAY: Duration = Duration::from_secs(5);
/// How long one export may run before it is reported as late and its spans
/// are counted as in flight (`OTEL_BSP_EXPORT_TIMEOUT`).
pub const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest queue accepted: this bounds the memory a configuration value
/// can ask for.
pub const MAX_QUEUE_SIZE_LIMIT: usize = 1 << 20;
/// The shortest schedule delay: a shorter one would keep the worker spinning.
pub const MIN_SCHEDULE_DELAY: Duration = Duration::from_millis(1);
/// The shortest export timeout, as `OTEL_BSP_EXPORT_TIMEOUT` allows: a zero
/// one has passed before an export starts, so a deadline-bound exporter
/// (OTLP) would fail every export.
pub const MIN_EXPORT_TIMEOUT: Duration = Duration::from_millis(1);

/// What `OTEL_BSP_MAX_QUEUE_SIZE` and `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` take,
/// quoting [`MAX_QUEUE_SIZE_LIMIT`], which the build checks.
const QUEUE_SIZES: &str = "expected a queue size from 1 to 1048576";
const BATCH_SIZES: &str = "expected a batch size from 1 to 1048576";
const _: () = assert!(
    ends_with_number(QUEUE_SIZES, MAX_QUEUE_SIZE_LIMIT as u64)
        && ends_with_number(BATCH_SIZES, MAX_QUEUE_SIZE_LIMIT as u64)
);

/// The batch processor's settings, with the OpenTelemetry defaults.
///
/// ```
/// use std::time::Duration;
/// let env = |k: &str| (k == "OTEL_BSP_SCHEDULE_DELAY").then(|| "250".to_owned());
/// let config = baton::export::BatchConfig::from_lookup(env).unwrap();
/// assert_eq!(config.scheduled_delay, Duration::from_millis(250));
/// assert_eq!(config.max_queue_size, baton::export::DEFAULT_MAX_QUEUE_SIZE);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchConfig {
    /// Queue capacity, `1..=`[`MAX_QUEUE_SIZE_LIMIT`]. Defaults to [`DEFAULT_MAX_QUEUE_SIZE`].
    pub max_queue_size: usize,
    /// Spans per export, `1..=max_queue_size`. Defaults to [`DEFAULT_MAX_EXPORT_BATCH_SIZE`].
    pub max_export_batch_size: usize,
    /// Delay between scheduled exports, at least [`MIN_SCHEDULE_DELAY`];
    /// `Duration::MAX` means only full batches, exiting threads and flushes
    /// export. Defaults to [`DEFAULT_SCHEDULE_DELAY`].
    pub scheduled_delay: Duration,
    /// Time an export may run before it is reported as late, at least
    /// [`MIN_EXPORT_TIMEOUT`]; `Duration::MAX` means never. Defaults to
    /// [`DEFAULT_EXPORT_TIMEOUT`].
    pub export_timeout: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_queue_size: DEFAULT_MAX_QUEUE_SIZE,
            max_export_batch_size: DEFAULT_MAX_EXPORT_BATCH_SIZE,
            scheduled_delay: DEFAULT_SCHEDULE_DELAY,
            export_timeout: DEFAULT_EXPORT_TIMEOUT,
        }
    }
}

impl BatchConfig {
    /// Reads `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`,
    /// `OTEL_BSP_SCHEDULE_DELAY` and `OTEL_BSP_EXPORT_TIMEOUT` (milliseconds)
    /// through `lookup`; unset or empty variables keep their defaults. As
    /// the environment spec says, a schedule delay of 0 is valid (exports
    /// start as soon as they can: after [`MIN_SCHEDULE_DELAY`]) and an
    /// export timeout of 0 means no deadline (`Duration::MAX`).
    ///
    /// The first invalid value is an error naming its variable;
    /// [`Config::from_lookup`](crate::Config::from_lookup) ignores each one
    /// instead (the default applies), as the environment spec asks.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<BatchConfig, ConfigError> {
        const BATCH: &str = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";
        let env = Env(lookup);
        let mut config = BatchConfig::default();
        if let Some(n) = env.number(
            "OTEL_BSP_MAX_QUEUE_SIZE",
            1,
            MAX_QUEUE_SIZE_LIMIT as u64,
            QUEUE_SIZES,
        )? {
            config.max_queue_size = n as usize;
        }
        if let Some(n) = env.number(BATCH, 1, MAX_QUEUE_SIZE_LIMIT as u64, BATCH_SIZES)? {
            if n as usize > config.max_queue_size {
                return Err(ConfigError::new(
                    BATCH,
                    &n.to_string(),
                    "the batch size must not exceed OTEL_BSP_MAX_QUEUE_SIZE",
                ));
            }
            config.max_export_batch_size = n as usize;
        }
        config.max_export_batch_size = config.max_export_batch_size.min(config.max_queue_size);
        if let Some(d) = env.duration("OTEL_BSP_SCHEDULE_DELAY")? {
            config.scheduled_delay = d.max(MIN_SCHEDULE_DELAY);
        }
        if let Some(d) = env.timeout("OTEL_BSP_EXPORT_TIMEOUT")? {
            config.export_timeout = d;
        }
        Ok(config)
    }

    /// The settings with every field in range; a field that was not is
    /// reported as a diagnostic.
    pub(crate) fn validated(mut self) -> BatchConfig {
        let queue = self.max_queue_size.clamp(1, MAX_QUEUE_SIZE_LIMIT);
        let batch = self.max_export_batch_size.clamp(1, queue);
        let delay = self.scheduled_delay.max(MIN_SCHEDULE_DELAY);
        let timeout = self.export_timeout.max(MIN_EXPORT_TIMEOUT);
        if (queue, batch, delay, timeout)
            != (
                self.max_queue_size,
                self.max_export_batch_size,
                self.scheduled_delay,
                self.export_timeout,
            )
        {
            report(
                DiagnosticKind::InvalidArgument,
                &format_args!(
                    "batch processor: queue {}, batch {}, delay {:?} and export timeout {:?} out of range; using {queue}, {batch}, {delay:?} and {timeout:?}",
                    self.max_queue_size, self.max_export_batch_size, self.scheduled_delay, self.export_timeout
                ),
                None,
            );
        }
        self.max_queue_size = queue;
        self.max_export_batch_size = batch;
        self.scheduled_delay = delay;
        self.export_timeout = timeout;
        self
    }
}

// The spans in flight in a default queue find spare extras when they end
// (see `spare_boxes`).
const _: () = assert!(crate::spare_boxes::MAX_SHARED_SPARES >= DEFAULT_MAX_QUEUE_SIZE);
