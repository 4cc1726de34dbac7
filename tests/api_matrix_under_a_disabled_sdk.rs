//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) under a disabled SDK
//! (`OTEL_SDK_DISABLED=true`, with an exporter that must get nothing): a
//! no-op tracer, whose spans carry their parent's span context (or the
//! invalid one) and a lone B3 decision on, as without a pipeline. Installs
//! the global pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::Install;

api_matrix::every_operation!(Install::Disabled);
