//! How an OTLP request body is encoded: the protocol
//! (`OTEL_EXPORTER_OTLP_PROTOCOL`) and the compression
//! (`OTEL_EXPORTER_OTLP_COMPRESSION`).

use crate::export::ConfigError;

/// The OTLP transport and encoding.
///
/// # Example
/// ```
/// use baton::export::Protocol;
/// assert_eq!(Protocol::default(), Protocol::HttpProtobuf);
/// assert_eq!(Protocol::HttpJson.content_type(), "application/json");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    /// `http/protobuf`: binary protobuf over HTTP/1.1, `Content-Type:
    /// application/x-protobuf`. The default, as the OpenTelemetry
    /// specification asks of SDKs.
    #[default]
    HttpProtobuf,
    /// `http/json`: the OTLP/JSON mapping over HTTP/1.1, `Content-Type:
    /// application/json`.
    HttpJson,
}

impl Protocol {
    /// The value of the `Content-Type` header.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::HttpProtobuf => "application/x-protobuf",
            Protocol::HttpJson => "application/json",
        }
    }

    /// The name used by `OTEL_EXPORTER_OTLP_PROTOCOL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::HttpProtobuf => "http/protobuf",
            Protocol::HttpJson => "http/json",
        }
    }

    /// Parses an `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL` value read from
    /// `variable`. `grpc` is refused with advice: gRPC needs HTTP/2, which
    /// baton does not carry.
    pub(crate) fn parse(variable: &'static str, value: &str) -> Result<Protocol, ConfigError> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("http/protobuf") {
            Ok(Protocol::HttpProtobuf)
        } else if v.eq_ignore_ascii_case("http/json") {
            Ok(Protocol::HttpJson)
        } else if v.eq_ignore_ascii_case("grpc") {
            Err(ConfigError::new(
                variable,
                value,
                "grpc is not supported (it needs HTTP/2): use http/protobuf (the default) \
                 and the collector's OTLP/HTTP port, usually 4318",
            ))
        } else {
            Err(ConfigError::new(
                variable,
                value,
                "expected http/protobuf or http/json",
            ))
        }
    }
}

/// The compression of the request body.
///
/// # Example
/// ```
/// use baton::export::Compression;
/// assert_eq!(Compression::default(), Compression::None);
/// assert_eq!(Compression::Gzip.content_encoding(), Some("gzip"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// Sent as encoded (the default).
    #[default]
    None,
    /// gzip ([`gzip::compress`](crate::export::gzip::compress)), sent with
    /// `Content-Encoding: gzip`.
    Gzip,
}

impl Compression {
    /// The value of the `Content-Encoding` header, if any.
    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Gzip => Some("gzip"),
        }
    }

    /// Parses an `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION` value read from
    /// `variable`.
    pub(crate) fn parse(variable: &'static str, value: &str) -> Result<Compression, ConfigError> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("none") {
            Ok(Compression::None)
        } else if v.eq_ignore_ascii_case("gzip") {
            Ok(Compression::Gzip)
        } else {
            Err(ConfigError::new(variable, value, "expected none or gzip"))
        }
    }
}
