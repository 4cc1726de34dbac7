//! Running the built `baton` binary, as a user would.

use std::io::Write;
use std::process::{Command, Stdio};

/// What one run printed, and its exit code.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `baton ARGS` with `stdin`, without the propagation variables of the
/// environment the tests run in.
pub fn baton(args: &[&str], stdin: &str) -> Output {
    baton_bytes(args, stdin.as_bytes())
}

/// [`baton`] with standard input that need not be UTF-8.
pub fn baton_bytes(args: &[&str], stdin: &[u8]) -> Output {
    baton_env(args, stdin, &[])
}

/// `baton ARGS` with `stdin` as its standard input (a file, say, or a
/// directory, whose reads fail), without the propagation variables.
// Unused where this file is included alone (`#[path]`) by a test of piped
// input only.
#[allow(dead_code)]
pub fn baton_reading(args: &[&str], stdin: impl Into<Stdio>) -> Output {
    let out = command(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    Output {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The `baton ARGS` command, without the propagation variables of the
/// environment the tests run in.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command
        .args(args)
        .env_remove("OTEL_PROPAGATORS")
        .env_remove("BATON_SESSION_HEADER");
    command
}

/// [`baton_bytes`], then each variable of `env` set (`Some`) or removed
/// (`None`).
pub fn baton_env(args: &[&str], stdin: &[u8], env: &[(&str, Option<&str>)]) -> Output {
    let mut command = command(args);
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command may exit before reading all of its input (an argument it
    // refuses, say): what it did is in its status and output, which the
    // caller checks, and the write only finds the pipe closed.
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}
