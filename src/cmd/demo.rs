//! `baton demo`: one trace across threads, futures, a queue and four
//! processes, all on this machine, printed as one tree.
//!
//! The client calls service A over HTTP. A fans out to a thread pool and to
//! futures on a two-thread executor, puts a job on an in-process queue that a
//! worker consumes, runs the receipt renderer as a child process with the
//! context in its environment, and calls service B over HTTP. The client,
//! A, B and the renderer are each a process of this binary with its own
//! pipeline and `service.name`; each exports its own spans and prints them
//! for the client, which prints the one tree. Every hop carries the context
//! with baton's own propagators; nothing but loopback is used.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::future::Future;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::pin::Pin;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use baton::export::{
    BatchConfig, BatchProcessor, ConfigError, ConsoleExporter, ExportError, FanOut,
    JsonLinesExporter, OtlpConfig, OtlpExporter, Resource, SimpleProcessor, SpanExporter,
};
use baton::{FutureExt, SpanKind, SpanType};

use super::set_once;

/// A header list as it travels in an HTTP request or a queue message.
type Headers = Vec<(String, String)>;

/// Serves `requests` HTTP requests on `listener`, each handled by `handle`
/// with the request's path and headers.
fn serve(
    listener: TcpListener,
    requests: usize,
    handle: impl Fn(&str, &Headers) -> String + Send + 'static,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let Some((path, headers)) = read_request(&stream) else {
                continue;
            };
            let body = handle(&path, &headers);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    })
}

/// Reads a request line and headers; the demo's requests have no body.
fn read_request(stream: &TcpStream) -> Option<(String, Headers)> {
    let mut reader = BufReader::new(stream.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = Headers::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            return Some((path, headers));
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
}

/// Sends a GET with the current context injected into its headers.
fn get(port: u16, path: &str) -> String {
    let _span = baton::span(format!("GET {path}"))
        .kind(SpanKind::Client)
        .attr("server.port", i64::from(port))
        .enter();
    let mut headers = Headers::new();
    baton::inject_context(&mut headers);
    let mut request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in &headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut response = String::new();
    let sent = TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        s.write_all(request.as_bytes())?;
        s.take(64 * 1024).read_to_string(&mut response)
    });
    match sent {
        Ok(_) => response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned(),
        Err(e) => {
            baton::current_span()
                .into_iter()
                .for_each(|s| s.record_error(&e));
            String::new()
        }
    }
}

/// Wakes a task by putting it back on the executor's queue.
struct Task {
    future: Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    queue: Arc<Mutex<VecDeque<Arc<Task>>>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        let queue = self.queue.clone();
        queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(self);
    }
}

/// Runs `futures` to completion on `threads` worker threads sharing one queue.
fn run_on_executor(threads: usize, futures: Vec<Pin<Box<dyn Future<Output = ()> + Send>>>) {
    let queue = Arc::new(Mutex::new(VecDeque::new()));
    let total = futures.len();
    for future in futures {
        Arc::new(Task {
            future: Mutex::new(Some(future)),
            queue: queue.clone(),
        })
        .wake();
    }
    let done = Arc::new(Mutex::new(0usize));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (queue, done) = (queue.clone(), done.clone());
            thread::spawn(move || loop {
                if *done.lock().unwrap_or_else(|e| e.into_inner()) == total {
                    return;
                }
                let task = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                let Some(task) = task else {
                    thread::yield_now();
                    continue;
                };
                let waker = Waker::from(task.clone());
                let mut slot = task.future.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(fut) = slot.as_mut() {
                    if fut
                        .as_mut()
                        .poll(&mut TaskContext::from_waker(&waker))
                        .is_ready()
                    {
                        *slot = None;
                        *done.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
}

/// Yields to the executor `n` times, so a task may resume on another thread.
struct YieldN(usize);

impl Future for YieldN {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Service A: the checkout. Fans out every way baton supports.
fn checkout(b_port: u16) -> String {
    // A pool of two workers prices the cart; each job was wrapped here, so
    // it runs inside this request's context.
    let (jobs, results) = (mpsc::channel::<Box<dyn FnOnce() + Send>>(), mpsc::channel());
    let jobs_rx = Arc::new(Mutex::new(jobs.1));
    let pool: Vec<_> = (0..2)
        .map(|_| {
            let rx = jobs_rx.clone();
            thread::spawn(move || {
                while let Ok(job) = rx.lock().unwrap_or_else(|e| e.into_inner()).recv() {
                    job();
                }
            })
        })
        .collect();
    for item in ["book", "lamp"] {
        let results = results.0.clone();
        jobs.0
            .send(Box::new(baton::copy_context_to_thread(move || {
                let span = baton::span("price item").attr("item", item).enter();
                span.set_attribute("price.cents", 1299);
                let _ = results.send(item);
            })))
            .ok();
    }
    drop(jobs.0);
    drop(results.0);
    let priced = results.1.iter().count();
    pool.into_iter().for_each(|w| drop(w.join()));

    // Two futures on a two-thread executor; each keeps its span across
    // `.await` and across threads.
    let futures: Vec<Pin<Box<dyn Future<Output = ()> + Send>>> = ["warehouse-1", "warehouse-2"]
        .into_iter()
        .map(|warehouse| {
            let fut = async move {
                YieldN(3).await;
                if let Some(span) = baton::current_span() {
                    span.set_attribute("warehouse", warehouse);
                }
            };
            Box::pin(fut.in_span(baton::span("check stock").span_type(SpanType::Retrieval)))
                as Pin<Box<dyn Future<Output = ()> + Send>>
        })
        .collect();
    run_on_executor(2, futures);

    // A job on an in-process queue, with the context in its headers.
    let (queue_tx, queue_rx) = mpsc::channel::<(Headers, &str)>();
    let consumer = thread::spawn(move || {
        for (headers, body) in queue_rx {
            let _cx = baton::propagated_context(&headers);
            let span = baton::span("send confirmation email")
                .kind(SpanKind::Consumer)
                .enter();
            span.set_attribute("messaging.message.body.size", body.len() as i64);
        }
    });
    {
        let _span = baton::span("enqueue email")
            .kind(SpanKind::Producer)
            .enter();
        let mut headers = Headers::new();
        baton::inject_context(&mut headers);
        let _ = queue_tx.send((headers, "order confirmed"));
    }
    drop(queue_tx);
    let _ = consumer.join();

    // A child process with the context in its environment.
    let receipt = render_receipt_in_child();

    // Service B over HTTP.
    let stock = get(b_port, "/inventory/reserve");
    format!("priced {priced} items; {stock}; {receipt}")
}

/// Service B: inventory.
fn reserve_inventory() -> String {
    let span = baton::span("reserve rows").kind(SpanKind::Client).enter();
    span.set_attribute("db.system", "sqlite");
    thread::sleep(Duration::from_millis(2));
    "reserved".into()
}

/// Marks every span line the child process prints for its parent.
const CHILD_SPAN_LINE: &str = "baton-demo-span";

/// Runs the receipt renderer as a child process with the context in its
/// environment; returns what it rendered and keeps its spans for the tree.
fn render_receipt_in_child() -> String {
    let _span = baton::span("run receipt renderer")
        .kind(SpanKind::Client)
        .enter();
    let mut command = match demo_process(&["--child"]) {
        Ok(command) => command,
        Err(e) => return format!("no child: {e}"),
    };
    baton::propagation::inject_into_command(&mut command);
    match command.output() {
        Ok(out) => {
            let stdout = String::from_utf8_lossy(&out.stdout);
            let mut spans = CHILD_SPANS.lock().unwrap_or_else(|e| e.into_inner());
            spans.extend(stdout.lines().filter_map(Node::from_child_line));
            format!(
                "receipt rendered (child exit status {})",
                out.status.code().unwrap_or(-1)
            )
        }
        Err(e) => format!("child failed: {e}"),
    }
}

/// What each process of the demo exports to and how it propagates, handed
/// from the client to the processes it starts.
const CHILD_EXPORT: &str = "BATON_DEMO_EXPORT";

/// This binary as `baton demo ARGS`, with what the client was told on its
/// command line in the environment, as every other service reads it.
fn demo_process(args: &[&str]) -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut command = Command::new(exe);
    command
        .arg("demo")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // What a process was asked to write on stderr reaches the terminal.
        .stderr(Stdio::inherit());
    if let Some(setup) = SETUP.get() {
        command
            .env("OTEL_PROPAGATORS", &setup.propagators)
            .env(CHILD_EXPORT, &setup.export)
            // Each process names its own service.
            .env_remove("OTEL_SERVICE_NAME");
        if let Some(url) = &setup.endpoint {
            command
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", url)
                .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        }
        // The client warned of these and runs without them, or with the
        // part of one it kept: so do the processes it starts, without
        // warning again.
        for ignored in &setup.ignored {
            match ignored.kept() {
                Some(kept) => command.env(ignored.variable(), kept),
                None => command.env_remove(ignored.variable()),
            };
        }
    }
    Ok(command)
}

/// The client's choices, for the processes it starts.
struct Setup {
    propagators: String,
    export: String,
    endpoint: Option<String>,
    /// The invalid settings the client ignored.
    ignored: Vec<ConfigError>,
}

static SETUP: std::sync::OnceLock<Setup> = std::sync::OnceLock::new();

/// Spans reported by the processes this one started.
static CHILD_SPANS: Mutex<Vec<Node>> = Mutex::new(Vec::new());

/// A process's pipeline: its spans go to the printed tree and to the
/// exporter the client chose.
struct Installed {
    /// The tree's store.
    spans: baton::InMemoryExporter,
    pipeline: baton::PipelineGuard,
    /// Where `--export otlp` sends the spans, for the message when it fails.
    endpoint: Option<String>,
    /// The invalid settings ignored (each reported as `invalid-config`).
    ignored: Vec<ConfigError>,
}

impl Installed {
    /// Shuts the pipeline down: the spans recorded for the tree, whatever
    /// the export did, and the export's failure, naming where it went.
    fn shut_down(self) -> (Vec<baton::SpanData>, Result<(), String>) {
        let exported =
            self.pipeline
                .shutdown(Duration::from_secs(5))
                .map_err(|e| match &self.endpoint {
                    Some(url) => format!("export to {url} failed: {e}"),
                    None => format!("export failed: {e}"),
                });
        (self.spans.finished_spans(), exported)
    }
}

/// Installs this process's pipeline.
fn install(service: &str, kind: &str, endpoint: Option<&str>) -> Result<Installed, String> {
    let Exporter {
        shipped,
        endpoint,
        ignored,
    } = exporter(kind, endpoint, env_os, service)?;
    let spans = baton::InMemoryExporter::default();
    let pipeline = baton::init(
        baton::Config::new()
            // The tree keeps each span as it ends, beside the batch
            // processor that ships it: what that export loses (a collector
            // that is down, spans dropped behind it) is still in the tree.
            .processor(FanOut::new(vec![
                Box::new(SimpleProcessor::new(spans.clone())),
                Box::new(BatchProcessor::new(Chosen(shipped), BatchConfig::default())),
            ])),
    )
    .map_err(|e| e.to_string())?;
    Ok(Installed {
        spans,
        pipeline,
        endpoint,
        ignored,
    })
}

/// Shuts the pipeline down and prints this process's spans, and those of
/// the processes it started, for the process that started it.
fn report_to_parent(service: &str, installed: Installed) {
    let (own, exported) = installed.shut_down();
    if let Err(e) = exported {
        let _ = writeln!(std::io::stderr(), "baton demo {service}: {e}");
    }
    let mut lines = String::new();
    let started = CHILD_SPANS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .drain(..)
        .collect::<Vec<_>>();
    for node in own
        .iter()
        .map(|d| Node::from_span(d, service))
        .chain(started)
    {
        lines.push_str(&node.to_child_line());
        lines.push('\n');
    }
    print_stdout(&lines);
}

/// A variable of the environment as the system holds it, unless blank.
fn env_os(key: &str) -> Option<OsString> {
    std::env::var_os(key).filter(|v| !v.to_string_lossy().trim().is_empty())
}

/// A variable of the environment, unless blank or not Unicode.
fn env(key: &str) -> Option<String> {
    env_os(key)?.into_string().ok()
}

/// Installs the pipeline of a process the client started, exporting where
/// the client said.
fn install_started(service: &str) -> Result<Installed, String> {
    let kind = env(CHILD_EXPORT).unwrap_or_else(|| "none".to_owned());
    install(service, &kind, None)
}

/// The renderer process: continue the trace from the environment.
fn renderer() -> Result<(), String> {
    const SERVICE: &str = "baton-demo-renderer";
    let installed = install_started(SERVICE)?;
    {
        let _cx = baton::propagation::propagated_from_env();
        let span = baton::span("render receipt").enter();
        span.set_attribute("process.pid", i64::from(std::process::id()));
        record_baggage(&span);
        baton::in_span("format pdf", || thread::sleep(Duration::from_millis(1)));
    }
    report_to_parent(SERVICE, installed);
    Ok(())
}

/// Marks the line where a service process says which port it listens on.
const PORT_LINE: &str = "baton-demo-port";

/// A service process (A or B): listen on a loopback port, say which, serve
/// one request, then report its spans.
fn service(which: Service) -> Result<(), String> {
    let name = which.name();
    let installed = install_started(name)?;
    let listener = listener()?;
    print_stdout(&format!("{PORT_LINE}\t{}\n", port(&listener)?));
    let served = match which {
        Service::A { b_port } => serve(listener, 1, move |path, headers| {
            let _cx = baton::propagated_context(headers);
            let span = baton::span(format!("A: GET {path}"))
                .kind(SpanKind::Server)
                .enter();
            record_baggage(&span);
            checkout(b_port)
        }),
        Service::B => serve(listener, 1, |path, headers| {
            let _cx = baton::propagated_context(headers);
            let span = baton::span(format!("B: GET {path}"))
                .kind(SpanKind::Server)
                .enter();
            record_baggage(&span);
            reserve_inventory()
        }),
    };
    let _ = served.join();
    report_to_parent(name, installed);
    Ok(())
}

/// The two HTTP services.
#[derive(Clone, Copy)]
enum Service {
    A { b_port: u16 },
    B,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::A { .. } => "baton-demo-a",
            Service::B => "baton-demo-b",
        }
    }
}

/// A started service process: its port, and its stdout for the spans it
/// reports when it exits.
struct Running {
    child: std::process::Child,
    port: u16,
    rest: BufReader<std::process::ChildStdout>,
}

impl Running {
    fn start(args: &[&str]) -> Result<Running, String> {
        let mut child = demo_process(args)?
            .spawn()
            .map_err(|e| format!("start a service process: {e}"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| "a service process has no stdout".to_owned())?;
        let mut rest = BufReader::new(stdout);
        let mut line = String::new();
        rest.read_line(&mut line)
            .map_err(|e| format!("read a service's port: {e}"))?;
        let port = line
            .trim_end()
            .strip_prefix(PORT_LINE)
            .and_then(|p| p.trim().parse().ok())
            .ok_or_else(|| format!("a service process did not say its port: {line:?}"))?;
        Ok(Running { child, port, rest })
    }

    /// Waits for the process to exit and keeps the spans it reported.
    fn finish(mut self) -> Result<(), String> {
        let mut out = String::new();
        let _ = self.rest.read_to_string(&mut out);
        let status = self.child.wait().map_err(|e| e.to_string())?;
        CHILD_SPANS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(out.lines().filter_map(Node::from_child_line));
        if status.success() {
            Ok(())
        } else {
            Err(format!("a service process failed: {status}"))
        }
    }
}

/// Writes `text` to stdout, for the client that started this process: the
/// pipe it reads. A failed write is not this process's to report: the
/// client finds the port or the spans missing and says so, where
/// `println!` would panic.
fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Copies the baggage this hop received onto its span, to show where it travelled.
fn record_baggage(span: &baton::SpanGuard) {
    if let Some(user) = baton::baggage("user_id") {
        span.set_attribute("baggage.user_id", user);
    }
}

/// One span of the printed tree, from this process or the child.
#[derive(Clone, Debug)]
struct Node {
    service: String,
    trace_id: String,
    span_id: String,
    parent_id: String,
    start: u64,
    duration_us: u64,
    name: String,
    detail: String,
}

impl Node {
    fn from_span(s: &baton::SpanData, service: &str) -> Node {
        let mut detail = format!("[{}", s.kind.as_str());
        if let Some(t) = &s.span_type {
            detail.push_str(&format!(" {t}"));
        }
        detail.push(']');
        for kv in &s.attributes {
            detail.push_str(&format!(" {}={}", kv.key, kv.value));
        }
        Node {
            service: service.to_owned(),
            trace_id: s.trace_id().to_string(),
            span_id: s.span_id().to_string(),
            parent_id: s.parent_span_id.map(|p| p.to_string()).unwrap_or_default(),
            start: s.start_unix_nanos,
            duration_us: s.duration_nanos() / 1000,
            name: s.name.to_string(),
            detail,
        }
    }

    fn to_child_line(&self) -> String {
        let fields = [
            &self.service,
            &self.trace_id,
            &self.span_id,
            &self.parent_id,
            &self.start.to_string(),
            &self.duration_us.to_string(),
            &self.name,
            &self.detail,
        ];
        let mut line = CHILD_SPAN_LINE.to_owned();
        for f in fields {
            line.push('\t');
            line.push_str(&f.replace(['\t', '\n'], " "));
        }
        line
    }

    fn from_child_line(line: &str) -> Option<Node> {
        let mut f = line
            .strip_prefix(CHILD_SPAN_LINE)?
            .strip_prefix('\t')?
            .split('\t');
        Some(Node {
            service: f.next()?.to_owned(),
            trace_id: f.next()?.to_owned(),
            span_id: f.next()?.to_owned(),
            parent_id: f.next()?.to_owned(),
            start: f.next()?.parse().ok()?,
            duration_us: f.next()?.parse().ok()?,
            name: f.next()?.to_owned(),
            detail: f.next()?.to_owned(),
        })
    }
}

/// Renders spans as one indented tree per root, children in start order.
fn render(nodes: &[Node]) -> String {
    fn walk(nodes: &[Node], at: &Node, depth: usize, out: &mut String) {
        out.push_str(&format!(
            "{:indent$}{} ({} µs) @{} {}\n",
            "",
            at.name,
            at.duration_us,
            at.service,
            at.detail,
            indent = depth * 2
        ));
        for child in nodes.iter().filter(|n| n.parent_id == at.span_id) {
            walk(nodes, child, depth + 1, out);
        }
    }
    let mut sorted = nodes.to_vec();
    sorted.sort_by_key(|n| n.start);
    let mut out = String::new();
    for root in sorted
        .iter()
        .filter(|n| !sorted.iter().any(|p| p.span_id == n.parent_id))
    {
        walk(&sorted, root, 0, &mut out);
    }
    out
}

/// What `baton demo --help` prints.
const DEMO_HELP: &str =
    "usage: baton demo [--propagator LIST] [--export none|console|jsonl|otlp] [--endpoint URL]

Runs one trace across threads, futures, a queue and four processes (a client,
HTTP services A and B on loopback, a receipt renderer) and prints it as one
tree on stdout, each span labelled with its service.

  --propagator LIST  the propagators between hops (default tracecontext,baggage)
  --export KIND      where the spans also go: console or jsonl (stderr), otlp,
                     or none (default: otlp when OTEL_EXPORTER_OTLP_ENDPOINT or
                     OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, else none)
  --endpoint URL     the collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT
                     (/v1/traces is appended); implies --export otlp, and
                     goes with no other --export
  -h, --help         this text

An option given twice is a usage error, as is --endpoint with --export none,
console or jsonl: either way a value typed would be dropped.

With otlp, the OTEL_EXPORTER_OTLP_* variables and the resource variables
(OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) apply; an invalid one is
reported (invalid-config) and ignored, as if unset (of an endpoint with a
#fragment, the fragment alone), as baton::Config::from_env ignores it. The
client, services A and B and the receipt renderer are four processes, each
exporting its own spans as its own service (baton-demo-client, -a, -b,
-renderer); OTEL_SERVICE_NAME names the client.

Exits 0 when the trace arrived whole and every export succeeded; 1 when spans
left the trace on the way (a --propagator list that carries no trace context
between the processes, as none or session alone) or an export failed, saying
which on stderr; 2 on a usage error or output that cannot be written. A
list that carries the trace but not the client's session or baggage
(tracecontext or b3 alone, say) names on stderr the services they did not
reach, and still exits 0.";

/// `baton demo [--propagator LIST] [--export none|console|jsonl|otlp] [--endpoint URL]`.
pub fn run(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return super::printed(|out, _| {
            writeln!(out, "{DEMO_HELP}")?;
            Ok(ExitCode::SUCCESS)
        });
    }
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(problem) => return super::usage_error(&problem),
    };
    super::printed(|out, err| {
        let ran = match options.role {
            Role::Client => run_client(options, out, err)?,
            Role::Renderer => renderer(),
            Role::Service(which) => service(which),
        };
        match ran {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(problem) => {
                writeln!(err, "baton demo: {problem}")?;
                Ok(ExitCode::FAILURE)
            }
        }
    })
}

/// Which process of the demo this is.
enum Role {
    Client,
    /// `--child`, started by service A.
    Renderer,
    /// `--serve a --b-port N` or `--serve b`, started by the client.
    Service(Service),
}

/// The demo's command line.
struct Options {
    role: Role,
    propagators: String,
    export: String,
    endpoint: Option<String>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let (mut child, mut serve, mut b_port) = (None, None, None);
        let (mut propagators, mut export, mut endpoint) = (None, None, None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            // `--name=value` or `--name value`, as `explain` and `convert`
            // take their options.
            let (name, mut inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .take()
                    .or_else(|| args.next().cloned())
                    .ok_or(format!("{name} needs a value"))
            };
            let once = |slot: &mut Option<_>, value| set_once(slot, value, "demo", name);
            match name {
                "--child" => set_once(&mut child, (), "demo", name)?,
                "--serve" => once(&mut serve, value()?)?,
                "--b-port" => {
                    let v = value()?;
                    let port = v
                        .parse::<u16>()
                        .map_err(|_| format!("--b-port {v:?}: expected a port"))?;
                    set_once(&mut b_port, port, "demo", name)?;
                }
                "--propagator" => once(&mut propagators, value()?)?,
                "--export" => once(&mut export, value()?)?,
                "--endpoint" => once(&mut endpoint, value()?)?,
                _ => return Err(format!("unknown demo option {arg:?}")),
            }
            if inline.is_some() {
                return Err(format!("{name} takes no value: {arg:?}"));
            }
        }
        let role = match (child.is_some(), serve.as_deref(), b_port) {
            (true, None, None) => Role::Renderer,
            (false, None, None) => Role::Client,
            (false, Some("a"), Some(b_port)) => Role::Service(Service::A { b_port }),
            (false, Some("b"), None) => Role::Service(Service::B),
            _ => return Err("--child, --serve a --b-port N and --serve b go alone".to_owned()),
        };
        let propagators = propagators.unwrap_or_else(|| "tracecontext,baggage".to_owned());
        // Checked here so that a bad list is a usage error, not a failed run.
        baton::propagation::Composite::from_list(&propagators)
            .map_err(|e| format!("--propagator: {e}"))?;
        let propagators = super::propagators_that_run(&propagators);
        let export = export.unwrap_or_else(|| {
            // Set, even to a value that is not Unicode: that one is then
            // reported and ignored, as any invalid value.
            let collector = endpoint.is_some()
                || env_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some()
                || env_os("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_some();
            (if collector { "otlp" } else { "none" }).to_owned()
        });
        // A bad choice on the command line is a usage error now, not a
        // failed process later; the environment is read when the pipeline
        // is installed, its invalid values ignored as `Config` ignores them.
        exporter(&export, endpoint.as_deref(), |_| None, CLIENT)?;
        if let (Some(url), false) = (&endpoint, export == "otlp") {
            // Only otlp sends anywhere: the endpoint would be dropped.
            return Err(format!(
                "demo: --endpoint {url:?} is for --export otlp, not --export {export}"
            ));
        }
        Ok(Options {
            role,
            propagators,
            export,
            endpoint,
        })
    }
}

/// The client's service name, unless `OTEL_SERVICE_NAME` gives one.
const CLIENT: &str = "baton-demo-client";

/// Runs the demo's trace and prints its tree on `out`, then what failed
/// on `err`: the tree is printed whether or not the export worked, as it
/// is what was recorded. A failed write is the outer error, a failed run
/// the inner one.
fn run_client(
    options: Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Result<(), String>> {
    let Traced {
        text,
        dropped,
        failed,
    } = match run_traced(options) {
        Ok(traced) => traced,
        Err(problem) => return Ok(Err(problem)),
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    for note in dropped {
        writeln!(err, "baton demo: {note}")?;
    }
    let Some((last, before)) = failed.split_last() else {
        return Ok(Ok(()));
    };
    for problem in before {
        writeln!(err, "baton demo: {problem}")?;
    }
    Ok(Err(last.clone()))
}

/// What one run of the demo's trace gives.
struct Traced {
    /// The tree to print.
    text: String,
    /// What of the client's context the propagators left behind on a hop
    /// the trace crossed: no failure, but a reader would not see it.
    dropped: Vec<String>,
    /// What failed, in order.
    failed: Vec<String>,
}

/// Runs the demo's trace.
fn run_traced(options: Options) -> Result<Traced, String> {
    let propagators = options.propagators;
    let propagator = baton::propagation::Composite::from_list(&propagators)
        .map_err(|e| format!("--propagator: {e}"))?;
    baton::propagation::set_global_propagator(propagator)
        .map_err(|e| format!("--propagator: {e}"))?;
    let service = env("OTEL_SERVICE_NAME").unwrap_or_else(|| CLIENT.to_owned());
    let installed = install(&service, &options.export, options.endpoint.as_deref())?;
    let _ = SETUP.set(Setup {
        propagators: propagators.clone(),
        export: options.export.clone(),
        endpoint: options.endpoint.clone(),
        ignored: installed.ignored.clone(),
    });

    let b = Running::start(&["--serve", "b"])?;
    let b_port = b.port.to_string();
    let a = Running::start(&["--serve", "a", "--b-port", &b_port])?;
    let trace_id = {
        let _isolated = baton::new_trace_context();
        let _session = baton::session("demo-session-1");
        let _user = baton::set_baggage("user_id", "u-42");
        let root = baton::span("client: buy").enter();
        let reply = get(a.port, "/checkout");
        root.set_attribute("reply", reply);
        root.trace_id()
    };
    a.finish()?;
    b.finish()?;
    let (own, exported) = installed.shut_down();

    let mut nodes: Vec<Node> = own.iter().map(|d| Node::from_span(d, &service)).collect();
    nodes.extend(
        CHILD_SPANS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..),
    );
    let trace_id = trace_id.to_string();
    let foreign = nodes.iter().filter(|n| n.trace_id != trace_id).count();
    // The client's trace first, then any trace a hop that did not
    // propagate started, each under a header of its own: a header must not
    // count spans of other traces as its own.
    let mut traces = vec![trace_id.as_str()];
    nodes.sort_by_key(|n| n.start);
    for n in &nodes {
        if !traces.contains(&n.trace_id.as_str()) {
            traces.push(&n.trace_id);
        }
    }
    let mut text = String::new();
    for trace in traces {
        let spans: Vec<Node> = nodes
            .iter()
            .filter(|n| n.trace_id == trace)
            .cloned()
            .collect();
        let services = {
            let mut names: Vec<&str> = spans.iter().map(|n| n.service.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            names.len()
        };
        text.push_str(&format!(
            "trace {trace}: {} spans in {services} services, propagated with {propagators}\n{}",
            spans.len(),
            render(&spans)
        ));
    }
    let mut failed: Vec<String> = exported.err().into_iter().collect();
    if foreign > 0 {
        failed.push(format!("{foreign} spans left the trace"));
    }
    let dropped = dropped_context(&nodes, &trace_id, &service)
        .into_iter()
        .map(|(what, services)| {
            format!(
                "--propagator {propagators} dropped the {what} on the way to {}",
                services.join(", ")
            )
        })
        .collect();
    Ok(Traced {
        text,
        dropped,
        failed,
    })
}

/// The parts of the client's context (its session, its baggage) that did
/// not reach a service the trace reached, with those services, sorted:
/// every span a service starts in the session shows `session.id`, and the
/// span of each hop shows the baggage it received ([`record_baggage`]).
fn dropped_context(
    nodes: &[Node],
    trace_id: &str,
    client: &str,
) -> Vec<(&'static str, Vec<String>)> {
    let mut services: Vec<&str> = nodes
        .iter()
        .filter(|n| n.trace_id == trace_id && n.service != client)
        .map(|n| n.service.as_str())
        .collect();
    services.sort_unstable();
    services.dedup();
    let shown = |attribute: &str| {
        let attribute = format!(" {attribute}=");
        move |service: &&str| {
            nodes
                .iter()
                .any(|n| n.service == *service && n.detail.contains(&attribute))
        }
    };
    [
        ("session (session.id)", shown("session.id")),
        ("baggage (user_id)", shown("baggage.user_id")),
    ]
    .into_iter()
    .filter_map(|(what, reached)| {
        let missed: Vec<String> = services
            .iter()
            .filter(|s| !reached(s))
            .map(|s| (*s).to_owned())
            .collect();
        (!missed.is_empty()).then_some((what, missed))
    })
    .collect()
}

fn listener() -> Result<TcpListener, String> {
    TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind 127.0.0.1: {e}"))
}

fn port(listener: &TcpListener) -> Result<u16, String> {
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// The exporter chosen with `--export`, as the batch processor takes it.
struct Chosen(Box<dyn SpanExporter>);

impl SpanExporter for Chosen {
    fn export(&mut self, batch: &[baton::SpanData]) -> Result<(), ExportError> {
        self.0.export(batch)
    }

    fn set_export_timeout(&mut self, timeout: Duration) {
        self.0.set_export_timeout(timeout);
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.0.force_flush()
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.0.shutdown()
    }
}

/// What `--export` chose.
struct Exporter {
    shipped: Box<dyn SpanExporter>,
    /// For otlp, the URL it sends to.
    endpoint: Option<String>,
    /// The invalid settings ignored.
    ignored: Vec<ConfigError>,
}

const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

/// The exporter for `--export`; console and JSON lines write to stderr, so
/// that stdout holds the one tree. `lookup` reads the environment and
/// `service` is the service name unless the resource variables give one
/// (see [`otlp_config`]).
fn exporter(
    kind: &str,
    endpoint: Option<&str>,
    lookup: impl Fn(&str) -> Option<OsString>,
    service: &str,
) -> Result<Exporter, String> {
    let (shipped, endpoint, ignored): (Box<dyn SpanExporter>, _, _) = match kind {
        "none" => (Box::new(Discard), None, Vec::new()),
        "console" => (
            Box::new(ConsoleExporter::new(std::io::stderr())),
            None,
            Vec::new(),
        ),
        "jsonl" => (
            Box::new(JsonLinesExporter::new(std::io::stderr())),
            None,
            Vec::new(),
        ),
        "otlp" => {
            let (config, ignored) = otlp_config(endpoint, lookup, service)?;
            let url = config.endpoint();
            (Box::new(OtlpExporter::new(config)), Some(url), ignored)
        }
        other => {
            return Err(format!(
                "--export {other:?}: expected none, console, jsonl or otlp"
            ))
        }
    };
    Ok(Exporter {
        shipped,
        endpoint,
        ignored,
    })
}

/// The OTLP settings: `--endpoint` (a base URL exactly like
/// `OTEL_EXPORTER_OTLP_ENDPOINT`, over both endpoint variables; invalid, a
/// usage error), and the `OTEL_EXPORTER_OTLP_*` and resource variables
/// through `lookup`, read as [`baton::Config::from_os_lookup`] reads them: an
/// invalid one (or one that is not Unicode) is reported (`invalid-config`) and ignored, as if unset, as
/// the OpenTelemetry spec asks, and the demo runs on. `service` is the
/// service name unless the resource variables give one. Returns the
/// settings and the settings ignored, whole or in part.
fn otlp_config(
    endpoint: Option<&str>,
    lookup: impl Fn(&str) -> Option<OsString>,
    service: &str,
) -> Result<(OtlpConfig, Vec<ConfigError>), String> {
    if let Some(url) = endpoint {
        // `from_lookup` reads an empty variable as unset, as the spec asks of
        // the environment: typed on the command line, it would be dropped
        // for the default endpoint.
        if url.trim().is_empty() {
            return Err(format!(
                "--endpoint {url:?}: expected an http:// URL; an empty one names no collector"
            ));
        }
        OtlpConfig::from_lookup(|key| (key == ENDPOINT).then(|| url.to_owned()))
            .map_err(|e| format!("--endpoint {url:?}: {}", e.expected()))?;
    }
    // What the demo's help says applies, and nothing else: the demo reads
    // no sampler, batch or limit variable.
    let applies = |key: &str| {
        key.starts_with("OTEL_EXPORTER_OTLP_")
            || key == "OTEL_SERVICE_NAME"
            || key == "OTEL_RESOURCE_ATTRIBUTES"
    };
    let shown = |key: &str| match (key, endpoint) {
        ("OTEL_TRACES_EXPORTER", _) => Some("otlp".into()),
        (ENDPOINT, Some(url)) => Some(url.into()),
        (TRACES_ENDPOINT, Some(_)) => None,
        _ if applies(key) => lookup(key),
        _ => None,
    };
    let ignored = baton::Config::from_os_lookup(shown)
        .map_err(|e| e.to_string())?
        .ignored()
        .to_vec();
    // What `Config` read: a variable ignored whole as unset (one that is
    // not Unicode among them), one ignored in part as the part it kept.
    let visible = |key: &str| match ignored.iter().find(|e| e.variable() == key) {
        Some(ignored) => ignored.kept().map(str::to_owned),
        None => shown(key).and_then(|value| value.into_string().ok()),
    };
    let config = OtlpConfig::from_lookup(visible).map_err(|e| e.to_string())?;
    // Named by the environment (`OTEL_SERVICE_NAME`, or `service.name` in
    // `OTEL_RESOURCE_ATTRIBUTES`, its key percent-encoded or not) when it
    // is not the default's.
    let named =
        config.get_resource().get("service.name") != Resource::default().get("service.name");
    let config = if named {
        config
    } else {
        config.service_name(service)
    };
    Ok((config, ignored))
}

/// `--export none`: the spans go only to the printed tree.
struct Discard;

impl SpanExporter for Discard {
    fn export(&mut self, _: &[baton::SpanData]) -> Result<(), ExportError> {
        Ok(())
    }
}
