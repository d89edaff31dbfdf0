//! Preprocessing, spike encoding and the first layer, under feedback
//! inhibition: from an image to the first layer's spike raster.
//!
//! 1. **Preprocess.** Each pixel's intensity is `min(pixel / 255, clip)`,
//!    with `clip` = 0.4 as in the paper ("pixels get the values between 0
//!    and 0.4").
//! 2. **Encode.** In every 1 ms bin each pixel spikes with probability equal
//!    to its value (a Bernoulli trial per pixel per bin, the probability
//!    rounded to a multiple of 2^-16). Silent pixels (value 0) are skipped:
//!    they can never spike.
//! 3. **Sum.** A first-layer neuron's input in a bin is how many pixels of
//!    its segment ([`super::geometry`]) spiked.
//! 4. **Integrate and fire** (equation 1, [`super::neuron`]).
//! 5. **Inhibit** (equation 3, [`super::inhibition`]): each spike is then
//!    suppressed with probability P(t).
//!
//! The result is a [`Raster`]. The first layer has no learned weights, so
//! the ten networks can share one raster per test image: they see exactly
//! the same spikes, and the encoding is done once instead of ten times.

use crate::data::{Image, PIXELS};

use super::geometry::Geometry;
use super::inhibition;
use super::kernel::{self, LANES};
use super::neuron::LayerConstants;
use super::params::{InhibitionSource, Params};
use super::rng::{Stream, Words, threshold16};

/// The spikes of a layer over time: for each bin, the neurons that fired.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Raster {
    neurons: usize,
    spikes: Vec<u8>,
    /// `spikes[start[t]..start[t + 1]]` fired in bin `t`.
    start: Vec<u32>,
}

impl Raster {
    /// The number of neurons in the layer.
    pub fn neurons(&self) -> usize {
        self.neurons
    }

    /// The number of bins recorded.
    pub fn bins(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// The neurons that fired in bin `t`.
    #[inline]
    pub fn bin(&self, t: usize) -> &[u8] {
        &self.spikes[self.start[t] as usize..self.start[t + 1] as usize]
    }

    /// All spikes.
    pub fn total(&self) -> usize {
        self.spikes.len()
    }

    /// Each neuron's spike count over bins `from..to`.
    pub fn counts(&self, from: usize, to: usize) -> Vec<u32> {
        let mut counts = vec![0; self.neurons];
        for t in from..to {
            for &n in self.bin(t) {
                counts[n as usize] += 1;
            }
        }
        counts
    }

    fn clear(&mut self, neurons: usize) {
        self.neurons = neurons;
        self.spikes.clear();
        self.start.clear();
        self.start.push(0);
    }
}

/// The first layer: geometry, neuron constants and inhibition, ready to run.
#[derive(Debug, Clone)]
pub struct FirstLayer {
    geometry: Geometry,
    constants: LayerConstants,
    clip: f32,
    bins: usize,
    /// Suppression thresholds by spike count; `None` without inhibition.
    inhibition: Option<Vec<u64>>,
    source: InhibitionSource,
}

/// Scratch buffers reused between images.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Non-silent pixels' spike thresholds on a 16-bit scale.
    thresholds: Vec<u32>,
    /// `trials[a * bins + t]`: whether non-silent pixel `a` spiked in bin `t`.
    trials: Vec<u8>,
    /// `counts[n * bins + t]`: neuron `n`'s input in bin `t`.
    counts: Vec<u8>,
    /// One group of neurons' inputs, bin by bin: `lanes[t * LANES + k]` is
    /// neuron `k`'s input in bin `t`.
    lanes: Vec<u8>,
    /// Bit `n % 8` of `fired[t * lanes / 8 + n / 8]`: whether neuron `n`
    /// fired in bin `t`.
    fired: Vec<u8>,
}

impl FirstLayer {
    pub fn new(params: &Params) -> Self {
        let geometry = Geometry::new(params.regions, params.triangle_lines);
        let neurons = geometry.neurons();
        FirstLayer {
            constants: LayerConstants::new(&params.neuron, params.gains.first, params.neuron.v_th),
            clip: params.clip,
            bins: params.bins,
            inhibition: params.phi.map(|phi| inhibition::thresholds(phi, neurons)),
            source: params.inhibition_source,
            geometry,
        }
    }

    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// Step 1: a pixel's spike probability per bin.
    pub fn probability(&self, pixel: u8) -> f32 {
        (pixel as f32 / 255.0).min(self.clip)
    }

    /// Runs the first layer on `image` for all bins, drawing every random
    /// number from `stream`, and writes its spikes into `raster`.
    ///
    /// The steps run one after the other over all bins rather than bin by
    /// bin: a neuron's integration depends only on its own input, and
    /// inhibition only removes spikes after the fact (a suppressed neuron
    /// has still fired and reset), so the result is the same as stepping
    /// through time, and each step becomes a long run of vector operations.
    pub fn run(
        &self,
        image: &Image,
        stream: &mut Stream,
        scratch: &mut Scratch,
        raster: &mut Raster,
    ) {
        let neurons = self.geometry.neurons();
        let lanes = neurons.next_multiple_of(LANES);
        let bins = self.bins;
        raster.clear(neurons);

        // Encode: for each non-silent pixel, a Bernoulli trial per bin, on
        // 16 bits of a random word, so one draw serves four bins.
        let mut slot = [u16::MAX; PIXELS];
        scratch.thresholds.clear();
        for (p, &value) in image.iter().enumerate().take(PIXELS) {
            if value > 0 {
                slot[p] = scratch.thresholds.len() as u16;
                scratch
                    .thresholds
                    .push(threshold16(self.probability(value)));
            }
        }
        scratch.trials.clear();
        scratch.trials.resize(scratch.thresholds.len() * bins, 0);
        for (&t, row) in scratch
            .thresholds
            .iter()
            .zip(scratch.trials.chunks_exact_mut(bins))
        {
            for four in row.chunks_mut(4) {
                let word = stream.next_u64();
                for (k, trial) in four.iter_mut().enumerate() {
                    *trial = (((word >> (16 * k)) as u16 as u32) < t) as u8;
                }
            }
        }

        // Sum: a neuron's input is the number of its segment's pixels that
        // spiked (at most 28, so bytes suffice).
        scratch.counts.clear();
        scratch.counts.resize(lanes * bins, 0);
        for (n, counts) in scratch
            .counts
            .chunks_exact_mut(bins)
            .take(neurons)
            .enumerate()
        {
            for &p in self.geometry.segment(n) {
                let a = slot[p as usize];
                if a != u16::MAX {
                    let trials = &scratch.trials[a as usize * bins..][..bins];
                    for (c, &s) in counts.iter_mut().zip(trials) {
                        *c += s;
                    }
                }
            }
        }

        // Integrate and fire, LANES neurons at a time (padding neurons have
        // no input and never fire): lay the group's inputs out bin by bin,
        // then step the group as a few vectors; the fired neurons come
        // back as bits.
        let stride = lanes / 8;
        scratch.fired.clear();
        scratch.fired.resize(bins * stride, 0);
        scratch.lanes.resize(bins * LANES, 0);
        let whole = bins - bins % 8;
        for group in (0..lanes).step_by(LANES) {
            let counts = &scratch.counts[group * bins..][..LANES * bins];
            let row = |k: usize| &counts[k * bins..][..bins];
            // Transpose the group's counts, eight neurons by eight bins at
            // a time, from one row of bins per neuron to one row of
            // neurons per bin.
            for eight in (0..LANES).step_by(8) {
                for t in (0..whole).step_by(8) {
                    let mut words: [u64; 8] = std::array::from_fn(|k| {
                        u64::from_le_bytes(row(eight + k)[t..t + 8].try_into().expect("8 bins"))
                    });
                    kernel::transpose_bytes(&mut words);
                    for (j, word) in words.iter().enumerate() {
                        scratch.lanes[(t + j) * LANES + eight..][..8]
                            .copy_from_slice(&word.to_le_bytes());
                    }
                }
            }
            for t in whole..bins {
                for k in 0..LANES {
                    scratch.lanes[t * LANES + k] = row(k)[t];
                }
            }
            kernel::integrate_lanes(
                &self.constants,
                &scratch.lanes,
                &mut scratch.fired,
                stride,
                group / 8,
            );
        }

        // Inhibit: in each bin, suppress each spike with probability P(t).
        let mut words = Words::new(stream);
        let mut previous = 0usize;
        let mut spikes = Vec::with_capacity(lanes);
        for fired in scratch.fired.chunks_exact(stride) {
            spikes.clear();
            kernel::scan(fired, &mut spikes);
            let before = raster.spikes.len();
            match &self.inhibition {
                None => raster.spikes.extend(spikes.iter().map(|&n| n as u8)),
                Some(table) => {
                    let count = match self.source {
                        InhibitionSource::SameBin => spikes.len(),
                        InhibitionSource::PreviousBin => previous,
                    };
                    let suppress = table[count];
                    // Branch-free: write every spike, keep it by advancing.
                    raster.spikes.resize(before + spikes.len(), 0);
                    let mut kept = before;
                    for &n in &spikes {
                        raster.spikes[kept] = n as u8;
                        kept += !words.chance(suppress) as usize;
                    }
                    raster.spikes.truncate(kept);
                }
            }
            previous = raster.spikes.len() - before;
            raster.start.push(raster.spikes.len() as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar() -> Image {
        // A vertical bar, columns 12–15, rows 4–23, full ink.
        let mut image = [0u8; PIXELS];
        for r in 4..24 {
            for c in 12..16 {
                image[r * 28 + c] = 255;
            }
        }
        image
    }

    fn run(params: &Params, image: &Image, seed: u64) -> Raster {
        let layer = FirstLayer::new(params);
        let mut raster = Raster::default();
        layer.run(
            image,
            &mut Stream::new(seed),
            &mut Scratch::default(),
            &mut raster,
        );
        raster
    }

    #[test]
    fn a_blank_image_is_silent_and_a_bar_drives_its_columns() {
        let params = Params::default();
        assert_eq!(run(&params, &[0; PIXELS], 1).total(), 0);

        let raster = run(&params, &bar(), 1);
        assert_eq!(raster.bins(), 1000);
        let counts = raster.counts(0, 1000);
        // Region I's columns 12–15 see 10 ink pixels each; column 0 none.
        assert!(counts[12] > 50, "{counts:?}");
        assert_eq!(counts[0], 0);
        // Region III's row 2 is above the bar.
        assert_eq!(counts[2 * 28 + 2], 0);
    }

    #[test]
    fn same_seed_same_raster_and_inhibition_removes_spikes() {
        let params = Params::default();
        assert_eq!(run(&params, &bar(), 9), run(&params, &bar(), 9));
        assert_ne!(run(&params, &bar(), 9), run(&params, &bar(), 10));

        let free = Params {
            phi: None,
            ..Params::default()
        };
        let strong = Params {
            phi: Some(0.01),
            ..Params::default()
        };
        let (n_free, n_default, n_strong) = (
            run(&free, &bar(), 3).total(),
            run(&params, &bar(), 3).total(),
            run(&strong, &bar(), 3).total(),
        );
        assert!(
            n_free > n_default && n_default > n_strong,
            "{n_free} {n_default} {n_strong}"
        );
    }

    #[test]
    fn pixels_spike_at_their_clipped_probability() {
        let layer = FirstLayer::new(&Params::default());
        assert_eq!(layer.probability(0), 0.0);
        assert!((layer.probability(51) - 0.2).abs() < 1e-6);
        assert_eq!(layer.probability(255), 0.4);
    }
}
