//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) with no pipeline installed: the API in the
//! absence of an SDK, whose spans are no-op spans carrying their parent's
//! span context (or the invalid one) and a lone B3 decision on. Never
//! installs a pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::Install;

api_matrix::every_operation!(Install::Nothing);
