//! The `baton` command: `demo`, `decode` and `convert`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => {
            baton::in_span("demo", || {});
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: baton demo");
            ExitCode::from(2)
        }
    }
}
