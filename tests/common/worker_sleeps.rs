//! How often a batch processor's worker thread goes to sleep, through
//! Linux's per-thread count of voluntary context switches: each time the
//! worker sleeps, it is one.
//!
//! Include it with `#[path = "common/worker_sleeps.rs"] mod worker_sleeps;`.
#![cfg(target_os = "linux")]

use std::fs;
use std::time::{Duration, Instant};

/// The ids of this process's threads named `name`.
fn threads_named(name: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for task in fs::read_dir("/proc/self/task").unwrap() {
        let path = task.unwrap().path();
        if fs::read_to_string(path.join("comm")).is_ok_and(|comm| comm.trim_end() == name) {
            ids.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    ids
}

/// The worker threads (`baton-batch`) running now.
pub fn workers() -> Vec<String> {
    threads_named("baton-batch")
}

/// The one worker thread started since `before` was taken with
/// [`workers`]: a thread names itself once it runs, so it is looked for
/// until it has.
pub fn new_worker(before: &[String]) -> String {
    let named_by = Instant::now() + Duration::from_secs(30);
    loop {
        let new: Vec<_> = workers()
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect();
        match &new[..] {
            [worker] => return worker.clone(),
            [] if Instant::now() < named_by => std::thread::sleep(Duration::from_millis(1)),
            _ => panic!("one new worker thread expected: {new:?}"),
        }
    }
}

/// How often the thread `id` has gone to sleep.
pub fn sleeps(id: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/self/task/{id}/status")).unwrap();
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .unwrap();
    line.trim().parse().unwrap()
}
