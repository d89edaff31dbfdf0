//! Library code run in a real browser page (headless Chromium through
//! wasm-bindgen-test-runner and ChromeDriver): the same results as natively.

#![cfg(target_arch = "wasm32")]

use pruning_snn::protocol::{Reply, Request, answer};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn protocol_round_trips_through_js_values() {
    let request = Request::Hello {
        id: 3,
        from: "test".into(),
    };
    let value = serde_wasm_bindgen::to_value(&request).unwrap();
    let back: Request = serde_wasm_bindgen::from_value(value).unwrap();
    assert_eq!(back, request);
    match answer(&back) {
        Reply::Hello { id, .. } => assert_eq!(id, 3),
        other => panic!("unexpected {other:?}"),
    }
}
