//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) with a live pipeline whose sampler is
//! `ParentBased(AlwaysOff)` and whose ids come from a generator of the
//! application's, so that no decision is known beforehand and every span
//! calls the sampler; a root is not sampled unless a lone decision or a
//! debug parent says so. Installs the global pipeline.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use api_matrix::Install;

api_matrix::every_operation!(Install::RootsNotSampled);
