//! The subcommands: `demo`, and `decode` and `convert` with the input they
//! share: header lines (`name: value`) from the arguments, or from standard
//! input when there are none, and the variables of an `env` listing
//! (`NAME=VALUE`), of which those of baton's environment carrier are read
//! and the rest skipped by name.

pub mod convert;
pub mod decode;
pub mod demo;
pub mod explain;

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, Write};
use std::process::ExitCode;

use baton::propagation::{env_name, Composite, Propagator, W3cBaggage};
use baton::wire::uberctx;

/// What `baton help` prints, and what follows a usage error.
pub const USAGE: &str = "usage:
  baton demo [--propagator LIST] [--export none|console|jsonl|otlp] [--endpoint URL] [--help]
  baton decode [HEADER-LINE...]
  baton convert --to b3|b3multi|jaeger|tracecontext [HEADER-LINE...]
  baton explain [--sender-propagators LIST] [--receiver-propagators LIST] [SENT RECEIVED]
  baton help, or -h or --help after any command: this text (demo: its own)

decode and convert read header lines (`name: value`) from their arguments,
or from standard input when there are none; a `NAME=VALUE` line is read as
the header whose variable baton's environment carrier names NAME for a
child process (TRACEPARENT=..., as `env` prints it); the other variables of
an `env` listing are skipped and named. Input with no header line and no
such variable is invalid.
exit status: 0 valid, 1 invalid input (a header line that is not UTF-8,
as an argument or on standard input, is invalid input), 2 usage error

explain says whether a trace continues across one hop: the headers the caller
sent and the headers the next service received, from two files or from standard
input separated by a `---` or blank line; LIST is that side's OTEL_PROPAGATORS
(receiver default tracecontext,baggage).
exit status: 0 intact, 1 it breaks or loses something, 2 usage error";

/// Whether `args` ask for help: `-h` or `--help` anywhere, which no header
/// line, option value or file name of these commands is spelled as.
pub fn wants_help(args: &[OsString]) -> bool {
    args.iter().any(|a| a == "--help" || a == "-h")
}

/// The usage error for the first of `lines` (the header-line arguments of
/// `command`) that looks like an option and is no `name: value` line: a
/// mistake on the command line (exit 2), not invalid input (exit 1).
pub fn refuse_options(command: &str, lines: &[OsString]) -> Option<ExitCode> {
    let option = lines.iter().find(|a| {
        let a = a.to_string_lossy();
        a.starts_with('-') && !a.contains(':')
    })?;
    Some(usage_error(&format!(
        "{command}: unknown option {option:?}"
    )))
}

/// Prints the usage on stdout; a reader that is gone (`baton help | true`)
/// is no panic, as it would be with `println!`.
pub fn help() -> ExitCode {
    let _ = writeln!(std::io::stdout().lock(), "{USAGE}");
    ExitCode::SUCCESS
}

/// Prints `problem` and the usage to stderr; returns the usage-error status.
pub fn usage_error(problem: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "baton: {problem}\n{USAGE}");
    ExitCode::from(USAGE_ERROR)
}

/// `arg` as text, or the usage error that names it. Options, file names and
/// URLs are matched or used exactly, so an argument that is not UTF-8 is
/// refused rather than read with replacement characters (which could name
/// another file or endpoint).
pub fn option_text(arg: &OsStr) -> Result<&str, String> {
    arg.to_str()
        .ok_or_else(|| format!("argument {arg:?} is not UTF-8"))
}

/// Runs `run` with `args` as text, or refuses the first that is not UTF-8
/// (see [`option_text`]): for commands whose arguments are all options or
/// file names, never header lines.
pub fn with_text_options(args: &[OsString], run: fn(&[String]) -> ExitCode) -> ExitCode {
    let text: Result<Vec<String>, String> = args
        .iter()
        .map(|a| option_text(a).map(str::to_owned))
        .collect();
    match text {
        Ok(text) => run(&text),
        Err(problem) => usage_error(&problem),
    }
}

/// The propagators that `list`, an `OTEL_PROPAGATORS` value that
/// `Composite::from_list` accepted, runs (see `Composite::names_in`): what
/// the commands print must be what runs. A list it refuses is quoted as
/// typed.
pub fn propagators_that_run(list: &str) -> String {
    Composite::names_in(list).map_or_else(|_| list.to_owned(), |names| names.join(","))
}

/// Exit status for input that is not a valid header line or value.
pub const INVALID_INPUT: u8 = 1;
/// Exit status for a command line that cannot be understood.
pub const USAGE_ERROR: u8 = 2;

/// One line of input: a `name: value` header line, or a `NAME=VALUE`
/// line of baton's environment carrier read as the header it stands for.
pub struct HeaderLine {
    /// 1-based position in the input, for messages.
    pub number: usize,
    /// The header name (for a `NAME=VALUE` line, the header `NAME` stands for).
    pub name: String,
    pub value: String,
    /// The environment variable the line named, for a `NAME=VALUE` line.
    pub variable: Option<String>,
}

/// Why the input could not be read as header lines.
pub struct InputError {
    pub number: usize,
    pub line: String,
    pub message: String,
    /// The byte of `line` to point at.
    pub offset: usize,
}

/// The input of `decode` and `convert`: its header lines, and the
/// variables of an `env` listing it skipped.
pub struct Input {
    pub lines: Vec<HeaderLine>,
    pub skipped: Skipped,
}

impl Input {
    /// Why the input gives nothing to read: no lines (`env | grep TRACE`
    /// that matched none), or only variables that carry no context (a
    /// listing of the wrong process, say). Neither is a success.
    pub fn nothing_read(&self) -> Option<String> {
        if !self.lines.is_empty() {
            return None;
        }
        Some(match self.skipped.summary() {
            Some(skipped) => format!(
                "no variable of baton's environment carrier in the input ({}): {skipped}",
                carrier_variables().join(", ")
            ),
            None => "no header lines in the input".to_owned(),
        })
    }
}

/// Reads the header lines: each argument is one line; without arguments,
/// each non-blank line of standard input is one. The name ends at the first
/// `:`; whitespace around the name and the value is not part of them
/// (RFC 9110 "OWS"). A line whose name ends at a `=` instead is a variable
/// of baton's environment carrier, as `env` prints it, or a variable that
/// carries no context, skipped and named in [`Input::skipped`] (see
/// [`split`]).
///
/// A line that is not UTF-8 is invalid input whether it came as an argument
/// or on standard input: the same bytes get the same exit status.
pub fn read_lines(args: &[OsString]) -> Result<Input, InputError> {
    let mut raw: Vec<(usize, String)> = Vec::new();
    if args.is_empty() {
        // Bytes, not `lines()`: that fails on the first line that is not
        // UTF-8 with no word of where, and this points at the byte.
        let mut stdin = std::io::stdin().lock();
        let mut line = Vec::new();
        for number in 1.. {
            line.clear();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    return Err(InputError {
                        number,
                        line: String::new(),
                        message: format!("cannot read standard input: {e}"),
                        offset: 0,
                    })
                }
            }
            let end = line.strip_suffix(b"\n").unwrap_or(&line);
            let end = end.strip_suffix(b"\r").unwrap_or(end);
            let end = if number == 1 { without_bom(end) } else { end };
            raw.push((number, utf8_line(number, end)?));
        }
    } else {
        for (i, arg) in args.iter().enumerate() {
            raw.push((i + 1, utf8_line(i + 1, arg.as_encoded_bytes())?));
        }
    }
    let mut input = Input {
        lines: Vec::new(),
        skipped: Skipped::default(),
    };
    for (number, line) in raw {
        if line.trim().is_empty() {
            continue;
        }
        match split(number, line)? {
            Line::Header(line) => input.lines.push(line),
            Line::Skipped(variable) => input.skipped.push(variable),
        }
    }
    Ok(input)
}

/// `bytes` without the UTF-8 byte order mark that editors on Windows put
/// at the start of a file: it is no part of the first header name.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// Header line `number` as text; if it is not UTF-8, the error points at
/// its first byte that is not.
pub fn utf8_line(number: usize, bytes: &[u8]) -> Result<String, InputError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => Err(InputError {
            number,
            line: String::from_utf8_lossy(bytes).into_owned(),
            message: "not valid UTF-8".into(),
            // The text before the bad byte is the same in the lossy copy.
            offset: e.valid_up_to(),
        }),
    }
}

/// One line of input, read.
pub enum Line {
    /// A header line, or a variable of the environment carrier read as the
    /// header it stands for.
    Header(HeaderLine),
    /// The name of a variable that carries no context (`PATH=...` in an
    /// `env` listing): skipped, never its value, which may be a secret.
    Skipped(String),
}

/// At most this many names of skipped variables are listed; the rest are
/// counted. An `env` listing holds dozens, and the note is one line.
pub const MAX_SKIPPED_NAMES: usize = 10;

/// The variables of the input that carry no context, by name, in order.
#[derive(Default)]
pub struct Skipped {
    names: Vec<String>,
}

impl Skipped {
    /// Adds `variable`, after the others.
    pub fn push(&mut self, variable: String) {
        self.names.push(variable);
    }

    /// `skipped 3 variables that carry no context: PATH, HOME, TERM`, with
    /// at most [`MAX_SKIPPED_NAMES`] names and the rest counted; `None`
    /// when nothing was skipped.
    pub fn summary(&self) -> Option<String> {
        let (listed, more) = match self.names.len() {
            0 => return None,
            1 => {
                return Some(format!(
                    "skipped 1 variable that carries no context: {}",
                    self.names[0]
                ))
            }
            n if n > MAX_SKIPPED_NAMES => (
                MAX_SKIPPED_NAMES,
                format!(" and {} more", n - MAX_SKIPPED_NAMES),
            ),
            n => (n, String::new()),
        };
        Some(format!(
            "skipped {} variables that carry no context: {}{more}",
            self.names.len(),
            self.names[..listed].join(", ")
        ))
    }
}

/// Reads one line: `name: value`, or `NAME=VALUE` as baton's environment
/// carrier writes a header for a child process (`TRACEPARENT=00-...`) or as
/// `env` lists any other variable, which is skipped.
/// Which form a line is decides by its name: a header name cannot hold a
/// `=` and a variable name cannot hold a `:`, so whichever comes first ends
/// the name, and a `=` in a header's value (`baggage: k=v`) or a `:` in a
/// variable's value stays part of the value.
pub fn split(number: usize, line: String) -> Result<Line, InputError> {
    match line.find([':', '=']) {
        Some(at) if line[at..].starts_with('=') => split_variable(number, line, at),
        Some(colon) => split_header(number, line, colon).map(Line::Header),
        None => Err(InputError {
            number,
            message: "expected `name: value` or `NAME=VALUE`, found no `:` or `=`".into(),
            offset: line.len(),
            line,
        }),
    }
}

fn split_header(number: usize, line: String, colon: usize) -> Result<HeaderLine, InputError> {
    let name = line[..colon].trim();
    if let Some(bad) = name.bytes().position(|b| !is_tchar(b)) {
        let start = line.len() - line.trim_start().len();
        return Err(InputError {
            number,
            message: "a header name is a token: no spaces or separators".into(),
            offset: start + bad,
            line,
        });
    }
    if name.is_empty() {
        return Err(InputError {
            number,
            message: "the header name is empty".into(),
            offset: colon,
            line,
        });
    }
    Ok(HeaderLine {
        number,
        name: name.to_owned(),
        value: line[colon + 1..].trim().to_owned(),
        variable: None,
    })
}

/// The variables of the environment carrier that a child reads: those of
/// the fields of `decode::READ`'s formats, as the carrier's own mapping
/// ([`env_name`]) names them.
fn carrier_variables() -> Vec<String> {
    let read = Composite::from_list(decode::READ).unwrap_or_default();
    read.extract_fields().iter().map(|f| env_name(f)).collect()
}

/// A `NAME=VALUE` line, read as the header whose variable `NAME` is: the
/// field of `decode::READ`'s formats that the environment carrier's own
/// mapping ([`env_name`]) turns into `NAME`, exactly, as a child's extract
/// matches it. The value is taken as the carrier holds it, untrimmed.
///
/// A variable no child reads is skipped, unless it looks meant to carry
/// context and would be lost: Jaeger baggage (`UBERCTX_*`), or a name the
/// carrier spells differently (`traceparent=`, `X-B3-TraceId=`: a header
/// line typed with `=`, or a variable a child would not see).
fn split_variable(number: usize, line: String, equals: usize) -> Result<Line, InputError> {
    let start = line.len() - line.trim_start().len();
    let variable = line[..equals].trim();
    let error = |message: String, offset: usize| InputError {
        number,
        message,
        offset,
        line: line.clone(),
    };
    if variable.is_empty() {
        return Err(error("the variable name is empty".into(), equals));
    }
    if let Some(bad) = variable.find(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(error(
            "a variable name has no spaces or control characters".into(),
            start + bad,
        ));
    }
    let read = Composite::from_list(decode::READ).unwrap_or_default();
    let fields = read.extract_fields();
    if let Some(field) = fields.iter().find(|f| env_name(f) == variable) {
        return Ok(Line::Header(HeaderLine {
            number,
            name: (*field).to_owned(),
            value: line[equals + 1..].to_owned(),
            variable: Some(variable.to_owned()),
        }));
    }
    let normalized = env_name(variable);
    if normalized.starts_with(&env_name(uberctx::BAGGAGE_PREFIX)) {
        // The carrier writes these, but a child's extract finds none: Jaeger
        // finds its baggage by the `uberctx-` prefix of the field's name.
        return Err(error(
            format!(
                "{variable:?} is Jaeger baggage (uberctx-*) in the environment: its key \
                 cannot be read back from the variable name (the carrier's names lose case \
                 and punctuation), so the environment carrier never carries it and no child \
                 process reads it; baggage reaches a child process in {} (OTEL_PROPAGATORS \
                 with baggage)",
                env_name(&W3cBaggage.fields().concat())
            ),
            start,
        ));
    }
    if fields.iter().any(|f| env_name(f) == normalized) {
        return Err(error(
            format!(
                "{variable:?} is no variable baton's environment carrier writes for a child \
                 process: it writes {normalized}, and a child reads names exactly; a header \
                 line is `name: value`"
            ),
            start,
        ));
    }
    Ok(Line::Skipped(variable.to_owned()))
}

/// RFC 9110 `tchar`: what a header name is made of.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `text` on one line and a `^` under its byte `offset` on the next (an
/// offset at the end points just past the last character).
pub fn caret(text: &str, offset: usize) -> String {
    let column = text.char_indices().take_while(|(i, _)| *i < offset).count();
    format!("{text}\n{:column$}^", "")
}

impl InputError {
    /// Prints the error to `out` and returns the invalid-input status.
    pub fn report(&self, out: &mut dyn Write) -> ExitCode {
        let _ = writeln!(out, "line {}: {}", self.number, self.message);
        if !self.line.is_empty() {
            let _ = writeln!(out, "{}", indent(&caret(&self.line, self.offset)));
        }
        ExitCode::from(INVALID_INPUT)
    }
}

/// `text` with every line indented by two spaces.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
