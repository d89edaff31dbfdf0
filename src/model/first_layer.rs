//! Preprocessing, spike encoding and the first layer, under feedback
//! inhibition: from an image to the first layer's spike raster.
//!
//! 1. **Preprocess.** Each pixel's intensity is `min(pixel / 255, clip)`,
//!    with `clip` = 0.4 as in the paper ("pixels get the values between 0
//!    and 0.4").
//! 2. **Encode.** In every 1 ms bin each pixel spikes with probability equal
//!    to its value (a Bernoulli trial per pixel per bin). Silent pixels
//!    (value 0) are skipped: they can never spike.
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
use super::kernel;
use super::neuron::LayerConstants;
use super::params::{InhibitionSource, Params};
use super::rng::{Stream, Words, threshold};

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
    /// Non-silent pixels' spike thresholds.
    thresholds: Vec<u64>,
    /// Whether each non-silent pixel spiked in the current bin (0 or 1).
    spiked: Vec<f32>,
    /// For each neuron, the non-silent pixels of its segment (positions in
    /// `thresholds`), in CSR layout over `segment_start`.
    segment_pixels: Vec<u16>,
    segment_start: Vec<u32>,
    input: Vec<f32>,
    potential: Vec<f32>,
    mask: Vec<u8>,
    fired: Vec<u16>,
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
    pub fn run(
        &self,
        image: &Image,
        stream: &mut Stream,
        scratch: &mut Scratch,
        raster: &mut Raster,
    ) {
        let neurons = self.geometry.neurons();
        let c = &self.constants;
        raster.clear(neurons);

        // The image's non-silent pixels, and each segment's share of them.
        let mut slot = [u16::MAX; PIXELS];
        scratch.thresholds.clear();
        for (p, &value) in image.iter().enumerate().take(PIXELS) {
            if value > 0 {
                slot[p] = scratch.thresholds.len() as u16;
                scratch.thresholds.push(threshold(self.probability(value)));
            }
        }
        scratch.segment_pixels.clear();
        scratch.segment_start.clear();
        scratch.segment_start.push(0);
        for n in 0..neurons {
            let lit = self.geometry.segment(n).iter().map(|&p| slot[p as usize]);
            scratch
                .segment_pixels
                .extend(lit.filter(|&s| s != u16::MAX));
            scratch
                .segment_start
                .push(scratch.segment_pixels.len() as u32);
        }
        scratch.spiked.clear();
        scratch.spiked.resize(scratch.thresholds.len() + 1, 0.0);
        scratch.input.clear();
        scratch.input.resize(neurons, 0.0);
        scratch.potential.clear();
        scratch.potential.resize(neurons, c.v0);
        let mut previous = 0usize;

        for _ in 0..self.bins {
            // Encode: one Bernoulli trial per non-silent pixel; one 64-bit
            // draw serves two pixels. Branch-free: the outcomes are random.
            for (pair, out) in scratch
                .thresholds
                .chunks(2)
                .zip(scratch.spiked.chunks_mut(2))
            {
                let word = stream.next_u64();
                out[0] = ((word & 0xFFFF_FFFF) < pair[0]) as u32 as f32;
                if let (Some(&t), Some(o)) = (pair.get(1), out.get_mut(1)) {
                    *o = ((word >> 32) < t) as u32 as f32;
                }
            }

            // Sum: each neuron counts the spikes on its segment.
            for (x, range) in scratch
                .input
                .iter_mut()
                .zip(scratch.segment_start.windows(2))
            {
                let pixels = &scratch.segment_pixels[range[0] as usize..range[1] as usize];
                *x = pixels.iter().map(|&a| scratch.spiked[a as usize]).sum();
            }

            // Integrate and fire.
            scratch.fired.clear();
            kernel::integrate(
                c,
                &mut scratch.potential,
                &scratch.input,
                &mut scratch.mask,
                &mut scratch.fired,
            );

            // Inhibit: suppress each spike with probability P(t).
            let before = raster.spikes.len();
            match &self.inhibition {
                None => raster.spikes.extend(scratch.fired.iter().map(|&n| n as u8)),
                Some(table) => {
                    let count = match self.source {
                        InhibitionSource::SameBin => scratch.fired.len(),
                        InhibitionSource::PreviousBin => previous,
                    };
                    let suppress = table[count];
                    let mut words = Words::new(stream);
                    for &n in &scratch.fired {
                        if !words.chance(suppress) {
                            raster.spikes.push(n as u8);
                        }
                    }
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
