//! How a response body's buffer grows as it is read: shared by the sized
//! and close-delimited bodies (`http`) and the chunked ones
//! (`http_chunked`), so that neither imports the other.

/// The most bytes of a body asked for per `read` call.
pub(crate) const READ_CHUNK: usize = 64 * 1024;

/// Makes room in `body` for `more` bytes, growing by doubling like a Vec
/// but never past `cap`, so a body of unknown length costs at most twice
/// the cap in all.
pub(crate) fn reserve_within(body: &mut Vec<u8>, more: usize, cap: usize) {
    if body.capacity() - body.len() < more {
        let room = cap.saturating_sub(body.len());
        body.reserve_exact(body.len().max(READ_CHUNK).max(more).min(room));
    }
}
