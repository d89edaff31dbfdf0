//! The model in the browser computes exactly what it computes natively.
//!
//! Runs inside a dedicated Web Worker, where the page runs the model. The
//! native digest is passed in at compile time by `make test-wasm`, which
//! prints it with `snn fingerprint` just before building this test.

#![cfg(target_arch = "wasm32")]

use pruning_snn::model::classifier::reference_fingerprint;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn same_seed_same_networks_and_predictions_as_native() {
    let Some(native) = option_env!("SNN_NATIVE_FINGERPRINT") else {
        panic!(
            "SNN_NATIVE_FINGERPRINT is not set: run the wasm tests with `make test-wasm`, \
             which computes it natively with `snn fingerprint`"
        );
    };
    let wasm = format!("{:016x}", reference_fingerprint());
    assert_eq!(
        wasm,
        native.trim(),
        "the browser build trained or predicted differently"
    );
}
