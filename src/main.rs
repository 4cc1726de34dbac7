//! The `baton` command: `demo`, `decode`, `convert` and `explain`.

mod cmd;

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `args_os`, not `args`: `args` panics on the first argument that is not
    // UTF-8, and such an argument deserves an error message, not a panic.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some(command) = args.first() else {
        return cmd::usage_error("no command given");
    };
    let rest = &args[1..];
    match command.to_str() {
        Some("decode" | "convert" | "explain") if cmd::wants_help(rest) => cmd::help(),
        Some("demo") => cmd::with_text_options(rest, cmd::demo::run),
        Some("decode") => cmd::decode::run(rest),
        Some("convert") => cmd::convert::run(rest),
        Some("explain") => cmd::with_text_options(rest, cmd::explain::run),
        // `help` with a command prints that command's help: `demo` has its own.
        // `help` is a command too, so `-h`, `--help` and `help` after it ask
        // for the same help and name no topic.
        Some("help" | "-h" | "--help") => match &topics(rest)[..] {
            [] => cmd::help(),
            [topic] if *topic == "demo" => cmd::demo::run(&["--help".to_owned()]),
            [topic] if ["decode", "convert", "explain"].iter().any(|c| topic == c) => cmd::help(),
            [topic] => cmd::usage_error(&format!("no help on {topic:?}: name a command")),
            [_, extra, ..] => {
                cmd::usage_error(&format!("help takes one command, not {extra:?} too"))
            }
        },
        _ => cmd::usage_error(&format!("unknown command {command:?}")),
    }
}

/// The arguments of `help`, but for the words that ask for help again.
fn topics(args: &[OsString]) -> Vec<&OsString> {
    args.iter()
        .filter(|a| !["help", "-h", "--help"].iter().any(|h| *a == h))
        .collect()
}
