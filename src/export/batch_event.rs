//! What the batch worker is told: by producers, by callers of flush and
//! shutdown, and by the export thread.

use std::sync::mpsc::SyncSender;
use std::time::Instant;

use crate::export::export_batch::Batch;
use crate::export::exporter::ExportError;

/// Where a flush or shutdown waits for its answer.
pub(crate) type Ack = SyncSender<Result<(), ExportError>>;

pub(crate) enum Event {
    /// Spans are waiting: a batch filled, or a thread exited.
    Wake,
    /// Export every span ended before this, then flush the exporter.
    Flush(Ack),
    /// Export what is held until `deadline`, then shut the exporter down;
    /// nobody waits for the answer when `ack` is `None` (a dropped processor).
    Shutdown { deadline: Instant, ack: Option<Ack> },
    /// The export thread ran a list of jobs: what each export and
    /// shutdown returned, in order (a flush answers its callers itself).
    Returned(Vec<Returned>),
}

/// What one job of the export thread returned.
pub(crate) enum Returned {
    /// An export finished (and was counted); the buffer comes back, its
    /// chunks emptied, for the next batch.
    Exported(Batch),
    /// The exporter was shut down.
    ShutDown(Result<(), ExportError>),
}
