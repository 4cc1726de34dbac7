//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) after the pipeline was shut down
//! (`PipelineGuard::shutdown`): spans still get ids and a sampling
//! decision, the recorder staying until another replaces it, and those that
//! end are counted as dropped, not exported (`baton::init`). Installs the
//! global pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::Install;

api_matrix::every_operation!(Install::ShutDown);
