//! A spiking neural network that learns hand-written digits from a few
//! samples by synaptic pruning: a reproduction of Faghihi, Alashwal and
//! Moustafa, "A synaptic pruning-based spiking neural network for
//! hand-written digits classification" (Frontiers in Artificial
//! Intelligence, 2022).
//!
//! The crate is organised so that the model knows nothing of the web:
//!
//! - [`model`]: the network, in the paper's terms, one module per equation.
//! - [`protocol`]: the typed messages between the page and its Web Worker.
//! - `web` (wasm only): the page and the worker, thin shells around the model.
//!
//! The command-line tool (`src/bin/snn.rs`) and the page call the same
//! library functions, so every figure the page shows can be checked natively.

pub mod baselines;
pub mod data;
pub mod drawing;
pub mod evaluation;
pub mod model;
pub mod protocol;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
pub mod web;
