//! Adding extracted baggage to a context's within the W3C limits, counted
//! as the `baggage` header counts them: what every extract onto existing
//! baggage does, standalone or in a [`Composite`](super::Composite).

use crate::baggage::Baggage;
use crate::wire::baggage::{entry_size, repeat_loses};
use crate::wire::{Field, Reason, WireError};

/// What [`add_baggage`] made, and what it left out.
pub(super) struct Added {
    pub(super) baggage: Baggage,
    /// Entries past [`Baggage::MAX_MEMBERS`] or [`Baggage::MAX_BYTES`].
    pub(super) dropped: usize,
    /// The first of those, and which limit.
    pub(super) first: Option<WireError>,
    /// Entries left out because an earlier format set their key to
    /// something else.
    pub(super) conflicting: usize,
}

/// The size of `b` as the `baggage` header writes it.
fn header_size(b: &Baggage) -> usize {
    let entries: usize = b.iter().map(|(k, v, p)| entry_size(k, v, p)).sum();
    entries + b.len().saturating_sub(1)
}

/// `base` plus the entries of `got` that are new or changed, except keys an
/// earlier format already set (recorded in `from_carrier`): later formats
/// only add, or give properties to the same value an earlier format could
/// not give them (`jaeger,baggage`). The W3C limits hold for the sum,
/// measured as the `baggage` header measures them ([`entry_size`]): an entry past
/// [`Baggage::MAX_MEMBERS`] or [`Baggage::MAX_BYTES`] is left out and
/// counted. A format extracting alone passes an empty `from_carrier` (it
/// yields each key once).
pub(super) fn add_baggage(base: &Baggage, got: &Baggage, from_carrier: &mut Vec<String>) -> Added {
    let mut out = Added {
        baggage: base.clone(),
        dropped: 0,
        first: None,
        conflicting: 0,
    };
    let mut bytes = header_size(base);
    for (k, v, props) in got.iter() {
        if from_carrier.iter().any(|c| c == k) {
            // An earlier format that carries no properties (Jaeger's
            // `uberctx-*`, the session header) gave the same value: this
            // one's properties complete it, as a later format completes
            // the same parent, within the byte limit.
            if let Some(total) = completes(&out.baggage, bytes, (k, v, props)) {
                match out.baggage.try_insert(k, v, props) {
                    Ok(b) if total <= Baggage::MAX_BYTES => {
                        out.baggage = b;
                        bytes = total;
                    }
                    _ => {
                        out.dropped += 1;
                        out.first.get_or_insert(WireError::new(
                            Field::BaggageMember,
                            0,
                            Reason::ListTooLong {
                                max: Baggage::MAX_BYTES,
                            },
                        ));
                    }
                }
                continue;
            }
            // The earlier value stays. This one is lost unless it says the
            // same (properties only count where this format carries some:
            // Jaeger's have no place for them).
            let same = out.baggage.iter().any(|(old, old_v, old_p)| {
                old == k
                    && !repeat_loses(
                        (old_v.as_bytes(), old_p.as_bytes()),
                        (v.as_bytes(), props.as_bytes()),
                    )
            });
            if !same {
                out.conflicting += 1;
            }
            continue;
        }
        if base.iter().any(|e| e == (k, v, props)) {
            // Already current as this format sends it: the format still
            // sets the key, so that a later one cannot change it.
            from_carrier.push(k.to_owned());
            continue;
        }
        let size = entry_size(k, v, props);
        let total = match out.baggage.iter().find(|(old, _, _)| *old == k) {
            Some((old, old_v, old_p)) => bytes - entry_size(old, old_v, old_p) + size,
            None if out.baggage.is_empty() => size,
            // One more byte for the `,` before the entry.
            None => bytes + 1 + size,
        };
        let inserted = if total <= Baggage::MAX_BYTES {
            out.baggage
                .try_insert(k, v, props)
                .map_err(|_| Reason::TooManyMembers {
                    max: Baggage::MAX_MEMBERS,
                })
        } else {
            Err(Reason::ListTooLong {
                max: Baggage::MAX_BYTES,
            })
        };
        match inserted {
            Ok(b) => {
                out.baggage = b;
                bytes = total;
                from_carrier.push(k.to_owned());
            }
            Err(reason) => {
                out.dropped += 1;
                out.first
                    .get_or_insert(WireError::new(Field::BaggageMember, 0, reason));
            }
        }
    }
    out
}

/// The size of `b` as the `baggage` header writes it (`bytes`) once
/// `entry` gives properties to the entry of its key and value that `b`
/// holds without any; `None` if `entry` has none or `b` holds no such
/// entry.
fn completes(b: &Baggage, bytes: usize, (k, v, props): (&str, &str, &str)) -> Option<usize> {
    if props.is_empty() {
        return None;
    }
    b.iter()
        .find(|(old, old_v, old_p)| *old == k && *old_v == v && old_p.is_empty())
        .map(|(old, old_v, old_p)| bytes - entry_size(old, old_v, old_p) + entry_size(k, v, props))
}
