//! The W3C Trace Context test suite, Level 2, strict, against a service
//! built on baton: `../shared/w3c-trace-context/test/test.py` (the vendored
//! `test/` folder of w3c/trace-context) runs its 41 tests against a
//! `std::net` HTTP service on 127.0.0.1 that, for each callback the harness
//! asks for, extracts the incoming context with `propagated_context`, starts
//! a child span and injects it with `inject_context`. The service installs
//! a pipeline (without a processor): without one, its spans would be the
//! API's in the absence of an SDK, which pass the incoming context on
//! unchanged and start no trace where the incoming one is invalid, which a
//! vendor taking part in the trace must.
//!
//! `BATON_W3C_SUITE` names the suite's `test/` directory and
//! `BATON_W3C_PYTHON` a Python with `aiohttp` (`.ci/run` makes a virtual
//! environment and sets both). Without them, as in a fresh clone, the test
//! says it was skipped. It installs the global propagator's default and a
//! diagnostic handler, so it has its own file.

#[path = "common/json.rs"]
mod json;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use json::Json;

/// The number of tests the vendored suite holds at SPEC_LEVEL=2.
const SUITE_TESTS: usize = 41;

#[test]
fn w3c_trace_context_suite_level_2_strict_passes() {
    let (Ok(suite), Ok(python)) = (
        std::env::var("BATON_W3C_SUITE"),
        std::env::var("BATON_W3C_PYTHON"),
    ) else {
        println!("skipped: BATON_W3C_SUITE and BATON_W3C_PYTHON are not set (see .ci/run)");
        return;
    };
    // Problems in the harness's deliberately invalid headers are expected;
    // counting them keeps stderr quiet.
    baton::set_diagnostic_handler(Box::new(|_| {})).unwrap();
    let _pipeline = baton::init(baton::Config::new()).unwrap();

    let service = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/test", service.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in service.incoming().flatten() {
            std::thread::spawn(move || handle(stream));
        }
    });
    let harness_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let out = Command::new(python)
        .arg("test.py")
        .arg(&endpoint)
        .current_dir(&suite)
        .env("SPEC_LEVEL", "2")
        .env("STRICT_LEVEL", "2")
        .env("HARNESS_HOST", "127.0.0.1")
        .env("HARNESS_PORT", harness_port.to_string())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run the W3C suite");
    let report = String::from_utf8_lossy(&out.stderr);
    let failures: Vec<&str> = report
        .lines()
        .filter(|l| l.ends_with("FAIL") || l.ends_with("ERROR"))
        .collect();
    assert!(
        out.status.success(),
        "{} failed: {failures:#?}\n{report}",
        failures.len()
    );
    assert!(
        report.contains(&format!("Ran {SUITE_TESTS} tests")),
        "expected {SUITE_TESTS} tests:\n{report}"
    );
    println!("W3C suite: {SUITE_TESTS} of {SUITE_TESTS} passed");
}

/// One request of the harness: `POST /test` with a JSON array of
/// `{"url", "arguments"}`; each gets a POST of its arguments carrying the
/// context of a new child span, before the 200.
fn handle(mut stream: TcpStream) {
    let Some((headers, body)) = read_request(&mut stream) else {
        return;
    };
    let actions = json::parse(&body).unwrap_or(Json::Array(Vec::new()));
    let _incoming = baton::propagated_context(&headers);
    if let Json::Array(actions) = &actions {
        for action in actions {
            let _span = baton::span("callback").enter();
            let mut outgoing: Vec<(String, String)> = Vec::new();
            baton::inject_context(&mut outgoing);
            let arguments = if action.has("arguments") {
                to_json(action.get("arguments"))
            } else {
                "[]".to_string()
            };
            post(action.get("url").str(), &outgoing, &arguments);
        }
    }
    let _ = stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
}

/// The header lines (repeated names kept, values without surrounding OWS)
/// and the body of one HTTP/1.1 request.
fn read_request(stream: &mut TcpStream) -> Option<(Vec<(String, String)>, String)> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((
            name.to_string(),
            value.trim_matches([' ', '\t']).to_string(),
        ));
    }
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((headers, String::from_utf8(body).ok()?))
}

/// POSTs `body` to `url` (`http://host:port/path`) with `headers`, and
/// waits for the answer.
fn post(url: &str, headers: &[(String, String)], body: &str) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(mut stream) = TcpStream::connect(authority) else {
        return;
    };
    let mut request = format!(
        "POST /{path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let _ = stream.write_all(request.as_bytes());
    let _ = stream.read_to_end(&mut Vec::new());
}

/// `value` as JSON text.
fn to_json(value: &Json) -> String {
    match value {
        Json::Null => "null".to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(to_json).collect::<Vec<_>>().join(",")
        ),
        Json::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}:{}", to_json(&Json::String(k.clone())), to_json(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}
