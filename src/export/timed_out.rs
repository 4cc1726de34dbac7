//! What timed out, carried by [`ExportError::Timeout`]: for a request, the
//! URL, the step that ran out of time and the time allowed, so that a
//! collector that cannot be reached says so, and where.
//!
//! [`ExportError::Timeout`]: crate::export::ExportError::Timeout

use std::fmt;
use std::time::Duration;

/// Where a deadline passed: for a request to a receiver, its URL, the
/// [`TimeoutStep`] that ran out of time and the time the request was
/// allowed; for a deadline of the pipeline itself (a flush, a shutdown, an
/// export waited on), nothing more ([`TimedOut::default`], which
/// [`ExportError::deadline_exceeded`] carries).
///
/// # Example: an unreachable collector says where and what
/// ```
/// use std::time::Duration;
/// use baton::export::{ExportError, TimedOut, TimeoutStep};
/// let url = "http://collector:4318/v1/traces";
/// let error = ExportError::Timeout(TimedOut::request(
///     TimeoutStep::Waiting,
///     url,
///     Duration::from_secs(10),
/// ));
/// assert_eq!(
///     error.to_string(),
///     "timed out after 10 s waiting for the answer from http://collector:4318/v1/traces"
/// );
/// if let ExportError::Timeout(t) = &error {
///     assert_eq!(t.endpoint(), Some(url));
///     assert_eq!(t.step(), Some(TimeoutStep::Waiting));
///     assert_eq!(t.allowed(), Some(Duration::from_secs(10)));
/// }
/// assert_eq!(ExportError::deadline_exceeded().to_string(), "deadline exceeded");
/// ```
///
/// [`ExportError::deadline_exceeded`]: crate::export::ExportError::deadline_exceeded
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimedOut {
    request: Option<Request>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Request {
    step: TimeoutStep,
    endpoint: String,
    allowed: Duration,
    /// The status of the answer whose body was being read.
    status: Option<u16>,
}

impl TimedOut {
    /// A request to `endpoint` (its URL) that ran out of time in `step`,
    /// having been allowed `allowed` in all (retries included).
    pub fn request(step: TimeoutStep, endpoint: impl Into<String>, allowed: Duration) -> TimedOut {
        TimedOut {
            request: Some(Request {
                step,
                endpoint: endpoint.into(),
                allowed,
                status: None,
            }),
        }
    }

    /// The same, naming the status of the answer whose body was being read
    /// when the time ran out ([`TimeoutStep::Reading`]); nothing for a
    /// deadline of the pipeline itself.
    ///
    /// ```
    /// use std::time::Duration;
    /// use baton::export::{TimedOut, TimeoutStep};
    /// let url = "http://collector:4318/v1/traces";
    /// let t = TimedOut::request(TimeoutStep::Reading, url, Duration::from_secs(2)).answer_status(503);
    /// assert_eq!(t.status(), Some(503));
    /// assert_eq!(
    ///     t.to_string(),
    ///     "timed out after 2 s reading the body of the 503 answer from http://collector:4318/v1/traces"
    /// );
    /// assert_eq!(TimedOut::default().answer_status(503).status(), None);
    /// ```
    #[must_use]
    pub fn answer_status(mut self, status: u16) -> TimedOut {
        if let Some(request) = &mut self.request {
            request.status = Some(status);
        }
        self
    }

    /// The step of the request that ran out of time; `None` for a deadline
    /// of the pipeline itself.
    pub fn step(&self) -> Option<TimeoutStep> {
        self.request.as_ref().map(|r| r.step)
    }

    /// The URL the request went to (a redirection's target, if the time
    /// ran out there); `None` for a deadline of the pipeline itself.
    pub fn endpoint(&self) -> Option<&str> {
        self.request.as_ref().map(|r| r.endpoint.as_str())
    }

    /// The time the request was allowed; `None` for a deadline of the
    /// pipeline itself.
    pub fn allowed(&self) -> Option<Duration> {
        self.request.as_ref().map(|r| r.allowed)
    }

    /// The status of the answer whose body was being read when the time
    /// ran out, if it is known (see [`answer_status`](TimedOut::answer_status)).
    pub fn status(&self) -> Option<u16> {
        self.request.as_ref().and_then(|r| r.status)
    }
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(r) = &self.request else {
            return f.write_str("deadline exceeded");
        };
        f.write_str("timed out after ")?;
        write_duration(f, r.allowed)?;
        match (r.step, r.status) {
            (TimeoutStep::Reading, Some(status)) => {
                write!(f, " reading the body of the {status} answer from")?
            }
            (step, _) => write!(f, " {}", step.phrase())?,
        }
        write!(f, " {}", r.endpoint)
    }
}

/// `10 s`, `500 ms` (whole milliseconds under a second), else seconds
/// with their fraction (`1.5 s`).
fn write_duration(f: &mut fmt::Formatter<'_>, d: Duration) -> fmt::Result {
    if d.subsec_nanos() == 0 {
        write!(f, "{} s", d.as_secs())
    } else if d.as_secs() == 0 && d.subsec_nanos() % 1_000_000 == 0 {
        write!(f, "{} ms", d.subsec_millis())
    } else {
        write!(f, "{} s", d.as_secs_f64())
    }
}

/// The step of an HTTP request that ran out of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutStep {
    /// Looking up the host name's addresses.
    Resolving,
    /// Opening the TCP connection (to every address the name resolved to).
    Connecting,
    /// Sending the request line, headers and body.
    Writing,
    /// Waiting for the answer: its status line and headers (interim `1xx`
    /// answers included).
    Waiting,
    /// Reading the answer's body, after its headers came: the collector
    /// answered, but the time ran out before the body's end. Added after
    /// [`Waiting`](TimeoutStep::Waiting), which covered this step before.
    Reading,
}

impl TimeoutStep {
    /// What was being done, before the URL.
    fn phrase(self) -> &'static str {
        match self {
            TimeoutStep::Resolving => "resolving the host name of",
            TimeoutStep::Connecting => "connecting to",
            TimeoutStep::Writing => "writing the request to",
            TimeoutStep::Waiting => "waiting for the answer from",
            TimeoutStep::Reading => "reading the body of the answer from",
        }
    }
}

impl fmt::Display for TimeoutStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.phrase())
    }
}

#[cfg(test)]
mod tests {
    use super::{TimedOut, TimeoutStep};
    use std::time::Duration;

    #[test]
    fn the_time_allowed_reads_in_the_unit_it_was_given() {
        let text =
            |allowed| TimedOut::request(TimeoutStep::Connecting, "http://c/", allowed).to_string();
        assert_eq!(
            text(Duration::from_secs(30)),
            "timed out after 30 s connecting to http://c/"
        );
        assert_eq!(
            text(Duration::from_millis(250)),
            "timed out after 250 ms connecting to http://c/"
        );
        assert_eq!(
            text(Duration::from_millis(1500)),
            "timed out after 1.5 s connecting to http://c/"
        );
        assert_eq!(
            text(Duration::from_nanos(7)),
            "timed out after 0.000000007 s connecting to http://c/"
        );
    }
}
