//! `baton demo` as an operator runs it (issue 11, item 6): `--help` exits 0,
//! a closed stdout (`baton demo | head -1`) is no panic, stderr holds only
//! what was asked for, and `--endpoint` or `OTEL_EXPORTER_OTLP_ENDPOINT` is a
//! base URL that `/v1/traces` is appended to.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

fn baton() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command
        .arg("demo")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_RESOURCE_ATTRIBUTES");
    command
}

#[test]
fn help_prints_usage_and_exits_zero() {
    for flag in ["--help", "-h"] {
        let out = baton().arg(flag).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{flag}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with("usage: baton demo"), "{stdout}");
        assert!(stdout.contains("--endpoint URL"));
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    // Bug: `baton demo | head -1` panicked in `println!` on the closed pipe.
    let mut child = baton()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(status.code(), Some(101), "{stderr}");
}

#[test]
fn stderr_is_empty_unless_an_exporter_writes_there() {
    // Bug: the console exporter's partial trees on stderr repeated the
    // final tree on stdout.
    let out = baton().output().unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("trace ").count(), 1, "{stdout}");
}

/// A loopback collector: answers 200 to every request and reports each
/// request's path and body.
fn collector() -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            // Reported before answering, so the demo cannot exit first.
            let _ = tx.send((path, String::from_utf8_lossy(&body).into_owned()));
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (url, rx)
}

/// Fails the test with the demo's stderr unless it exited 0.
fn assert_succeeded(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn received_spans(rx: &mpsc::Receiver<(String, String)>) -> Vec<(String, String)> {
    rx.try_iter().collect()
}

#[test]
fn endpoint_flag_is_a_base_url() {
    // Bugs: `--endpoint http://host:port` posted to `/`, which a real
    // collector answers with 404; the child process's spans never reached
    // the collector; A and B never appeared as two services.
    let (url, rx) = collector();
    let out = baton()
        .args(["--endpoint", &url])
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
        .output()
        .unwrap();
    assert_succeeded(&out);
    let requests = received_spans(&rx);
    let mut services = Vec::new();
    for (path, body) in &requests {
        assert_eq!(path, "/v1/traces");
        for service in [
            "baton-demo-client",
            "baton-demo-a",
            "baton-demo-b",
            "baton-demo-renderer",
        ] {
            if body.contains(&format!(r#""stringValue":"{service}""#)) {
                services.push(service);
            }
        }
    }
    services.sort_unstable();
    services.dedup();
    assert_eq!(
        services,
        [
            "baton-demo-a",
            "baton-demo-b",
            "baton-demo-client",
            "baton-demo-renderer"
        ],
        "{requests:?}"
    );
    // Every span the tree shows reached the collector, from each process.
    let spans: usize = requests
        .iter()
        .map(|(_, b)| b.matches(r#""spanId""#).count())
        .sum();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(": {spans} spans in 4 services,")),
        "{spans} spans received; {stdout}"
    );
}

#[test]
fn otel_endpoint_and_service_name_are_honoured() {
    // Bug: the demo ignored OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME.
    let (url, rx) = collector();
    let out = baton()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("{url}/base/"))
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
        .env("OTEL_SERVICE_NAME", "shop")
        .output()
        .unwrap();
    assert_succeeded(&out);
    let requests = received_spans(&rx);
    assert!(!requests.is_empty());
    for (path, _) in &requests {
        assert_eq!(path, "/base/v1/traces");
    }
    // The client is the service the variable names; the services it starts
    // keep their own names.
    let shop = requests
        .iter()
        .filter(|(_, body)| body.contains(r#""stringValue":"shop""#))
        .count();
    assert!(shop >= 1, "{requests:?}");
    assert!(requests
        .iter()
        .any(|(_, body)| body.contains(r#""stringValue":"baton-demo-b""#)));
}

#[test]
fn a_bad_endpoint_is_a_usage_error_naming_the_flag() {
    let out = baton()
        .args(["--endpoint", "ftp://nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--endpoint \"ftp://nowhere\""));
}

#[test]
fn service_name_in_resource_attributes_is_read_as_the_resource_reads_it() {
    // Bug: a substring test decided whether the list named the service, so
    // `my.service.name=x` took the client's name away and an encoded key
    // (`service%2Ename`) was overwritten.
    for (attributes, client) in [
        ("my.service.name=x", "baton-demo-client"),
        ("service%2Ename=shop", "shop"),
    ] {
        let (url, rx) = collector();
        let out = baton()
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", &url)
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
            .env("OTEL_RESOURCE_ATTRIBUTES", attributes)
            .output()
            .unwrap();
        assert_succeeded(&out);
        let requests = received_spans(&rx);
        let quoted = format!(r#""key":"service.name","value":{{"stringValue":"{client}"}}"#);
        assert!(
            requests.iter().any(|(_, body)| body.contains(&quoted)),
            "{attributes}: {requests:?}"
        );
    }
}
