//! The `baton` command: `demo`, `decode`, `convert` and `explain`.

mod cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => cmd::demo::run(&args[1..]),
        Some("decode") => cmd::decode::run(&args[1..]),
        Some("convert") => cmd::convert::run(&args[1..]),
        Some("explain") => cmd::explain::run(&args[1..]),
        Some("help" | "-h" | "--help") => {
            println!("{}", cmd::USAGE);
            ExitCode::SUCCESS
        }
        Some(other) => cmd::usage_error(&format!("unknown command {other:?}")),
        None => cmd::usage_error("no command given"),
    }
}
