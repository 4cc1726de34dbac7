//! The `SpanExporter` trait: where batches of finished spans go.

use std::fmt;
use std::time::Duration;

use crate::export::lookup_refusal::LookupRefusal;
use crate::export::redirect_refusal::RedirectRefusal;
use crate::export::stats::BatchStats;
use crate::export::timed_out::TimedOut;
use crate::span_data::SpanData;

/// Why an export, flush or shutdown did not fully succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportError {
    /// The processor or exporter was already shut down.
    AlreadyShutDown,
    /// The deadline passed before the work finished. For a request to a
    /// receiver (the OTLP exporter's), [`TimedOut`] names its URL, the step
    /// that ran out of time (resolving, connecting, writing, waiting for the
    /// answer, reading its body) and the time allowed; for a deadline of the
    /// pipeline itself (a flush, a shutdown), it is [`TimedOut::default`]
    /// ([`ExportError::deadline_exceeded`]).
    Timeout(TimedOut),
    /// The exporter panicked; the batch was lost.
    Panicked,
    /// Called from inside the pipeline itself (an exporter or processor
    /// callback), where waiting on the pipeline would deadlock. A shutdown
    /// so called (and a batch processor's flush) is not waited for, but
    /// still done, once the pipeline code running returns.
    Reentrant,
    /// The exporter reported a failure.
    Failed(String),
    /// The receiver answered with a redirection (3xx) of a status the
    /// exporter never follows (all but 307 and 308, which are followed, and
    /// are [`RedirectRefused`](ExportError::RedirectRefused) when they
    /// cannot be): the spans were not delivered. Set the endpoint to where
    /// it points, if that is meant.
    Redirected {
        /// The URL the request went to.
        endpoint: String,
        /// The status, 300 to 399.
        status: u16,
        /// The `Location` the answer gave, as it came, if any.
        location: Option<String>,
    },
    /// The receiver answered 307 or 308, which the exporter follows with
    /// the same `POST`, but this one could not be followed, for `reason`:
    /// the spans were not delivered, and the request is not sent again.
    ///
    /// Added in place of what was [`Failed`](ExportError::Failed) with a
    /// message (a `Location` that could not be followed, one redirection
    /// too many) or [`Redirected`](ExportError::Redirected) (a 307 or 308
    /// without a `Location`). More fields may come: match it with `..`.
    #[non_exhaustive]
    RedirectRefused {
        /// The URL that answered (a redirection's target, after others).
        endpoint: String,
        /// 307 or 308.
        status: u16,
        /// The `Location` the answer gave, as it came, if any.
        location: Option<String>,
        /// Why it was not followed.
        reason: RedirectRefusal,
    },
    /// The receiver's host name was not looked up, for `reason`: too many
    /// lookups of it, or of any name, are still pending (the name service
    /// may not be answering). The spans were not delivered; the request
    /// fails at once, without waiting for its deadline, and is not sent
    /// again (the next export tries the name again).
    ///
    /// Added in place of what was [`Failed`](ExportError::Failed) with a
    /// message. More fields may come: match it with `..`.
    #[non_exhaustive]
    LookupRefused {
        /// The URL the request was for (a redirection's target, after
        /// others).
        endpoint: String,
        /// The host name that was not looked up, as the URL spells it.
        host: String,
        /// Why it was not.
        reason: LookupRefusal,
    },
    /// The receiver took the batch but rejected some of its spans (an OTLP
    /// partial success): those are lost, the rest delivered. Not retried, as
    /// the OTLP spec says.
    Rejected {
        /// How many spans were rejected (more than the batch held counts as
        /// the whole batch).
        rejected: u64,
        /// Why, as the receiver said it (may be empty); shown escaped as
        /// [`str::escape_debug`] does.
        message: String,
    },
    /// The exporter delivered `delivered` of the spans the call let go of,
    /// then failed, for `reason`: the rest are lost. The spans let go of
    /// are the batch, and for an exporter that holds spans across calls
    /// (see [`SpanExporter::held_spans`]) the held ones the call printed or
    /// lost. For an exporter writing in parts (such as
    /// [`JsonLinesExporter`](crate::export::JsonLinesExporter), whose write
    /// failed after some lines were written in full), so that what was
    /// delivered is counted exported, not failed. Unlike
    /// [`Rejected`](ExportError::Rejected), no receiver refused anything.
    ///
    /// ```
    /// use baton::export::ExportError;
    /// let cut = ExportError::PartlyDelivered { delivered: 2, reason: "disk full".into() };
    /// assert_eq!(cut.spans_lost(5), 3);
    /// assert_eq!(cut.to_string(), "export failed after 2 span(s) were delivered: disk full");
    /// ```
    PartlyDelivered {
        /// How many spans were delivered (more than the call let go of
        /// counts as all of them).
        delivered: u64,
        /// Why the rest were not.
        reason: String,
    },
    /// A flush or shutdown found spans that were not delivered: lost
    /// (dropped, failed) and not yet reported when it began, or still held
    /// when it returned. The counts are the processor's totals.
    Undelivered {
        /// The processor's counts when the call returned.
        stats: BatchStats,
        /// Whether the call's deadline passed before its work was done.
        deadline_passed: bool,
    },
    /// A shutdown found spans it cannot reach, though it delivered all it
    /// could: spans other threads ended inside a span still open there,
    /// which the batch processor takes with that span (see
    /// [`BatchProcessor`](crate::export::BatchProcessor)). They reach the
    /// pipeline after it closed, and are dropped then (reported as
    /// [`SpanDropped`](crate::DiagnosticKind::SpanDropped)). End those
    /// spans before shutting down.
    ///
    /// More fields may come: match it with `..`.
    #[non_exhaustive]
    ParentsOpen {
        /// How many threads held such spans of this pipeline.
        threads: usize,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::AlreadyShutDown => f.write_str("already shut down"),
            ExportError::Timeout(timed_out) => timed_out.fmt(f),
            ExportError::Panicked => f.write_str("exporter panicked"),
            ExportError::Reentrant => {
                f.write_str("called from inside the pipeline, where waiting would deadlock")
            }
            ExportError::Failed(why) => write!(f, "export failed: {why}"),
            ExportError::Redirected {
                endpoint,
                status,
                location,
            } => {
                write!(f, "{endpoint} answered {status}, a redirection")?;
                match location {
                    Some(to) => write!(f, " to {}", to.escape_debug())?,
                    None => f.write_str(" with no Location")?,
                }
                f.write_str(", which is not followed: the spans were not delivered")
            }
            ExportError::RedirectRefused {
                endpoint,
                status,
                location,
                reason,
            } => {
                write!(f, "{endpoint} answered {status}, a redirection")?;
                match location {
                    Some(to) => write!(f, " to {}", to.escape_debug())?,
                    None => f.write_str(" with no Location")?,
                }
                write!(
                    f,
                    " that cannot be followed ({reason}): the spans were not delivered"
                )
            }
            ExportError::LookupRefused {
                endpoint,
                host,
                reason,
            } => write!(
                f,
                "{endpoint}: {host} not looked up: {reason}; the spans were not delivered"
            ),
            ExportError::Rejected { rejected, message } => {
                write!(f, "the receiver rejected {rejected} span(s)")?;
                // The receiver's text: escaped, so that one report stays
                // one line and drives no terminal.
                if !message.is_empty() {
                    write!(f, ": {}", message.escape_debug())?;
                }
                Ok(())
            }
            ExportError::PartlyDelivered { delivered, reason } => write!(
                f,
                "export failed after {delivered} span(s) were delivered: {reason}"
            ),
            ExportError::ParentsOpen { threads } => write!(
                f,
                "{threads} thread(s) hold spans ended inside a span still open there, which \
                 reach the pipeline only when it ends, after the shutdown: end it first"
            ),
            ExportError::Undelivered {
                stats: s,
                deadline_passed,
            } => {
                write!(
                    f,
                    "{} of {} span(s) not delivered: {} exported, {} dropped, {} failed, {} still in flight",
                    s.undelivered(),
                    s.produced,
                    s.exported,
                    s.dropped,
                    s.failed,
                    s.in_flight
                )?;
                if *deadline_passed {
                    f.write_str(" when the deadline passed")?;
                }
                Ok(())
            }
        }
    }
}

impl ExportError {
    /// A deadline of the pipeline itself passed (a flush, a shutdown, an
    /// export waited on): [`ExportError::Timeout`] with
    /// [`TimedOut::default`], which names no request.
    ///
    /// ```
    /// use baton::export::{ExportError, TimedOut};
    /// assert_eq!(ExportError::deadline_exceeded(), ExportError::Timeout(TimedOut::default()));
    /// assert_eq!(ExportError::deadline_exceeded().to_string(), "deadline exceeded");
    /// ```
    pub fn deadline_exceeded() -> ExportError {
        ExportError::Timeout(TimedOut::default())
    }

    /// How many spans of a batch of `batch` an export failing with this
    /// error lost: all of them, but for [`ExportError::Rejected`], which
    /// lost the ones rejected, and [`ExportError::PartlyDelivered`], which
    /// lost the ones not delivered.
    ///
    /// # Example: a partial success loses only what was rejected
    /// ```
    /// use baton::export::ExportError;
    /// let partial = ExportError::Rejected { rejected: 3, message: "over quota".into() };
    /// assert_eq!(partial.spans_lost(512), 3);
    /// assert_eq!(partial.spans_lost(2), 2);
    /// assert_eq!(ExportError::deadline_exceeded().spans_lost(512), 512);
    /// ```
    pub fn spans_lost(&self, batch: u64) -> u64 {
        match self {
            ExportError::Rejected { rejected, .. } => (*rejected).min(batch),
            ExportError::PartlyDelivered { delivered, .. } => batch.saturating_sub(*delivered),
            _ => batch,
        }
    }
}

impl std::error::Error for ExportError {}

/// Sends batches of finished spans somewhere.
///
/// Implement it to plug in a backend of your own; the processor calls it from
/// one thread at a time.
pub trait SpanExporter: Send + 'static {
    /// Exports one batch.
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError>;

    /// Told by a [`BatchProcessor`](crate::export::BatchProcessor), once,
    /// before the first export, how long it allows each export ([`BatchConfig::export_timeout`](crate::export::BatchConfig::export_timeout),
    /// `OTEL_BSP_EXPORT_TIMEOUT`; [`Duration::MAX`] for no limit). An
    /// exporter doing I/O should give up by then, so that a hung backend
    /// cannot hold the processor longer; [`OtlpExporter`](crate::export::OtlpExporter)
    /// bounds each request, retries included, by the smaller of this and its
    /// own timeout. [`BatchProcessor::new`](crate::export::BatchProcessor::new)
    /// calls it, however the pipeline is built; a
    /// [`SimpleProcessor`](crate::export::SimpleProcessor), which exports
    /// on the caller's thread with no deadline of its own, does not. Does
    /// nothing by default.
    ///
    /// # Example: a batch processor bounds an OTLP exporter's requests
    /// ```
    /// use std::time::Duration;
    /// use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
    /// let mut exporter = OtlpExporter::new(OtlpConfig::new("http://localhost:4318/v1/traces").unwrap());
    /// assert_eq!(exporter.config().get_timeout(), Duration::from_secs(10));
    /// exporter.set_export_timeout(Duration::from_secs(2));
    /// assert_eq!(exporter.config().get_timeout(), Duration::from_secs(2));
    /// exporter.set_export_timeout(Duration::MAX); // no limit: its own stays
    /// assert_eq!(exporter.config().get_timeout(), Duration::from_secs(2));
    /// ```
    fn set_export_timeout(&mut self, timeout: Duration) {
        let _ = timeout;
    }

    /// How many spans of earlier exports the exporter holds, neither
    /// delivered nor lost yet ([`ConsoleExporter`](crate::export::ConsoleExporter)
    /// holds a span until its local root ends). 0 by default: an exporter
    /// that settles each batch in its export.
    ///
    /// A processor counts held spans in flight, not exported. Each call
    /// (export, flush, shutdown) lets go of its batch and of the held spans
    /// it no longer holds after it: of those, the ones its error loses
    /// ([`ExportError::spans_lost`]) are counted failed, the rest exported.
    ///
    /// # Example: a child is held until its root ends
    /// ```
    /// use baton::export::{ConsoleExporter, SimpleProcessor, SpanExporter, SpanProcessor};
    /// let spans = baton::InMemoryExporter::default();
    /// let _p = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let root = baton::span("request").start();
    /// drop(baton::span("db").parent(&root.context()).start());
    /// let console = SimpleProcessor::new(ConsoleExporter::new(Vec::new()));
    /// console.on_end(spans.take().remove(0));
    /// assert_eq!((console.stats().exported, console.stats().in_flight), (0, 1));
    /// ```
    fn held_spans(&self) -> u64 {
        0
    }

    /// Flushes anything the exporter buffers itself.
    fn force_flush(&mut self) -> Result<(), ExportError> {
        Ok(())
    }

    /// Releases resources. Called once, as the OpenTelemetry SDK spec
    /// says; the processors of this crate call [`force_flush`](Self::force_flush)
    /// just before, a shutdown including the effects of a flush. Later
    /// exports should fail (the exporters of this crate return
    /// [`ExportError::AlreadyShutDown`], and so does a second shutdown).
    fn shutdown(&mut self) -> Result<(), ExportError> {
        Ok(())
    }
}

/// Whether an exporter was shut down: the OpenTelemetry SDK spec says
/// "subsequent calls to Export are not allowed and should return a Failure
/// result", which a span handed to it then would not be told.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ShutDown(bool);

impl ShutDown {
    /// [`ExportError::AlreadyShutDown`] once shut down.
    pub(crate) fn check(self) -> Result<(), ExportError> {
        match self.0 {
            true => Err(ExportError::AlreadyShutDown),
            false => Ok(()),
        }
    }

    /// Marks the exporter shut down; [`ExportError::AlreadyShutDown`] if it
    /// was already.
    pub(crate) fn mark(&mut self) -> Result<(), ExportError> {
        self.check()?;
        self.0 = true;
        Ok(())
    }
}
