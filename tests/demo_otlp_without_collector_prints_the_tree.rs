//! `baton demo --export otlp` with no collector listening still prints the
//! tree it recorded, as a run with `--export console` does, and then
//! reports the failed export on stderr with the endpoint, exiting non-zero.
//! Found: the client returned at the failed export before printing, so the
//! user saw nothing of what was recorded, and its message named no endpoint.

use std::net::TcpListener;
use std::process::{Command, Output};

fn demo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .arg("demo")
        .args(args)
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_PROPAGATORS")
        .output()
        .expect("the baton binary runs")
}

/// The tree without what differs between runs (ids, durations, ports,
/// pids): each line's indentation, span name and service.
fn shape(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| match l.strip_prefix("trace ") {
            Some(header) => header
                .split_once(':')
                .map_or(l, |(_, rest)| rest)
                .to_owned(),
            None => {
                let (name, rest) = l.split_once(" (").unwrap_or((l, ""));
                let service = rest.split(' ').find(|w| w.starts_with('@'));
                format!("{name} {}", service.unwrap_or(""))
            }
        })
        .collect()
}

#[test]
fn the_tree_is_printed_and_the_failed_export_names_the_endpoint() {
    // A port nobody listens on: bound, then let go. On 127.0.0.2 where the
    // system routes all of 127/8 to loopback (Linux), so that none of the
    // demo's own services, which listen on 127.0.0.1, can be given the same
    // address (it was, once, and answered the export).
    let unused = TcpListener::bind("127.0.0.2:0")
        .or_else(|_| TcpListener::bind("127.0.0.1:0"))
        .unwrap()
        .local_addr()
        .unwrap();
    let endpoint = format!("http://{unused}");
    let failed = demo(&["--export", "otlp", "--endpoint", &endpoint]);
    let stdout = String::from_utf8_lossy(&failed.stdout);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{stdout}\n{stderr}");

    let console = demo(&["--export", "console"]);
    let expected = String::from_utf8_lossy(&console.stdout);
    assert!(console.status.success(), "{expected}");
    assert!(expected.contains(": 15 spans in 4 services,"), "{expected}");
    assert_eq!(
        shape(&stdout),
        shape(&expected),
        "{stdout}\nstderr:\n{stderr}"
    );

    let url = format!("{endpoint}/v1/traces");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("baton demo: export to {url} failed: ")),
        "{stderr}"
    );
}
