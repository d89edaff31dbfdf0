//! Library code run inside a dedicated Web Worker, where the page's worker
//! runs it.

#![cfg(target_arch = "wasm32")]

use pruning_snn::protocol::{Reply, Request, answer};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn the_worker_scope_is_a_dedicated_worker() {
    use wasm_bindgen::JsCast;
    let scope = js_sys::global();
    assert!(
        scope
            .dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
            .is_ok()
    );
    let reply = answer(&Request::Hello {
        id: 9,
        from: "worker test".into(),
    });
    assert!(matches!(reply, Reply::Hello { id: 9, .. }));
}
