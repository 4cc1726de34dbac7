//! Static span names as numbers, so that a span can cross a thread in a
//! [lane](crate::export::span_lane) of atomic words.
//!
//! Safe code cannot turn a number back into a `&'static str`, so each name
//! is written once into a process-wide list and a span carries its place
//! there. A thread finds the place of the names it uses in its own small
//! cache, without a lock; the list's lock is taken when a thread meets a
//! name for the first time (until the list is full), and by the thread that
//! reads a lane, once per lane it reads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many distinct static names (by address) the list holds. Once it is
/// full, a span whose name is not on it, or not in its thread's cache of
/// the names it used last, is handed over as every other span is, under
/// its slot's lock: a program that leaks a new string for each span name
/// cannot grow the list without bound.
pub const MAX_LANE_NAMES: usize = 4096;

/// Names by place, and places by address and length.
pub(crate) struct Names {
    list: Vec<&'static str>,
    places: BTreeMap<(usize, usize), u32>,
}

static NAMES: Mutex<Names> = Mutex::new(Names {
    list: Vec::new(),
    places: BTreeMap::new(),
});

/// Set once the list holds [`MAX_LANE_NAMES`]: from then on a name missing
/// from a thread's cache is not looked up. Looked up, each span of a
/// program that names spans without end would take the list's lock, one
/// lock for every thread, where its slot's lock is its own.
static FULL: AtomicBool = AtomicBool::new(false);

/// The list, for a reader of a lane.
pub(crate) fn names() -> MutexGuard<'static, Names> {
    NAMES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A name's identity: two literals with the same text may be two places,
/// which costs one entry each and nothing else.
fn key(name: &'static str) -> (usize, usize) {
    (name.as_ptr() as usize, name.len())
}

impl Names {
    /// The name at `place`, a place this list gave out: it never shrinks,
    /// so the empty name stands only for a place it never gave.
    pub(crate) fn get(&self, place: u32) -> &'static str {
        self.list.get(place as usize).copied().unwrap_or_default()
    }

    /// The place of `name`, added if it is new and the list has room.
    fn place_of(&mut self, name: &'static str) -> Option<u32> {
        if let Some(&place) = self.places.get(&key(name)) {
            return Some(place);
        }
        if self.list.len() >= MAX_LANE_NAMES {
            FULL.store(true, Ordering::Relaxed);
            return None;
        }
        let place = u32::try_from(self.list.len()).ok()?;
        self.list.push(name);
        self.places.insert(key(name), place);
        Some(place)
    }
}

/// Entries in a thread's cache: a service's span names mostly fit.
const CACHED: usize = 32;

/// One thread's places of the names it used last, by address.
pub(crate) struct NameCache([(usize, usize, u32); CACHED]);

impl Default for NameCache {
    fn default() -> Self {
        // Address 0 is no `&'static str`'s: every entry starts empty.
        NameCache([(0, 0, 0); CACHED])
    }
}

impl NameCache {
    /// The place of `name`: from the cache, or else from the list (which
    /// adds it) while the list has room; `None` otherwise.
    #[inline]
    pub(crate) fn place(&mut self, name: &'static str) -> Option<u32> {
        let (address, len) = key(name);
        // Literals are at least byte-aligned and mostly further apart than
        // 8 bytes; the length tells the rest apart.
        let entry = &mut self.0[((address >> 3) ^ len) % CACHED];
        if entry.0 == address && entry.1 == len {
            return Some(entry.2);
        }
        if FULL.load(Ordering::Relaxed) {
            return None;
        }
        let place = names().place_of(name)?;
        *entry = (address, len, place);
        Some(place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_its_place_and_reads_back() {
        let mut cache = NameCache::default();
        let name: &'static str = "a name for span_names";
        let place = cache.place(name).unwrap();
        assert_eq!(cache.place(name), Some(place));
        assert_eq!(NameCache::default().place(name), Some(place));
        assert_eq!(names().get(place), name);
        let other: &'static str = "another name for span_names";
        assert_ne!(cache.place(other), Some(place));
    }

    #[test]
    fn the_list_stops_at_its_limit_and_keeps_what_it_holds() {
        let mut list = Names {
            list: Vec::new(),
            places: BTreeMap::new(),
        };
        let leaked: Vec<&'static str> = (0..=MAX_LANE_NAMES)
            .map(|i| &*Box::leak(format!("n{i}").into_boxed_str()))
            .collect();
        for (i, name) in leaked[..MAX_LANE_NAMES].iter().enumerate() {
            assert_eq!(list.place_of(name), Some(i as u32));
        }
        assert_eq!(list.place_of(leaked[MAX_LANE_NAMES]), None, "one past");
        assert_eq!(list.place_of(leaked[7]), Some(7), "known names still found");
        assert_eq!(list.get(MAX_LANE_NAMES as u32), "");
    }
}
