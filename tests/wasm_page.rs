//! The page's side of the protocol, in a real browser page (headless
//! Chromium through wasm-bindgen-test-runner and ChromeDriver): messages
//! survive the trip through JS values, and large arrays cross as typed
//! arrays, not arrays of numbers.

#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, Uint8Array};
use pruning_snn::data::PIXELS;
use pruning_snn::evaluation::Evaluation;
use pruning_snn::model::Decision;
use pruning_snn::protocol::{Bytes, Channel, Field, Reply, Request, Settings};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).expect("the field can be read")
}

#[wasm_bindgen_test]
fn a_drawing_crosses_as_a_typed_array() {
    let image: Vec<u8> = (0..PIXELS).map(|p| (p % 256) as u8).collect();
    let request = Request::Predict {
        id: 3,
        image: Bytes(image.clone()),
    };
    let value = serde_wasm_bindgen::to_value(&request).unwrap();
    let predict = field(&value, "Predict");
    let pixels = field(&predict, "image").dyn_into::<Uint8Array>().unwrap();
    assert_eq!(pixels.to_vec(), image);

    let back: Request = serde_wasm_bindgen::from_value(value).unwrap();
    assert_eq!(back, request);
    assert_eq!(back.id(), 3);
}

#[wasm_bindgen_test]
fn replies_with_channels_and_counts_round_trip() {
    let channel = Channel {
        digit: 4,
        first: 2,
        second: 3,
        synapses: 2,
        samples: 20,
        weights: Bytes(vec![0, 255, 0, 0, 17, 0]),
    };
    let trained = Reply::Trained {
        id: 9,
        settings: Settings::default(),
        channels: vec![channel],
        millis: 1234.5,
    };
    let value = serde_wasm_bindgen::to_value(&trained).unwrap();
    let channels = field(&field(&value, "Trained"), "channels");
    let first = Reflect::get_u32(&channels, 0).unwrap();
    assert!(field(&first, "weights").is_instance_of::<Uint8Array>());
    assert_eq!(
        serde_wasm_bindgen::from_value::<Reply>(value).unwrap(),
        trained
    );

    // The evaluation's spike totals are u64: they cross as plain numbers.
    let mut evaluation = Evaluation::default();
    let decision = Decision {
        digit: 7,
        tied: false,
        silent: false,
    };
    evaluation.record(7, &decision);
    evaluation.spikes = [16_000, 5, 6, 7];
    let validation = Reply::Validation {
        id: 2,
        evaluation: Box::new(evaluation),
        millis: 10.0,
    };
    let value = serde_wasm_bindgen::to_value(&validation).unwrap();
    assert_eq!(
        serde_wasm_bindgen::from_value::<Reply>(value).unwrap(),
        validation
    );
}

#[wasm_bindgen_test]
fn the_worker_loaders_crash_message_is_a_reply() {
    // www/worker-loader.js posts this object when the wasm fails to load.
    let crashed = js_sys::Object::new();
    Reflect::set(&crashed, &"message".into(), &"no wasm".into()).unwrap();
    let value = js_sys::Object::new();
    Reflect::set(&value, &"Crashed".into(), &crashed).unwrap();
    let reply: Reply = serde_wasm_bindgen::from_value(value.into()).unwrap();
    assert_eq!(
        reply,
        Reply::Crashed {
            message: "no wasm".into()
        }
    );
}

#[wasm_bindgen_test]
fn settings_from_the_address_are_checked_in_the_browser_too() {
    let (settings, refused) = Settings::from_query("?shots=40&alpha=7");
    assert_eq!(settings.shots, 40);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].field, Some(Field::Alpha));
}
