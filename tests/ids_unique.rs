//! New ids are never zero and never repeat, across threads and processes.

use std::collections::HashSet;

use baton::{SpanId, TraceId};

#[test]
fn a_million_ids_from_four_threads_are_distinct_and_non_zero() {
    let per_thread = 250_000;
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                (0..per_thread)
                    .map(|_| TraceId::random().to_u128())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = HashSet::with_capacity(4 * per_thread);
    for h in handles {
        for id in h.join().unwrap() {
            assert_ne!(id, 0);
            assert!(all.insert(id), "duplicate trace id {id:032x}");
        }
    }
    assert_eq!(all.len(), 1_000_000);
}

#[test]
fn span_ids_from_four_threads_are_distinct() {
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                (0..250_000)
                    .map(|_| SpanId::random().to_u64())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = HashSet::new();
    for h in handles {
        for id in h.join().unwrap() {
            assert!(all.insert(id), "duplicate span id {id:016x}");
        }
    }
}

#[test]
fn two_processes_start_from_different_seeds() {
    // Re-run this test binary as a child that prints one id.
    if let Ok(tag) = std::env::var("BATON_PRINT_ID") {
        println!("id={tag}:{}", TraceId::random());
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let ids: Vec<String> = (0..2)
        .map(|i| {
            let out = std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "two_processes_start_from_different_seeds",
                    "--nocapture",
                ])
                .env("BATON_PRINT_ID", i.to_string())
                .output()
                .unwrap();
            let stdout = String::from_utf8(out.stdout).unwrap();
            let line = stdout
                .lines()
                .find(|l| l.starts_with("id="))
                .unwrap()
                .to_owned();
            line.split(':').nth(1).unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids[0].len(), 32);
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn hex_parsing_is_strict() {
    use baton::IdError;
    assert_eq!(
        TraceId::from_hex("4BF92F3577B34DA6A3CE929D0E0E4736"),
        Err(IdError::NotLowerHex { offset: 1 })
    );
    assert_eq!(
        TraceId::from_hex("+bf92f3577b34da6a3ce929d0e0e4736"),
        Err(IdError::NotLowerHex { offset: 0 })
    );
    assert_eq!(
        SpanId::from_hex("00f067aa0ba902b"),
        Err(IdError::Length {
            expected: 16,
            found: 15
        })
    );
    assert_eq!(SpanId::from_hex("0000000000000000"), Err(IdError::AllZero));
    let id = SpanId::from_hex("00f067aa0ba902b7").unwrap();
    assert_eq!(SpanId::from_bytes(id.to_bytes()), Some(id));
    assert_eq!(SpanId::from_hex(&id.to_string()), Ok(id));
}
