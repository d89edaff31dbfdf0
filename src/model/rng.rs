//! The one source of randomness: a seeded, portable generator.
//!
//! Xoshiro256++ gives the same stream of 64-bit words on every platform for
//! a given seed. The conversions to probabilities and ranges below are ours,
//! written with integer arithmetic only, so that they cannot change with a
//! library release or differ between native code and wasm.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded random stream. Every random draw in the model comes from one.
#[derive(Debug, Clone)]
pub struct Stream(Xoshiro256PlusPlus);

impl Stream {
    /// A stream for `seed`.
    pub fn new(seed: u64) -> Self {
        Stream(Xoshiro256PlusPlus::seed_from_u64(seed))
    }

    /// An independent stream for a named part of the model, derived from
    /// a base seed, so that adding draws to one part never shifts another.
    pub fn derive(seed: u64, part: u64, index: u64) -> Self {
        // SplitMix64 finaliser over the three words: well mixed, portable.
        let mut z = seed
            ^ part.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Stream::new(z ^ (z >> 31))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform draw in [0, 1) with 24 bits of resolution.
    pub fn unit_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
    }

    /// A uniform integer in `0..n` (Lemire's multiply-shift; the bias for
    /// the small `n` used here is below 2^-32 and deterministic).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// A probability as a threshold on 32-bit words: an event of probability
/// `p` happens when a uniform `u32` is below `threshold(p)`.
pub fn threshold(p: f32) -> u64 {
    (p.clamp(0.0, 1.0) as f64 * 4_294_967_296.0) as u64
}

/// A probability as a threshold on 16-bit words (resolution 2^-16, far
/// finer than the 1/255 steps of a pixel): an event of probability `p`
/// happens when a uniform 16-bit value is below `threshold16(p)`.
pub fn threshold16(p: f32) -> u32 {
    (p.clamp(0.0, 1.0) * 65_536.0).round() as u32
}

/// Draws 32-bit words two at a time from one 64-bit word.
#[derive(Debug)]
pub struct Words<'a> {
    stream: &'a mut Stream,
    spare: Option<u32>,
}

impl<'a> Words<'a> {
    pub fn new(stream: &'a mut Stream) -> Self {
        Words {
            stream,
            spare: None,
        }
    }

    /// True with probability `threshold / 2^32`.
    #[inline]
    pub fn chance(&mut self, threshold: u64) -> bool {
        let word = match self.spare.take() {
            Some(w) => w,
            None => {
                let x = self.stream.next_u64();
                self.spare = Some((x >> 32) as u32);
                x as u32
            }
        };
        (word as u64) < threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_derived_streams_differ() {
        let a: Vec<u64> = (0..4).map(|_| Stream::new(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = Stream::derive(7, 1, 0);
        let mut y = Stream::derive(7, 1, 1);
        assert_ne!(x.next_u64(), y.next_u64());
    }

    #[test]
    fn chance_matches_its_probability() {
        let mut s = Stream::new(1);
        let mut words = Words::new(&mut s);
        let t = threshold(0.3);
        let hits = (0..200_000).filter(|_| words.chance(t)).count();
        let rate = hits as f64 / 200_000.0;
        assert!((rate - 0.3).abs() < 0.005, "{rate}");
        assert!(!Words::new(&mut Stream::new(2)).chance(threshold(0.0)));
    }

    #[test]
    fn below_and_unit_stay_in_range() {
        let mut s = Stream::new(3);
        for _ in 0..10_000 {
            assert!(s.below(7) < 7);
            let u = s.unit_f32();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
