//! Opening a connection to a host name within a deadline: the name looked
//! up no longer than the deadline allows, and the time left shared between
//! the addresses it resolved to, so that one address that swallows packets
//! cannot take it all. Lookups left behind by their deadline are counted,
//! and capped per name and in all.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::export::deadline::remaining;
use crate::export::lookup_refusal::LookupRefusal;
use crate::export::timed_out::TimeoutStep;

/// The least time one connect attempt gets while other addresses remain to
/// be tried, unless less than that is left: Go's dialer uses the same
/// floor ("sane minimum") when it shares a deadline between addresses.
pub const MIN_CONNECT_ATTEMPT: Duration = Duration::from_secs(2);

/// The most host name lookups pending at once in the process, each on a
/// thread of its own, whatever the names; past it, a connection to a host
/// name fails at once, without a lookup, until one of them returns
/// ([`LookupRefusal::ProcessPending`]).
///
/// A lookup (`getaddrinfo`) takes no timeout, so one that hangs (a name
/// server that does not answer) is left behind at the request's deadline,
/// and its thread ends only when the system gives up (glibc: 5 s per try,
/// 2 tries per name server, up to 3 servers, so about 30 s). This bounds
/// the threads hung lookups hold, however many exporters (or re-installed
/// pipelines) the process has; it counts for the whole process because the
/// threads are the process's. It is [`MAX_PENDING_LOOKUPS_PER_HOST`] times
/// 4, so that a name that hangs takes a quarter of it at most: the other
/// collectors of the process (a second pipeline, a redirection's target)
/// are still looked up while fewer than four names hang.
pub const MAX_PENDING_LOOKUPS: usize = 16;

/// The most lookups of one host name (names compared in any case) pending
/// at once; past it, a connection to that name fails at once, without a
/// lookup, until one of them returns ([`LookupRefusal::NamePending`]),
/// while other names are still looked up.
///
/// Exports come every few seconds (`OTEL_BSP_SCHEDULE_DELAY`, 5 s, and each
/// may take its whole timeout) and a lookup may hang about 30 s (see
/// [`MAX_PENDING_LOOKUPS`]), so a few lookups of a name may still be pending
/// when the next export starts, but not more: 4 lets a resolver that is
/// slow but answering keep working.
pub const MAX_PENDING_LOOKUPS_PER_HOST: usize = 4;

/// Looks up host names: the lookup itself (`std`'s [`ToSocketAddrs`] in
/// production) and the lookups pending, capped by
/// [`MAX_PENDING_LOOKUPS_PER_HOST`] and [`MAX_PENDING_LOOKUPS`]; both
/// replaceable to test a lookup that hangs.
#[derive(Clone, Copy)]
pub(crate) struct Resolver {
    pub(crate) resolve: fn(&str, u16) -> io::Result<Vec<SocketAddr>>,
    pub(crate) pending: &'static Mutex<PendingLookups>,
}

/// The system's lookup (`getaddrinfo`), counted in the process's
/// [`PendingLookups`].
// A static: rustc 1.86 (the crate's `rust-version`) refuses a `const`
// that refers to interior-mutable memory.
pub(crate) static SYSTEM_RESOLVER: Resolver = Resolver {
    resolve: |host, port| (host, port).to_socket_addrs().map(Iterator::collect),
    pending: &PENDING_LOOKUPS,
};

/// The system lookups pending in the process.
static PENDING_LOOKUPS: Mutex<PendingLookups> = Mutex::new(PendingLookups::new());

/// The lookups pending, by host name (lowercase). Each name listed has at
/// least one, so the list holds at most [`MAX_PENDING_LOOKUPS`] names; it
/// is locked only to take or give back a place, never during a lookup.
#[derive(Debug, Default)]
pub(crate) struct PendingLookups {
    total: usize,
    by_name: Vec<(String, usize)>,
}

impl PendingLookups {
    /// None pending.
    pub(crate) const fn new() -> PendingLookups {
        PendingLookups {
            total: 0,
            by_name: Vec::new(),
        }
    }

    /// How many are pending in all.
    #[cfg(test)]
    pub(crate) fn total(&self) -> usize {
        self.total
    }
}

/// Locks `pending`: no code panics while holding it, but a poisoned lock
/// still holds valid counts.
fn lock(pending: &Mutex<PendingLookups>) -> MutexGuard<'_, PendingLookups> {
    pending.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A place among the pending lookups of a name, given back when dropped
/// (by the lookup's thread when the lookup returns or panics, or at once if
/// the thread could not start).
struct PendingLookup {
    pending: &'static Mutex<PendingLookups>,
    name: String,
}

impl PendingLookup {
    /// A place for a lookup of `host`, if fewer than
    /// [`MAX_PENDING_LOOKUPS_PER_HOST`] of it and [`MAX_PENDING_LOOKUPS`] in
    /// all are taken.
    fn take(
        pending: &'static Mutex<PendingLookups>,
        host: &str,
    ) -> Result<PendingLookup, LookupRefusal> {
        let name = host.to_ascii_lowercase();
        let mut lookups = lock(pending);
        let at = lookups.by_name.iter().position(|(n, _)| *n == name);
        if at.is_some_and(|i| lookups.by_name[i].1 >= MAX_PENDING_LOOKUPS_PER_HOST) {
            return Err(LookupRefusal::NamePending);
        }
        if lookups.total >= MAX_PENDING_LOOKUPS {
            return Err(LookupRefusal::ProcessPending);
        }
        lookups.total += 1;
        match at {
            Some(i) => lookups.by_name[i].1 += 1,
            None => lookups.by_name.push((name.clone(), 1)),
        }
        Ok(PendingLookup { pending, name })
    }
}

impl Drop for PendingLookup {
    fn drop(&mut self) {
        let mut lookups = lock(self.pending);
        lookups.total -= 1;
        if let Some(i) = lookups.by_name.iter().position(|(n, _)| *n == self.name) {
            lookups.by_name[i].1 -= 1;
            if lookups.by_name[i].1 == 0 {
                lookups.by_name.swap_remove(i);
            }
        }
    }
}

/// A connection to `host:port` opened by `deadline`, or the step that
/// failed (or ran out of time) and its error.
///
/// An IP literal is used as it is. A name is looked up by `resolver` on a
/// thread of its own, waited for until the deadline only: the lookup may
/// block far longer, and is then left to finish on its own (it holds
/// nothing of the caller's). With [`MAX_PENDING_LOOKUPS_PER_HOST`] lookups
/// of the name or [`MAX_PENDING_LOOKUPS`] in all pending already, none is
/// started: an error of kind `Other` (so not retried) that carries the
/// [`LookupRefusal`]. The addresses are tried in order, each given
/// [`attempt_time`] of what is left.
pub(crate) fn connect(
    host: &str,
    port: u16,
    deadline: Instant,
    resolver: Resolver,
) -> Result<TcpStream, (TimeoutStep, io::Error)> {
    let resolving = |e| (TimeoutStep::Resolving, e);
    let addrs = lookup(host, port, deadline, resolver).map_err(resolving)?;
    // A failed lookup, like one that found nothing (retried as such).
    let mut last = io::Error::new(io::ErrorKind::NotFound, "host resolved to no address");
    if addrs.is_empty() {
        return Err(resolving(last));
    }
    let connecting = |e| (TimeoutStep::Connecting, e);
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
    resolver: Resolver,
) -> io::Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let left = remaining(deadline)?;
    let place = PendingLookup::take(resolver.pending, host).map_err(io::Error::other)?;
    let (tx, rx) = mpsc::sync_channel(1);
    let name = host.to_owned();
    let resolve = resolver.resolve;
    std::thread::Builder::new()
        .name("baton-resolve".into())
        .spawn(move || {
            let addrs = resolve(&name, port);
            // Given back before the answer, so that the caller, once told,
            // finds its place free.
            drop(place);
            // The caller may have stopped waiting: then nobody listens.
            let _ = tx.send(addrs);
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
    use super::{
        attempt_time, connect, Resolver, MAX_PENDING_LOOKUPS, MAX_PENDING_LOOKUPS_PER_HOST,
        MIN_CONNECT_ATTEMPT,
    };
    use crate::export::lookup_refusal::LookupRefusal;
    use crate::export::timed_out::TimeoutStep;
    use std::io;
    use std::net::{SocketAddr, TcpListener};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};
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

    /// `resolve`, counted apart from the process's lookups (each test
    /// gives its own count, so that tests running at once do not meet).
    macro_rules! resolver {
        ($resolve:expr) => {{
            static PENDING: Mutex<super::PendingLookups> = Mutex::new(super::PendingLookups::new());
            Resolver {
                resolve: $resolve,
                pending: &PENDING,
            }
        }};
    }

    /// A resolver of its own, whose lookups of names starting with `hung`
    /// block until its gate opens (30 s at most), and its gate; every name
    /// is found at the loopback address.
    macro_rules! hanging_names {
        () => {{
            static GATE: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());
            fn resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
                if host.to_ascii_lowercase().starts_with("hung") {
                    wait_for(&GATE);
                }
                Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))])
            }
            (resolver!(resolve), &GATE)
        }};
    }

    /// Waits until `gate` opens, 30 s at most.
    fn wait_for(gate: &(Mutex<bool>, Condvar)) {
        let (open, opened) = gate;
        let open = open.lock().unwrap();
        let _open = opened
            .wait_timeout_while(open, Duration::from_secs(30), |open| !*open)
            .unwrap();
    }

    /// Opens `gate`: the lookups it holds return.
    fn open(gate: &(Mutex<bool>, Condvar)) {
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
    }

    fn pending(resolver: Resolver) -> usize {
        resolver.pending.lock().unwrap().total()
    }

    #[test]
    fn a_lookup_that_found_no_address_failed_in_its_step() {
        // Bug (export probe, session 21): a name resolving to no address
        // failed in the connecting step, so it was not retried as a failed
        // lookup is.
        let far = Instant::now() + Duration::from_secs(600);
        let (step, error) =
            connect("empty", 80, far, resolver!(|_, _| Ok(Vec::new()))).unwrap_err();
        assert_eq!(step, TimeoutStep::Resolving);
        assert_eq!(error.kind(), io::ErrorKind::NotFound, "{error}");
    }

    /// Waits (30 s at most) until no lookup of `resolver` is pending.
    fn all_given_back(resolver: Resolver) {
        let since = Instant::now();
        while pending(resolver) > 0 {
            assert!(
                since.elapsed() < Duration::from_secs(30),
                "never given back"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// A lookup of `host` left pending at a deadline 50 ms away.
    fn left_pending(host: &str, port: u16, resolver: Resolver) {
        let deadline = Instant::now() + Duration::from_millis(50);
        let (step, error) = connect(host, port, deadline, resolver).unwrap_err();
        assert_eq!(step, TimeoutStep::Resolving);
        assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
    }

    /// The refusal a connect to `host` met, at once, without a lookup.
    fn refused(host: &str, port: u16, resolver: Resolver) -> LookupRefusal {
        let far = Instant::now() + Duration::from_secs(600);
        let (step, error) = connect(host, port, far, resolver).unwrap_err();
        assert_eq!(step, TimeoutStep::Resolving);
        assert_eq!(error.kind(), io::ErrorKind::Other, "{error}");
        LookupRefusal::carried_by(&error).unwrap_or_else(|| panic!("{error}"))
    }

    /// Whether [`held`] lookups may return, and how many were called.
    static GATE: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());
    static HELD_CALLS: AtomicUsize = AtomicUsize::new(0);

    /// A lookup that blocks until [`GATE`] opens (30 s at most), then
    /// finds the loopback address.
    fn held(_: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        HELD_CALLS.fetch_add(1, Ordering::SeqCst);
        wait_for(&GATE);
        Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))])
    }

    #[test]
    fn lookups_of_a_name_past_its_cap_fail_at_once_until_a_late_one_returns() {
        // Issue: each connection to a name started a lookup thread, and
        // while the name server hung they piled up without bound.
        let resolver = resolver!(held);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let name = "collector.invalid";
        for _ in 0..MAX_PENDING_LOOKUPS_PER_HOST {
            left_pending(name, port, resolver);
        }
        assert_eq!(pending(resolver), MAX_PENDING_LOOKUPS_PER_HOST);
        // One more of the name, in any case, is refused without a lookup
        // and without waiting for its deadline (it would time out then),
        // naming the cap.
        let calls = HELD_CALLS.load(Ordering::SeqCst);
        for spelled in [name, "Collector.INVALID"] {
            assert_eq!(refused(spelled, port, resolver), LookupRefusal::NamePending);
        }
        assert_eq!(HELD_CALLS.load(Ordering::SeqCst), calls);
        assert!(LookupRefusal::NamePending
            .to_string()
            .starts_with("MAX_PENDING_LOOKUPS_PER_HOST lookups of this name"));
        // The lookups return, late: their places are given back.
        open(&GATE);
        all_given_back(resolver);
        let far = Instant::now() + Duration::from_secs(600);
        assert!(connect(name, port, far, resolver).is_ok());
        assert_eq!(pending(resolver), 0);
    }

    #[test]
    fn one_hung_name_does_not_starve_another() {
        // Issue: the cap counted the process's lookups, so a name server
        // hung on one collector's name refused every other collector's
        // name too (two pipelines, one of them down).
        let (resolver, gate) = hanging_names!();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        for _ in 0..MAX_PENDING_LOOKUPS_PER_HOST {
            left_pending("hung.invalid", port, resolver);
        }
        assert_eq!(
            refused("hung.invalid", port, resolver),
            LookupRefusal::NamePending
        );
        let far = Instant::now() + Duration::from_secs(600);
        let other = connect("other.invalid", port, far, resolver);
        open(gate);
        assert!(other.is_ok(), "{:?}", other.err());
        all_given_back(resolver);
    }

    #[test]
    fn lookups_past_the_process_cap_fail_at_once_whatever_the_name() {
        // The threads hung lookups hold stay bounded however many names
        // hang: each name up to its own cap, all of them up to the
        // process's.
        let (resolver, gate) = hanging_names!();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let far = Instant::now() + Duration::from_secs(600);
        for i in 0..MAX_PENDING_LOOKUPS - 1 {
            left_pending(
                &format!("hung-{}.invalid", i / MAX_PENDING_LOOKUPS_PER_HOST),
                port,
                resolver,
            );
        }
        // At the edge, one place is left: a name that answers takes it,
        // and gives it back.
        assert!(connect("other.invalid", port, far, resolver).is_ok());
        assert_eq!(pending(resolver), MAX_PENDING_LOOKUPS - 1);
        left_pending("hung-last.invalid", port, resolver);
        assert_eq!(pending(resolver), MAX_PENDING_LOOKUPS);
        // Past it, every name is refused, the ones that answer included.
        for name in ["other.invalid", "hung-last.invalid", "hung-new.invalid"] {
            assert_eq!(
                refused(name, port, resolver),
                LookupRefusal::ProcessPending,
                "{name}"
            );
        }
        // A name at its own cap says so first.
        assert_eq!(
            refused("hung-0.invalid", port, resolver),
            LookupRefusal::NamePending
        );
        open(gate);
        all_given_back(resolver);
        assert!(connect("other.invalid", port, far, resolver).is_ok());
    }

    /// A lookup that panics.
    fn panicking(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
        panic!("the resolver failed")
    }

    #[test]
    fn a_lookup_that_panics_gives_its_place_back() {
        let resolver = resolver!(panicking);
        let far = Instant::now() + Duration::from_secs(600);
        for _ in 0..=MAX_PENDING_LOOKUPS {
            let (_, error) = connect("collector.invalid", 4318, far, resolver).unwrap_err();
            assert!(error.to_string().contains("panicked"), "{error}");
        }
        assert_eq!(pending(resolver), 0);
    }

    #[test]
    fn a_hanging_lookup_is_left_behind_at_the_deadline() {
        // Bug: the lookup ran on the caller's thread, so a resolver that
        // hung held the export past its deadline.
        let deadline = Instant::now() + Duration::from_millis(100);
        let (step, error) =
            connect("collector.invalid", 4318, deadline, resolver!(hanging)).unwrap_err();
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
                connect(&host, addr.port(), deadline, resolver!(unused)).is_ok(),
                "{host}"
            );
        }
    }
}
