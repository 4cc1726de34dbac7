"""Runs OpenTelemetry Python's propagators over the cases
tests/interop_with_opentelemetry_python.rs sends, in one exchange.

Reads one JSON object on stdin:
  {"inject": [CONTEXT...], "extract": [{"format": F, "headers": {..}}...]}
where CONTEXT is {"format": F, "trace_id", "span_id", "sampled",
"tracestate", "baggage": [[key, value]...]} and F is one of w3c
(tracecontext + baggage), b3, b3multi, jaeger. Writes one JSON object:
  {"inject": [{header: value}...], "extract": [CONTEXT or null...]}
with the headers Python injects for each context, and the context Python
extracts from each set of headers (null when it extracts no span).

Run by the Rust test with the interpreter named by BATON_OTEL_PYTHON
(`.ci/run` builds that virtual environment).
"""

import json
import sys

from opentelemetry import baggage, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.context import Context
from opentelemetry.propagators.b3 import B3MultiFormat, B3SingleFormat
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.jaeger import JaegerPropagator
from opentelemetry.trace.propagation.tracecontext import (
    TraceContextTextMapPropagator,
)

PROPAGATORS = {
    "w3c": CompositePropagator(
        [TraceContextTextMapPropagator(), W3CBaggagePropagator()]
    ),
    "b3": CompositePropagator([B3SingleFormat(), W3CBaggagePropagator()]),
    "b3multi": CompositePropagator([B3MultiFormat(), W3CBaggagePropagator()]),
    "jaeger": JaegerPropagator(),
}


def inject(case):
    state = trace.TraceState.from_header([case["tracestate"]]) if case["tracestate"] else None
    span_context = trace.SpanContext(
        trace_id=int(case["trace_id"], 16),
        span_id=int(case["span_id"], 16),
        is_remote=False,
        trace_flags=trace.TraceFlags(1 if case["sampled"] else 0),
        trace_state=state,
    )
    context = trace.set_span_in_context(trace.NonRecordingSpan(span_context), Context())
    for key, value in case["baggage"]:
        context = baggage.set_baggage(key, value, context)
    headers = {}
    PROPAGATORS[case["format"]].inject(headers, context)
    return headers


def extract(case):
    context = PROPAGATORS[case["format"]].extract(case["headers"], Context())
    span_context = trace.get_current_span(context).get_span_context()
    if not span_context.is_valid:
        return None
    return {
        "format": case["format"],
        "trace_id": trace.format_trace_id(span_context.trace_id),
        "span_id": trace.format_span_id(span_context.span_id),
        "sampled": span_context.trace_flags.sampled,
        "tracestate": span_context.trace_state.to_header(),
        "baggage": [[k, str(v)] for k, v in baggage.get_all(context).items()],
    }


def main():
    request = json.load(sys.stdin)
    json.dump(
        {
            "inject": [inject(case) for case in request["inject"]],
            "extract": [extract(case) for case in request["extract"]],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
