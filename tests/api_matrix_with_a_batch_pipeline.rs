//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) with a live pipeline exporting through the
//! batch processor (`Config::new().batch_exporter(..)`), which takes the
//! spans a thread ends inside an open span in batches. Installs the global
//! pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::Install;

api_matrix::every_operation!(Install::BatchExporter);
