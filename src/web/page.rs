//! The page: starts the worker, talks to it, and shows what it says.
//!
//! Failures are shown in the page (`#status`, `<body data-state="error">`),
//! not only in the console; a crashed worker is restarted.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Document, ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::describe;
use crate::protocol::{Reply, Request};

/// The script that loads the worker's wasm (copied by Trunk from `www/`).
const WORKER_LOADER: &str = "./worker-loader.js";

fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("the page runs in a window with a document")
}

/// Sets `<body data-state>`: `loading`, `training`, `ready` or `error`.
fn set_state(state: &str) {
    if let Some(body) = document().body() {
        // Setting an attribute on <body> cannot fail.
        let _ = body.set_attribute("data-state", state);
    }
}

/// Writes a line into an element, if the page has it.
fn set_text(id: &str, text: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        el.set_text_content(Some(text));
    }
}

/// Shows a fault in words and marks the page as failed.
fn show_error(text: &str) {
    set_text("status", text);
    set_state("error");
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error(&format!(
            "Something went wrong in the page ({info}). Reloading may help; \
             please report it."
        ));
    }));
}

/// The page's connection to its worker, replaced when the worker crashes.
struct Connection {
    worker: Worker,
    next_id: u32,
    restarts: u32,
}

/// How often a crashing worker is restarted before the page gives up.
const MAX_RESTARTS: u32 = 3;

type Shared = Rc<RefCell<Option<Connection>>>;

fn spawn(shared: &Shared, restarts: u32) -> Result<(), JsValue> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Classic);
    let worker = Worker::new_with_options(WORKER_LOADER, &options)?;

    let on_message = {
        let shared = shared.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            handle_reply(&shared, event.data());
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let on_error = {
        let shared = shared.clone();
        Closure::<dyn Fn(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            restart(&shared, &format!("the worker failed: {}", event.message()));
        })
    };
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();

    *shared.borrow_mut() = Some(Connection {
        worker,
        next_id: 1,
        restarts,
    });
    Ok(())
}

/// Ends the current worker and starts a new one, up to [`MAX_RESTARTS`].
fn restart(shared: &Shared, why: &str) {
    let restarts = match shared.borrow_mut().take() {
        Some(old) => {
            old.worker.terminate();
            old.restarts + 1
        }
        None => 1,
    };
    web_sys::console::error_1(&why.into());
    if restarts > MAX_RESTARTS {
        show_error(&format!(
            "The background worker stopped ({why}) and could not be restarted. \
             Reload the page to try again."
        ));
        return;
    }
    set_text("status", &format!("Restarting the worker ({why})…"));
    set_state("loading");
    if let Err(e) = spawn(shared, restarts) {
        show_error(&format!("Could not start the worker: {}", describe(&e)));
    }
}

fn send(shared: &Shared, make: impl FnOnce(u32) -> Request) {
    let mut guard = shared.borrow_mut();
    let Some(conn) = guard.as_mut() else { return };
    let request = make(conn.next_id);
    conn.next_id += 1;
    let value = serde_wasm_bindgen::to_value(&request).expect("requests serialise");
    if let Err(e) = conn.worker.post_message(&value) {
        drop(guard);
        restart(
            shared,
            &format!("could not post a message: {}", describe(&e)),
        );
    }
}

fn handle_reply(shared: &Shared, data: JsValue) {
    let reply: Reply = match serde_wasm_bindgen::from_value(data) {
        Ok(reply) => reply,
        Err(e) => {
            show_error(&format!("The worker sent something unreadable: {e}"));
            return;
        }
    };
    match reply {
        Reply::Ready { version } => {
            set_text("status", &format!("Worker {version} loaded."));
            send(shared, |id| Request::Hello {
                id,
                from: "page".into(),
            });
        }
        Reply::Hello { text, .. } => {
            set_text("worker-reply", &text);
            set_state("ready");
        }
        Reply::Error { message, .. } => set_text("status", &message),
        Reply::Crashed { message } => restart(shared, &message),
    }
}

/// The page's entry point.
pub fn start() {
    install_panic_hook();
    set_state("loading");
    let shared: Shared = Rc::new(RefCell::new(None));
    if let Err(e) = spawn(&shared, 0) {
        show_error(&format!("Could not start the worker: {}", describe(&e)));
    }
}
