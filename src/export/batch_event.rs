//! What the batch worker is told: by producers, by callers of shutdown,
//! and by the export thread.

use std::sync::mpsc::SyncSender;
use std::time::Instant;

use crate::export::exporter::ExportError;

/// Where a flush or shutdown waits for its answer.
pub(crate) type Ack = SyncSender<Result<(), ExportError>>;

pub(crate) enum Event {
    /// Spans are waiting: a batch filled, or a thread exited.
    Wake,
    /// Export what is held until `deadline`, then shut the exporter down;
    /// nobody waits for the answer when `ack` is `None` (a dropped processor).
    Shutdown { deadline: Instant, ack: Option<Ack> },
    /// The export thread has nothing left to do, and an export it finished
    /// found work for the worker: the worker waited for an export slot, or
    /// a full batch was queued (which the export thread may have taken
    /// since). Without such work it sends nothing, so a flush that drains
    /// the queue wakes no one but its caller.
    Exported,
    /// The exporter was shut down: the export thread's last job.
    ShutDown(Result<(), ExportError>),
}
