//! A sampler that decides by the span's name, for tests that mix sampled,
//! dropped and record-only spans in one pipeline.

use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};

/// Decides by the span's name: "drop" and "record only" as they say,
/// anything else sampled.
pub struct ByName;

impl Sampler for ByName {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        if params.name.starts_with("drop") {
            SamplingDecision::Drop.into()
        } else if params.name.starts_with("record only") {
            SamplingDecision::RecordOnly.into()
        } else {
            SamplingDecision::RecordAndSample.into()
        }
    }

    fn description(&self) -> String {
        "ByName".into()
    }
}
