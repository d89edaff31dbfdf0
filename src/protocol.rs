//! Messages between the page and the worker.
//!
//! One request enum and one reply enum, serialised with serde (through
//! `serde-wasm-bindgen` in the browser). Every request carries an `id`; a
//! reply names the request it answers, so the page can drop replies to
//! requests it has since replaced.
//!
//! The worker announces [`Reply::Ready`] once its wasm has loaded: messages
//! posted before that would be lost, so the page queues nothing and waits.

use serde::{Deserialize, Serialize};

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Request {
    /// A liveness check; the worker answers with [`Reply::Hello`].
    Hello { id: u32, from: String },
}

impl Request {
    /// The request's id, echoed by its reply.
    pub fn id(&self) -> u32 {
        match self {
            Request::Hello { id, .. } => *id,
        }
    }
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Reply {
    /// The worker's wasm has loaded; requests may be sent from now on.
    Ready { version: String },
    /// The answer to [`Request::Hello`].
    Hello { id: u32, text: String },
    /// A request could not be carried out; `message` says why and what to do.
    Error { id: Option<u32>, message: String },
    /// The worker panicked. The page restarts it.
    Crashed { message: String },
}

/// The crate version, shown by the page so that a reader can tell which
/// build they are looking at.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The worker's answer to a request. Pure, so it is tested natively.
pub fn answer(request: &Request) -> Reply {
    match request {
        Request::Hello { id, from } => Reply::Hello {
            id: *id,
            text: format!("worker {VERSION} says hello to the {from}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_is_answered_with_its_id() {
        let request = Request::Hello {
            id: 7,
            from: "page".into(),
        };
        match answer(&request) {
            Reply::Hello { id, text } => {
                assert_eq!(id, request.id());
                assert!(text.contains("page"), "{text}");
            }
            other => panic!("unexpected reply {other:?}"),
        }
    }
}
