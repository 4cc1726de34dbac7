//! The one error shape of every wire format: which field, which byte, what
//! was wrong.

use core::fmt;

/// The field of a header that a [`WireError`] is about.
///
/// Each variant names its header too, so an error read on its own says
/// where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `traceparent` `version`.
    TraceparentVersion,
    /// `traceparent` `trace-id`.
    TraceparentTraceId,
    /// `traceparent` `parent-id`.
    TraceparentParentId,
    /// `traceparent` `trace-flags`.
    TraceparentFlags,
    /// A `traceparent` field as a whole (a second line of it).
    Traceparent,
    /// A `tracestate` list-member as a whole (its `=`).
    TracestateMember,
    /// A `tracestate` key.
    TracestateKey,
    /// A `tracestate` value.
    TracestateValue,
    /// A `baggage` list-member as a whole (its `=`, its size, its position).
    BaggageMember,
    /// A `baggage` key.
    BaggageKey,
    /// A `baggage` value.
    BaggageValue,
    /// A `baggage` property.
    BaggageProperty,
    /// The `b3` value as a whole (its length or its `-` delimiters).
    B3,
    /// The B3 trace id (`X-B3-TraceId`, or the first `b3` position).
    B3TraceId,
    /// The B3 span id (`X-B3-SpanId`, or the second `b3` position).
    B3SpanId,
    /// The B3 parent span id (`X-B3-ParentSpanId`, or the last `b3` position).
    B3ParentSpanId,
    /// The B3 sampling state (`X-B3-Sampled`, or the third `b3` position).
    B3Sampled,
    /// The `uber-trace-id` value as a whole (its length).
    UberTraceId,
    /// The `uber-trace-id` `{trace-id}`.
    JaegerTraceId,
    /// The `uber-trace-id` `{span-id}`.
    JaegerSpanId,
    /// The `uber-trace-id` `{parent-span-id}`.
    JaegerParentSpanId,
    /// The `uber-trace-id` `{flags}`.
    JaegerFlags,
    /// A `uberctx-{key}` field name.
    UberctxName,
    /// A `uberctx-{key}` value.
    UberctxValue,
    /// A `jaeger-baggage` entry as a whole (its `=`).
    JaegerBaggageEntry,
    /// A `jaeger-baggage` key.
    JaegerBaggageKey,
    /// A `jaeger-baggage` value.
    JaegerBaggageValue,
    /// The session id in its own header (`baton-session-id`, or the name
    /// a `SessionHeader` was given).
    SessionId,
}

impl Field {
    /// The header and field as the specs name them, e.g. `traceparent trace-id`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::TraceparentVersion => "traceparent version",
            Field::TraceparentTraceId => "traceparent trace-id",
            Field::TraceparentParentId => "traceparent parent-id",
            Field::TraceparentFlags => "traceparent trace-flags",
            Field::Traceparent => "traceparent",
            Field::TracestateMember => "tracestate list-member",
            Field::TracestateKey => "tracestate key",
            Field::TracestateValue => "tracestate value",
            Field::BaggageMember => "baggage list-member",
            Field::BaggageKey => "baggage key",
            Field::BaggageValue => "baggage value",
            Field::BaggageProperty => "baggage property",
            Field::B3 => "b3",
            Field::B3TraceId => "B3 TraceId",
            Field::B3SpanId => "B3 SpanId",
            Field::B3ParentSpanId => "B3 ParentSpanId",
            Field::B3Sampled => "B3 SamplingState",
            Field::UberTraceId => "uber-trace-id",
            Field::JaegerTraceId => "uber-trace-id trace-id",
            Field::JaegerSpanId => "uber-trace-id span-id",
            Field::JaegerParentSpanId => "uber-trace-id parent-span-id",
            Field::JaegerFlags => "uber-trace-id flags",
            Field::UberctxName => "uberctx- name",
            Field::UberctxValue => "uberctx- value",
            Field::JaegerBaggageEntry => "jaeger-baggage entry",
            Field::JaegerBaggageKey => "jaeger-baggage key",
            Field::JaegerBaggageValue => "jaeger-baggage value",
            Field::SessionId => "session id",
        }
    }

    /// How many hex digits the field takes, for a field made of them.
    pub const fn digits(self) -> Option<&'static str> {
        Some(match self {
            Field::TraceparentVersion | Field::TraceparentFlags => "2",
            Field::TraceparentTraceId => "32",
            Field::TraceparentParentId | Field::B3SpanId | Field::B3ParentSpanId => "16",
            Field::B3TraceId => "16 or 32",
            Field::JaegerTraceId => "1 to 32",
            Field::JaegerSpanId | Field::JaegerParentSpanId => "1 to 16",
            Field::JaegerFlags => "1 or 2",
            _ => return None,
        })
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What was wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The value is empty.
    Empty,
    /// The value ends before this field.
    Missing,
    /// The byte is not a lowercase hex digit (`0-9a-f`).
    NotLowerHex,
    /// The byte is neither a hex digit (either case) nor a separator.
    NotHex,
    /// The field has `found` hex digits, not as many as [`Field::digits`] says.
    Length {
        /// How many digits it has.
        found: usize,
    },
    /// The id is all zeros, which every format reserves for "invalid".
    AllZero,
    /// `traceparent` version `ff`, which the spec forbids.
    ForbiddenVersion,
    /// The value goes on where it should end.
    TrailingData,
    /// The field is longer than `max` bytes.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// The byte is not allowed at this place of the grammar.
    InvalidByte,
    /// A member has no `=` after its key.
    MissingEquals,
    /// A `%` is not followed by two hex digits.
    BadEscape,
    /// Percent-decoding gave bytes that are not UTF-8.
    NotUtf8,
    /// The member would make its list longer than `max` bytes (it may fit
    /// alone: the list is what is limited).
    ListTooLong {
        /// The limit.
        max: usize,
    },
    /// The member would be past the limit of `max` members.
    TooManyMembers {
        /// The limit.
        max: usize,
    },
    /// The value is not one the format defines (a B3 sampling state).
    UnknownValue,
    /// The name does not start with the format's prefix (`uberctx-`).
    MissingPrefix,
    /// The separators mix the plain and the percent-encoded form.
    MixedSeparators,
    /// The field appears again where only one is allowed.
    Repeated,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::Empty => f.write_str("is empty"),
            Reason::Missing => f.write_str("is missing"),
            Reason::NotLowerHex => f.write_str("is not a lowercase hex digit"),
            Reason::NotHex => f.write_str("is not a hex digit or separator"),
            Reason::Length { found } => write!(f, "has {found} hex digits"),
            Reason::AllZero => f.write_str("is all zeros"),
            Reason::ForbiddenVersion => f.write_str("is the forbidden version ff"),
            Reason::TrailingData => f.write_str("goes on past its end"),
            Reason::TooLong { max } => write!(f, "is longer than {max} bytes"),
            Reason::InvalidByte => f.write_str("is not allowed here"),
            Reason::MissingEquals => f.write_str("has no '='"),
            Reason::BadEscape => f.write_str("has a '%' not followed by two hex digits"),
            Reason::NotUtf8 => f.write_str("decodes to bytes that are not UTF-8"),
            Reason::ListTooLong { max } => write!(f, "would make the list longer than {max} bytes"),
            Reason::TooManyMembers { max } => write!(f, "would make more than {max} members"),
            Reason::UnknownValue => f.write_str("is not a value the format defines"),
            Reason::MissingPrefix => f.write_str("does not start with the format's prefix"),
            Reason::MixedSeparators => {
                f.write_str("mixes ':' and '%3A' separators (use one form throughout)")
            }
            Reason::Repeated => f.write_str("appears more than once"),
        }
    }
}

/// Why a header value was rejected: the field, the byte offset into the
/// value (or into the lines as if joined by `,`, for lists read from several
/// lines), and the reason. Every parser in [`crate::wire`] returns it.
///
/// # Example
/// ```
/// use baton::wire::{traceparent, Field, Reason};
/// let e = traceparent::parse("00-ABF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01").unwrap_err();
/// assert_eq!((e.field(), e.offset(), e.reason()), (Field::TraceparentTraceId, 3, Reason::NotLowerHex));
/// assert_eq!(e.to_string(), "traceparent trace-id at byte 3 is not a lowercase hex digit");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct WireError {
    field: Field,
    offset: usize,
    reason: Reason,
}

impl WireError {
    /// An error about `field` at byte `offset`.
    pub const fn new(field: Field, offset: usize, reason: Reason) -> WireError {
        WireError {
            field,
            offset,
            reason,
        }
    }

    /// The field that failed.
    pub const fn field(&self) -> Field {
        self.field
    }

    /// The byte offset that failed.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// What was wrong.
    pub const fn reason(&self) -> Reason {
        self.reason
    }

    /// Whether the field was well formed but did not fit a limit.
    pub const fn is_limit(&self) -> bool {
        matches!(
            self.reason,
            Reason::TooLong { .. } | Reason::ListTooLong { .. } | Reason::TooManyMembers { .. }
        )
    }

    /// The same error `by` bytes further on, for a part read out of a
    /// longer value.
    #[must_use]
    pub(crate) const fn shifted(self, by: usize) -> WireError {
        WireError {
            offset: self.offset + by,
            ..self
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {} {}", self.field, self.offset, self.reason)?;
        if let (Reason::Length { .. }, Some(digits)) = (self.reason, self.field.digits()) {
            write!(f, ", expected {digits}")?;
        }
        Ok(())
    }
}

impl core::error::Error for WireError {}
