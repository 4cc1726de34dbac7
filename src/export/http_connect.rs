//! Opening a connection to a host name within a deadline: the name looked
//! up no longer than the deadline allows, and the time left shared between
//! the addresses it resolved to, so that one address that swallows packets
//! cannot take it all.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::export::deadline::remaining;
use crate::export::timed_out::TimeoutStep;

/// The least time one connect attempt gets while other addresses remain to
/// be tried, unless less than that is left: Go's dialer uses the same
/// floor ("sane minimum") when it shares a deadline between addresses.
pub const MIN_CONNECT_ATTEMPT: Duration = Duration::from_secs(2);

/// Looks up a host name's addresses; `std`'s [`ToSocketAddrs`] in
/// production, replaceable to test a lookup that hangs.
pub(crate) type Resolve = fn(&str, u16) -> io::Result<Vec<SocketAddr>>;

/// The system's lookup (`getaddrinfo`), which takes no timeout.
pub(crate) fn system_resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    (host, port).to_socket_addrs().map(Iterator::collect)
}

/// A connection to `host:port` opened by `deadline`, or the step that
/// failed (or ran out of time) and its error.
///
/// An IP literal is used as it is. A name is looked up by `resolve` on a
/// thread of its own, waited for until the deadline only: the lookup may
/// block far longer, and is then left to finish on its own (it holds
/// nothing of the caller's). The addresses are tried in order, each given
/// [`attempt_time`] of what is left.
pub(crate) fn connect(
    host: &str,
    port: u16,
    deadline: Instant,
    resolve: Resolve,
) -> Result<TcpStream, (TimeoutStep, io::Error)> {
    let addrs = lookup(host, port, deadline, resolve).map_err(|e| (TimeoutStep::Resolving, e))?;
    let connecting = |e| (TimeoutStep::Connecting, e);
    let mut last = io::Error::new(io::ErrorKind::NotFound, "host resolved to no address");
    for (i, addr) in addrs.iter().enumerate() {
        let left = remaining(deadline).map_err(connecting)?;
        match TcpStream::connect_timeout(addr, attempt_time(left, addrs.len() - i)) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(connecting(last))
}

/// `host`'s addresses, from `resolve` by `deadline` unless it is an IP
/// literal (the endpoint keeps an IPv6 one without its brackets).
fn lookup(
    host: &str,
    port: u16,
    deadline: Instant,
    resolve: Resolve,
) -> io::Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let left = remaining(deadline)?;
    let (tx, rx) = mpsc::sync_channel(1);
    let name = host.to_owned();
    std::thread::Builder::new()
        .name("baton-resolve".into())
        .spawn(move || {
            // The caller may have stopped waiting: then nobody listens.
            let _ = tx.send(resolve(&name, port));
        })?;
    match rx.recv_timeout(left) {
        Ok(addrs) => addrs,
        Err(RecvTimeoutError::Timeout) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the host name lookup did not finish by the deadline",
        )),
        Err(RecvTimeoutError::Disconnected) => {
            Err(io::Error::other("the host name lookup panicked"))
        }
    }
}

/// How long one connect attempt may take, with `left` until the deadline
/// and `addresses_left` addresses still to try, this one included: an equal
/// share of what is left, but at least [`MIN_CONNECT_ATTEMPT`] (or all that
/// is left, if less). The last address gets all that is left, and
/// `Duration::MAX` (no deadline) stays no deadline.
pub(crate) fn attempt_time(left: Duration, addresses_left: usize) -> Duration {
    if left == Duration::MAX {
        return left;
    }
    let share = left / u32::try_from(addresses_left.max(1)).unwrap_or(u32::MAX);
    share.max(MIN_CONNECT_ATTEMPT).min(left)
}

#[cfg(test)]
mod tests {
    use super::{attempt_time, connect, MIN_CONNECT_ATTEMPT};
    use crate::export::timed_out::TimeoutStep;
    use std::io;
    use std::net::{SocketAddr, TcpListener};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    #[test]
    fn the_time_left_is_shared_between_the_addresses_left() {
        let secs = Duration::from_secs;
        // One address: all of it.
        assert_eq!(attempt_time(secs(10), 1), secs(10));
        assert_eq!(
            attempt_time(Duration::from_nanos(1), 1),
            Duration::from_nanos(1)
        );
        // Many: an equal share, down to the floor, and never past what is left.
        assert_eq!(attempt_time(secs(10), 2), secs(5));
        assert_eq!(attempt_time(secs(10), 10), MIN_CONNECT_ATTEMPT);
        assert_eq!(attempt_time(secs(1), 4), secs(1));
        assert_eq!(attempt_time(secs(10), usize::MAX), MIN_CONNECT_ATTEMPT);
        assert_eq!(
            attempt_time(secs(u64::MAX), usize::MAX),
            secs(u64::MAX / u64::from(u32::MAX))
        );
        // Nothing left: nothing; no deadline: none, for every attempt.
        assert_eq!(attempt_time(Duration::ZERO, 3), Duration::ZERO);
        assert_eq!(attempt_time(Duration::ZERO, 0), Duration::ZERO);
        assert_eq!(attempt_time(Duration::MAX, 1), Duration::MAX);
        assert_eq!(attempt_time(Duration::MAX, 5), Duration::MAX);
    }

    static SLEPT: AtomicBool = AtomicBool::new(false);

    /// A lookup that hangs far past any deadline given here.
    fn hanging(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
        std::thread::sleep(Duration::from_secs(30));
        SLEPT.store(true, Ordering::SeqCst);
        Ok(Vec::new())
    }

    fn unused(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
        panic!("an IP literal was looked up")
    }

    #[test]
    fn a_hanging_lookup_is_left_behind_at_the_deadline() {
        // Bug: the lookup ran on the caller's thread, so a resolver that
        // hung held the export past its deadline.
        let deadline = Instant::now() + Duration::from_millis(100);
        let (step, error) = connect("collector.invalid", 4318, deadline, hanging).unwrap_err();
        assert_eq!(step, TimeoutStep::Resolving);
        assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
        assert!(
            !SLEPT.load(Ordering::SeqCst),
            "waited for the lookup to finish"
        );
    }

    #[test]
    fn an_ip_literal_is_not_looked_up() {
        let deadline = Instant::now() + Duration::from_secs(20);
        for bind in ["127.0.0.1:0", "[::1]:0"] {
            let Ok(listener) = TcpListener::bind(bind) else {
                continue; // no IPv6 loopback here
            };
            let addr = listener.local_addr().unwrap();
            let host = addr.ip().to_string();
            assert!(
                connect(&host, addr.port(), deadline, unused).is_ok(),
                "{host}"
            );
        }
    }
}
