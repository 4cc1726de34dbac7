//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) with a live pipeline whose processor
//! observes starts, which sends every span the general way
//! (`SpanBuilder::start_general`) and checks what `on_start` is handed.
//! Installs the global pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::Install;

api_matrix::every_operation!(Install::ObservingStarts);
