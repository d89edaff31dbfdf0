//! Ten networks, one per digit, and the decision between them.
//!
//! Each network is trained only on its own digit's samples. A test image is
//! encoded once ([`super::first_layer`]) and the same first-layer spikes are
//! fed to all ten networks; "the network with the maximum firing rate [of
//! its output neuron] is selected to assign a digit class".
//!
//! The paper does not say what happens when two or more output neurons fire
//! equally often, which is common (often all ten are silent). The rule here
//! ([`TieBreak::Activity`], the default) prefers, among the tied networks,
//! the one whose third layer fired most, then second layer, then the lower
//! digit; [`TieBreak::LowestDigit`] takes the lowest tied digit (plain
//! argmax). Either way the number of ties is reported.

use serde::{Deserialize, Serialize};

use crate::data::{Digits, Image};

use super::first_layer::{FirstLayer, Raster, Scratch};
use super::kernel;
use super::network::{Network, part, train};
use super::neuron::LayerConstants;
use super::params::{InvalidParam, Params};
use super::rng::Stream;

/// How a tie between output neurons is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TieBreak {
    /// Most third-layer spikes, then second-layer spikes, then lower digit.
    #[default]
    Activity,
    /// The lowest tied digit.
    LowestDigit,
}

/// The spike counts of every network for one image.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Response {
    /// Output-neuron spikes per network, over all bins.
    pub output: Vec<u32>,
    /// Third-layer spikes per network.
    pub third: Vec<u32>,
    /// Second-layer spikes per network.
    pub second: Vec<u32>,
}

/// The network chosen for one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub digit: u8,
    /// Two or more output neurons shared the highest spike count.
    pub tied: bool,
    /// No output neuron fired at all.
    pub silent: bool,
}

impl Response {
    /// Picks the winning network by `rule`.
    pub fn decide(&self, rule: TieBreak) -> Decision {
        let best = self.output.iter().copied().max().unwrap_or(0);
        let tied = self.output.iter().filter(|&&n| n == best).count() > 1;
        let key = |d: usize| match rule {
            TieBreak::Activity => (self.output[d], self.third[d], self.second[d]),
            TieBreak::LowestDigit => (self.output[d], 0, 0),
        };
        // The first maximum, so that equal keys go to the lower digit.
        let mut digit = 0;
        for d in 1..self.output.len() {
            if key(d) > key(digit) {
                digit = d;
            }
        }
        Decision {
            digit: digit as u8,
            tied,
            silent: best == 0,
        }
    }
}

/// Buffers for [`Classifier::respond`], reused from image to image.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    first: Scratch,
    /// The first layer's spikes for the last image.
    pub raster: Raster,
    second_fired: Vec<u64>,
    /// One network's second-layer spikes (CSR over `starts`).
    spikes: Vec<u16>,
    starts: Vec<u32>,
    third_fired: Vec<u64>,
}

/// The ten trained networks and the first layer they share.
#[derive(Debug, Clone)]
pub struct Classifier {
    params: Params,
    seed: u64,
    layer: FirstLayer,
    networks: Vec<Network>,
    /// The channels side by side: row `i` holds first-layer neuron `i`'s
    /// weights to the second layers of network 0, then 1, … (so that one
    /// spike adds one contiguous row).
    weights: kernel::AlignedWeights,
    /// For each network, its second-to-third-layer links as a 0/1 matrix,
    /// one row per second-layer neuron, padded to whole blocks.
    link_matrices: Vec<kernel::AlignedWeights>,
}

impl Classifier {
    /// Trains one network per digit of `training` (each on its own digit's
    /// samples only).
    pub fn train(params: &Params, training: &Digits, seed: u64) -> Result<Self, InvalidParam> {
        Self::train_with_progress(params, training, seed, |_| {})
    }

    /// As [`Classifier::train`], calling `done(digit)` after each network.
    pub fn train_with_progress(
        params: &Params,
        training: &Digits,
        seed: u64,
        mut done: impl FnMut(u8),
    ) -> Result<Self, InvalidParam> {
        params.validate()?;
        let layer = FirstLayer::new(params);
        let mut networks = Vec::with_capacity(10);
        for digit in 0..10u8 {
            let samples: Vec<&Image> = training.of_class(digit).collect();
            if samples.is_empty() {
                return Err(InvalidParam {
                    name: "training",
                    message: format!("there are no training samples of digit {digit}"),
                });
            }
            networks.push(train(params, &layer, digit, &samples, seed));
            done(digit);
        }
        Ok(Self::from_networks(params, seed, networks))
    }

    /// Assembles a classifier from trained networks (e.g. retrained one by
    /// one). The networks must come from the same `params`.
    pub fn from_networks(params: &Params, seed: u64, networks: Vec<Network>) -> Self {
        let layer = FirstLayer::new(params);
        let (first, second, third) = (
            layer.geometry().neurons(),
            params.second_layer,
            params.third_layer,
        );
        // Padded to whole blocks with neurons that have no synapses (they
        // never reach threshold, and no link leaves them).
        let width = (networks.len() * second).next_multiple_of(kernel::LAYER_BLOCK);
        let mut weights = kernel::AlignedWeights::zeros(first * width);
        let third_width = third.next_multiple_of(kernel::LAYER_BLOCK);
        let mut link_matrices = Vec::with_capacity(networks.len());
        for (n, network) in networks.iter().enumerate() {
            for i in 0..first {
                weights[i * width + n * second..][..second]
                    .copy_from_slice(&network.channel[i * second..][..second]);
            }
            let mut links = kernel::AlignedWeights::zeros(second * third_width);
            for (j, targets) in network.links.iter().enumerate() {
                for &k in targets {
                    links[j * third_width + k as usize] = 1.0;
                }
            }
            link_matrices.push(links);
        }
        Classifier {
            params: params.clone(),
            seed,
            layer,
            networks,
            weights,
            link_matrices,
        }
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn networks(&self) -> &[Network] {
        &self.networks
    }

    pub fn first_layer(&self) -> &FirstLayer {
        &self.layer
    }

    /// The random stream for test image number `index`: fixed by the seed,
    /// so a prediction never changes between runs or platforms.
    pub fn test_stream(&self, index: u64) -> Stream {
        Stream::derive(self.seed, part::TEST_SPIKES, index)
    }

    /// Runs all networks on `image`; the first layer's spikes are left in
    /// `work.raster`.
    pub fn respond(&self, image: &Image, stream: &mut Stream, work: &mut Workspace) -> Response {
        self.layer
            .run(image, stream, &mut work.first, &mut work.raster);
        self.respond_to_raster(work)
    }

    /// Runs all networks on the first-layer spikes in `work.raster`.
    pub fn respond_to_raster(&self, work: &mut Workspace) -> Response {
        let p = &self.params;
        let count = self.networks.len();
        let (second, third) = (p.second_layer, p.third_layer);
        let c2 = LayerConstants::new(&p.neuron, p.gains.second, p.neuron.v_th);
        let c3 = LayerConstants::new(&p.neuron, p.gains.third, p.neuron.v_th);
        let co = LayerConstants::new(&p.neuron, p.gains.output, p.output_threshold);
        let mut response = Response {
            output: vec![0; count],
            third: vec![0; count],
            second: vec![0; count],
        };
        let w = work;
        let raster = &w.raster;
        let bins = raster.bins();

        // Second layer: all ten networks side by side, through all bins.
        let width = self.weights.len() / raster.neurons().max(1);
        kernel::run_layer(
            &c2,
            &self.weights,
            width,
            bins,
            |t| raster.bin(t),
            &mut w.second_fired,
        );
        let words = width / kernel::LAYER_BLOCK;

        for n in 0..count {
            // This network's second-layer spikes, bin by bin.
            w.spikes.clear();
            w.starts.clear();
            w.starts.push(0);
            let (from, to) = (n * second, (n + 1) * second);
            // The bits of each word that belong to this network.
            let mine = |b: usize| {
                let low = from.saturating_sub(b * 64).min(64);
                let high = (to - b * 64).min(64);
                let below = |k: usize| if k == 64 { u64::MAX } else { (1u64 << k) - 1 };
                below(high) & !below(low)
            };
            let masks: Vec<(usize, u64)> =
                (from / 64..to.div_ceil(64)).map(|b| (b, mine(b))).collect();
            for fired in w.second_fired.chunks_exact(words) {
                for &(b, mask) in &masks {
                    let mut word = fired[b] & mask;
                    while word != 0 {
                        w.spikes
                            .push((b * 64 + word.trailing_zeros() as usize - from) as u16);
                        word &= word - 1;
                    }
                }
                w.starts.push(w.spikes.len() as u32);
            }
            response.second[n] = w.spikes.len() as u32;

            // Third layer: the network's links as a 0/1 matrix.
            let (spikes, starts) = (&w.spikes, &w.starts);
            let bin = |t: usize| &spikes[starts[t] as usize..starts[t + 1] as usize];
            let links = &self.link_matrices[n];
            let third_width = links.len() / second;
            kernel::run_layer(&c3, links, third_width, bins, bin, &mut w.third_fired);

            // Output neuron: every third-layer spike counts once (padding
            // neurons have no input, but would fire if V₀ > V_th).
            let mut v = co.v0;
            let third_words = third_width / kernel::LAYER_BLOCK;
            let real = |b: usize| match third.saturating_sub(b * 64) {
                64.. => u64::MAX,
                r => (1u64 << r) - 1,
            };
            for fired in w.third_fired.chunks_exact(third_words) {
                let x: u32 = fired
                    .iter()
                    .enumerate()
                    .map(|(b, word)| (word & real(b)).count_ones())
                    .sum();
                response.third[n] += x;
                response.output[n] += co.step(&mut v, x as f32) as u32;
            }
        }
        response
    }

    /// Classifies test image number `index` (which fixes its random stream).
    pub fn classify(
        &self,
        image: &Image,
        index: u64,
        work: &mut Workspace,
    ) -> (Decision, Response) {
        let response = self.respond(image, &mut self.test_stream(index), work);
        (response.decide(self.params.tie_break), response)
    }
}

/// A 64-bit digest of a classifier's trained state (every channel weight
/// and link) and of its responses to `images`: equal digests mean the same
/// networks and the same predictions, bit for bit. The tests use it to check
/// that native code and wasm compute the same thing from the same seed.
pub fn fingerprint(classifier: &Classifier, images: &[Image]) -> u64 {
    // FNV-1a over bytes: simple and portable; it only has to tell runs
    // apart, not resist anyone.
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut add = |word: u32| {
        for byte in word.to_le_bytes() {
            hash = (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for network in classifier.networks() {
        network.channel.iter().for_each(|w| add(w.to_bits()));
        for targets in &network.links {
            add(targets.len() as u32);
            targets.iter().for_each(|&k| add(k as u32));
        }
    }
    let mut work = Workspace::default();
    for (k, image) in images.iter().enumerate() {
        let (decision, response) = classifier.classify(image, k as u64, &mut work);
        add(decision.digit as u32);
        for counts in [&response.output, &response.third, &response.second] {
            counts.iter().for_each(|&n| add(n));
        }
    }
    hash
}

/// [`fingerprint`] of a fixed case, compared across platforms: the default
/// parameters, seed 7, the first 5 curated digits of each class to train
/// on, and the last 5 of each class as inputs.
pub fn reference_fingerprint() -> u64 {
    let training =
        crate::data::curated::curated_shots(5).expect("the curated set has 40 per class");
    let all = crate::data::curated::curated();
    let inputs: Vec<Image> = (0..10u8)
        .flat_map(|d| all.of_class(d).skip(35).copied().collect::<Vec<_>>())
        .collect();
    let classifier =
        Classifier::train(&Params::default(), &training, 7).expect("the defaults are valid");
    fingerprint(&classifier, &inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(output: [u32; 3], third: [u32; 3]) -> Response {
        Response {
            output: output.to_vec(),
            third: third.to_vec(),
            second: vec![0; 3],
        }
    }

    #[test]
    fn the_most_active_output_wins() {
        let d = response([1, 5, 2], [9, 0, 0]).decide(TieBreak::Activity);
        assert_eq!((d.digit, d.tied, d.silent), (1, false, false));
    }

    #[test]
    fn ties_go_to_the_busier_third_layer_or_the_lower_digit() {
        let r = response([4, 4, 1], [3, 8, 9]);
        let d = r.decide(TieBreak::Activity);
        assert_eq!((d.digit, d.tied), (1, true));
        assert_eq!(r.decide(TieBreak::LowestDigit).digit, 0);
        let silent = response([0, 0, 0], [0, 0, 0]).decide(TieBreak::Activity);
        assert_eq!((silent.digit, silent.tied, silent.silent), (0, true, true));
    }
}
