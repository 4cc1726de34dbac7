//! The connection the OTLP exporter keeps open between requests: HTTP/1.1
//! connections are persistent unless a side says otherwise (RFC 9112 §9.3),
//! and the OTLP/HTTP spec has the client reuse them ("the client SHOULD
//! keep the connection alive").

use std::io;
use std::net::TcpStream;

/// At most one idle connection, kept after a response that allows it (see
/// `http::post`) and taken for the next request.
#[derive(Debug, Default)]
pub(crate) struct KeptConnection(Option<TcpStream>);

impl KeptConnection {
    /// Keeps `stream` for the next request.
    pub(crate) fn keep(&mut self, stream: TcpStream) {
        self.0 = Some(stream);
    }

    /// The kept connection, unless the peer has closed it or sent something
    /// unasked for meanwhile: an idle connection has nothing to read, so a
    /// read that would not block finds its end, a reset, or stray bytes
    /// that would be taken for the next answer. Either way it is dropped.
    pub(crate) fn take_idle(&mut self) -> Option<TcpStream> {
        let stream = self.0.take()?;
        stream.set_nonblocking(true).ok()?;
        let idle = matches!(stream.peek(&mut [0]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        stream.set_nonblocking(false).ok()?;
        idle.then_some(stream)
    }
}
