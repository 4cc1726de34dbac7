//! `Resource`: the attributes describing the process that produced spans.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::panic::Location;
use std::path::Path;

use crate::attribute_limits::limit_value;
use crate::baggage::{is_tchar, unpadded};
use crate::diagnostic::{report, DiagnosticKind};
use crate::export::config_error::Env;
use crate::export::ConfigError;
use crate::span_limits::SpanLimits;
use crate::value::{KeyValue, Str, Value};
use crate::wire::lexical::percent_decode_into;

/// The attributes of the entity producing spans, sent with every OTLP export:
/// `service.name`, any `OTEL_RESOURCE_ATTRIBUTES`, and `telemetry.sdk.*`.
///
/// # Example
/// ```
/// use baton::export::Resource;
/// let env = |k: &str| match k {
///     "OTEL_RESOURCE_ATTRIBUTES" => Some("service.name=cart,deployment.environment=prod%20eu".to_owned()),
///     _ => None,
/// };
/// let resource = Resource::from_lookup(env).unwrap();
/// assert_eq!(resource.get("service.name").unwrap().to_string(), "cart");
/// assert_eq!(resource.get("deployment.environment").unwrap().to_string(), "prod eu");
/// assert_eq!(resource.get("telemetry.sdk.name").unwrap().to_string(), "baton");
/// ```
#[derive(Clone, PartialEq)]
pub struct Resource {
    attributes: Vec<KeyValue>,
    /// Where each key is in `attributes`, so that setting one is not a
    /// search of them all: a long `OTEL_RESOURCE_ATTRIBUTES` (one
    /// variable may hold 128 KiB) would be read in time growing with its
    /// square.
    index: HashMap<Str, usize>,
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("attributes", &self.attributes)
            .finish()
    }
}

/// The default `service.name`, as the resource semantic conventions give it:
/// `unknown_service:` and the executable's name, or `unknown_service` alone
/// when that name is not available ("the value MUST be set to
/// `unknown_service`"), never `unknown_service:` with nothing after it.
fn unknown_service(executable: Option<&str>) -> String {
    match executable {
        Some(name) if !name.is_empty() => format!("unknown_service:{name}"),
        _ => "unknown_service".to_owned(),
    }
}

/// What the kernel appends to `/proc/self/exe` (where Linux's
/// `current_exe` reads the path) once the executable's file is deleted or
/// replaced, as a deploy does under a running process.
const DELETED: &str = " (deleted)";

/// The file name of the executable at `path`, as `current_exe` gave it:
/// without the [`DELETED`] mark, which is no part of the name (a file
/// still there by the marked name is named so). A name that is not UTF-8
/// is shown lossily.
fn executable_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    Some(match name.strip_suffix(DELETED) {
        Some(unmarked) if !path.exists() => unmarked.to_owned(),
        _ => name.into_owned(),
    })
}

impl Default for Resource {
    /// `service.name` = `unknown_service:<executable>` (or `unknown_service`
    /// when the executable's name cannot be read), as the OpenTelemetry spec
    /// says, plus `telemetry.sdk.*`.
    fn default() -> Self {
        let exe = std::env::current_exe()
            .ok()
            .and_then(|p| executable_name(&p));
        let mut resource = Resource {
            attributes: Vec::new(),
            index: HashMap::new(),
        };
        resource.set("service.name", unknown_service(exe.as_deref()));
        resource.set("telemetry.sdk.name", "baton");
        resource.set("telemetry.sdk.language", "rust");
        resource.set("telemetry.sdk.version", env!("CARGO_PKG_VERSION"));
        resource
    }
}

impl Resource {
    /// The default resource with `service.name` set to `name`.
    pub fn new(service_name: impl Into<String>) -> Resource {
        Resource::default().with_service_name(service_name)
    }

    /// Reads `OTEL_RESOURCE_ATTRIBUTES` (comma-separated `key=value` pairs,
    /// keys and values percent-decoded, so `%2C` and `%3D` stand for the
    /// `,` and `=` the list syntax reserves) and then `OTEL_SERVICE_NAME`,
    /// which wins for `service.name`; a blank `service.name` is none
    /// given. A malformed pair, or a key given twice, is an error naming
    /// the variable.
    ///
    /// ```
    /// use baton::export::Resource;
    /// let env = |k: &str| (k == "OTEL_RESOURCE_ATTRIBUTES").then(|| "a%3Db%2Cc=d%2Ce".to_owned());
    /// let resource = Resource::from_lookup(env).unwrap();
    /// assert_eq!(resource.get("a=b,c").unwrap().to_string(), "d,e");
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Resource, ConfigError> {
        const ATTRIBUTES: &str = "OTEL_RESOURCE_ATTRIBUTES";
        let env = Env(lookup);
        let mut resource = Resource::default();
        if let Some(list) = env.get(ATTRIBUTES) {
            let pairs = parse_pairs(ATTRIBUTES, &list, Pairs::Attributes)?;
            // Which value was meant cannot be told: an error, not a silent
            // pick, as for a header named twice. A blank `service.name` is
            // none given, so it repeats nothing: the default stays, as the
            // resource conventions' `unknown_service` fallback and
            // OpenTelemetry Python read it (`OTEL_SERVICE_NAME=`, empty, is
            // unset already).
            let none_given =
                |(key, value): &(String, String)| key == "service.name" && value.trim().is_empty();
            let mut seen = HashSet::new();
            if let Some((key, _)) = pairs
                .iter()
                .filter(|pair| !none_given(pair))
                .find(|(key, _)| !seen.insert(key))
            {
                return Err(ConfigError::new(
                    ATTRIBUTES,
                    key,
                    "this key is set twice in the list (after percent-decoding)",
                ));
            }
            for pair in pairs {
                if !none_given(&pair) {
                    resource.set(pair.0, pair.1);
                }
            }
        }
        if let Some(name) = env.get("OTEL_SERVICE_NAME") {
            resource.set("service.name", name.trim().to_owned());
        }
        Ok(resource)
    }

    /// The same resource with `service.name` replaced.
    #[must_use]
    pub fn with_service_name(mut self, name: impl Into<String>) -> Resource {
        self.set("service.name", name.into());
        self
    }

    /// Sets an attribute, replacing an earlier value of the same key in place.
    ///
    /// Resource attributes are exempt from the attribute count and length
    /// limits, as the common spec says ("Resource attributes SHOULD be
    /// exempt"), but not from the depth limit, which guards the stack:
    /// exporters walk a value by recursion. So, as on a span, a key-value
    /// list or array nested deeper than [`SpanLimits::DEFAULT_MAX_DEPTH`]
    /// is replaced with [`Value::Empty`] (dropped without recursion, however
    /// deep), and that is reported as a
    /// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind) naming the
    /// key and the caller; a list's keys are made unique, as the spec asks
    /// of every exported map. An empty key, which the spec forbids ("the
    /// attribute key MUST be a non-null and non-empty string"), sets
    /// nothing and is reported as a
    /// [`DiagnosticKind::InvalidArgument`](crate::DiagnosticKind), as
    /// `OTEL_RESOURCE_ATTRIBUTES` refuses one.
    ///
    /// ```
    /// use baton::export::Resource;
    /// use baton::{KeyValue, SpanLimits, Value};
    /// let lists = |depth, inner| {
    ///     (0..depth).fold(inner, |inner, _| Value::from(vec![KeyValue::new("k", inner)]))
    /// };
    /// let max = SpanLimits::DEFAULT_MAX_DEPTH;
    /// let mut resource = Resource::new("cart");
    /// resource.set("at", lists(max, Value::from(1)));
    /// resource.set("past", lists(max + 1, Value::from(1)));
    /// assert_eq!(resource.get("at"), Some(&lists(max, Value::from(1))));
    /// assert_eq!(resource.get("past"), Some(&lists(max, Value::Empty)));
    /// ```
    #[track_caller]
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        let key = key.into();
        if key.is_empty() {
            report(
                DiagnosticKind::InvalidArgument,
                &format_args!("resource attribute with an empty key ignored"),
                Some(Location::caller()),
            );
            return;
        }
        let mut kv = KeyValue::new(key, value);
        let cut = limit_value(&mut kv.value, &SpanLimits::default());
        if cut > 0 {
            report(
                DiagnosticKind::LimitExceeded,
                &format_args!(
                    "resource attribute {:?} nested deeper than {} levels: replaced {cut} \
                     list(s) or array(s) past the depth limit with the empty value",
                    kv.key,
                    SpanLimits::DEFAULT_MAX_DEPTH
                ),
                Some(Location::caller()),
            );
        }
        match self.index.get(kv.key.as_ref()) {
            Some(&at) => self.attributes[at].value = kv.value,
            None => {
                self.index.insert(kv.key.clone(), self.attributes.len());
                self.attributes.push(kv);
            }
        }
    }

    /// The value of attribute `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.index.get(key).map(|&at| &self.attributes[at].value)
    }

    /// Every attribute, in order.
    pub fn attributes(&self) -> &[KeyValue] {
        &self.attributes
    }
}

/// A header name as an error may quote it: whole if it is an HTTP token,
/// else up to its first other character and `…`. A name that is no token
/// is often a value glued to it (`Authorization: Basic czNj…=` copied from
/// curl into `OTEL_EXPORTER_OTLP_HEADERS`, which splits at the `=`).
pub(crate) fn shown_header_name(name: &str) -> String {
    match name.bytes().position(|b| !is_tchar(b)) {
        None => name.to_owned(),
        Some(end) => format!("{}…", &name[..end]),
    }
}

/// Which `key=value` list is read: how its keys are decoded and what an
/// error quotes as its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pairs {
    /// `OTEL_RESOURCE_ATTRIBUTES`: keys and values percent-decoded (the
    /// resource SDK spec has `,` and `=` in either encoded); an error quotes
    /// the offending member as written.
    Attributes,
    /// `OTEL_EXPORTER_OTLP_HEADERS`: values percent-decoded, names as
    /// written (HTTP tokens); an error quotes only the name (cut as
    /// [`shown_header_name`] cuts it), or the member's place in the list
    /// when it has none: the values are secrets (API keys), and an error
    /// is printed at startup, to logs.
    Headers,
}

/// Parses `key=value,key=value` with percent-encoded values, the format of
/// `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS` (the W3C
/// Baggage member syntax without properties), as `pairs` says. Blank
/// members are skipped.
pub(crate) fn parse_pairs(
    variable: &'static str,
    list: &str,
    pairs: Pairs,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut parsed = Vec::new();
    for (index, member) in list.split(',').enumerate() {
        // OWS, as in the W3C baggage format the spec gives the list: other
        // whitespace (a no-break space) is content, kept as given.
        let member = unpadded(member);
        if member.is_empty() {
            continue;
        }
        let quoted = |key: &str| match pairs {
            Pairs::Attributes => member.to_owned(),
            Pairs::Headers if key.is_empty() => format!("member {} of the list", index + 1),
            Pairs::Headers => shown_header_name(key),
        };
        let Some((key, value)) = member.split_once('=') else {
            return Err(ConfigError::new(
                variable,
                &quoted(""),
                "expected comma-separated key=value pairs",
            ));
        };
        let key = unpadded(key);
        if key.is_empty() {
            return Err(ConfigError::new(
                variable,
                &quoted(""),
                "a key=value pair has an empty key",
            ));
        }
        let key = match pairs {
            Pairs::Attributes => percent_decode(variable, &quoted(key), key)?,
            Pairs::Headers => key.to_owned(),
        };
        let value = percent_decode(variable, &quoted(&key), unpadded(value))?;
        parsed.push((key, value));
    }
    Ok(parsed)
}

/// Decodes the `%XX` escapes of `raw`, read from `variable`; a bad escape
/// or a result that is not UTF-8 is an error quoting `quoted`.
fn percent_decode(variable: &'static str, quoted: &str, raw: &str) -> Result<String, ConfigError> {
    let mut out = Vec::with_capacity(raw.len());
    percent_decode_into(raw.as_bytes(), false, &mut out)
        .ok()
        .and_then(|()| String::from_utf8(out).ok())
        .ok_or_else(|| {
            ConfigError::new(
                variable,
                quoted,
                "a key or value has invalid percent-encoding or is not UTF-8",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::{executable_name, unknown_service};
    use std::path::Path;

    #[test]
    fn the_deleted_mark_is_no_part_of_an_executable_s_name() {
        let gone = Path::new("/nonexistent/baton/app (deleted)");
        assert_eq!(executable_name(gone).as_deref(), Some("app"));
        assert_eq!(
            executable_name(Path::new("/nonexistent/baton/app")).as_deref(),
            Some("app")
        );
        // A file by the marked name, still there, is named so.
        let dir = std::env::temp_dir().join(format!("baton-exe-name-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let there = dir.join("tool (deleted)");
        std::fs::write(&there, b"").unwrap();
        let name = executable_name(&there);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(name.as_deref(), Some("tool (deleted)"));
    }

    #[test]
    fn without_an_executable_name_the_service_is_unknown_service_alone() {
        // Bug: an executable name that could not be read (no /proc, say)
        // gave `unknown_service:`, a value the conventions never use.
        assert_eq!(unknown_service(None), "unknown_service");
        assert_eq!(unknown_service(Some("")), "unknown_service");
        assert_eq!(
            unknown_service(Some("checkout")),
            "unknown_service:checkout"
        );
    }
}
