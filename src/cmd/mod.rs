//! The subcommands: `demo`, and `decode` and `convert` with the input they
//! share: header lines (`name: value`) from the arguments, or from standard
//! input when there are none, and the variables of an `env` listing
//! (`NAME=VALUE`), of which those of baton's environment carrier are read
//! and the rest skipped by name, values that span lines included. A
//! listing's `BATON_SESSION_HEADER` names the session header its lines are
//! read with.

pub mod convert;
pub mod decode;
pub mod demo;
pub mod explain;

use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use baton::propagation::{
    env_name, Composite, Jaeger, Propagator, SessionError, SessionHeader, TraceContext, W3cBaggage,
    B3, BATON_SESSION_HEADER,
};
use baton::wire::{is_tchar, uberctx, unpadded};

/// What `baton help` prints, and what follows a usage error.
pub const USAGE: &str = "usage:
  baton demo [--propagator LIST] [--export none|console|jsonl|otlp] [--endpoint URL] [--help]
  baton decode [HEADER-LINE...]
  baton convert --to b3|b3multi|jaeger|tracecontext [HEADER-LINE...]
  baton explain [--sender-propagators LIST] [--receiver-propagators LIST] [SENT RECEIVED]
  baton help [COMMAND], or -h or --help after any command: this text (demo: its own)

decode and convert read header lines (`name: value`) from their arguments,
or from standard input when there are none; a `NAME=VALUE` line is read as
the header whose variable baton's environment carrier names NAME for a
child process (TRACEPARENT=..., as `env` prints it); the other variables of
an `env` listing are skipped and named, with the lines of a value that
spans several (an exported bash function). A BATON_SESSION_HEADER=NAME
line names the session header of the process listed, in place of this
one's. Input with no header line and no such variable is invalid.
convert writes what the target format can carry and names the rest on
stderr: a B3 sampling decision sent without ids (b3: d, X-B3-Sampled: 0)
goes between b3 and b3multi, but tracecontext and jaeger carry a decision
only with ids; with nothing left to write, convert fails.
exit status: 0 valid, 1 invalid input (a header line that is not UTF-8,
as an argument or on standard input, is invalid input; for convert, also
nothing to write), 2 usage error, input that cannot be read or output
that cannot be written

explain says whether a trace continues across one hop: the headers the caller
sent and the headers the next service received, from two files or from standard
input separated by a `---` or blank line; LIST is that side's OTEL_PROPAGATORS
(receiver default tracecontext,baggage), read as baton reads it: an unknown
name is left out, and `none` with others ignores the whole list (the default
runs), each named in a note. A BATON_SESSION_HEADER=NAME line in a block names
that side's session header: the sender's for the sent block, the receiver's
for the received one; a block without one takes this process's.
exit status: 0 intact, 1 it breaks or loses something, 2 usage error, input
that cannot be read or output that cannot be written";

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

/// Puts `value` in `slot`, the value of `option` of `command`, unless the
/// option was given before: then the usage error that names it, since
/// whichever value won, the other would be dropped without a word.
pub fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    command: &str,
    option: &str,
) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("{command}: {option} given twice"));
    }
    *slot = Some(value);
    Ok(())
}

/// Prints the usage on stdout.
pub fn help() -> ExitCode {
    printed(|out, _| {
        writeln!(out, "{USAGE}")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `print` with standard output and standard error, and gives the
/// status it returns, unless a write failed: output that did not reach its
/// reader is no success (`baton decode ... >/dev/full` exits
/// [`OUTPUT_FAILED`], saying why). A reader that is gone (`| head -1`) has
/// seen what it wanted, as with a command killed by SIGPIPE: the status is
/// [`OUTPUT_FAILED`] too, without a message that would only clutter the
/// terminal. `println!` would panic instead.
pub fn printed(
    print: impl FnOnce(&mut dyn Write, &mut dyn Write) -> io::Result<ExitCode>,
) -> ExitCode {
    // Not locked for the whole run: threads of the demo's pipeline write
    // spans to standard error while it runs.
    let (mut out, mut err) = (io::stdout(), io::stderr());
    // Standard output buffers lines: what is still buffered fails only
    // when flushed.
    let status = print(&mut out, &mut err).and_then(|status| out.flush().map(|()| status));
    match status {
        Ok(status) => status,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(OUTPUT_FAILED),
        Err(e) => {
            // Standard error failing too leaves nowhere to say it; the
            // status still does.
            let _ = writeln!(err, "baton: cannot write the output: {e}");
            ExitCode::from(OUTPUT_FAILED)
        }
    }
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
/// Exit status for input that cannot be read (standard input that fails,
/// a file that does not open): trouble, not an answer about the input. As
/// grep, diff and cmp, whose 1 is an answer, as `decode`'s (invalid input)
/// and `explain`'s (the trace breaks) is, the commands exit 2, so a script
/// never takes a failed read for a verdict.
pub const READ_FAILED: u8 = 2;
/// Exit status when the output could not be written: trouble, not an
/// answer, as for [`READ_FAILED`] (grep exits 2 for both).
pub const OUTPUT_FAILED: u8 = 2;

/// One line of input: a `name: value` header line, or a `NAME=VALUE`
/// line of baton's environment carrier read as the header it stands for.
#[derive(Clone)]
pub struct HeaderLine {
    /// 1-based position in the input, for messages.
    pub number: usize,
    /// The header name (for a `NAME=VALUE` line, the header `NAME` stands for).
    pub name: String,
    pub value: String,
    /// The environment variable the line named, for a `NAME=VALUE` line.
    pub variable: Option<String>,
}

/// Says on `err` that `what` (`standard input`, a file name) cannot be
/// read, and returns [`READ_FAILED`]: the same line and status for every
/// command, without the usage, as nothing was mistyped.
pub fn read_failed(what: &str, e: &io::Error, err: &mut dyn Write) -> io::Result<ExitCode> {
    writeln!(err, "baton: cannot read {what}: {e}")?;
    Ok(ExitCode::from(READ_FAILED))
}

/// Why [`read_lines`] gave no input.
pub enum Unread {
    /// Standard input failed (see [`read_failed`]).
    Failed(io::Error),
    /// A line that is not a header line.
    Invalid(InputError),
}

impl From<InputError> for Unread {
    fn from(e: InputError) -> Unread {
        Unread::Invalid(e)
    }
}

/// Why the input could not be read as header lines.
pub struct InputError {
    pub number: usize,
    pub line: String,
    pub message: String,
    /// The byte of `line` to point at.
    pub offset: usize,
}

/// The input of `decode` and `convert`: its header lines, the variables
/// of an `env` listing it skipped, and how it was read.
pub struct Input {
    pub lines: Vec<HeaderLine>,
    pub skipped: Skipped,
    pub reading: Reading,
}

/// How the commands read header lines: every format baton knows, W3C
/// first, the session header being the one the input's process uses.
#[derive(Clone, Copy)]
pub struct Reading {
    session: SessionHeader,
    /// The line of the input whose `BATON_SESSION_HEADER` named it.
    named_on: Option<usize>,
}

impl Reading {
    /// As this process reads: the session header of its own
    /// `BATON_SESSION_HEADER`.
    pub fn own() -> Reading {
        Reading {
            session: SessionHeader::from_env(),
            named_on: None,
        }
    }

    /// The session header.
    pub fn session(&self) -> SessionHeader {
        self.session
    }

    /// The formats, in the order extraction reads them.
    pub fn formats(&self) -> Composite {
        Composite::new(vec![
            Box::new(TraceContext),
            Box::new(W3cBaggage),
            Box::new(B3::single()),
            Box::new(B3::multi()),
            Box::new(Jaeger),
            Box::new(self.session),
        ])
    }

    /// `session header: NAME, named by BATON_SESSION_HEADER on line N`,
    /// when the input named it.
    pub fn note(&self) -> Option<String> {
        let line = self.named_on?;
        Some(format!(
            "session header: {}, named by {BATON_SESSION_HEADER} on line {line}",
            self.session.header()
        ))
    }

    /// How the lines `raw` are read: with the session header their
    /// `BATON_SESSION_HEADER=NAME` line names (see [`Reading::named_in`]),
    /// else this process's.
    pub fn of(raw: &[(usize, String)]) -> Result<Reading, InputError> {
        Ok(Reading::named_in(raw)?.unwrap_or_else(Reading::own))
    }

    /// The reading `raw` names: its first `BATON_SESSION_HEADER=NAME` line
    /// is what the listed process read its session header name from, so
    /// NAME wins over this process's own (an `env` listing describes the
    /// other process). An invalid NAME is that line's error, pointed at.
    fn named_in(raw: &[(usize, String)]) -> Result<Option<Reading>, InputError> {
        for (number, line) in raw {
            let Some(at) = line.find([':', '=']) else {
                continue;
            };
            if !line[at..].starts_with('=') || line[..at].trim() != BATON_SESSION_HEADER {
                continue;
            }
            let value = &line[at + 1..];
            return match SessionHeader::from_lookup(|_| Some(value.to_owned())) {
                Ok(session) => Ok(Some(Reading {
                    session,
                    named_on: Some(*number),
                })),
                Err(e) => {
                    // `from_lookup` trims the name; the offset is the trimmed name's.
                    let name_start = at + 1 + value.len() - value.trim_start().len();
                    let bad = match e {
                        SessionError::InvalidHeaderName { offset } => offset,
                        _ => 0,
                    };
                    Err(InputError {
                        number: *number,
                        line: line.clone(),
                        message: format!("{BATON_SESSION_HEADER}: {e}"),
                        offset: name_start + bad,
                    })
                }
            };
        }
        Ok(None)
    }
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
                carrier_variables(&self.reading.formats()).join(", ")
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
/// [`split`]), with the lines of its value that follow (see
/// [`read_numbered`]). A `BATON_SESSION_HEADER=NAME` line names the session
/// header the lines are read with ([`Reading`]).
///
/// A line that is not UTF-8 is invalid input whether it came as an argument
/// or on standard input: the same bytes get the same exit status.
pub fn read_lines(args: &[OsString]) -> Result<Input, Unread> {
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
                Err(e) => return Err(Unread::Failed(e)),
            }
            let end = without_line_end(&line);
            let end = if number == 1 { without_bom(end) } else { end };
            raw.push((number, utf8_line(number, end)?));
        }
    } else {
        for (i, arg) in args.iter().enumerate() {
            raw.push((i + 1, utf8_line(i + 1, arg.as_encoded_bytes())?));
        }
    }
    let reading = Reading::of(&raw)?;
    Ok(read_numbered(raw, reading)?)
}

/// Reads numbered lines of input with `reading`, blank ones skipped (see
/// [`split`]).
///
/// `env` prints a value that holds line breaks as it is, so a variable's
/// value may take the lines after its own: those that follow a skipped
/// variable and begin no line of their own (see [`begins_a_line`]: the
/// body and closing `}` of an exported bash function) are skipped with it,
/// and counted. After a header line or a carrier variable, whose values
/// never span lines, such a line stays an error. A line of a value that
/// looks like a line of its own (`NAME=VALUE` at its start) cannot be told
/// from one in a listing, and is read as one.
/// The `BATON_SESSION_HEADER` line that named the session header is read,
/// not skipped.
pub fn read_numbered(raw: Vec<(usize, String)>, reading: Reading) -> Result<Input, InputError> {
    let formats = reading.formats();
    let mut input = Input {
        lines: Vec::new(),
        skipped: Skipped::default(),
        reading,
    };
    let mut in_skipped_value = false;
    // Blank lines since the last line read: part of a value if a line of
    // it follows them.
    let mut blank = 0;
    for (number, line) in raw {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if in_skipped_value && !begins_a_line(&line) {
            input.skipped.continue_value(blank + 1);
            blank = 0;
            continue;
        }
        (in_skipped_value, blank) = (false, 0);
        match split(number, line, &formats)? {
            Line::Header(line) => input.lines.push(line),
            Line::Skipped(_) if reading.named_on == Some(number) => {}
            Line::Skipped(variable) => {
                input.skipped.push(variable);
                in_skipped_value = true;
            }
        }
    }
    Ok(input)
}

/// Whether `line` can begin a line of its own: it starts with a name, up
/// to its first `:` (a header name, RFC 9110 `token`, white space before the
/// `:` allowed) or `=` (a variable name: no white space or control
/// characters). An indented line, or one with neither, or with something
/// else before it, can only be part of a value that spans lines.
fn begins_a_line(line: &str) -> bool {
    let Some(at) = line.find([':', '=']) else {
        return false;
    };
    let name = &line[..at];
    if name.is_empty() || name.starts_with(char::is_whitespace) {
        return false;
    }
    if line[at..].starts_with('=') {
        !name.contains(|c: char| c.is_whitespace() || c.is_control())
    } else {
        name.trim_end().bytes().all(is_tchar)
    }
}

/// `line` without its line end: a `\n`, and one `\r` before it, also
/// where no `\n` follows (the last line of a CRLF capture cut short).
pub fn without_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The lines of `text`, each [`without_line_end`], as `decode` reads
/// standard input: `str::lines` would keep a last line's lone `\r`.
pub fn input_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive('\n')
        .map(|line| &line[..without_line_end(line.as_bytes()).len()])
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

/// At most this many names are listed in one line of output (skipped
/// variables, headers or baggage members lost on the way); the rest are
/// counted. An `env` listing holds dozens, a hostile input thousands, and
/// each note is one line.
pub const MAX_LISTED_NAMES: usize = 10;

/// `names` joined with `separator`, at most [`MAX_LISTED_NAMES`] of them,
/// and `and N more` for the rest.
pub fn listed<S: AsRef<str>>(names: &[S], separator: &str) -> String {
    let shown: Vec<&str> = names
        .iter()
        .take(MAX_LISTED_NAMES)
        .map(AsRef::as_ref)
        .collect();
    match names.len().saturating_sub(MAX_LISTED_NAMES) {
        0 => shown.join(separator),
        more => format!("{} and {more} more", shown.join(separator)),
    }
}

/// Line `numbers` as a sentence names them: `1, 2 and 3`, at most
/// [`MAX_LISTED_NAMES`] of them and the rest counted (see [`listed`]).
pub fn line_numbers(numbers: &[usize]) -> String {
    let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
    match numbers.split_last() {
        Some((last, rest)) if !rest.is_empty() && numbers.len() <= MAX_LISTED_NAMES => {
            format!("{} and {last}", rest.join(", "))
        }
        _ => listed(&numbers, ", "),
    }
}

/// The variables of the input that carry no context, by name, in order,
/// with the lines each value took.
#[derive(Default)]
pub struct Skipped {
    names: Vec<(String, usize)>,
}

impl Skipped {
    /// Adds `variable`, after the others, its value on its line.
    pub fn push(&mut self, variable: String) {
        self.names.push((variable, 1));
    }

    /// Counts `more` lines of the last variable's value.
    pub fn continue_value(&mut self, more: usize) {
        if let Some((_, lines)) = self.names.last_mut() {
            *lines += more;
        }
    }

    /// `skipped 3 variables that carry no context: PATH, HOME, TERM`, with
    /// at most [`MAX_LISTED_NAMES`] names and the rest counted, and the
    /// lines of a value that took several (`BASH_FUNC_f%% (3 lines)`);
    /// `None` when nothing was skipped.
    pub fn summary(&self) -> Option<String> {
        // Escaped: a name is input, and an invisible character in it would
        // make it read as another (`\u{200b}TRACEPARENT` as `TRACEPARENT`).
        let named = |(name, lines): &(String, usize)| match lines {
            1 => escaped(name),
            n => format!("{} ({n} lines)", escaped(name)),
        };
        match &self.names[..] {
            [] => None,
            [one] => Some(format!(
                "skipped 1 variable that carries no context: {}",
                named(one)
            )),
            names => {
                let names: Vec<String> = names.iter().map(named).collect();
                Some(format!(
                    "skipped {} variables that carry no context: {}",
                    names.len(),
                    listed(&names, ", ")
                ))
            }
        }
    }
}

/// Reads one line: `name: value`, or `NAME=VALUE` as baton's environment
/// carrier writes a header for a child process (`TRACEPARENT=00-...`) or as
/// `env` lists any other variable, which is skipped.
/// Which form a line is decides by its name: a header name cannot hold a
/// `=` and a variable name cannot hold a `:`, so whichever comes first ends
/// the name, and a `=` in a header's value (`baggage: k=v`) or a `:` in a
/// variable's value stays part of the value. The carrier's variables are
/// those of the fields `formats` reads.
pub fn split(number: usize, line: String, formats: &Composite) -> Result<Line, InputError> {
    match line.find([':', '=']) {
        Some(at) if line[at..].starts_with('=') => split_variable(number, line, at, formats),
        Some(colon) => split_header(number, line, colon).map(Line::Header),
        None => Err(InputError {
            number,
            message: "expected `name: value` or `NAME=VALUE`, found no `:` or `=`".into(),
            offset: line.len(),
            line,
        }),
    }
}

/// A `name: value` line. Only OWS (space and tab) is taken from around the
/// name and the value, as a receiver reads a header: other white space is
/// part of them, and so an error.
fn split_header(number: usize, line: String, colon: usize) -> Result<HeaderLine, InputError> {
    let name = unpadded(&line[..colon]);
    if let Some(bad) = name.bytes().position(|b| !is_tchar(b)) {
        // Where `name`, a slice of `line`, starts in it.
        let start = name.as_ptr() as usize - line.as_ptr() as usize;
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
        value: unpadded(&line[colon + 1..]).to_owned(),
        variable: None,
    })
}

/// The variables of the environment carrier that a child reads: those of
/// the fields of `formats`, as the carrier's own mapping ([`env_name`])
/// names them.
fn carrier_variables(formats: &Composite) -> Vec<String> {
    formats
        .extract_fields()
        .iter()
        .map(|f| env_name(f))
        .collect()
}

/// A `NAME=VALUE` line, read as the header whose variable `NAME` is: the
/// field of `formats` that the environment carrier's own
/// mapping ([`env_name`]) turns into `NAME`, exactly, as a child's extract
/// matches it. The value is taken as the carrier holds it, untrimmed.
///
/// A variable no child reads is skipped, unless it looks meant to carry
/// context and would be lost: Jaeger baggage (`UBERCTX_*`), or a name the
/// carrier spells differently (`traceparent=`, `X-B3-TraceId=`: a header
/// line typed with `=`, or a variable a child would not see).
fn split_variable(
    number: usize,
    line: String,
    equals: usize,
    formats: &Composite,
) -> Result<Line, InputError> {
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
    let fields = formats.extract_fields();
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

/// A sampled flag as the commands print it.
pub fn sampled_or_not(sampled: bool) -> &'static str {
    if sampled {
        "sampled"
    } else {
        "not sampled"
    }
}

/// `text` (input, echoed) with every character a terminal would not show
/// as itself escaped: `\t`, `\n`, `\r`, other C0 controls as `\x1b`, and
/// DEL, C1 controls and the invisible format characters that reorder or
/// hide text (bidirectional overrides, zero-width characters) as
/// `\u{7f}`, and so is white space other than the space (a no-break space
/// looks like one, but no receiver takes it for one). Echoed raw, an escape
/// sequence in the input would drive the terminal (clear it, retitle it),
/// and a tab would shift the caret.
pub fn escaped(text: &str) -> String {
    text.chars().map(escape_char).collect()
}

fn escape_char(c: char) -> String {
    match c {
        '\t' => "\\t".to_owned(),
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\0'..='\x1f' => format!("\\x{:02x}", u32::from(c)),
        '\u{7f}'..='\u{9f}'
        | '\u{ad}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{feff}' => format!("\\u{{{:x}}}", u32::from(c)),
        c if c.is_whitespace() && c != ' ' => format!("\\u{{{:x}}}", u32::from(c)),
        c => c.to_string(),
    }
}

/// `text` on one line, escaped (see [`escaped`]), and a `^` under its
/// byte `offset` on the next: under the first character of that byte's
/// escape, or just past the last character for an offset at the end.
pub fn caret(text: &str, offset: usize) -> String {
    let column: usize = text
        .char_indices()
        .take_while(|(i, _)| *i < offset)
        .map(|(_, c)| escape_char(c).chars().count())
        .sum();
    format!("{}\n{:column$}^", escaped(text), "")
}

impl InputError {
    /// Prints the error to `out` and returns the invalid-input status.
    pub fn report(&self, out: &mut dyn Write) -> io::Result<ExitCode> {
        writeln!(out, "line {}: {}", self.number, self.message)?;
        if !self.line.is_empty() {
            writeln!(out, "{}", indent(&caret(&self.line, self.offset)))?;
        }
        Ok(ExitCode::from(INVALID_INPUT))
    }
}

/// `text` with every line indented by two spaces.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
