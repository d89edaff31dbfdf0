//! The spiking network of the paper, with no web dependencies.
//!
//! | step | module | paper |
//! |------|--------|-------|
//! | pixels to spikes, first layer, inhibition | [`first_layer`] | Methods, eq. 3 |
//! | the 224 segments of regions I–VIII | [`geometry`] | Fig. 2A |
//! | the integrate-and-fire neuron | [`neuron`] | eq. 1–2, Table 1 |
//! | feedback inhibition | [`inhibition`] | eq. 3, Fig. 5C |
//! | learning rule and pruning | [`plasticity`] | eq. 4–5, Fig. 7C |
//! | one digit's network, training | [`network`] | Fig. 2C, 6 |
//! | ten networks and the decision | [`classifier`] | Methods |
//! | every parameter, presets, ranges | [`params`] | Table 1, Fig. 5E, 9–11 |
//! | the seeded random streams | [`rng`] | — |

pub mod classifier;
pub mod first_layer;
pub mod geometry;
pub mod inhibition;
pub mod kernel;
pub mod network;
pub mod neuron;
pub mod params;
pub mod plasticity;
pub mod rng;

pub use classifier::{Classifier, Decision, Response, TieBreak, Workspace};
pub use first_layer::{FirstLayer, Raster};
pub use geometry::{Geometry, TriangleLines};
pub use network::Network;
pub use neuron::NeuronParams;
pub use params::{Gains, InhibitionSource, InvalidParam, Params, Schedule};
pub use rng::Stream;
