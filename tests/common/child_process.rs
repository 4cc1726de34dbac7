//! Runs one `#[ignore]`d test of the current test binary in a child process
//! with only the environment given, for what a process reads once (the
//! `OTEL_*` variables, process-wide reports).
//!
//! Include it with `#[path = "common/child_process.rs"] mod child_process;`.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

/// Runs the ignored test `name` alone in a child process whose environment
/// is `env` and nothing else; checks that it ran and passed, and returns
/// what it wrote to stderr.
pub fn run_alone<V: AsRef<OsStr>>(name: &str, env: &[(&str, V)]) -> String {
    run_alone_from(&std::env::current_exe().unwrap(), name, env)
}

/// [`run_alone`], from `exe`, a copy of the current test binary (for what
/// depends on the executable itself: its name, its file).
pub fn run_alone_from<V: AsRef<OsStr>>(exe: &Path, name: &str, env: &[(&str, V)]) -> String {
    let mut command = Command::new(exe);
    command.args(["--exact", name, "--ignored"]).env_clear();
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: {stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{name}: {stdout}");
    stderr.into_owned()
}
