"""Decodes OTLP payloads baton produced with the OpenTelemetry project's own
proto packages and compares every field to what the Rust test expects.

Usage: otlp_decode_check.py EXPECTED.json PAYLOAD...

Each PAYLOAD is `FORMAT:PATH` where FORMAT is protobuf, json, protobuf+gzip
or json+gzip. EXPECTED.json is written by tests/otlp_decoded_by_opentelemetry_proto.rs
(every field of every span) or tests/otlp_scopes_decoded_by_opentelemetry_proto.rs
(`scopes`: each ScopeSpans' scope and its spans' ids and names) from the
span records themselves, not from baton's encoders. Exits 1 with a
message on the first decode error or mismatch; prints one line per payload
checked.

Run by `.ci/run` with the virtual environment it builds (opentelemetry-proto
and protobuf from PyPI).
"""

import base64
import gzip
import json
import math
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)


class Mismatch(Exception):
    pass


def check(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: decoded {got!r}, expected {want!r}")


def any_value(v):
    """An AnyValue as the test's {"type", "value"} description."""
    kind = v.WhichOneof("value")
    if kind == "string_value":
        return {"type": "string", "value": v.string_value}
    if kind == "bool_value":
        return {"type": "bool", "value": v.bool_value}
    if kind == "int_value":
        return {"type": "int", "value": str(v.int_value)}
    if kind == "double_value":
        d = v.double_value
        if math.isnan(d):
            text = "NaN"
        elif math.isinf(d):
            text = "Infinity" if d > 0 else "-Infinity"
        else:
            text = repr(d)
        return {"type": "double", "value": text}
    if kind == "bytes_value":
        return {"type": "bytes", "value": v.bytes_value.hex()}
    if kind == "array_value":
        return {"type": "array", "value": [any_value(x) for x in v.array_value.values]}
    if kind == "kvlist_value":
        return {"type": "kvlist", "value": attributes(v.kvlist_value.values)}
    return {"type": "empty", "value": None}


def normalise(value):
    """Doubles compared as numbers: the test writes Rust's shortest text."""
    if value["type"] == "double" and value["value"] not in ("NaN", "Infinity", "-Infinity"):
        return {"type": "double", "value": float(value["value"])}
    if value["type"] in ("array", "kvlist"):
        inner = value["value"]
        if value["type"] == "array":
            return {"type": "array", "value": [normalise(x) for x in inner]}
        return {"type": "kvlist", "value": [[k, normalise(x)] for k, x in inner]}
    return value


def attributes(kvs):
    return [[kv.key, any_value(kv.value)] for kv in kvs]


def check_attributes(what, kvs, want):
    got = [[k, normalise(v)] for k, v in attributes(kvs)]
    want = [[k, normalise(v)] for k, v in want]
    check(what, got, want)


def check_span(span, want):
    sid = want["span_id"]
    check(f"span {sid} trace_id", span.trace_id.hex(), want["trace_id"])
    check(f"span {sid} span_id", span.span_id.hex(), sid)
    check(f"span {sid} parent_span_id", span.parent_span_id.hex(), want["parent_span_id"])
    check(f"span {sid} trace_state", span.trace_state, want["trace_state"])
    check(f"span {sid} flags", span.flags, want["flags"])
    check(f"span {sid} name", span.name, want["name"])
    check(f"span {sid} kind", span.kind, want["kind"])
    check(f"span {sid} start", str(span.start_time_unix_nano), want["start"])
    check(f"span {sid} end", str(span.end_time_unix_nano), want["end"])
    check_attributes(f"span {sid} attributes", span.attributes, want["attributes"])
    check(f"span {sid} dropped attributes", span.dropped_attributes_count, want["dropped_attributes"])
    check(f"span {sid} event count", len(span.events), len(want["events"]))
    for i, (event, w) in enumerate(zip(span.events, want["events"])):
        check(f"span {sid} event {i} time", str(event.time_unix_nano), w["time"])
        check(f"span {sid} event {i} name", event.name, w["name"])
        check_attributes(f"span {sid} event {i} attributes", event.attributes, w["attributes"])
        check(f"span {sid} event {i} dropped", event.dropped_attributes_count, w["dropped_attributes"])
    check(f"span {sid} dropped events", span.dropped_events_count, want["dropped_events"])
    check(f"span {sid} link count", len(span.links), len(want["links"]))
    for i, (link, w) in enumerate(zip(span.links, want["links"])):
        check(f"span {sid} link {i} trace_id", link.trace_id.hex(), w["trace_id"])
        check(f"span {sid} link {i} span_id", link.span_id.hex(), w["span_id"])
        check(f"span {sid} link {i} trace_state", link.trace_state, w["trace_state"])
        check_attributes(f"span {sid} link {i} attributes", link.attributes, w["attributes"])
        check(f"span {sid} link {i} dropped", link.dropped_attributes_count, w["dropped_attributes"])
        check(f"span {sid} link {i} flags", link.flags, w["flags"])
    check(f"span {sid} dropped links", span.dropped_links_count, want["dropped_links"])
    check(f"span {sid} status code", span.status.code, want["status_code"])
    check(f"span {sid} status message", span.status.message, want["status_message"])


def check_request(request, want):
    check("resource_spans count", len(request.resource_spans), 1)
    rs = request.resource_spans[0]
    check_attributes("resource attributes", rs.resource.attributes, want["resource"])
    if "scopes" in want:
        check_scopes(rs.scope_spans, want["scopes"])
        return
    check("scope_spans count", len(rs.scope_spans), 1)
    ss = rs.scope_spans[0]
    check("scope name", ss.scope.name, want["scope_name"])
    check("scope version", ss.scope.version, want["scope_version"])
    check("span count", len(ss.spans), len(want["spans"]))
    for span, w in zip(ss.spans, want["spans"]):
        check_span(span, w)


def check_scopes(scope_spans, want):
    """One ScopeSpans per scope, in order, each with its scope's fields and
    its spans (by id and name) in order."""
    check("scope_spans count", len(scope_spans), len(want))
    for i, (ss, w) in enumerate(zip(scope_spans, want)):
        check(f"scope {i} name", ss.scope.name, w["name"])
        check(f"scope {i} version", ss.scope.version, w["version"])
        check_attributes(f"scope {i} attributes", ss.scope.attributes, w["attributes"])
        check(f"scope {i} dropped attributes", ss.scope.dropped_attributes_count, w["dropped_attributes"])
        check(f"scope {i} schema_url", ss.schema_url, w["schema_url"])
        got = [[span.span_id.hex(), span.name] for span in ss.spans]
        check(f"scope {i} spans", got, w["spans"])


HEX_ID_FIELDS = {"traceId": 32, "spanId": 16, "parentSpanId": 16}


def hex_ids_to_base64(node):
    """The OTLP/JSON mapping writes trace and span ids as lowercase hex where
    proto3 JSON has base64: convert them (checking them) before parsing, as
    the OTLP specification tells receivers to."""
    if isinstance(node, list):
        for item in node:
            hex_ids_to_base64(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in HEX_ID_FIELDS and isinstance(value, str):
                if len(value) != HEX_ID_FIELDS[key] or value != value.lower():
                    raise Mismatch(f"{key} {value!r} is not {HEX_ID_FIELDS[key]} lowercase hex digits")
                node[key] = base64.b64encode(bytes.fromhex(value)).decode("ascii")
            else:
                hex_ids_to_base64(value)


def decode(fmt, data):
    if fmt.endswith("+gzip"):
        data = gzip.decompress(data)
        fmt = fmt[: -len("+gzip")]
    if fmt == "protobuf":
        return ExportTraceServiceRequest.FromString(data)
    if fmt == "json":
        tree = json.loads(data.decode("utf-8"))
        hex_ids_to_base64(tree)
        request = ExportTraceServiceRequest()
        json_format.ParseDict(tree, request)
        return request
    raise Mismatch(f"unknown payload format {fmt}")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        want = json.load(f)
    for arg in sys.argv[2:]:
        fmt, path = arg.split(":", 1)
        with open(path, "rb") as f:
            data = f.read()
        try:
            request = decode(fmt, data)
            check_request(request, want)
        except Exception as e:  # a decode error is as much a failure as a mismatch
            print(f"{fmt} ({path}): {type(e).__name__}: {e}", file=sys.stderr)
            sys.exit(1)
        count = len(want["spans"]) if "spans" in want else sum(len(s["spans"]) for s in want["scopes"])
        print(f"{fmt}: {count} spans decoded, every field as expected")


main()
