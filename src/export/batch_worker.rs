//! The batch worker, which decides what to export and when, and the export
//! thread that owns the exporter, so that the worker never waits for it.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use crate::diagnostic::{report, DiagnosticKind};
use crate::export::batch_event::{Ack, Event};
use crate::export::batch_queue::Shared;
use crate::export::export_batch::Batch;
use crate::export::exporter::{ExportError, SpanExporter};
use crate::export::span_slots::SpanSlots;
use crate::recorder;

/// Starts the worker and the export thread; where flushes go (see
/// [`Job::Flush`]).
pub(crate) fn start(
    exporter: Box<dyn SpanExporter>,
    shared: &Arc<Shared>,
    events: Receiver<Event>,
) -> std::io::Result<Sender<Vec<Job>>> {
    let jobs = start_exports(exporter, shared)?;
    let mut worker = Worker {
        shared: Arc::clone(shared),
        events,
        jobs: jobs.clone(),
        taken: 0,
        drain_until: 0,
        shutdown: None,
        shutdown_sent: false,
        next_tick: None,
        reported_late: None,
    };
    thread::Builder::new()
        .name("baton-batch".into())
        .spawn(move || recorder::while_suppressed(|| worker.run()))?;
    Ok(jobs)
}

/// The worker hands the export thread its jobs in lists, one message each,
/// and hears back only when that thread has nothing left to do and the
/// worker has work waiting for an export to finish, or when the exporter
/// has shut down: a flush of 1000 spans took about 13
/// thread switches when each job was a round trip of its own, about 7 with
/// one message back per list, 3 this way with the flush among the jobs,
/// and 2 with the flush sent by its caller (perf stat, `.ci/instructions`'
/// `root-flushed`).
pub(crate) enum Job {
    /// Export the batch handed ahead first ([`Shared::hand_batch`]), if a
    /// flush, or the export thread taking full batches between jobs, has
    /// not.
    Export,
    /// Export every span the processor holds (what the threads gathered,
    /// the queue and the batches handed ahead), flush the exporter and
    /// answer the caller. Sent by the caller, not through the worker, so a
    /// flush wakes two threads in turn, not three. On a 2-core VM, 20,000
    /// flushes switched threads 40,000 times rather than 60,000 to 87,000,
    /// and took 5.56 to 5.67 s of process CPU rather than 5.97 to 5.99
    /// with 1000 plain spans each, 0.83 to 1.05 s rather than 1.14 to 1.23
    /// with none. Woken by a third thread, the caller also moved to the
    /// other core about once a flush (perf stat: 10,545 migrations in 3 s
    /// of the peer benchmark's handoff, which flushes after every 1000
    /// calls), and none now.
    Flush(Ack),
    Shutdown,
}

/// Exports handed to the export thread and not yet finished, at most. Each
/// holds one batch, so what is held stays bounded by the queue and
/// `JOBS_AHEAD` batches.
const JOBS_AHEAD: usize = 2;

struct Worker {
    shared: Arc<Shared>,
    events: Receiver<Event>,
    jobs: Sender<Vec<Job>>,
    /// Spans taken from the queue so far.
    taken: u64,
    /// Export without waiting for a full batch until `taken` reaches this.
    drain_until: u64,
    shutdown: Option<(Instant, Option<Ack>)>,
    shutdown_sent: bool,
    next_tick: Option<Instant>,
    /// The start of the last stretch without progress reported late (see
    /// [`Worker::late`]): each stretch is reported once.
    reported_late: Option<Instant>,
}

impl Worker {
    fn run(&mut self) {
        let delay = self.shared.config.scheduled_delay;
        self.next_tick = Instant::now().checked_add(delay);
        loop {
            let wake_at = [
                self.next_tick,
                self.late().map(|(at, _)| at),
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
            if let Some((_, since)) = self.late().filter(|(at, _)| now >= *at) {
                self.reported_late = Some(since);
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
            Event::Shutdown { deadline, ack } => {
                if self.shutdown.is_none() {
                    self.shared.closed.store(true, Ordering::SeqCst);
                    self.collect(true);
                    self.shutdown = Some((deadline, ack));
                }
            }
            // The loop hands over what the finished export made room for.
            Event::Exported => {}
            Event::ShutDown(result) => {
                self.shared.release_buffers();
                if let Some((_, Some(ack))) = self.shutdown.take() {
                    let _ = ack.try_send(result);
                }
                return true;
            }
        }
        false
    }

    /// When the exports the export thread holds are late, and since when
    /// it has made no progress with them: each may take the export
    /// timeout, counted from its last progress. `None` if it holds none,
    /// or their lateness was reported.
    fn late(&self) -> Option<(Instant, Instant)> {
        let (held, since) = self.shared.exporting();
        if held == 0 || self.reported_late == Some(since) {
            return None;
        }
        let timeout = self.shared.config.export_timeout;
        let budget = timeout.saturating_mul(u32::try_from(held).unwrap_or(u32::MAX));
        Some((since.checked_add(budget)?, since))
    }

    /// Moves every thread's gathered spans into the queue (closing, for a
    /// shutdown) and exports everything queued without waiting for full
    /// batches.
    fn collect(&mut self, close: bool) {
        self.shared.collect(close);
        self.drain_until = self.taken + self.shared.queued() as u64;
    }

    /// Hands the export thread every job that is due, in one list.
    fn step(&mut self) {
        let list: Vec<Job> = std::iter::from_fn(|| self.next_job()).collect();
        if list.is_empty() {
            return;
        }
        // The export thread is gone (it ends after a shutdown job only):
        // the batches it cannot take are lost, and counted.
        if self.jobs.send(list).is_err() {
            self.shared.fail_ahead();
        }
    }

    /// The next job that is due, if any.
    fn next_job(&mut self) -> Option<Job> {
        let batch = self.shared.config.max_export_batch_size;
        let queued = self.shared.queued();
        if queued > 0
            && (queued >= batch || self.taken < self.drain_until || self.shutdown.is_some())
        {
            if let Some(taken) = self.shared.hand_batch(batch, JOBS_AHEAD) {
                self.taken += taken as u64;
                return Some(Job::Export);
            }
        }
        if self.shutdown.is_some() && queued == 0 && !self.shutdown_sent {
            self.shutdown_sent = true;
            return Some(Job::Shutdown);
        }
        None
    }

    /// The shutdown deadline passed (or its caller stopped waiting): drop
    /// what is held, ask the exporter to shut down once its export returns,
    /// and stop.
    fn abandon(&mut self) {
        self.shared.abandon();
        if !self.shutdown_sent {
            let _ = self.jobs.send(vec![Job::Shutdown]);
        }
        if let Some((_, Some(ack))) = self.shutdown.take() {
            let _ = ack.try_send(Err(ExportError::deadline_exceeded()));
        }
    }
}

/// Starts the thread that owns the exporter and runs one job at a time; it
/// counts each export itself, so spans of an export that outlives a
/// shutdown are counted when it returns.
fn start_exports(
    mut exporter: Box<dyn SpanExporter>,
    shared: &Arc<Shared>,
) -> std::io::Result<Sender<Vec<Job>>> {
    let (jobs, job_queue) = mpsc::channel::<Vec<Job>>();
    let shared = Arc::clone(shared);
    thread::Builder::new()
        .name("baton-export".into())
        .spawn(move || {
            recorder::while_suppressed(|| {
                let events = shared.events.clone();
                let mut slots = SpanSlots::default();
                let mut last = false;
                // Whether the worker has work waiting for an export to
                // finish (see [`Event::Exported`]), told once this thread
                // has nothing left to do.
                let mut wake = false;
                while !last {
                    let list = match job_queue.try_recv() {
                        Ok(list) => list,
                        Err(TryRecvError::Disconnected) => break,
                        Err(TryRecvError::Empty) => {
                            // No job waits: a full batch queued goes out
                            // now, not after a round trip through the
                            // worker.
                            let full = shared.config.max_export_batch_size;
                            if let Some(batch) = shared.start_held(full, full) {
                                wake |= export(&mut *exporter, &shared, batch, &mut slots);
                                continue;
                            }
                            if std::mem::take(&mut wake) {
                                let _ = events.send(Event::Exported);
                            }
                            let Ok(list) = job_queue.recv() else { break };
                            list
                        }
                    };
                    for job in list {
                        match job {
                            Job::Export => {
                                // `None`: a flush or this thread, between
                                // jobs, exported the batch, or a shutdown
                                // abandoned it and counted it dropped.
                                if let Some(batch) = shared.start_ahead() {
                                    wake |= export(&mut *exporter, &shared, batch, &mut slots);
                                }
                            }
                            Job::Flush(ack) => {
                                wake |= export_held(&mut *exporter, &shared, &mut slots);
                                let (result, _) =
                                    shared.tally.settle(&mut *exporter, 0, |x| x.force_flush());
                                let _ = ack.try_send(result);
                            }
                            Job::Shutdown => {
                                last = true;
                                let (result, _) = shared.tally.settle_shutdown(&mut *exporter);
                                // Sent even if the worker has stopped: a
                                // shutdown job queued behind an abandoned
                                // export still runs.
                                let _ = events.send(Event::ShutDown(result));
                            }
                        }
                    }
                }
                // The exporter is dropped here, on this thread: its Drop
                // may block or call back into baton without harm.
                drop(exporter);
            });
        })?;
    Ok(jobs)
}

/// Exports, for a flush, every span held when it starts: what the threads
/// gathered, then, oldest first, the batches handed ahead and the queue.
/// Spans that arrive meanwhile are not waited for, so that a flood cannot
/// keep the flush from answering. Whether the worker has work for the
/// export slots this frees (see [`Event::Exported`]).
fn export_held(exporter: &mut dyn SpanExporter, shared: &Shared, slots: &mut SpanSlots) -> bool {
    shared.collect(false);
    let mut left = shared.unexported();
    let mut wake = false;
    while left > 0 {
        let Some(batch) = shared.start_held(left.min(shared.config.max_export_batch_size), 1)
        else {
            break;
        };
        left = left.saturating_sub(batch.len());
        wake |= export(exporter, shared, batch, slots);
    }
    wake
}

/// Exports `batch` and counts it, then gives its buffers back to the
/// queue ([`Shared::exported`]); `slots` hold the spans converted, here,
/// off the threads that ended them. Whether the worker has work for the
/// export slot this frees (see [`Event::Exported`]).
fn export(
    exporter: &mut dyn SpanExporter,
    shared: &Shared,
    mut batch: Batch,
    slots: &mut SpanSlots,
) -> bool {
    batch.drain_into(slots);
    let spans = slots.spans();
    if !spans.is_empty() {
        // Counted and, if it lost spans, reported by the rule both
        // processors share; a failure that lost nothing has no caller to
        // go to.
        let count = spans.len() as u64;
        let _ = shared.tally.settle(exporter, count, |x| x.export(spans));
        slots.release();
    }
    shared.exported(batch)
}
