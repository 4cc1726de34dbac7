//! The OTLP/HTTP exporter with JSON encoding.

use std::fmt;
use std::time::{Duration, Instant};

use crate::export::config_error::Env;
use crate::export::http::{self, Endpoint};
use crate::export::resource::{parse_pairs, Resource};
use crate::export::{json, ConfigError, ExportError, SpanExporter};
use crate::SpanData;

/// The collector's base URL when no variable sets one.
pub const DEFAULT_OTLP_ENDPOINT: &str = "http://localhost:4318";
/// The path appended to `OTEL_EXPORTER_OTLP_ENDPOINT` for traces.
pub const OTLP_TRACES_PATH: &str = "/v1/traces";
/// How long one export may take, retries included (`OTEL_EXPORTER_OTLP_TIMEOUT`).
pub const DEFAULT_OTLP_TIMEOUT: Duration = Duration::from_secs(10);
/// The first wait before a retry; it doubles on each retry, up to [`MAX_BACKOFF`],
/// and is jittered to between half and all of it.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// The longest wait between retries (a `Retry-After` may ask for more, within the timeout).
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Where and how the OTLP exporter sends.
///
/// # Example: from the environment, with a fallback default
/// ```
/// use baton::export::OtlpConfig;
/// let env = |k: &str| match k {
///     "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://collector:4318/".to_owned()),
///     "OTEL_EXPORTER_OTLP_HEADERS" => Some("api-key=s3cr%20t".to_owned()),
///     "OTEL_SERVICE_NAME" => Some("checkout".to_owned()),
///     _ => None,
/// };
/// let config = OtlpConfig::from_lookup(env).unwrap();
/// assert_eq!(config.endpoint(), "http://collector:4318/v1/traces");
/// assert_eq!(config.headers(), [("api-key".to_owned(), "s3cr t".to_owned())]);
/// let https = OtlpConfig::new("https://api.example.com/v1/traces").unwrap_err();
/// assert!(https.to_string().contains("local OpenTelemetry Collector"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OtlpConfig {
    endpoint: Endpoint,
    headers: Vec<(String, String)>,
    timeout: Duration,
    resource: Resource,
}

/// `OTEL_EXPORTER_OTLP_TRACES_<X>` if set, else `OTEL_EXPORTER_OTLP_<X>`.
fn signal_specific<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
    traces: &'static str,
    general: &'static str,
) -> Option<(&'static str, String)> {
    env.get(traces)
        .map(|v| (traces, v))
        .or_else(|| env.get(general).map(|v| (general, v)))
}

impl OtlpConfig {
    /// Sends to `traces_url`, the full URL (path included, e.g.
    /// `http://localhost:4318/v1/traces`), with no extra headers, the default
    /// timeout and the default resource.
    pub fn new(traces_url: &str) -> Result<OtlpConfig, ConfigError> {
        Ok(OtlpConfig {
            endpoint: Endpoint::parse("OTLP endpoint", traces_url)?,
            headers: Vec::new(),
            timeout: DEFAULT_OTLP_TIMEOUT,
            resource: Resource::default(),
        })
    }

    /// Reads `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (with `/v1/traces` appended; default
    /// [`DEFAULT_OTLP_ENDPOINT`]), `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`
    /// (`key=value` pairs, values percent-decoded),
    /// `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT` (milliseconds) and the resource
    /// variables (see [`Resource::from_lookup`]).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<OtlpConfig, ConfigError> {
        const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
        const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
        let resource = Resource::from_lookup(&lookup)?;
        let env = Env(lookup);
        let endpoint = match (env.get(TRACES_ENDPOINT), env.get(ENDPOINT)) {
            (Some(url), _) => Endpoint::parse(TRACES_ENDPOINT, &url)?,
            (None, base) => {
                let base = base.unwrap_or_else(|| DEFAULT_OTLP_ENDPOINT.to_owned());
                let endpoint = Endpoint::parse(ENDPOINT, &base)?;
                let path = format!(
                    "{}{OTLP_TRACES_PATH}",
                    endpoint.path().trim_end_matches('/')
                );
                endpoint.with_path(path)
            }
        };
        let mut config = OtlpConfig {
            endpoint,
            headers: Vec::new(),
            timeout: DEFAULT_OTLP_TIMEOUT,
            resource,
        };
        if let Some((variable, list)) = signal_specific(
            &env,
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "OTEL_EXPORTER_OTLP_HEADERS",
        ) {
            for (name, value) in parse_pairs(variable, &list)? {
                config = config.checked_header(variable, &name, &value)?;
            }
        }
        if let Some((variable, _)) = signal_specific(
            &env,
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
        ) {
            if let Some(timeout) = env.millis(variable)? {
                config.timeout = timeout;
            }
        }
        Ok(config)
    }

    fn checked_header(
        mut self,
        variable: &'static str,
        name: &str,
        value: &str,
    ) -> Result<OtlpConfig, ConfigError> {
        let token = !name.is_empty() && name.bytes().all(crate::baggage::is_tchar);
        if !token {
            return Err(ConfigError::new(
                variable,
                name,
                "a header name must be an HTTP token",
            ));
        }
        // No line breaks or other controls: they would split the request.
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(ConfigError::new(
                variable,
                value,
                "a header value must not hold control characters",
            ));
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// Adds a header sent with every export (e.g. an API key).
    pub fn header(self, name: &str, value: &str) -> Result<OtlpConfig, ConfigError> {
        self.checked_header("OTLP header", name, value)
    }

    /// Sets the time allowed per export, retries included. Defaults to
    /// [`DEFAULT_OTLP_TIMEOUT`].
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> OtlpConfig {
        self.timeout = timeout;
        self
    }

    /// Sets the resource sent with every export. Defaults to
    /// [`Resource::default`].
    #[must_use]
    pub fn resource(mut self, resource: Resource) -> OtlpConfig {
        self.resource = resource;
        self
    }

    /// Sets the resource's `service.name`.
    #[must_use]
    pub fn service_name(mut self, name: impl Into<String>) -> OtlpConfig {
        self.resource = self.resource.with_service_name(name);
        self
    }

    /// The URL spans are posted to.
    pub fn endpoint(&self) -> String {
        self.endpoint.url()
    }

    /// The extra headers, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The time allowed per export.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }

    /// The resource.
    pub fn get_resource(&self) -> &Resource {
        &self.resource
    }
}

/// Sends spans to an OpenTelemetry collector with OTLP/HTTP and JSON
/// encoding (`POST <endpoint>`, `Content-Type: application/json`).
///
/// The payload is an `ExportTraceServiceRequest` in the
/// [OTLP/JSON mapping](https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding),
/// with one resource and the scope `baton`. A span's
/// [`SpanType`](crate::SpanType) travels as the attribute `span.type`.
///
/// Answers 429, 502, 503 and 504 are retried with capped, jittered
/// exponential backoff (honouring `Retry-After` in seconds) while the timeout
/// allows; every connect, write and read is bounded by what is left of it, and
/// at most [`MAX_RESPONSE_BODY`](crate::export::MAX_RESPONSE_BODY) bytes of an
/// answer are read, so a slow or hostile collector cannot hold the exporter
/// past its timeout. Plain HTTP only: for TLS, send to a local collector, or
/// implement [`SpanExporter`] yourself.
pub struct OtlpExporter {
    config: OtlpConfig,
}

impl OtlpExporter {
    /// An exporter sending as `config` says.
    pub fn new(config: OtlpConfig) -> OtlpExporter {
        OtlpExporter { config }
    }

    /// The configuration.
    pub fn config(&self) -> &OtlpConfig {
        &self.config
    }
}

impl fmt::Debug for OtlpExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpExporter")
            .field("endpoint", &self.config.endpoint())
            .finish()
    }
}

/// Whether an answer is worth retrying, per the OTLP/HTTP spec.
fn retryable(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Between half and all of `backoff`.
fn jittered(backoff: Duration) -> Duration {
    let fraction = (crate::id::next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    backoff.mul_f64(0.5 + fraction / 2.0)
}

/// Up to 200 characters of a body, for an error message.
fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)])
        .escape_debug()
        .to_string()
}

impl SpanExporter for OtlpExporter {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        if batch.is_empty() {
            return Ok(());
        }
        let deadline = Instant::now() + self.config.timeout;
        let mut body = String::with_capacity(512 * batch.len());
        json::write_request(&mut body, &self.config.resource, batch);
        let mut backoff = INITIAL_BACKOFF;
        loop {
            let response = http::post(
                &self.config.endpoint,
                &self.config.headers,
                "application/json",
                body.as_bytes(),
                deadline,
            )?;
            let status = response.status;
            if (200..300).contains(&status) {
                return Ok(());
            }
            if !retryable(status) {
                return Err(ExportError::Failed(format!(
                    "{} answered {status}: {}",
                    self.config.endpoint(),
                    snippet(&response.body)
                )));
            }
            let wait = response.retry_after.unwrap_or_else(|| jittered(backoff));
            backoff = (backoff * 2).min(MAX_BACKOFF);
            if Instant::now() + wait >= deadline {
                return Err(ExportError::Failed(format!(
                    "{} answered {status}; no time left to retry after {wait:?}",
                    self.config.endpoint()
                )));
            }
            std::thread::sleep(wait);
        }
    }
}
