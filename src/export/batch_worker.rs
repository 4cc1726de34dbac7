//! The batch worker, which decides what to export and when, and the export
//! thread that owns the exporter, so that the worker never waits for it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use crate::diagnostic::{report, DiagnosticKind};
use crate::ended_span::EndedSpan;
use crate::export::batch_event::{Ack, Event};
use crate::export::batch_queue::Shared;
use crate::export::export_batch::Batch;
use crate::export::exporter::{ExportError, SpanExporter};
use crate::recorder;
use crate::span_data::SpanData;

/// Starts the worker and the export thread.
pub(crate) fn start(
    exporter: Box<dyn SpanExporter>,
    shared: &Arc<Shared>,
    events: Receiver<Event>,
) -> std::io::Result<()> {
    let jobs = start_exports(exporter, shared)?;
    let mut worker = Worker {
        shared: Arc::clone(shared),
        events,
        jobs,
        busy: false,
        buffer: Batch::default(),
        taken: 0,
        drain_until: 0,
        flushes: Vec::new(),
        flushing: Vec::new(),
        shutdown: None,
        shutdown_sent: false,
        next_tick: None,
        late_at: None,
    };
    thread::Builder::new()
        .name("baton-batch".into())
        .spawn(move || recorder::while_suppressed(|| worker.run()))?;
    Ok(())
}

enum Job {
    Export(Batch),
    Flush,
    Shutdown,
}

struct Worker {
    shared: Arc<Shared>,
    events: Receiver<Event>,
    jobs: Sender<Job>,
    /// The export thread is running a job.
    busy: bool,
    /// The batch buffer, while the export thread does not hold it.
    buffer: Batch,
    /// Spans taken from the queue so far.
    taken: u64,
    /// Export without waiting for a full batch until `taken` reaches this.
    drain_until: u64,
    /// Flushes waiting until `taken` reaches their mark.
    flushes: Vec<(u64, Ack)>,
    /// Flushes waiting for the exporter's own flush.
    flushing: Vec<Ack>,
    shutdown: Option<(Instant, Option<Ack>)>,
    shutdown_sent: bool,
    next_tick: Option<Instant>,
    /// When the running export becomes late (reported once).
    late_at: Option<Instant>,
}

impl Worker {
    fn run(&mut self) {
        let delay = self.shared.config.scheduled_delay;
        self.next_tick = Instant::now().checked_add(delay);
        loop {
            let wake_at = [
                self.next_tick,
                self.late_at,
                self.shutdown.as_ref().map(|s| s.0),
            ]
            .into_iter()
            .flatten()
            .min();
            let first = match wake_at {
                Some(at) => match self
                    .events
                    .recv_timeout(at.saturating_duration_since(Instant::now()))
                {
                    Ok(event) => Some(event),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                },
                None => match self.events.recv() {
                    Ok(event) => Some(event),
                    Err(_) => return,
                },
            };
            let mut next = first;
            while let Some(event) = next.take().or_else(|| self.events.try_recv().ok()) {
                if self.handle(event) {
                    return;
                }
            }
            let now = Instant::now();
            if self.shared.abandoned.load(Ordering::SeqCst)
                || self.shutdown.as_ref().is_some_and(|s| now >= s.0)
            {
                self.abandon();
                return;
            }
            if self.next_tick.is_some_and(|t| now >= t) {
                self.collect(false);
                self.next_tick = now.checked_add(delay);
            }
            if self.late_at.is_some_and(|t| now >= t) {
                self.late_at = None;
                report(
                    DiagnosticKind::ExportFailed,
                    &format_args!(
                        "an export is running past its timeout of {:?}; its spans count as in flight until it returns",
                        self.shared.config.export_timeout
                    ),
                    None,
                );
            }
            self.step();
        }
    }

    /// Handles one event; `true` when the worker is done.
    fn handle(&mut self, event: Event) -> bool {
        match event {
            Event::Wake => {
                self.shared.woken();
                self.drain_until = self.taken + self.shared.queued() as u64;
            }
            Event::Flush(ack) => {
                self.collect(false);
                self.flushes.push((self.drain_until, ack));
            }
            Event::Shutdown { deadline, ack } => {
                if self.shutdown.is_none() {
                    self.shared.closed.store(true, Ordering::SeqCst);
                    self.collect(true);
                    self.shutdown = Some((deadline, ack));
                }
            }
            Event::Exported(mut buffer) => {
                self.busy = false;
                self.late_at = None;
                self.shared.recycle(&mut buffer);
                self.buffer = buffer;
            }
            Event::Flushed(result) => {
                self.busy = false;
                for ack in self.flushing.drain(..) {
                    let _ = ack.try_send(result.clone());
                }
            }
            Event::ShutDown(result) => {
                if let Some((_, Some(ack))) = self.shutdown.take() {
                    let _ = ack.try_send(result);
                }
                return true;
            }
        }
        false
    }

    /// Moves every thread's gathered spans into the queue (closing, for a
    /// shutdown) and exports everything queued without waiting for full
    /// batches.
    fn collect(&mut self, close: bool) {
        self.shared.collect(close);
        self.drain_until = self.taken + self.shared.queued() as u64;
    }

    /// Starts the next job when the export thread is free.
    fn step(&mut self) {
        if self.busy {
            return;
        }
        let batch = self.shared.config.max_export_batch_size;
        let queued = self.shared.queued();
        if queued > 0
            && (queued >= batch || self.taken < self.drain_until || self.shutdown.is_some())
        {
            let mut buffer = std::mem::take(&mut self.buffer);
            self.taken += self.shared.take_batch(&mut buffer, batch) as u64;
            self.late_at = Instant::now().checked_add(self.shared.config.export_timeout);
            self.send(Job::Export(buffer));
            return;
        }
        // The export thread is free, so every span taken so far is exported.
        let taken = self.taken;
        let (done, waiting) = std::mem::take(&mut self.flushes)
            .into_iter()
            .partition(|(mark, _)| *mark <= taken);
        self.flushes = waiting;
        self.flushing.extend(done.into_iter().map(|(_, ack)| ack));
        if !self.flushing.is_empty() {
            self.send(Job::Flush);
        } else if self.shutdown.is_some() && queued == 0 && !self.shutdown_sent {
            self.shutdown_sent = true;
            self.send(Job::Shutdown);
        }
    }

    fn send(&mut self, job: Job) {
        self.busy = match self.jobs.send(job) {
            Ok(()) => true,
            // The export thread is gone (it ends after a shutdown job only):
            // the batch it cannot take is lost, and counted.
            Err(mpsc::SendError(job)) => {
                if let Job::Export(batch) = job {
                    self.shared.tally.failed(batch.len() as u64);
                }
                false
            }
        };
    }

    /// The shutdown deadline passed (or its caller stopped waiting): drop
    /// what is held, ask the exporter to shut down once its export returns,
    /// and stop.
    fn abandon(&mut self) {
        self.shared.abandon();
        if !self.shutdown_sent {
            let _ = self.jobs.send(Job::Shutdown);
        }
        if let Some((_, Some(ack))) = self.shutdown.take() {
            let _ = ack.try_send(Err(ExportError::Timeout));
        }
    }
}

/// Starts the thread that owns the exporter and runs one job at a time; it
/// counts each export itself, so spans of an export that outlives a
/// shutdown are counted when it returns.
fn start_exports(
    mut exporter: Box<dyn SpanExporter>,
    shared: &Arc<Shared>,
) -> std::io::Result<Sender<Job>> {
    let (jobs, job_queue) = mpsc::channel::<Job>();
    let shared = Arc::clone(shared);
    thread::Builder::new()
        .name("baton-export".into())
        .spawn(move || {
            recorder::while_suppressed(|| {
                let events = shared.events.clone();
                let mut data: Vec<SpanData> = Vec::new();
                while let Ok(job) = job_queue.recv() {
                    let (event, last) = match job {
                        Job::Export(mut batch) => {
                            // Converted here, off the threads that ended
                            // the spans; the buffer is reused.
                            for chunk in &mut batch.chunks {
                                data.extend(chunk.drain(..).map(EndedSpan::into_data));
                            }
                            let result = guarded(|| exporter.export(&data));
                            let count = data.len() as u64;
                            data.clear();
                            match result {
                                Ok(()) => shared.tally.exported(count),
                                Err(e) => {
                                    let lost = e.spans_lost(count);
                                    shared.tally.failed(lost);
                                    shared.tally.exported(count - lost);
                                    report(
                                        DiagnosticKind::ExportFailed,
                                        &format_args!("{lost} of {count} span(s) lost: {e}"),
                                        None,
                                    );
                                }
                            }
                            (Event::Exported(batch), false)
                        }
                        Job::Flush => (Event::Flushed(guarded(|| exporter.force_flush())), false),
                        Job::Shutdown => (Event::ShutDown(guarded(|| exporter.shutdown())), true),
                    };
                    // Sent even if the worker has stopped: a shutdown job
                    // queued behind an abandoned export still runs.
                    let _ = events.send(event);
                    if last {
                        break;
                    }
                }
                // The exporter is dropped here, on this thread: its Drop
                // may block or call back into baton without harm.
                drop(exporter);
            });
        })?;
    Ok(jobs)
}

/// Runs an exporter call; a panic becomes [`ExportError::Panicked`].
fn guarded(f: impl FnOnce() -> Result<(), ExportError>) -> Result<(), ExportError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(ExportError::Panicked))
}
