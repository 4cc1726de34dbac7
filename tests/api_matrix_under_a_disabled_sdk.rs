//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) under a disabled SDK
//! (`OTEL_SDK_DISABLED=true`, with an exporter that must get nothing): a
//! no-op tracer, whose spans carry their parent's span context (or the
//! invalid one) and a lone B3 decision on, as without a pipeline. Installs
//! the global pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::{Install, GUARD_OUT_OF_REACH_FORGETS_ITS_SPAN};

api_matrix::every_operation!(Install::Disabled, known bugs {
    a_guard_out_of_reach_keeps_its_span: GUARD_OUT_OF_REACH_FORGETS_ITS_SPAN
        => "bug: a guard out of reach forgets its span but for its span context",
});
