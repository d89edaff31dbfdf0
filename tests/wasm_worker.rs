//! The worker's side, in a real dedicated Web Worker (headless Chromium):
//! networks train as they do natively, and a prediction's reply carries the
//! first layer's spikes as typed arrays, the same for the same drawing.

#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, Uint8Array};
use pruning_snn::data::curated::curated_shots;
use pruning_snn::model::{Classifier, Params, Workspace};
use pruning_snn::protocol::{DRAWING_INDEX, Reply};
use pruning_snn::web::worker::predict;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).expect("the field can be read")
}

/// Ten networks trained on one curated digit each: quick, and enough to
/// tell a curated digit from the others.
fn classifier() -> (Classifier, pruning_snn::data::Digits) {
    let digits = curated_shots(1).unwrap();
    let classifier = Classifier::train(&Params::default(), &digits, 1).unwrap();
    (classifier, digits)
}

#[wasm_bindgen_test]
fn a_prediction_carries_the_raster_and_repeats() {
    let (classifier, digits) = classifier();
    let mut work = Workspace::default();
    let image = digits.images[3];

    let reply = predict(&classifier, &mut work, 11, &image);
    let Reply::Prediction {
        id,
        decision,
        response,
        raster,
        millis,
    } = reply.clone()
    else {
        panic!("not a prediction: {reply:?}");
    };
    assert_eq!(id, 11);
    assert!(millis >= 0.0);

    // The same answer as the model gives directly, with the same spikes.
    let (expected, expected_response) = classifier.classify(&image, DRAWING_INDEX, &mut work);
    assert_eq!(decision, expected);
    assert_eq!(response, expected_response);
    assert_eq!(raster.bins(), Params::default().bins);
    assert_eq!(raster.counts(), work.raster.counts(0, work.raster.bins()));

    // The same drawing, the same reply (but for the time taken).
    let again = predict(&classifier, &mut work, 11, &image);
    let Reply::Prediction {
        raster: raster_again,
        decision: decision_again,
        ..
    } = again
    else {
        panic!("not a prediction");
    };
    assert_eq!(raster_again, raster);
    assert_eq!(decision_again, decision);

    // Spikes leave the worker as typed arrays.
    let value = serde_wasm_bindgen::to_value(&reply).unwrap();
    let prediction = field(&value, "Prediction");
    let spikes = field(&field(&prediction, "raster"), "spikes");
    assert!(spikes.is_instance_of::<Uint8Array>());
    assert_eq!(
        Uint8Array::from(spikes).length() as usize,
        raster.spikes.0.len()
    );
}

#[wasm_bindgen_test]
fn a_curated_digit_is_recognised_by_its_own_network() {
    let (classifier, digits) = classifier();
    let mut work = Workspace::default();
    let right = (0..digits.len())
        .filter(|&k| {
            let (decision, _) = classifier.classify(&digits.images[k], k as u64, &mut work);
            decision.digit == digits.labels[k]
        })
        .count();
    // Trained on exactly these ten digits: most come back right.
    assert!(right >= 7, "{right} of 10");
}
