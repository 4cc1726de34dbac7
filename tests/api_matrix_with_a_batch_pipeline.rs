//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) with a live pipeline exporting through the
//! batch processor (`Config::new().batch_exporter(..)`), which takes the
//! spans a thread ends inside an open span in batches. Installs the global
//! pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::{Install, GUARD_OUT_OF_REACH_FORGETS_ITS_SPAN};

api_matrix::every_operation!(Install::BatchExporter, known bugs {
    a_guard_out_of_reach_keeps_its_span: GUARD_OUT_OF_REACH_FORGETS_ITS_SPAN
        => "bug: a guard out of reach forgets its span but for its span context",
});
