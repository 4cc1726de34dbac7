//! Getting finished spans out of the process.
//!
//! A finished span becomes a [`SpanData`](crate::SpanData) and goes to the
//! [`SpanProcessor`] of the pipeline installed with [`init`];
//! the processor hands batches to a [`SpanExporter`].
//!
//! - Processors: [`SimpleProcessor`] (export on the ending thread),
//!   [`BatchProcessor`] (bounded queue, worker thread, OpenTelemetry
//!   defaults and `OTEL_BSP_*`) and [`FanOut`] (every span to several).
//! - Exporters: [`OtlpExporter`] (OTLP/HTTP, protobuf or JSON), [`ConsoleExporter`]
//!   (trees for people), [`JsonLinesExporter`] (one span per line),
//!   [`InMemoryExporter`] (tests). Implement [`SpanExporter`] for anything else.
//! - Setup: [`Config`] in code or from the environment, [`init`].
//!
//! Code run by the pipeline (processors, exporters, their worker threads) may
//! call any baton API; spans it starts there are not recorded, so an exporter
//! that traces its own HTTP calls cannot feed itself.
//!
//! Spans lost on the way (a full queue, a failed export) are counted in
//! [`stats`] and [`dropped_spans`], and a flush or shutdown that could not
//! deliver everything says so in its error ([`ExportError::Undelivered`]).
//!
//! # Example: an exporter of your own behind the batch processor
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//! use baton::export::{ExportError, SpanExporter};
//! use baton::SpanData;
//!
//! /// Keeps the names of the spans it is given; refuses a batch with a
//! /// span named "secret".
//! #[derive(Clone, Default)]
//! struct Names(Arc<Mutex<Vec<String>>>);
//! impl SpanExporter for Names {
//!     fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
//!         if batch.iter().any(|s| s.name == "secret") {
//!             return Err(ExportError::Failed("refused".into()));
//!         }
//!         self.0.lock().unwrap().extend(batch.iter().map(|s| s.name.to_string()));
//!         Ok(())
//!     }
//! }
//!
//! let names = Names::default();
//! let pipeline = baton::init(baton::Config::new().batch_exporter(names.clone())).unwrap();
//! baton::in_span("request", || baton::in_span("db", || {}));
//! pipeline.force_flush(Duration::from_secs(5)).unwrap();
//! assert_eq!(*names.0.lock().unwrap(), ["db", "request"]);
//!
//! // A span the exporter refused is counted, and the shutdown says so.
//! baton::in_span("secret", || {});
//! let Err(ExportError::Undelivered { stats, .. }) = pipeline.shutdown(Duration::from_secs(5)) else {
//!     panic!("the refused span is not delivered");
//! };
//! assert_eq!((stats.produced, stats.exported, stats.failed), (3, 2, 1));
//! ```

mod batch;
mod batch_config;
mod batch_event;
mod batch_queue;
mod batch_stage;
mod batch_worker;
mod body_buffer;
mod config;
mod config_error;
mod console;
mod crc32;
mod deadline;
mod deflate;
mod export_batch;
mod exporter;
mod fan_out;
pub mod gzip;
mod http;
mod http_chunked;
mod http_connect;
mod http_connection;
mod http_date;
mod http_redirect;
mod huffman;
mod json;
mod jsonl;
mod lookup_refusal;
mod memory;
mod otlp;
mod otlp_encoding;
mod otlp_model;
mod otlp_protobuf;
mod otlp_response;
mod partial_write;
pub(crate) mod pipeline;
mod processor;
mod redirect_refusal;
mod resource;
mod sampler_env;
mod span_lane;
mod span_names;
mod span_slots;
mod stats;
mod tally;
mod timed_out;
mod url_credentials;

/// A deterministic xorshift generator for the tests that feed decoders
/// random and mutated input.
#[cfg(test)]
fn test_rng(mut x: u64) -> impl FnMut() -> u64 {
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// The readers of what a collector answers, which are internal, for the
/// fuzz targets in `fuzz/` and the tests that reproduce what they find: no
/// part of the API, and no stability promised.
#[doc(hidden)]
pub mod __private_api {
    pub use super::http::{find_head_end, parse_head, Head};
    pub use super::http_chunked::{BadChunk, Dechunker};
    pub use super::otlp_response::{failure_message, partial_success, BadResponse, PartialSuccess};
}

pub use crate::instrumentation_scope::SCOPE_NAME;
pub use crate::local_batch::{THREAD_CHUNK_LINGER, THREAD_CHUNK_SIZE};
pub use crate::recorder::{dropped_spans, suppressed};
pub use crate::span_data::SPAN_TYPE_ATTRIBUTE;
pub use batch::{BatchProcessor, BatchStatsHandle};
pub use batch_config::{
    BatchConfig, DEFAULT_EXPORT_TIMEOUT, DEFAULT_MAX_EXPORT_BATCH_SIZE, DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_SCHEDULE_DELAY, MAX_QUEUE_SIZE_LIMIT, MIN_EXPORT_TIMEOUT, MIN_SCHEDULE_DELAY,
};
pub use config::Config;
pub use config_error::ConfigError;
pub use console::{
    ConsoleExporter, AFTER_PARENT, MAX_PENDING_SPANS, MAX_REMEMBERED_SPANS, MAX_SHOWN_ATTRIBUTES,
    MAX_SHOWN_DEPTH, ROOT_NOT_ENDED,
};
pub use exporter::{ExportError, SpanExporter};
pub use fan_out::FanOut;
pub use http::{MAX_RESPONSE_BODY, MAX_RESPONSE_HEAD};
pub use http_connect::{MAX_PENDING_LOOKUPS, MAX_PENDING_LOOKUPS_PER_HOST, MIN_CONNECT_ATTEMPT};
pub use http_connection::MAX_CONNECTION_IDLE;
pub use http_redirect::MAX_REDIRECTS;
pub use jsonl::{JsonLinesExporter, MAX_KEPT_LINES_BUFFER};
pub use lookup_refusal::LookupRefusal;
pub use memory::InMemoryExporter;
pub use otlp::{
    OtlpConfig, OtlpExporter, DEFAULT_OTLP_ENDPOINT, DEFAULT_OTLP_TIMEOUT, INITIAL_BACKOFF,
    MAX_BACKOFF, MAX_EXPORT_ATTEMPTS, MAX_KEPT_REQUEST_BUFFER, MAX_REQUEST_BODY, MAX_RETRY_AFTER,
    OTLP_TRACES_PATH,
};
pub use otlp_encoding::{Compression, Protocol};
pub use otlp_response::MAX_ERROR_MESSAGE;
pub use pipeline::{force_flush, init, stats, InitError, PipelineGuard, SHUTDOWN_TIMEOUT};
pub use processor::{SimpleProcessor, SpanProcessor};
pub use redirect_refusal::RedirectRefusal;
pub use resource::Resource;
pub use sampler_env::sampler_from_env;
pub use span_names::MAX_LANE_NAMES;
pub use stats::BatchStats;
pub use timed_out::{TimedOut, TimeoutStep};
