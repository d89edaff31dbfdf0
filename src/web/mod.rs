//! The browser shell: the page ([`page`]) and its Web Worker ([`worker`]).
//!
//! Both are thin: they move typed [`crate::protocol`] messages between the
//! DOM and the model, and turn failures into words in the page.

pub mod page;
pub mod worker;

use wasm_bindgen::JsValue;

/// A panic or error value as text a reader can be shown.
pub fn describe(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            js_sys::Reflect::get(value, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{value:?}"))
}
