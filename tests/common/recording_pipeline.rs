//! The global pipeline, installed once for the whole test binary and kept
//! to its end. With none, baton's spans are the API's in the absence of an
//! SDK: no-ops that carry their parent's context, or the invalid one for a
//! root. Tests of the ids, flags and headers of spans of their own install
//! this first.

use std::sync::OnceLock;

/// Installs the pipeline unless it is installed: one without a
/// processor, whose spans are recorded and exported nowhere.
pub fn install() {
    static PIPELINE: OnceLock<baton::PipelineGuard> = OnceLock::new();
    PIPELINE.get_or_init(|| baton::init(baton::Config::new()).unwrap());
}
