//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) with no pipeline installed: the API in the
//! absence of an SDK, whose spans are no-op spans carrying their parent's
//! span context (or the invalid one) and a lone B3 decision on. Never
//! installs a pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::{Install, GUARD_OUT_OF_REACH_FORGETS_ITS_SPAN};

api_matrix::every_operation!(Install::Nothing, known bugs {
    a_guard_out_of_reach_keeps_its_span: GUARD_OUT_OF_REACH_FORGETS_ITS_SPAN
        => "bug: a guard out of reach forgets its span but for its span context",
});
