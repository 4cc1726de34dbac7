//! The OTLP/HTTP exporter: protobuf (the default) or JSON, with retries.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use crate::baggage::is_tchar;
use crate::diagnostic::{report, DiagnosticKind};
use crate::export::batch_config::MIN_EXPORT_TIMEOUT;
use crate::export::config_error::Env;
use crate::export::deadline::Deadline;
use crate::export::exporter::ShutDown;
use crate::export::gzip;
use crate::export::http::{Authorized, Content, Endpoint, Response};
use crate::export::http_redirect::{post_following, Connections};
use crate::export::otlp_encoding::{Compression, Protocol};
use crate::export::otlp_response::{char_cut, failure_message, partial_success, MAX_ERROR_MESSAGE};
use crate::export::resource::{parse_pairs, shown_header_name, Pairs, Resource};
use crate::export::timed_out::{TimedOut, TimeoutStep};
use crate::export::{json, otlp_protobuf, ConfigError, ExportError, SpanExporter};
use crate::span_data::SpanData;

/// The collector's base URL when no variable sets one.
pub const DEFAULT_OTLP_ENDPOINT: &str = "http://localhost:4318";
/// The path appended to `OTEL_EXPORTER_OTLP_ENDPOINT` for traces.
pub const OTLP_TRACES_PATH: &str = "/v1/traces";
/// How long one export may take, retries included (`OTEL_EXPORTER_OTLP_TIMEOUT`).
pub const DEFAULT_OTLP_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request body sent, measured before compression, as the
/// OTLP/HTTP spec recommends ("It is RECOMMENDED to use 64 MiB as the
/// default limit"; a server refuses larger ones with 413). A batch that
/// encodes to more is not sent: the export fails, saying so.
pub const MAX_REQUEST_BODY: usize = 64 * 1024 * 1024;
/// The first wait before a retry; it doubles on each retry, up to [`MAX_BACKOFF`],
/// and is jittered to between half and all of it. A `Retry-After` asking for
/// less is raised to it, so `Retry-After: 0` cannot make the exporter spin.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// The most capacity each of the exporter's request buffers (the encoded
/// body, and its gzip copy) keeps from one export to the next: a batch
/// whose request needed more (an unusual one: long attribute values, a
/// large batch) has those buffers freed after the export, so one such batch
/// does not hold that memory for the life of the process, while buffers up
/// to it are reused.
pub const MAX_KEPT_REQUEST_BUFFER: usize = 4 * 1024 * 1024;
/// The longest backoff between retries (a `Retry-After` may ask for more,
/// up to [`MAX_RETRY_AFTER`], within the timeout).
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// The most times one export sends its request, the first time included,
/// however long its timeout: the retries of an answer that is worth
/// retrying, or of a connection or lookup that failed, end with the last
/// one (5, the default `maxAttempts` of the OpenTelemetry Java SDK). With
/// no timeout ([`Duration::MAX`], `OTEL_EXPORTER_OTLP_TIMEOUT=0`) this
/// bounds an export that a collector answers 503 for ever.
pub const MAX_EXPORT_ATTEMPTS: u32 = 5;
/// The longest `Retry-After` honoured: a collector asking for a longer wait
/// fails the export at once, as one asking to wait past the timeout does,
/// so that it cannot hold an exporter without a timeout for ever (Go's
/// OTLP exporter gives up on the same grounds past one minute of retries).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

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
/// assert_eq!(config.get_protocol(), baton::export::Protocol::HttpProtobuf);
/// let https = OtlpConfig::new("https://api.example.com/v1/traces").unwrap_err();
/// assert!(https.to_string().contains("local OpenTelemetry Collector"));
/// ```
#[derive(Clone, PartialEq)]
pub struct OtlpConfig {
    endpoint: Endpoint,
    headers: Vec<(String, String)>,
    /// Each header's name, lowercase, to its place in `headers`: a search
    /// of the headers per name given would make N of them cost N².
    header_index: HashMap<String, usize>,
    timeout: Duration,
    resource: Resource,
    protocol: Protocol,
    compression: Compression,
}

/// The TLS variables of the OTLP exporter spec: any of them set is an error,
/// since baton has no TLS.
const TLS_VARIABLES: [&str; 6] = [
    "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
];

/// Header names the exporter writes itself or that frame the request
/// (compared in any case): one more copy from the configuration would
/// contradict them (two `Content-Length`s, a `Transfer-Encoding` the body
/// does not have), and a server refuses such a request (RFC 9112 §6.3).
const RESERVED_HEADERS: [&str; 11] = [
    "host",
    "content-length",
    "content-type",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "accept-encoding",
];

const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const TRACES_HEADERS: &str = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
/// The header an endpoint's user information is sent as.
const AUTHORIZATION: &str = "Authorization";
const HEADERS: &str = "OTEL_EXPORTER_OTLP_HEADERS";

/// The header settings that must be ignored along with the settings in
/// `ignored`, so that headers (API keys, tokens) reach only a collector
/// they were set for: when an ignored `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
/// gives way to a set `OTEL_EXPORTER_OTLP_ENDPOINT`,
/// `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (the general headers are that
/// endpoint's own); when an ignored endpoint gives way to
/// [`DEFAULT_OTLP_ENDPOINT`], both header variables; and when ignored
/// traces headers would give way to the general ones at the traces
/// endpoint, the general headers (the traces headers were set to stand in
/// for them there). Each is named with its header names, never a value.
pub(crate) fn headers_without_their_endpoint(
    lookup: &dyn Fn(&str) -> Option<String>,
    ignored: &[ConfigError],
) -> Vec<ConfigError> {
    let env = Env(lookup);
    let hidden = |variable: &str| ignored.iter().any(|e| e.variable() == variable);
    let used = |variable: &str| !hidden(variable) && env.get(variable).is_some();
    let (withheld, why): (&[&'static str], &str) = if used(TRACES_ENDPOINT) {
        if !hidden(TRACES_HEADERS) {
            return Vec::new();
        }
        (
            &[HEADERS],
            "not sent: OTEL_EXPORTER_OTLP_TRACES_HEADERS, set for the traces endpoint, was \
             ignored, and the general headers (credentials) do not stand in for it there",
        )
    } else if !(hidden(TRACES_ENDPOINT) || hidden(ENDPOINT)) {
        return Vec::new();
    } else {
        let withheld: &[&'static str] = if used(ENDPOINT) {
            &[TRACES_HEADERS]
        } else {
            &[TRACES_HEADERS, HEADERS]
        };
        (
            withheld,
            "not sent: the endpoint these headers were set for was ignored, and headers \
             (credentials) go to no other collector",
        )
    };
    withheld
        .iter()
        .filter(|variable| !hidden(variable))
        .filter_map(|&variable| {
            let list = env.get(variable)?;
            // Names only: a header's value may be a secret.
            let names = match parse_pairs(variable, &list, Pairs::Headers) {
                Ok(pairs) => pairs
                    .iter()
                    .map(|(name, _)| shown_header_name(name))
                    .collect::<Vec<_>>()
                    .join(","),
                Err(e) => e.value().to_owned(),
            };
            Some(ConfigError::new(variable, &names, why))
        })
        .collect()
}

/// Checks a header given to `variable` (or in code): its name must be an
/// HTTP token and not one the exporter writes or that frames the request,
/// its value free of control characters but tab.
fn check_header(variable: &'static str, name: &str, value: &str) -> Result<(), ConfigError> {
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(ConfigError::new(
            variable,
            &shown_header_name(name),
            "a header name must be an HTTP token (quoted up to its first other character: \
             what follows may be a value)",
        ));
    }
    if RESERVED_HEADERS
        .iter()
        .any(|reserved| name.eq_ignore_ascii_case(reserved))
    {
        return Err(ConfigError::new(
            variable,
            name,
            "the exporter sets this header itself or it frames the request (Host, \
             Content-Length, Content-Type, Content-Encoding, Transfer-Encoding, Connection, \
             Keep-Alive, TE, Trailer, Upgrade, Accept-Encoding): remove it",
        ));
    }
    // No line breaks or other controls: they would split the request.
    // The error names the header, not its value, which may be a secret.
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(ConfigError::new(
            variable,
            name,
            "this header's value holds control characters (the value is not quoted: it may \
             be a secret)",
        ));
    }
    Ok(())
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
    /// timeout and the default resource. User information in the URL
    /// (`http://user:password@host/…`, percent-encoded) is sent as HTTP
    /// Basic authentication, an `Authorization` header that
    /// [`header`](OtlpConfig::header) may replace; the URL shown anywhere
    /// (errors, [`endpoint`](OtlpConfig::endpoint), `Debug`) leaves it out.
    ///
    /// ```
    /// use baton::export::OtlpConfig;
    /// let config = OtlpConfig::new("http://Aladdin:open%20sesame@collector:4318/v1/traces").unwrap();
    /// assert_eq!(config.endpoint(), "http://collector:4318/v1/traces");
    /// let basic = ("Authorization".to_owned(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".to_owned());
    /// assert_eq!(config.headers(), [basic]);
    /// let err = OtlpConfig::new("https://user:s3cret@collector/v1/traces").unwrap_err();
    /// assert!(!err.to_string().contains("s3cret"));
    /// ```
    ///
    /// A configuration built in code reads no environment variable;
    /// [`Config::from_env`](crate::Config::from_env) and
    /// [`OtlpConfig::from_lookup`] do. To keep the endpoint of the code
    /// and still take the service name and resource attributes a
    /// deployment sets (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`),
    /// read the resource from the environment:
    ///
    /// ```
    /// use baton::export::{OtlpConfig, Resource};
    /// let resource = Resource::from_lookup(|k| std::env::var(k).ok()).unwrap();
    /// let config = OtlpConfig::new("http://collector:4318/v1/traces").unwrap().resource(resource);
    /// assert!(config.get_resource().get("service.name").is_some());
    /// ```
    pub fn new(traces_url: &str) -> Result<OtlpConfig, ConfigError> {
        Endpoint::parse_with_user_info("OTLP endpoint", traces_url).map(OtlpConfig::sending_to)
    }

    /// The defaults, sending to `endpoint` with the `Authorization` header
    /// of its user information, if it had any.
    fn sending_to((endpoint, authorization): Authorized) -> OtlpConfig {
        let mut config = OtlpConfig {
            endpoint,
            headers: Vec::new(),
            header_index: HashMap::new(),
            timeout: DEFAULT_OTLP_TIMEOUT,
            resource: Resource::default(),
            protocol: Protocol::default(),
            compression: Compression::default(),
        };
        if let Some(value) = authorization {
            config.set_header(AUTHORIZATION.to_owned(), value);
        }
        config
    }

    /// Where the header named `name` (in any case) stands, if it is set.
    fn header_at(&self, name: &str) -> Option<usize> {
        self.header_index.get(&name.to_ascii_lowercase()).copied()
    }

    /// Sets the header `name` (checked), replacing one of the same name
    /// (in any case) where it stands, or added last.
    fn set_header(&mut self, name: String, value: String) {
        match self.header_at(&name) {
            Some(at) => self.headers[at] = (name, value),
            None => {
                self.header_index
                    .insert(name.to_ascii_lowercase(), self.headers.len());
                self.headers.push((name, value));
            }
        }
    }

    /// Reads `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (with `/v1/traces` appended to its
    /// path, before any `?query`; default [`DEFAULT_OTLP_ENDPOINT`]),
    /// `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`
    /// (`key=value` pairs, values percent-decoded, each name once; an error
    /// names the header or the member's place in the list, never a value,
    /// which may be a secret),
    /// `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT` (milliseconds; 0 means no
    /// deadline, as the spec says of timeouts),
    /// `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL` (`http/protobuf`, the default,
    /// or `http/json`; `grpc` is an error),
    /// `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION` (`none`, the default, or
    /// `gzip`), `OTEL_EXPORTER_OTLP_[TRACES_]INSECURE` (`true` or `false`,
    /// checked but without effect: it selects TLS for gRPC, and baton sends
    /// plain OTLP/HTTP to the endpoint URL as given) and the resource
    /// variables (see [`Resource::from_lookup`]). The signal-specific
    /// `TRACES_` variable wins over the general one.
    ///
    /// `https://` endpoints and the certificate variables
    /// (`OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`, `_CLIENT_KEY`,
    /// `_CLIENT_CERTIFICATE`) are errors: baton has no TLS, so send to a
    /// local OpenTelemetry Collector over `http://` and let it speak TLS. An
    /// endpoint with a fragment (`#…`), which is never sent to a server, is
    /// an error too; [`Config::from_lookup`](crate::Config::from_lookup)
    /// ignores the fragment alone (see [`ConfigError::kept`]), as the OTLP
    /// exporter spec allows of every URL component but the scheme, host,
    /// port and path. An endpoint's user information is sent as Basic
    /// authentication (see [`OtlpConfig::new`]); an `Authorization` header
    /// in the headers variable as well is an error naming that variable.
    ///
    /// The first invalid value is an error naming its variable;
    /// [`Config::from_lookup`](crate::Config::from_lookup) ignores each one
    /// instead (the variable is read as unset, so a signal-specific one
    /// gives way to the general one), as the environment spec asks, and
    /// ignores the headers along with an endpoint, so that they reach no
    /// collector but the one they were set for.
    ///
    /// ```
    /// use baton::export::OtlpConfig;
    /// let base = |url: &'static str| move |k: &str| (k == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| url.into());
    /// let query = OtlpConfig::from_lookup(base("http://c:4318/otlp?tenant=7")).unwrap();
    /// assert_eq!(query.endpoint(), "http://c:4318/otlp/v1/traces?tenant=7");
    /// assert!(OtlpConfig::from_lookup(base("http://c:4318/#top")).is_err());
    /// let grpc = OtlpConfig::from_lookup(|k| (k == "OTEL_EXPORTER_OTLP_PROTOCOL").then(|| "grpc".into()));
    /// let err = grpc.unwrap_err();
    /// assert_eq!(err.variable(), "OTEL_EXPORTER_OTLP_PROTOCOL");
    /// assert!(err.to_string().contains("use http/protobuf"));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<OtlpConfig, ConfigError> {
        let mut in_part = Vec::new();
        let config = OtlpConfig::read(lookup, &mut in_part)?;
        match in_part.into_iter().next() {
            Some(ignored) => Err(ignored),
            None => Ok(config),
        }
    }

    /// [`OtlpConfig::from_lookup`], with each value it can ignore in part
    /// (an endpoint's fragment) ignored so, into `in_part`.
    pub(crate) fn read(
        lookup: impl Fn(&str) -> Option<String>,
        in_part: &mut Vec<ConfigError>,
    ) -> Result<OtlpConfig, ConfigError> {
        let resource = Resource::from_lookup(&lookup)?;
        let env = Env(lookup);
        for variable in TLS_VARIABLES {
            if let Some(path) = env.get(variable) {
                return Err(ConfigError::new(
                    variable,
                    &path,
                    "TLS is not supported (baton has no TLS): unset it and send over http:// \
                     to a local OpenTelemetry Collector, which can speak TLS onwards",
                ));
            }
        }
        let (endpoint, fragment) = match (env.get(TRACES_ENDPOINT), env.get(ENDPOINT)) {
            (Some(url), _) => Endpoint::parse_dropping_fragment(TRACES_ENDPOINT, &url)?,
            (None, base) => {
                let base = base.unwrap_or_else(|| DEFAULT_OTLP_ENDPOINT.to_owned());
                let ((endpoint, authorization), fragment) =
                    Endpoint::parse_dropping_fragment(ENDPOINT, &base)?;
                let endpoint = endpoint.with_signal_path(OTLP_TRACES_PATH);
                ((endpoint, authorization), fragment)
            }
        };
        in_part.extend(fragment);
        let mut config = OtlpConfig::sending_to(endpoint).resource(resource);
        // The endpoint's user information, if it had any.
        let from_url = config.headers.len();
        // Insecure selects plain or TLS transport for gRPC endpoints given
        // without a scheme. baton speaks only OTLP/HTTP, plain, to an
        // `http://` URL (`https://` is refused above), so either value leaves
        // nothing to change; it is still checked, so a typo is not ignored.
        if let Some((variable, _)) = signal_specific(
            &env,
            "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
            "OTEL_EXPORTER_OTLP_INSECURE",
        ) {
            env.boolean(variable)?;
        }
        if let Some((variable, value)) = signal_specific(
            &env,
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ) {
            config.protocol = Protocol::parse(variable, &value)?;
        }
        if let Some((variable, value)) = signal_specific(
            &env,
            "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
            "OTEL_EXPORTER_OTLP_COMPRESSION",
        ) {
            config.compression = Compression::parse(variable, &value)?;
        }
        if let Some((variable, list)) = signal_specific(&env, TRACES_HEADERS, HEADERS) {
            for (name, value) in parse_pairs(variable, &list, Pairs::Headers)? {
                // Which one was meant cannot be told: an error, not a
                // silent pick (two `Authorization` lines fail the request).
                if let Some(at) = config.header_at(&name) {
                    let why = if at < from_url {
                        "the endpoint's user information (user:password@) is sent as this \
                         header already: keep one of them"
                    } else {
                        "this header is set twice in the list (names match in any case)"
                    };
                    return Err(ConfigError::new(variable, &shown_header_name(&name), why));
                }
                check_header(variable, &name, &value)?;
                config.set_header(name, value);
            }
        }
        if let Some((variable, _)) = signal_specific(
            &env,
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
        ) {
            if let Some(timeout) = env.timeout(variable)? {
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
        check_header(variable, name, value)?;
        self.set_header(name.to_owned(), value.to_owned());
        Ok(self)
    }

    /// Adds a header sent with every export (e.g. an API key), or replaces
    /// the value of one of the same name (in any case), as from
    /// `OTEL_EXPORTER_OTLP_HEADERS`: each header is sent once. The name must
    /// be an HTTP token and not one the exporter writes itself or that
    /// frames the request (`Host`, `Content-Length`, `Content-Type`,
    /// `Content-Encoding`, `Transfer-Encoding`, `Connection`, `Keep-Alive`,
    /// `TE`, `Trailer`, `Upgrade`, `Accept-Encoding`); the value must hold no control
    /// characters but tab. A `User-Agent` is put before baton's own
    /// (`MyDistro/1.0 baton-OTLP-Exporter-Rust/<version>`), as the OTLP
    /// exporter spec describes for distributions.
    ///
    /// ```
    /// use baton::export::OtlpConfig;
    /// let config = OtlpConfig::new("http://localhost:4318/v1/traces").unwrap();
    /// let replaced = config.clone().header("api-key", "k1").unwrap().header("API-Key", "k2").unwrap();
    /// assert_eq!(replaced.headers(), [("API-Key".to_owned(), "k2".to_owned())]);
    /// assert!(config.header("Content-Length", "0").is_err());
    /// ```
    pub fn header(self, name: &str, value: &str) -> Result<OtlpConfig, ConfigError> {
        self.checked_header("OTLP header", name, value)
    }

    /// Sets the time allowed per export, retries included. Defaults to
    /// [`DEFAULT_OTLP_TIMEOUT`]; [`Duration::MAX`] means no limit. A timeout
    /// below [`MIN_EXPORT_TIMEOUT`] (zero, which would fail every export
    /// before it starts) takes effect clamped to it, reported as an
    /// [`InvalidArgument`](crate::DiagnosticKind::InvalidArgument)
    /// diagnostic, as a [`BatchConfig`](crate::export::BatchConfig) is.
    ///
    /// ```
    /// use std::time::Duration;
    /// use baton::export::{OtlpConfig, MIN_EXPORT_TIMEOUT};
    /// let config = OtlpConfig::new("http://localhost:4318/v1/traces").unwrap();
    /// assert_eq!(config.timeout(Duration::ZERO).get_timeout(), MIN_EXPORT_TIMEOUT);
    /// ```
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> OtlpConfig {
        self.set_timeout(timeout);
        self
    }

    /// The rule of [`timeout`](OtlpConfig::timeout), for every route that
    /// sets one.
    fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout.max(MIN_EXPORT_TIMEOUT);
        if self.timeout != timeout {
            report(
                DiagnosticKind::InvalidArgument,
                &format_args!(
                    "OTLP exporter: timeout {timeout:?} out of range; using {:?}",
                    self.timeout
                ),
                None,
            );
        }
    }

    /// Sets the protocol. Defaults to [`Protocol::HttpProtobuf`].
    #[must_use]
    pub fn protocol(mut self, protocol: Protocol) -> OtlpConfig {
        self.protocol = protocol;
        self
    }

    /// Sets the compression. Defaults to [`Compression::None`].
    #[must_use]
    pub fn compression(mut self, compression: Compression) -> OtlpConfig {
        self.compression = compression;
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

    /// The protocol.
    pub fn get_protocol(&self) -> Protocol {
        self.protocol
    }

    /// The compression.
    pub fn get_compression(&self) -> Compression {
        self.compression
    }
}

impl fmt::Debug for OtlpConfig {
    /// Header values are left out (`"<redacted>"`): they are API keys and
    /// tokens, and a configuration is the kind of value that gets logged.
    ///
    /// ```
    /// use baton::export::OtlpConfig;
    /// let config = OtlpConfig::new("http://localhost:4318/v1/traces").unwrap();
    /// let config = config.header("authorization", "Bearer s3cret").unwrap();
    /// let shown = format!("{config:?}");
    /// assert!(shown.contains("authorization") && !shown.contains("s3cret"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, _)| (name.as_str(), "<redacted>"))
            .collect();
        f.debug_struct("OtlpConfig")
            .field("endpoint", &self.endpoint.url())
            .field("headers", &headers)
            .field("timeout", &self.timeout)
            .field("resource", &self.resource)
            .field("protocol", &self.protocol)
            .field("compression", &self.compression)
            .finish()
    }
}

/// Sends spans to an OpenTelemetry collector with OTLP/HTTP: `POST
/// <endpoint>` with an `ExportTraceServiceRequest` as binary protobuf
/// (`Content-Type: application/x-protobuf`, the default) or in the
/// [OTLP/JSON mapping](https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)
/// (`application/json`), optionally gzip-compressed (`Content-Encoding:
/// gzip`), with one resource and one `ScopeSpans` per instrumentation
/// scope: baton's own (`baton`) for spans of [`span`](crate::span), a
/// [`Tracer`](crate::Tracer)'s for its spans. A span's
/// [`SpanType`](crate::SpanType) travels as the attribute `span.type`.
///
/// Requests go on one persistent HTTP/1.1 connection, as the OTLP/HTTP spec
/// asks ("The client SHOULD keep the connection alive between requests"),
/// kept while the answers allow it and for at most
/// [`MAX_CONNECTION_IDLE`](crate::export::MAX_CONNECTION_IDLE) idle; a kept
/// connection the collector closed meanwhile is replaced at once, without a
/// retry's backoff.
///
/// Answers 429, 502, 503 and 504, connections refused, reset or closed
/// before an answer, hosts or networks unreachable, and host name lookups
/// that failed (a name server may
/// not know a name for a while) are retried with capped, jittered
/// exponential backoff while the timeout allows, and at most
/// [`MAX_EXPORT_ATTEMPTS`] times in all, so that an export without a
/// timeout ends too. A `Retry-After` (seconds or an HTTP-date) is honoured,
/// but never waits less than the backoff, nor past the timeout or
/// [`MAX_RETRY_AFTER`] (an export that would have to wait longer fails at
/// once). Every connect, write and read is
/// bounded by what is left of the timeout, and at most
/// [`MAX_RESPONSE_BODY`](crate::export::MAX_RESPONSE_BODY) bytes of an answer
/// are read (a longer answer is an error, not retried, as the OTLP/HTTP spec
/// says), so a slow or hostile collector cannot hold the exporter past its
/// timeout. Interim `1xx` answers before the final one are skipped (`101
/// Switching Protocols` is an error). Answers are asked for without a
/// content coding (`Accept-Encoding: identity`); one compressed anyway is
/// not decoded: a 2xx counts as delivered with a warning naming its
/// `Content-Encoding`, and an error names it. A body sent with
/// `Transfer-Encoding: chunked` is decoded within the same limit; malformed
/// chunking leaves the answer incomplete, as a cut does (RFC 9112 §8): its
/// status stands, and a 2xx counts as delivered with a warning. A 307 or
/// 308 redirection is followed with the same `POST`, as Go's and curl's
/// clients do (the OTLP/HTTP spec leaves redirections to HTTP), at most
/// [`MAX_REDIRECTS`](crate::export::MAX_REDIRECTS) times per request and
/// only to an `http://` URL (baton has no TLS), a relative `Location`
/// resolved as RFC 3986 §5.2 says (dot segments removed, a `%2E` read as
/// the `.` it is); `Authorization`,
/// `Proxy-Authorization` and `Cookie` headers are not sent to another host
/// or port. The connection to the other origin a redirection led to is
/// kept between exports too (one such origin at a time), but a 308 is not
/// remembered: each export asks the configured endpoint first, as Go's
/// client and curl do, so the endpoint set stays in charge. A 307 or 308
/// that cannot be followed fails the export with
/// [`ExportError::RedirectRefused`], which says why
/// ([`RedirectRefusal`](crate::export::RedirectRefusal)), not retried; any
/// other redirection (3xx) fails it with [`ExportError::Redirected`], which
/// names the `Location`.
///
/// A host name is looked up on a thread of its own, waited for no longer
/// than the timeout; at most
/// [`MAX_PENDING_LOOKUPS_PER_HOST`](crate::export::MAX_PENDING_LOOKUPS_PER_HOST)
/// lookups of one name and
/// [`MAX_PENDING_LOOKUPS`](crate::export::MAX_PENDING_LOOKUPS) in all are
/// pending in the process at once, so a name server that hangs cannot pile
/// up threads, and one name that hangs leaves the others (another
/// pipeline's collector) looked up: past either, an export to that name
/// fails at once with [`ExportError::LookupRefused`], which names the host
/// and the cap ([`LookupRefusal`](crate::export::LookupRefusal)).
/// An answer whose body does not arrive in time is a timeout of its own
/// step ([`TimeoutStep::Reading`]), naming the answer's status; after a
/// 2xx the spans still count as delivered, with a warning; so do they
/// after a 2xx whose body the connection ended before its framing did (a
/// reset, a close short of its `Content-Length`), with a warning saying so.
/// An export that is not answered with 2xx in time returns an error,
/// so the processor counts its spans as failed. A 2xx answer whose
/// `partial_success` rejected spans is [`ExportError::Rejected`]: those spans
/// count as failed and the rest as exported, and the batch is not sent again
/// (the OTLP spec forbids it); a warning in a partial success that rejected
/// nothing, or a 2xx body that cannot be decoded, is reported as
/// [`DiagnosticKind::ExportWarning`](crate::DiagnosticKind::ExportWarning)
/// and the batch counts as delivered; the warning names the URL that
/// answered (a redirection's target, if one was followed).
///
/// A batch whose body would be longer than [`MAX_REQUEST_BODY`] before
/// compression is not sent, as the OTLP/HTTP spec says: the export fails.
///
/// Plain HTTP only: for TLS, send to a local collector, or implement
/// [`SpanExporter`] yourself.
pub struct OtlpExporter {
    config: OtlpConfig,
    buffers: Buffers,
    /// The connections the last answers left open, for the next export.
    connections: Connections,
    shut_down: ShutDown,
}

/// The encoded request, reused from export to export (up to
/// [`MAX_KEPT_REQUEST_BUFFER`] each).
#[derive(Default)]
struct Buffers {
    protobuf: Vec<u8>,
    json: String,
    gzip: Vec<u8>,
}

impl Buffers {
    /// Encodes `batch` as `config` says; returns the body and its length
    /// before compression.
    fn encode(&mut self, config: &OtlpConfig, batch: &[SpanData]) -> (&[u8], usize) {
        let resource = &config.resource;
        let encoded = match config.protocol {
            Protocol::HttpProtobuf => {
                otlp_protobuf::write_request(&mut self.protobuf, resource, batch);
                &self.protobuf
            }
            Protocol::HttpJson => {
                self.json.clear();
                json::write_request(&mut self.json, resource, batch);
                self.json.as_bytes()
            }
        };
        let len = encoded.len();
        match config.compression {
            Compression::None => (encoded, len),
            Compression::Gzip => {
                self.gzip.clear();
                gzip::compress(encoded, &mut self.gzip);
                (&self.gzip, len)
            }
        }
    }

    /// Frees each buffer grown past [`MAX_KEPT_REQUEST_BUFFER`]; the next
    /// export grows it again as far as its request needs.
    fn trim(&mut self) {
        let oversized = |capacity| capacity > MAX_KEPT_REQUEST_BUFFER;
        if oversized(self.protobuf.capacity()) {
            self.protobuf = Vec::new();
        }
        if oversized(self.json.capacity()) {
            self.json = String::new();
        }
        if oversized(self.gzip.capacity()) {
            self.gzip = Vec::new();
        }
    }
}

impl OtlpExporter {
    /// An exporter sending as `config` says.
    pub fn new(config: OtlpConfig) -> OtlpExporter {
        OtlpExporter {
            config,
            buffers: Buffers::default(),
            connections: Connections::default(),
            shut_down: ShutDown::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &OtlpConfig {
        &self.config
    }

    /// The request body [`export`](SpanExporter::export) would send for
    /// `batch`, encoded as configured, in the exporter's reused buffer: for
    /// writing requests elsewhere, debugging, and measuring the encoders.
    ///
    /// # Example: the same span in both encodings
    /// ```
    /// use baton::export::{OtlpConfig, OtlpExporter, Protocol};
    /// let spans = baton::InMemoryExporter::default();
    /// let _p = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// baton::in_span("checkout", || {});
    /// let batch = spans.take();
    /// let config = OtlpConfig::new("http://localhost:4318/v1/traces").unwrap();
    /// let mut protobuf = OtlpExporter::new(config.clone());
    /// let mut json = OtlpExporter::new(config.protocol(Protocol::HttpJson));
    /// let json_body = String::from_utf8(json.encode(&batch).to_vec()).unwrap();
    /// assert!(json_body.contains(r#""name":"checkout""#));
    /// let protobuf_body = protobuf.encode(&batch);
    /// // ExportTraceServiceRequest.resource_spans, a length-delimited field 1.
    /// assert_eq!(protobuf_body[0], 0x0a);
    /// assert!(protobuf_body.len() < json_body.len());
    /// ```
    pub fn encode(&mut self, batch: &[SpanData]) -> &[u8] {
        self.buffers.encode(&self.config, batch).0
    }
}

impl fmt::Debug for OtlpExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpExporter")
            .field("endpoint", &self.config.endpoint())
            .field("protocol", &self.config.protocol)
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

/// How long to wait after attempt `attempt` (from 1) before the next: the
/// jittered backoff, or a longer `Retry-After`; `Err` saying why there is
/// no next attempt: `attempt` was the last ([`MAX_EXPORT_ATTEMPTS`]),
/// `Retry-After` asks for more than [`MAX_RETRY_AFTER`], or the wait would
/// pass the deadline.
fn retry_wait(
    attempt: u32,
    backoff: Duration,
    retry_after: Option<Duration>,
    deadline: Instant,
) -> Result<Duration, String> {
    if attempt >= MAX_EXPORT_ATTEMPTS {
        return Err(format!(
            "gave up after {MAX_EXPORT_ATTEMPTS} attempts (MAX_EXPORT_ATTEMPTS)"
        ));
    }
    let asked = retry_after.unwrap_or(Duration::ZERO);
    if asked > MAX_RETRY_AFTER {
        return Err(format!(
            "Retry-After asked for {asked:?}, longer than the {MAX_RETRY_AFTER:?} honoured \
             (MAX_RETRY_AFTER): not retried"
        ));
    }
    let wait = jittered(backoff).max(asked);
    // Compared as durations: `now + wait` could overflow an `Instant`.
    if wait >= deadline.saturating_duration_since(Instant::now()) {
        return Err("no time left to retry".to_owned());
    }
    Ok(wait)
}

/// Whether an answer's body is JSON: as its `Content-Type` says, or else
/// as the request was (the OTLP/HTTP spec has the server answer in kind).
fn is_json(config: &OtlpConfig, response: &Response) -> bool {
    response
        .json
        .unwrap_or(config.protocol == Protocol::HttpJson)
}

/// A body for an error message: at most [`MAX_ERROR_MESSAGE`] bytes of
/// it, cut between characters, or "an empty body".
fn snippet(body: &[u8]) -> String {
    if body.is_empty() {
        return "an empty body".to_owned();
    }
    String::from_utf8_lossy(&body[..char_cut(body, MAX_ERROR_MESSAGE)])
        .escape_debug()
        .to_string()
}

impl SpanExporter for OtlpExporter {
    /// Each request, retries included, is bounded by the smaller of this and
    /// the configured timeout, clamped as [`OtlpConfig::timeout`] clamps.
    fn set_export_timeout(&mut self, timeout: Duration) {
        let smaller = self.config.timeout.min(timeout);
        self.config.set_timeout(smaller);
    }

    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.shut_down.check()?;
        if batch.is_empty() {
            return Ok(());
        }
        let result = self.send_batch(batch);
        self.buffers.trim();
        result
    }

    /// Closes the connection kept for the next export; later exports
    /// fail with [`ExportError::AlreadyShutDown`], and open none.
    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.shut_down.mark()?;
        self.connections = Connections::default();
        Ok(())
    }
}

impl OtlpExporter {
    /// Encodes and sends a non-empty `batch`.
    fn send_batch(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let deadline = Deadline::after(self.config.timeout);
        let (body, encoded) = self.buffers.encode(&self.config, batch);
        if encoded > MAX_REQUEST_BODY {
            // The spec: "the client MUST NOT make the request and SHOULD
            // record the fact that the request was discarded".
            return Err(ExportError::Failed(format!(
                "{}: the request body of {} spans is {encoded} bytes before compression, past \
                 the {MAX_REQUEST_BODY}-byte limit (MAX_REQUEST_BODY): not sent; export smaller \
                 batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE) or cut attribute values \
                 (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT)",
                self.config.endpoint(),
                batch.len()
            )));
        }
        let (response, answered) = send(&self.config, &mut self.connections, body, deadline)?;
        accepted(&self.config, &response, &answered, deadline, batch.len())
    }
}

/// What a 2xx answer means for a batch of `spans` spans: delivered, unless
/// its `partial_success` rejected some (an error counting them, not
/// retried, as the OTLP spec says). A partial success that rejected nothing
/// but carries a message, and a body that is not an
/// `ExportTraceServiceResponse`, count as delivered (the collector said
/// 2xx and the spec forbids sending again) and are reported as
/// [`DiagnosticKind::ExportWarning`], naming `answered`, the endpoint that
/// gave the answer (a redirection's target, if one was followed); so does a
/// body the deadline or the end of the connection cut short, or whose
/// chunked framing is malformed, whose partial success cannot be known.
fn accepted(
    config: &OtlpConfig,
    response: &Response,
    answered: &Endpoint,
    deadline: Deadline,
    spans: usize,
) -> Result<(), ExportError> {
    if response.body_timed_out {
        let timed_out = body_timed_out(response, answered, deadline);
        report(
            DiagnosticKind::ExportWarning,
            &format_args!(
                "{timed_out}: counted as delivered, but any partial success in the body is \
                 unknown"
            ),
            None,
        );
        return Ok(());
    }
    if response.body_cut {
        report(
            DiagnosticKind::ExportWarning,
            &format_args!(
                "{} answered {}, but the connection ended before its body did: counted as \
                 delivered, but any partial success in the body is unknown",
                answered.url(),
                response.status
            ),
            None,
        );
        return Ok(());
    }
    if let Some(bad) = response.body_malformed {
        report(
            DiagnosticKind::ExportWarning,
            &format_args!(
                "{} answered {}, but its body could not be read ({bad}): counted as delivered, \
                 but any partial success in the body is unknown",
                answered.url(),
                response.status
            ),
            None,
        );
        return Ok(());
    }
    if let Some(coding) = &response.content_coding {
        report(
            DiagnosticKind::ExportWarning,
            &format_args!(
                "{} answered {} with a body in the {} content coding, which baton does not \
                 decode (it asks for identity): counted as delivered, but any partial success \
                 in it is unknown",
                answered.url(),
                response.status,
                coding.escape_debug()
            ),
            None,
        );
        return Ok(());
    }
    let json = is_json(config, response);
    match partial_success(&response.body, json) {
        Ok(Some(partial)) if partial.rejected > 0 => Err(ExportError::Rejected {
            rejected: partial.rejected,
            message: partial.message,
        }),
        Ok(Some(partial)) if !partial.message.is_empty() => {
            report(
                DiagnosticKind::ExportWarning,
                &format_args!(
                    "{} accepted all {spans} span(s) with a warning: {}",
                    answered.url(),
                    partial.message.escape_debug()
                ),
                None,
            );
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(bad) => {
            report(
                DiagnosticKind::ExportWarning,
                &format_args!(
                    "{} answered {} with a body that is not an OTLP {} response ({bad}): \
                     counted as delivered",
                    answered.url(),
                    response.status,
                    if json { "JSON" } else { "protobuf" }
                ),
                None,
            );
            Ok(())
        }
    }
}

/// What ran out of time when the deadline cut short the body of `response`,
/// from `answered`.
fn body_timed_out(response: &Response, answered: &Endpoint, deadline: Deadline) -> TimedOut {
    TimedOut::request(TimeoutStep::Reading, answered.url(), deadline.allowed)
        .answer_status(response.status)
}

/// Posts `body` until it is accepted (the 2xx answer is returned, with the
/// endpoint that gave it), refused for good, or the deadline leaves no time
/// for another attempt.
fn send<'a>(
    config: &'a OtlpConfig,
    connections: &mut Connections,
    body: &[u8],
    deadline: Deadline,
) -> Result<(Response, Cow<'a, Endpoint>), ExportError> {
    let content = Content {
        content_type: config.protocol.content_type(),
        content_encoding: config.compression.content_encoding(),
    };
    let mut backoff = INITIAL_BACKOFF;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let posted = post_following(
            connections,
            &config.endpoint,
            &config.headers,
            content,
            body,
            deadline,
        );
        let (why, retry_after) = match posted {
            Ok(answer) if (200..300).contains(&answer.0.status) => return Ok(answer),
            // The collector answered, but its body did not arrive in time:
            // no time is left to retry, or to follow a redirection.
            Ok((response, answered)) if response.body_timed_out => {
                let timed_out = body_timed_out(&response, &answered, deadline);
                return Err(ExportError::Timeout(timed_out));
            }
            // The other redirections: a 301, 302 or 303 would turn the POST
            // into a GET without the spans (RFC 9110 §15.4), and sending
            // them where the collector points is then for the user to
            // choose, by setting the endpoint.
            Ok((response, answered)) if (300..400).contains(&response.status) => {
                return Err(ExportError::Redirected {
                    endpoint: answered.url(),
                    status: response.status,
                    location: response.location,
                })
            }
            Ok((response, answered)) if retryable(response.status) => (
                format!("{} answered {}", answered.url(), response.status),
                response.retry_after,
            ),
            Ok((response, answered)) => {
                // The `google.rpc.Status` message when the body is one,
                // else the body as it came; a compressed one is named,
                // not shown.
                let why = match &response.content_coding {
                    Some(coding) => format!(
                        "a body in the {} content coding, which baton does not decode",
                        coding.escape_debug()
                    ),
                    None => {
                        let why = failure_message(&response.body, is_json(config, &response));
                        snippet(why.as_deref().map_or(&response.body[..], str::as_bytes))
                    }
                };
                return Err(ExportError::Failed(format!(
                    "{} answered {}: {why}",
                    answered.url(),
                    response.status,
                )));
            }
            Err(e) if e.retryable => match e.error {
                // Said once, by the error this returns.
                ExportError::Failed(why) => (why, None),
                other => (other.to_string(), None),
            },
            Err(e) => return Err(e.error),
        };
        let wait = retry_wait(attempt, backoff, retry_after, deadline.at)
            .map_err(|stop| ExportError::Failed(format!("{why}; {stop}")))?;
        backoff = (backoff * 2).min(MAX_BACKOFF);
        std::thread::sleep(wait);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{
        retry_wait, snippet, Buffers, OtlpConfig, OtlpExporter, MAX_BACKOFF, MAX_ERROR_MESSAGE,
        MAX_EXPORT_ATTEMPTS, MAX_KEPT_REQUEST_BUFFER, MAX_RETRY_AFTER,
    };
    use crate::export::deadline::deadline_after;
    use crate::export::{Protocol, SpanExporter};
    use crate::span_data::SpanData;

    #[test]
    fn an_error_body_is_quoted_in_whole_characters() {
        assert_eq!(snippet(b""), "an empty body");
        assert_eq!(snippet(b"quota\n"), "quota\\n");
        let at_limit = "\u{e9}".repeat(MAX_ERROR_MESSAGE / 2);
        assert_eq!(snippet(at_limit.as_bytes()), at_limit);
        // One byte more: the cut falls inside the last `€` (3 bytes), which
        // is left out rather than shown as U+FFFD.
        let split = format!("{}\u{20ac}", "a".repeat(MAX_ERROR_MESSAGE - 1));
        assert_eq!(snippet(split.as_bytes()), "a".repeat(MAX_ERROR_MESSAGE - 1));
        let four = format!("{}\u{1f600}", "a".repeat(MAX_ERROR_MESSAGE - 2));
        assert_eq!(snippet(four.as_bytes()), "a".repeat(MAX_ERROR_MESSAGE - 2));
        // Bytes that are not UTF-8 are still shown, as U+FFFD.
        assert_eq!(snippet(&[b'x', 0xFF]), "x\u{fffd}");
    }

    #[test]
    fn without_a_deadline_the_attempts_and_retry_after_are_bounded() {
        // Bug (export probe, session 21): with no deadline (both timeouts
        // 0), a lasting 503 was retried for ever, and a `Retry-After` of
        // 10^9 s was waited for.
        let never = deadline_after(Duration::MAX);
        let wait = |attempt, retry_after| retry_wait(attempt, MAX_BACKOFF, retry_after, never);
        let last = MAX_EXPORT_ATTEMPTS;
        assert!(wait(last - 1, None).is_ok_and(|w| w <= MAX_BACKOFF));
        let stop = wait(last, None).unwrap_err();
        assert!(stop.contains("gave up after 5 attempts"), "{stop}");
        assert!(wait(u32::MAX, None).is_err());
        // A Retry-After up to the cap is waited for, past it not at all.
        assert_eq!(wait(1, Some(MAX_RETRY_AFTER)), Ok(MAX_RETRY_AFTER));
        let nano = Duration::from_nanos(1);
        for past in [
            MAX_RETRY_AFTER + nano,
            Duration::from_secs(1_000_000_000),
            Duration::MAX,
        ] {
            let stop = wait(1, Some(past)).unwrap_err();
            assert!(stop.contains("MAX_RETRY_AFTER"), "{past:?}: {stop}");
        }
        // Within the cap, a deadline still ends the retries.
        let soon = deadline_after(Duration::from_secs(1));
        let stop = retry_wait(1, MAX_BACKOFF, Some(MAX_RETRY_AFTER), soon).unwrap_err();
        assert_eq!(stop, "no time left to retry");
    }

    /// The capacity of the encoded-body buffer after exporting one span
    /// whose name is `name_len` bytes, encoded as `protocol` says and sent
    /// nowhere (nothing listens on port 1).
    fn kept_after(protocol: Protocol, name_len: usize) -> usize {
        let config = OtlpConfig::new("http://127.0.0.1:1/v1/traces")
            .unwrap()
            .protocol(protocol)
            .timeout(Duration::from_millis(50));
        let mut exporter = OtlpExporter::new(config);
        let mut span = SpanData::minimal();
        span.name = "x".repeat(name_len).into();
        assert!(exporter.export(&[span]).is_err(), "nothing listens");
        match protocol {
            Protocol::HttpProtobuf => exporter.buffers.protobuf.capacity(),
            Protocol::HttpJson => exporter.buffers.json.capacity(),
        }
    }

    #[test]
    fn request_buffers_past_the_kept_limit_are_freed_after_the_export() {
        // Regression: the exporter kept its largest request's buffers for
        // the life of the process.
        for protocol in [Protocol::HttpProtobuf, Protocol::HttpJson] {
            let usual = MAX_KEPT_REQUEST_BUFFER / 4;
            let kept = kept_after(protocol, usual);
            assert!(
                kept > usual,
                "{protocol:?}: kept for the next export: {kept}"
            );
            let kept = kept_after(protocol, MAX_KEPT_REQUEST_BUFFER + 1);
            assert_eq!(kept, 0, "{protocol:?}: freed");
        }
    }

    #[test]
    fn each_buffer_is_kept_up_to_the_limit_and_freed_past_it() {
        let sized = |capacity: usize| Buffers {
            protobuf: Vec::with_capacity(capacity),
            json: String::with_capacity(capacity),
            gzip: Vec::with_capacity(capacity),
        };
        let capacities =
            |b: &Buffers| [b.protobuf.capacity(), b.json.capacity(), b.gzip.capacity()];
        let mut at = sized(MAX_KEPT_REQUEST_BUFFER);
        at.trim();
        assert_eq!(capacities(&at), [MAX_KEPT_REQUEST_BUFFER; 3]);
        let mut past = sized(MAX_KEPT_REQUEST_BUFFER + 1);
        past.trim();
        assert_eq!(capacities(&past), [0; 3]);
    }
}
