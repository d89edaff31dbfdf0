//! One digit's network: training (equations 4–5), pruning, and the fixed
//! random wiring from the second to the third layer.
//!
//! ```text
//! first layer (224) ──W──▶ second (150) ──C──▶ third (50) ──1──▶ output (1)
//! ```
//!
//! - `W` starts fully connected with weights drawn from U(0, 1), is trained
//!   by the learning rule and then pruned at µ: the *information channel*.
//! - `C` connects each second-layer neuron to each third-layer neuron with
//!   probability `connectivity`, weight 1, and is never trained.
//! - The output neuron receives every third-layer neuron with weight 1.
//!
//! Training presents the class's samples for `epochs` presentations of
//! `bins` bins, split into `windows` equal windows; at the end of each
//! window the rates of both layers in that window (spikes per bin) drive
//! one update of `W` ([`Schedule`] says which rates). The third layer and
//! the output take no part in training.

use serde::{Deserialize, Serialize};

use crate::data::Image;

use super::first_layer::{FirstLayer, Raster, Scratch};
use super::kernel;
use super::neuron::LayerConstants;
use super::params::{Params, Schedule};
use super::plasticity;
use super::rng::Stream;

/// Labels for the independent random streams derived from a seed.
pub mod part {
    pub const WEIGHTS: u64 = 1;
    pub const TRAIN_SPIKES: u64 = 2;
    pub const LINKS: u64 = 3;
    pub const TEST_SPIKES: u64 = 4;
    pub const SELECTION: u64 = 5;
}

/// A trained network for one digit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub digit: u8,
    /// First-layer neurons (rows of the channel).
    pub first: usize,
    /// Second-layer neurons (columns of the channel).
    pub second: usize,
    /// Third-layer neurons.
    pub third: usize,
    /// The information channel: the pruned weights, row `i` holding those
    /// from first-layer neuron `i` to every second-layer neuron.
    pub channel: Vec<f32>,
    /// For each second-layer neuron, the third-layer neurons it excites.
    pub links: Vec<Vec<u16>>,
}

impl Network {
    /// The weight from first-layer neuron `i` to second-layer neuron `j`.
    pub fn weight(&self, i: usize, j: usize) -> f32 {
        self.channel[i * self.second + j]
    }

    /// How many synapses survived pruning.
    pub fn synapses(&self) -> usize {
        self.channel.iter().filter(|&&w| w != 0.0).count()
    }
}

/// Runs the second layer over bins `from..to` of `raster`, carrying the
/// membrane potentials `v`, and adds each neuron's spikes to `counts`.
fn second_layer(
    weights: &[f32],
    c: &LayerConstants,
    raster: &Raster,
    (from, to): (usize, usize),
    v: &mut [f32],
    work: &mut LayerWork,
    counts: &mut [u32],
) {
    for t in from..to {
        kernel::sum_rows(weights, raster.bin(t), &mut work.input);
        work.fired.clear();
        kernel::integrate(c, v, &work.input, &mut work.bits, &mut work.fired);
        for &j in &work.fired {
            counts[j as usize] += 1;
        }
    }
}

/// Scratch space for [`second_layer`].
#[derive(Debug, Default)]
struct LayerWork {
    input: Vec<f32>,
    bits: Vec<u64>,
    fired: Vec<u16>,
}

/// Adds spike counts over a window, as rates in spikes per bin, into `sum`.
fn add_rates(sum: &mut [f32], counts: &[u32], bins: usize) {
    for (s, &n) in sum.iter_mut().zip(counts) {
        *s += n as f32 / bins as f32;
    }
}

/// Trains the network of `digit` on its `samples`.
pub fn train(
    params: &Params,
    layer: &FirstLayer,
    digit: u8,
    samples: &[&Image],
    seed: u64,
) -> Network {
    let first = layer.geometry().neurons();
    let second = params.second_layer;
    let c = LayerConstants::new(&params.neuron, params.gains.second, params.neuron.v_th);

    // Random initial weights, U(0, 1).
    let mut stream = Stream::derive(seed, part::WEIGHTS, digit as u64);
    let mut weights: Vec<f32> = (0..first * second).map(|_| stream.unit_f32()).collect();

    let mut spikes = Stream::derive(seed, part::TRAIN_SPIKES, digit as u64);
    let mut scratch = Scratch::default();
    let windows: Vec<(usize, usize)> = (0..params.windows)
        .map(|w| {
            (
                w * params.bins / params.windows,
                (w + 1) * params.bins / params.windows,
            )
        })
        .collect();
    let mut work = LayerWork {
        input: vec![0.0; second],
        ..LayerWork::default()
    };
    let mut pre = vec![0.0; first];
    let mut post = vec![0.0; second];
    let mut post_counts = vec![0u32; second];

    for _ in 0..params.epochs {
        match params.schedule {
            Schedule::Averaged => {
                // Every sample is presented afresh; updates use the rates
                // averaged over the samples, window by window.
                let rasters: Vec<Raster> = samples
                    .iter()
                    .map(|image| {
                        let mut r = Raster::default();
                        layer.run(image, &mut spikes, &mut scratch, &mut r);
                        r
                    })
                    .collect();
                let mut potentials = vec![vec![c.v0; second]; samples.len()];
                for &window in &windows {
                    let bins = window.1 - window.0;
                    pre.fill(0.0);
                    post.fill(0.0);
                    for (raster, v) in rasters.iter().zip(&mut potentials) {
                        post_counts.fill(0);
                        second_layer(&weights, &c, raster, window, v, &mut work, &mut post_counts);
                        add_rates(&mut pre, &raster.counts(window.0, window.1), bins);
                        add_rates(&mut post, &post_counts, bins);
                    }
                    let n = samples.len() as f32;
                    pre.iter_mut().chain(post.iter_mut()).for_each(|f| *f /= n);
                    plasticity::update(&mut weights, &pre, &post, params.alpha, params.beta);
                }
            }
            Schedule::PerSample => {
                let mut raster = Raster::default();
                for image in samples {
                    layer.run(image, &mut spikes, &mut scratch, &mut raster);
                    let mut v = vec![c.v0; second];
                    for &window in &windows {
                        let bins = window.1 - window.0;
                        post_counts.fill(0);
                        second_layer(
                            &weights,
                            &c,
                            &raster,
                            window,
                            &mut v,
                            &mut work,
                            &mut post_counts,
                        );
                        pre.fill(0.0);
                        post.fill(0.0);
                        add_rates(&mut pre, &raster.counts(window.0, window.1), bins);
                        add_rates(&mut post, &post_counts, bins);
                        plasticity::update(&mut weights, &pre, &post, params.alpha, params.beta);
                    }
                }
            }
        }
    }

    // Synaptic pruning leaves the information channel.
    plasticity::prune(&mut weights, params.mu);

    // The fixed random wiring to the third layer.
    let mut stream = Stream::derive(seed, part::LINKS, digit as u64);
    let links = (0..second)
        .map(|_| {
            (0..params.third_layer as u16)
                .filter(|_| stream.unit_f32() < params.connectivity)
                .collect()
        })
        .collect();

    Network {
        digit,
        first,
        second,
        third: params.third_layer,
        channel: weights,
        links,
    }
}
