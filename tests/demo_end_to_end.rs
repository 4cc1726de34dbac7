//! `baton demo` runs the whole product on loopback and prints one trace as
//! one tree: client, service A, its pool, futures, queue worker and child
//! process, and service B.

use std::process::Command;

fn demo(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .arg("demo")
        .args(args)
        .output()
        .expect("the baton binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The indentation depth of the first tree line whose span name starts with `name`.
fn depth_of(tree: &str, name: &str) -> Option<usize> {
    tree.lines()
        .find(|l| l.trim_start().starts_with(name))
        .map(|l| (l.len() - l.trim_start().len()) / 2)
}

fn check_tree(stdout: &str, propagators: &str) {
    let mut lines = stdout.lines();
    let header = lines.next().expect("a header line");
    assert!(header.starts_with("trace "), "{stdout}");
    assert!(header.contains(propagators), "{header}");
    let tree: String = lines.map(|l| format!("{l}\n")).collect();
    let roots: Vec<&str> = tree.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(roots.len(), 1, "one tree:\n{stdout}");
    assert!(roots[0].starts_with("client: buy"), "{stdout}");

    let expected = [
        ("GET /checkout", 1),
        ("A: GET /checkout", 2),
        ("price item", 3),
        ("check stock", 3),
        ("enqueue email", 3),
        ("send confirmation email", 4),
        ("run receipt renderer", 3),
        ("render receipt", 4),
        ("format pdf", 5),
        ("GET /inventory/reserve", 3),
        ("B: GET /inventory/reserve", 4),
        ("reserve rows", 5),
    ];
    for (name, depth) in expected {
        assert_eq!(depth_of(&tree, name), Some(depth), "{name} in:\n{stdout}");
    }
    assert_eq!(tree.matches("price item").count(), 2, "{stdout}");
    assert_eq!(tree.matches("check stock").count(), 2, "{stdout}");
    // The session reached every span, and the baggage every hop that shows
    // it. Jaeger's `uberctx-*` names cannot cross an environment: the
    // variable name (`UBERCTX_SESSION_ID`) loses the key's `.` (OpenTelemetry
    // env-carrier rules), so with Jaeger alone the child gets only the trace.
    let env_carries_baggage = propagators.contains("baggage");
    let in_child = |line: &str| line.contains("render receipt") || line.contains("format pdf");
    for line in tree.lines().filter(|l| env_carries_baggage || !in_child(l)) {
        assert!(
            line.contains("session.id=demo-session-1"),
            "no session on: {line}"
        );
    }
    let hops: &[&str] = if env_carries_baggage {
        &["A: GET", "B: GET", "render receipt"]
    } else {
        &["A: GET", "B: GET"]
    };
    for hop in hops {
        let line = tree.lines().find(|l| l.contains(hop)).unwrap();
        assert!(
            line.contains("baggage.user_id=u-42"),
            "no baggage on: {line}"
        );
    }
}

#[test]
fn the_demo_prints_one_trace_across_every_boundary() {
    let (ok, stdout, stderr) = demo(&["--export", "jsonl"]);
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    check_tree(&stdout, "tracecontext,baggage");
    // Each of the four processes wrote its own spans to stderr as JSON
    // lines: every span of the tree, once.
    let json_lines = stderr.lines().filter(|l| l.starts_with('{')).count();
    assert_eq!(json_lines, 15, "{stderr}");
    // Client, A, B and the renderer are four services, and each span says
    // which it belongs to.
    assert!(stdout.contains(": 15 spans in 4 services,"), "{stdout}");
    for (span, service) in [
        ("client: buy", "baton-demo-client"),
        ("A: GET /checkout", "baton-demo-a"),
        ("price item", "baton-demo-a"),
        ("B: GET /inventory/reserve", "baton-demo-b"),
        ("format pdf", "baton-demo-renderer"),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(span))
            .unwrap_or_else(|| panic!("{span} in {stdout}"));
        assert!(line.contains(&format!(" @{service} ")), "{line}");
    }
}

#[test]
fn the_demo_works_with_every_propagation_format() {
    for propagators in ["b3,baggage", "b3multi,baggage", "jaeger"] {
        let (ok, stdout, stderr) = demo(&["--propagator", propagators, "--export", "console"]);
        assert!(ok, "{propagators}: stdout:\n{stdout}\nstderr:\n{stderr}");
        check_tree(&stdout, propagators);
    }
}

#[test]
fn bad_flags_are_usage_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["demo", "--export", "carrier-pigeon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("carrier-pigeon"));
}
