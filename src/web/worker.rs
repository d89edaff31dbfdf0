//! The Web Worker: receives [`Request`]s, answers with [`Reply`]s.
//!
//! Loaded by `www/worker-loader.js`, which imports Trunk's no-modules
//! `worker.js` and instantiates `worker_bg.wasm`; `main` then installs the
//! message handler and announces [`Reply::Ready`].

use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{Reply, Request, VERSION, answer};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global()
        .dyn_into()
        .expect("the worker binary runs in a DedicatedWorkerGlobalScope")
}

/// Posts a reply to the page. Serialising our own enum cannot fail.
fn post(reply: &Reply) {
    let value = serde_wasm_bindgen::to_value(reply).expect("replies serialise");
    if let Err(e) = scope().post_message(&value) {
        web_sys::console::error_2(&"worker: postMessage failed".into(), &e);
    }
}

/// Reports a panic to the page as [`Reply::Crashed`] as well as to the
/// console, so that the page can say so and restart the worker.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&Reply::Crashed {
            message: info.to_string(),
        });
    }));
}

fn on_message(event: MessageEvent) {
    let reply = match serde_wasm_bindgen::from_value::<Request>(event.data()) {
        Ok(request) => answer(&request),
        Err(e) => Reply::Error {
            id: None,
            message: format!("the worker could not read a request: {e}"),
        },
    };
    post(&reply);
}

/// The worker's entry point.
pub fn start() {
    install_panic_hook();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    web_sys::console::log_1(&"worker ready".into());
    post(&Reply::Ready {
        version: VERSION.into(),
    });
}
