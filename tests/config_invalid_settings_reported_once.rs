//! `Config::from_lookup` ignores each invalid `OTEL_*` setting, as the
//! OpenTelemetry environment spec asks ("generate a warning and gracefully
//! ignore the setting"), and reports each once through the diagnostic
//! handler as `invalid-config`, naming the variable, the value and what was
//! expected. It used to return an error for the first one and start
//! nothing. `from_lookup_strict` returns it instead and reports nothing.
//! Installs the diagnostic handler.

use std::sync::Mutex;

use baton::{Config, DiagnosticKind};

static SEEN: Mutex<Vec<(DiagnosticKind, String)>> = Mutex::new(Vec::new());

#[test]
fn each_ignored_setting_is_reported_once_and_strict_reports_none() {
    baton::set_diagnostic_handler(Box::new(|d| {
        SEEN.lock().unwrap().push((d.kind, d.message.to_string()));
    }))
    .unwrap();
    let env = |key: &str| {
        match key {
            "OTEL_TRACES_SAMPLER" => Some("sometimes"),
            "OTEL_BSP_EXPORT_TIMEOUT" => Some("-1"),
            "OTEL_PROPAGATORS" => Some("b3,xray"),
            "OTEL_EXPORTER_OTLP_PROTOCOL" => Some("http/json"),
            _ => None,
        }
        .map(str::to_owned)
    };

    let strict = Config::from_lookup_strict(env).unwrap_err();
    assert_eq!(strict.variable(), "OTEL_TRACES_SAMPLER");
    assert!(SEEN.lock().unwrap().is_empty());

    let config = Config::from_lookup(env).unwrap();
    assert_eq!(config.ignored().len(), 3);
    let seen = std::mem::take(&mut *SEEN.lock().unwrap());
    assert_eq!(
        seen,
        [
            (
                DiagnosticKind::InvalidConfig,
                "invalid OTEL_TRACES_SAMPLER=\"sometimes\": expected always_on, always_off, \
                 traceidratio, parentbased_always_on, parentbased_always_off or \
                 parentbased_traceidratio; ignored"
                    .to_owned()
            ),
            (
                DiagnosticKind::InvalidConfig,
                "invalid OTEL_BSP_EXPORT_TIMEOUT=\"-1\": expected milliseconds, or 0 for no \
                 limit; ignored"
                    .to_owned()
            ),
            (
                DiagnosticKind::InvalidConfig,
                "invalid OTEL_PROPAGATORS=\"xray\": expected a known propagator (see \
                 baton::propagation::Composite::from_lookup); ignored"
                    .to_owned()
            ),
        ]
    );
    assert_eq!(baton::diagnostic_count(DiagnosticKind::InvalidConfig), 3);
    assert_eq!(DiagnosticKind::InvalidConfig.as_str(), "invalid-config");
    // The valid settings are kept: JSON, the default sampler's description.
    let shown = format!("{config:?}");
    assert!(shown.contains("protocol: HttpJson"), "{shown}");
    assert!(shown.contains("export_timeout: 30s"), "{shown}");
    assert!(
        shown.contains("sampler: \"ParentBased{root:AlwaysOnSampler"),
        "{shown}"
    );
}
