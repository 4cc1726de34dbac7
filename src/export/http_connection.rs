//! The connection the OTLP exporter keeps open between requests: HTTP/1.1
//! connections are persistent unless a side says otherwise (RFC 9112 §9.3),
//! and the OTLP/HTTP spec has the client reuse them ("The client SHOULD keep
//! the connection alive between requests").

use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The longest a connection is kept idle for the next request (as Go's
/// `http.Transport` does by default). A load balancer or NAT that forgets
/// an idle connection (many do after 4 or 5 minutes) may not tell either
/// side, and a request sent on it would hang until its deadline; past
/// this, a new connection is opened instead.
pub const MAX_CONNECTION_IDLE: Duration = Duration::from_secs(90);

/// At most one idle connection, kept after a response that allows it (see
/// `http::post`) and taken for the next request.
#[derive(Debug, Default)]
pub(crate) struct KeptConnection(Option<(TcpStream, Instant)>);

impl KeptConnection {
    /// Keeps `stream` for the next request.
    pub(crate) fn keep(&mut self, stream: TcpStream) {
        self.0 = Some((stream, Instant::now()));
    }

    /// The kept connection, unless it has been idle longer than
    /// [`MAX_CONNECTION_IDLE`], or the peer has closed it or sent something
    /// unasked for meanwhile: an idle connection has nothing to read, so a
    /// read that would not block finds its end, a reset, or stray bytes
    /// that would be taken for the next answer. Either way it is dropped.
    pub(crate) fn take_idle(&mut self) -> Option<TcpStream> {
        self.take_idle_at(Instant::now())
    }

    fn take_idle_at(&mut self, now: Instant) -> Option<TcpStream> {
        let (stream, since) = self.0.take()?;
        if now.saturating_duration_since(since) > MAX_CONNECTION_IDLE {
            return None;
        }
        stream.set_nonblocking(true).ok()?;
        let idle = matches!(stream.peek(&mut [0]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        stream.set_nonblocking(false).ok()?;
        idle.then_some(stream)
    }
}

#[cfg(test)]
mod tests {
    use super::{KeptConnection, MAX_CONNECTION_IDLE};
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    #[test]
    fn a_connection_is_reused_up_to_the_idle_limit_and_not_past_it() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut kept = KeptConnection::default();
        let mut kept_at = |idle: Duration| {
            kept.keep(TcpStream::connect(addr).unwrap());
            let since = kept.0.as_ref().unwrap().1;
            kept.take_idle_at(since + idle).is_some()
        };
        assert!(kept_at(MAX_CONNECTION_IDLE));
        assert!(!kept_at(MAX_CONNECTION_IDLE + Duration::from_nanos(1)));
        drop(listener);
    }
}
