//! A minimal HTTP/1.1 client over `std::net::TcpStream` for the OTLP
//! exporter: one `POST` per connection, every step bounded by a deadline.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant, SystemTime};

use crate::export::http_date::until_http_date;
use crate::export::{ConfigError, ExportError};

/// The most bytes of a response body read; the rest is never read (the
/// connection is closed), so a hostile collector cannot make the exporter
/// buffer without bound.
pub const MAX_RESPONSE_BODY: usize = 4 * 1024 * 1024;

/// The most bytes of a response's status line and headers.
const MAX_RESPONSE_HEAD: usize = 64 * 1024;

/// The most bytes of a body asked for per `read` call.
const READ_CHUNK: usize = 64 * 1024;

/// Bytes written per `write` call, so the deadline is checked between them.
const WRITE_CHUNK: usize = 64 * 1024;

/// Where to send: a parsed `http://host[:port][/path][?query]` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The host as written, without brackets, for connecting.
    host: String,
    port: u16,
    /// `host[:port]` as written, for the `Host` header.
    authority: String,
    /// Starts with `/`.
    path: String,
    /// Empty, or `?` and the query as written: kept apart from the path so
    /// that a signal path goes before it.
    query: String,
}

impl Endpoint {
    /// Parses an `http://` URL; `https://` is refused with advice, since TLS
    /// is out of reach without dependencies. A fragment (`#…`) is refused
    /// too: it is never sent to a server, so it can only be a mistake.
    pub(crate) fn parse(variable: &'static str, url: &str) -> Result<Endpoint, ConfigError> {
        let trimmed = url.trim();
        let scheme_end = trimmed.find("://");
        let scheme = scheme_end.map(|i| &trimmed[..i]);
        if scheme.is_some_and(|s| s.eq_ignore_ascii_case("https")) {
            return Err(ConfigError::new(
                variable,
                url,
                "https is not supported (baton has no TLS): send to a local OpenTelemetry \
                 Collector over http://, or plug in your own SpanExporter",
            ));
        }
        let rest = match scheme {
            Some(s) if s.eq_ignore_ascii_case("http") => &trimmed[s.len() + 3..],
            _ => return Err(ConfigError::new(variable, url, "expected an http:// URL")),
        };
        let (authority, target) = match rest.find(['/', '?', '#']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let bad = |why| Err(ConfigError::new(variable, url, why));
        if target.contains('#') {
            return bad("a fragment (#...) is never sent to the server; remove it");
        }
        // They would break the request line.
        if target.contains(|c: char| c == ' ' || c.is_control()) {
            return bad("the path and query must hold no spaces or control characters");
        }
        let (path, query) = target.split_at(target.find('?').unwrap_or(target.len()));
        let path = if path.is_empty() { "/" } else { path };
        if authority.contains('@') {
            return bad(
                "user information in the URL is not supported; use OTEL_EXPORTER_OTLP_HEADERS",
            );
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            match v6.split_once(']') {
                Some((host, "")) => (host, None),
                Some((host, port)) => match port.strip_prefix(':') {
                    Some(p) => (host, Some(p)),
                    None => return bad("unexpected text after the IPv6 address"),
                },
                None => return bad("unclosed [ in the host"),
            }
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'));
        if !host_ok {
            return bad("invalid host");
        }
        let port = match port {
            None => 80,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => return bad("invalid port"),
            },
        };
        Ok(Endpoint {
            host: host.to_owned(),
            port,
            authority: authority.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
        })
    }

    /// The URL, for messages.
    pub(crate) fn url(&self) -> String {
        format!("http://{}{}{}", self.authority, self.path, self.query)
    }

    /// A signal's URL from a base URL, as the OTLP exporter spec builds it:
    /// `signal_path` appended to the path (without doubling its `/`), and
    /// the query, if any, after it.
    pub(crate) fn with_signal_path(mut self, signal_path: &str) -> Endpoint {
        self.path = format!("{}{signal_path}", self.path.trim_end_matches('/'));
        self
    }
}

/// What the collector answered.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    /// `Retry-After`, in delta-seconds or until its HTTP-date.
    pub(crate) retry_after: Option<Duration>,
    /// Whether `Content-Type` names JSON (`Some(true)`) or protobuf
    /// (`Some(false)`); `None` when absent or anything else.
    pub(crate) json: Option<bool>,
    /// At most [`MAX_RESPONSE_BODY`] bytes.
    pub(crate) body: Vec<u8>,
}

fn remaining(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"))
    } else {
        Ok(left)
    }
}

/// Why a `POST` got no answer.
#[derive(Debug)]
pub(crate) struct PostError {
    /// Whether sending again may work: the connection was refused, reset or
    /// closed before an answer, as when a collector restarts.
    pub(crate) retryable: bool,
    pub(crate) error: ExportError,
}

fn to_post_error(e: io::Error, deadline: Instant, endpoint: &Endpoint) -> PostError {
    use io::ErrorKind as K;
    let timed_out = matches!(e.kind(), K::TimedOut | K::WouldBlock);
    if timed_out || Instant::now() >= deadline {
        return PostError {
            retryable: false,
            error: ExportError::Timeout,
        };
    }
    PostError {
        retryable: matches!(
            e.kind(),
            K::ConnectionRefused
                | K::ConnectionReset
                | K::ConnectionAborted
                | K::BrokenPipe
                | K::UnexpectedEof
        ),
        error: ExportError::Failed(format!("{}: {e}", endpoint.url())),
    }
}

/// Sends one `POST` and reads the answer, giving up at `deadline`.
pub(crate) fn post(
    endpoint: &Endpoint,
    headers: &[(String, String)],
    content: Content<'_>,
    body: &[u8],
    deadline: Instant,
) -> Result<Response, PostError> {
    exchange(endpoint, headers, content, body, deadline)
        .map_err(|e| to_post_error(e, deadline, endpoint))
}

/// How the body is encoded: its `Content-Type` and, if compressed, its
/// `Content-Encoding`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Content<'a> {
    pub(crate) content_type: &'a str,
    pub(crate) content_encoding: Option<&'a str>,
}

fn exchange(
    endpoint: &Endpoint,
    headers: &[(String, String)],
    content: Content<'_>,
    body: &[u8],
    deadline: Instant,
) -> io::Result<Response> {
    let mut stream = connect(endpoint, deadline)?;
    let mut head = format!(
        "POST {}{} HTTP/1.1\r\nHost: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Connection: close\r\nUser-Agent: baton/{}\r\n",
        endpoint.path,
        endpoint.query,
        endpoint.authority,
        content.content_type,
        body.len(),
        env!("CARGO_PKG_VERSION"),
    );
    if let Some(encoding) = content.content_encoding {
        head.push_str("Content-Encoding: ");
        head.push_str(encoding);
        head.push_str("\r\n");
    }
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    write_all(&mut stream, head.as_bytes(), deadline)?;
    write_all(&mut stream, body, deadline)?;
    read_response(&mut stream, deadline)
}

fn connect(endpoint: &Endpoint, deadline: Instant) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "host resolved to no address");
    for addr in (endpoint.host.as_str(), endpoint.port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, remaining(deadline)?) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn write_all(stream: &mut TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.set_write_timeout(Some(remaining(deadline)?))?;
        let n = stream.write(&bytes[..bytes.len().min(WRITE_CHUNK)])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "connection closed",
            ));
        }
        bytes = &bytes[n..];
    }
    Ok(())
}

/// One `read`, with the socket timeout set to what is left of the deadline.
fn read_some(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
    stream.set_read_timeout(Some(remaining(deadline)?))?;
    stream.read(buf)
}

/// Where the head (status line and headers) ends in `buf`, searching only
/// from `from`: each byte is looked at once however the head arrives.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let from = from.saturating_sub(3);
    buf[from..]
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| from + i + 4)
}

fn read_response(stream: &mut TcpStream, deadline: Instant) -> io::Result<Response> {
    let invalid = |why: &str| io::Error::new(io::ErrorKind::InvalidData, why.to_owned());
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let mut scanned = 0;
    let head_end = loop {
        if let Some(end) = find_head_end(&buf, scanned) {
            break end;
        }
        scanned = buf.len();
        if buf.len() > MAX_RESPONSE_HEAD {
            return Err(invalid("response headers too long"));
        }
        let n = read_some(stream, &mut chunk, deadline)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before the response headers ended",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| invalid("response headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|s| s.get(2..5))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| invalid("malformed status line"))?;
    let mut content_length = None;
    let mut retry_after = None;
    let mut json = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse::<u64>().ok();
        } else if name.eq_ignore_ascii_case("content-type") {
            let media = value.split(';').next().unwrap_or_default().trim();
            json = if media.eq_ignore_ascii_case("application/json") {
                Some(true)
            } else if media.eq_ignore_ascii_case("application/x-protobuf")
                || media.eq_ignore_ascii_case("application/protobuf")
            {
                Some(false)
            } else {
                None
            };
        } else if name.eq_ignore_ascii_case("retry-after") {
            // Delay-seconds or an HTTP-date (a date in the past is no wait);
            // the exporter clamps either to its backoff and its deadline. An
            // invalid value is ignored.
            retry_after = if value.bytes().all(|b| b.is_ascii_digit()) {
                value.parse::<u64>().ok().map(Duration::from_secs)
            } else {
                until_http_date(value, SystemTime::now()).ok()
            };
        }
    }
    let cap = content_length.map_or(MAX_RESPONSE_BODY, |n| {
        n.min(MAX_RESPONSE_BODY as u64) as usize
    });
    let early = &buf[head_end..];
    // With a Content-Length the body is allocated once, at most the cap;
    // without one it grows as it arrives, never past the cap.
    let initial = if content_length.is_some() {
        cap
    } else {
        early.len().min(cap)
    };
    let mut body = Vec::with_capacity(initial);
    body.extend_from_slice(&early[..early.len().min(cap)]);
    // A chunked or close-delimited body is read to the end of the
    // connection (we asked for `Connection: close`), within the cap. The
    // status is the answer: a body cut short by the deadline or a reset
    // keeps what arrived.
    while body.len() < cap {
        if body.len() == body.capacity() {
            // Grows by doubling like a Vec, but never past the cap.
            let more = body.len().max(READ_CHUNK).min(cap - body.len());
            body.reserve_exact(more);
        }
        let len = body.len();
        // Zero-filled before the read: at most one socket read's worth.
        let want = (body.capacity() - len).min(cap - len).min(READ_CHUNK);
        body.resize(len + want, 0);
        match read_some(stream, &mut body[len..], deadline) {
            Ok(0) | Err(_) => {
                body.truncate(len);
                break;
            }
            Ok(n) => body.truncate(len + n),
        }
    }
    Ok(Response {
        status,
        retry_after,
        json,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::find_head_end;

    #[test]
    fn the_head_end_is_found_when_it_straddles_two_reads() {
        let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody";
        let end = head.len() - 4;
        // Scanned up to `from` (before the last byte of the terminator)
        // when the rest arrived: each split of the
        // terminator across the boundary is still found, and nothing before
        // the boundary but the last 3 bytes is looked at again.
        for from in 0..end {
            assert_eq!(find_head_end(head, from), Some(end), "from {from}");
        }
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n\r", 0), None);
    }
}
