//! `exception.type` names the error's own type, also when the error is
//! given through a reference or a pointer that is an error only through
//! what it points to (`&E`, `&dyn Error`, `Box<E>`, `Arc<dyn Error>`).
//! The semantic conventions: "The dynamic type of the exception should be
//! preferred over the static type in languages that support it." It was
//! the static type: `&dyn core::error::Error`, `&core::num::...`,
//! `alloc::sync::Arc<dyn core::error::Error + ...>`.

mod common;

use std::error::Error;
use std::sync::Arc;

use baton::span;

#[test]
fn exception_type_names_the_error_behind_references_and_pointers() {
    let spans = common::record(|| {
        let s = span("call").start();
        let parse = "x".parse::<i32>().unwrap_err();
        let as_dyn: &dyn Error = &parse;
        s.record_error(&as_dyn);
        s.record_error(&&parse);
        s.record_error(&Box::new(parse.clone()));
        let shared: Arc<dyn Error + Send + Sync> = Arc::new(parse.clone());
        s.record_error(&shared);
        s.end();
    });
    let types: Vec<String> = spans[0]
        .events
        .iter()
        .map(|e| {
            let kv = e.attributes.iter().find(|kv| kv.key == "exception.type");
            kv.unwrap().value.to_string()
        })
        .collect();
    let parse_int = std::any::type_name::<std::num::ParseIntError>();
    assert_eq!(
        types,
        ["ParseIntError", parse_int, parse_int, "ParseIntError"],
        "a trait object's type comes from its Debug form, as when it is given directly"
    );
}
