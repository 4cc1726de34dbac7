//! The default `service.name` is `unknown_service:` and the executable's
//! name, which on Linux is read from `/proc/self/exe`. Once the file is
//! deleted, or replaced as a deploy replaces it, the kernel reads that link
//! as the old path with ` (deleted)` after it. Found: a resource made then
//! (a pipeline installed again, an exporter built later) was named
//! `unknown_service:<name> (deleted)`. Runs in a copy of this test binary,
//! which deletes itself.
#![cfg(target_os = "linux")]

#[path = "common/child_process.rs"]
mod child_process;

/// The copy's name: also what the child expects after `unknown_service:`.
const COPY: &str = "baton-exe-deleted-under-it";

#[test]
fn the_name_of_a_deleted_executable_is_its_name() {
    let dir = std::env::temp_dir().join(format!("baton-resource-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(COPY);
    std::fs::copy(std::env::current_exe().unwrap(), &copy).unwrap();
    let outcome = std::panic::catch_unwind(|| {
        child_process::run_alone_from(&copy, "deleted_child", &[] as &[(&str, &str)])
    });
    std::fs::remove_dir_all(&dir).unwrap();
    if let Err(failed) = outcome {
        std::panic::resume_unwind(failed);
    }
}

#[test]
#[ignore = "child half of the_name_of_a_deleted_executable_is_its_name"]
fn deleted_child() {
    let exe = std::env::current_exe().unwrap();
    // It deletes the binary it runs in: only ever the copy.
    assert_eq!(
        exe.file_name().and_then(|n| n.to_str()),
        Some(COPY),
        "run from the copy the_name_of_a_deleted_executable_is_its_name makes"
    );
    std::fs::remove_file(&exe).unwrap();
    let resource = baton::export::Resource::default();
    let name = resource.get("service.name").unwrap().to_string();
    assert_eq!(name, format!("unknown_service:{COPY}"));
}
