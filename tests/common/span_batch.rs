//! A batch of 512 typical spans and their OTLP/JSON text, built only through
//! the public API: 64 requests of 8 spans each (an HTTP server span with a
//! database query, a cache lookup, an outgoing call, a published message,
//! …), with the OpenTelemetry semantic-convention attributes real services
//! send, real random ids and real clock times. Shared by the gzip ratio
//! test and the gzip bench.
#![allow(dead_code)] // each crate uses a different part of this module

use std::sync::OnceLock;

use baton::export::{JsonLinesExporter, SpanExporter};
use baton::{InMemoryExporter, KeyValue, SpanData, SpanKind, Status};

/// Spans in the batch: the default OTLP batch size (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`).
pub const BATCH: usize = 512;

fn request(i: usize) {
    let order = 10_000 + i * 37 % 9_000;
    let _server = baton::span("GET /api/v1/orders/{order_id}")
        .kind(SpanKind::Server)
        .attr("http.request.method", "GET")
        .attr("url.scheme", "http")
        .attr("url.path", format!("/api/v1/orders/{order}"))
        .attr("http.route", "/api/v1/orders/{order_id}")
        .attr("server.address", "checkout.internal")
        .attr("server.port", 8080i64)
        .attr("client.address", format!("10.1.{}.{}", i % 7, i * 13 % 250))
        .attr(
            "user_agent.original",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        )
        .attr("http.response.status_code", 200i64)
        .enter();
    {
        let _auth = baton::span("authenticate")
            .attr("enduser.id", format!("user-{}", i * 7919 % 100_000))
            .attr("auth.method", "bearer")
            .enter();
    }
    {
        let _db = baton::span("SELECT orders")
            .kind(SpanKind::Client)
            .attr("db.system", "postgresql")
            .attr("db.namespace", "orders")
            .attr("db.operation.name", "SELECT")
            .attr(
                "db.query.text",
                "SELECT id, status, total_cents, currency, updated_at FROM orders WHERE id = $1",
            )
            .attr("server.address", "orders-db.internal")
            .attr("server.port", 5432i64)
            .attr("db.response.returned_rows", 1i64)
            .enter();
    }
    {
        let _cache = baton::span("GET")
            .kind(SpanKind::Client)
            .attr("db.system", "redis")
            .attr("db.query.text", format!("GET cart:{order}"))
            .attr("server.address", "cache.internal")
            .attr("server.port", 6379i64)
            .enter();
    }
    {
        let status = if i % 10 == 3 { 409i64 } else { 200 };
        let _call = baton::span("POST")
            .kind(SpanKind::Client)
            .attr("http.request.method", "POST")
            .attr(
                "url.full",
                "http://inventory.internal:8080/api/v1/reservations",
            )
            .attr("server.address", "inventory.internal")
            .attr("server.port", 8080i64)
            .attr("http.response.status_code", status)
            .enter();
        if status != 200 {
            let span = baton::current_span().expect("inside the call span");
            span.add_event(
                "exception",
                vec![
                    KeyValue::new("exception.type", "ReservationConflict"),
                    KeyValue::new(
                        "exception.message",
                        format!("item {order} already reserved"),
                    ),
                ],
            );
            span.set_status(Status::Error {
                description: "409 Conflict".into(),
            });
        }
    }
    {
        let _publish = baton::span("orders.events publish")
            .kind(SpanKind::Producer)
            .attr("messaging.system", "kafka")
            .attr("messaging.operation.type", "publish")
            .attr("messaging.destination.name", "orders.events")
            .attr("messaging.destination.partition.id", format!("{}", i % 12))
            .attr(
                "messaging.message.id",
                format!("{:08x}-{:04x}", i * 2_654_435_761 % (1 << 32), i),
            )
            .enter();
    }
    {
        let _price = baton::span("compute totals")
            .attr("order.items", (i % 9 + 1) as i64)
            .attr("order.currency", "EUR")
            .enter();
    }
    {
        let _render = baton::span("render response")
            .attr("http.response.body.size", (900 + i * 31 % 4000) as i64)
            .attr("render.template", "order_detail.json")
            .enter();
    }
}

/// The 512 spans, recorded once per process through a pipeline with an
/// in-memory exporter (so the caller's process must not install another).
pub fn typical_spans() -> &'static [SpanData] {
    static SPANS: OnceLock<Vec<SpanData>> = OnceLock::new();
    SPANS.get_or_init(|| {
        let exporter = InMemoryExporter::default();
        let guard = baton::init(baton::Config::new().exporter(exporter.clone()))
            .expect("no other pipeline in this process");
        for i in 0..BATCH / 8 {
            request(i);
        }
        drop(guard);
        let spans = exporter.take();
        assert_eq!(spans.len(), BATCH);
        spans
    })
}

/// A `Write` keeping only the latest write, so an exporter writing one
/// batch per `write` call can be measured with a reused buffer.
pub struct LastWrite(pub Vec<u8>);

impl std::io::Write for LastWrite {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.clear();
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The spans as OTLP/JSON `Span` objects, one per line: the objects the
/// OTLP exporter sends inside `resourceSpans[].scopeSpans[].spans[]`.
pub fn otlp_json(spans: &[SpanData]) -> Vec<u8> {
    let mut exporter = JsonLinesExporter::new(LastWrite(Vec::new()));
    exporter.export(spans).expect("writing to memory");
    exporter.into_inner().0
}
