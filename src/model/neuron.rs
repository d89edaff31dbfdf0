//! The integrate-and-fire neuron of the paper's equation 1.
//!
//! ```text
//! dV/dt = (E_L − V(t) + I_syn(t)) / τ              (1)
//! if V(t) > V_th: spike, and V(t) ← V_reset
//! I_syn(t) = Σ_f δ(t − t_f)                          (2)
//! ```
//!
//! Integrated with forward Euler over time bins of `dt` seconds:
//!
//! ```text
//! V ← V + (dt / τ) · (E_L − V + g · x(t))
//! ```
//!
//! where `x(t)` is the layer's input in the bin (a count of presynaptic
//! spikes, weighted by synaptic weights after the first layer) and `g` the
//! layer's gain in volts per unit of input.
//!
//! The gain is not in the paper. Equation 2 makes `I_syn` a sum of spikes
//! with no unit, and Table 1 gives voltages of tens of millivolts, so a
//! literal reading (`g` = 1 V per spike, `dt` = `τ` = 0.01 s as the paper
//! states) drives every neuron that receives any spike at all from rest
//! (−65 mV) to about +0.94 V, far above threshold: every neuron fires
//! whenever it has input, and the network cannot tell digits apart. A gain
//! per layer, in volts per spike, is the smallest change that gives the
//! neurons a working range; [`crate::model::Params`] documents the values.

use serde::{Deserialize, Serialize};

/// The neuron constants of the paper's Table 1 (volts and seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NeuronParams {
    /// Membrane time constant τ, in seconds. Table 1: 0.01.
    pub tau: f32,
    /// Euler time step dt, in seconds: one time bin. The paper states 0.01,
    /// but its spike trains have 1 ms bins; see [`crate::model::Params`].
    pub dt: f32,
    /// Resting potential E_L, in volts. Table 1: −0.065.
    pub e_l: f32,
    /// Reset potential V_reset after a spike, in volts. Table 1: −0.065.
    pub v_reset: f32,
    /// Firing threshold V_th, in volts. Table 1: −0.01.
    pub v_th: f32,
    /// Initial membrane potential V₀, in volts. Table 1: −0.03.
    pub v0: f32,
}

impl NeuronParams {
    /// Table 1 with the paper's stated time step (0.01 s).
    pub const TABLE_1: NeuronParams = NeuronParams {
        tau: 0.01,
        dt: 0.01,
        e_l: -0.065,
        v_reset: -0.065,
        v_th: -0.01,
        v0: -0.03,
    };

    /// The Euler factor dt / τ.
    pub fn leak(&self) -> f32 {
        self.dt / self.tau
    }
}

/// The constants one layer needs in its inner loop, precomputed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerConstants {
    /// dt / τ.
    pub leak: f32,
    /// (dt / τ) · g: volts added per unit of input in one bin.
    pub drive: f32,
    pub e_l: f32,
    pub v_reset: f32,
    pub v_th: f32,
    pub v0: f32,
}

impl LayerConstants {
    /// A layer of `neuron`s with gain `gain` (volts per unit input) and
    /// threshold `v_th` (volts).
    pub fn new(neuron: &NeuronParams, gain: f32, v_th: f32) -> Self {
        LayerConstants {
            leak: neuron.leak(),
            drive: neuron.leak() * gain,
            e_l: neuron.e_l,
            v_reset: neuron.v_reset,
            v_th,
            v0: neuron.v0,
        }
    }

    /// Advances one neuron by one bin with input `x`; true if it fires.
    #[inline(always)]
    pub fn step(&self, v: &mut f32, x: f32) -> bool {
        // Integrate.
        *v += self.leak * (self.e_l - *v) + self.drive * x;
        // Fire and reset.
        if *v > self.v_th {
            *v = self.v_reset;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calibrated() -> NeuronParams {
        NeuronParams {
            dt: 0.001,
            ..NeuronParams::TABLE_1
        }
    }

    #[test]
    fn without_input_the_potential_decays_to_rest() {
        let c = LayerConstants::new(&calibrated(), 0.02, -0.01);
        let mut v = c.v0;
        for _ in 0..200 {
            assert!(!c.step(&mut v, 0.0));
        }
        // After 200 bins of 1 ms with τ = 10 ms: V₀ − E_L shrinks by 0.9^200.
        let expected = -0.065 + 0.035 * 0.9f32.powi(200);
        assert!((v - expected).abs() < 1e-6, "{v}");
    }

    #[test]
    fn golden_trajectory_under_constant_input() {
        // g = 0.02 V per spike, 4 spikes per bin: the potential approaches
        // E_L + 0.08 = 0.015 V and crosses −0.01 V. Closed form of the Euler
        // recursion from V₀: V_n = V∞ + (V₀ − V∞) · 0.9^n.
        let c = LayerConstants::new(&calibrated(), 0.02, -0.01);
        let v_inf = -0.065 + 0.02 * 4.0;
        let mut v = c.v0;
        let mut spikes = Vec::new();
        for n in 1..=40 {
            if c.step(&mut v, 4.0) {
                spikes.push(n);
            }
        }
        // First crossing: smallest n with V∞ + (V₀ − V∞) 0.9^n > −0.01.
        let first = (1..)
            .find(|&n| v_inf + (-0.03 - v_inf) * 0.9f32.powi(n) > -0.01)
            .unwrap();
        assert_eq!(spikes[0], first as usize);
        // From reset, the next crossing takes longer than from V₀.
        let from_reset = (1..)
            .find(|&n| v_inf + (-0.065 - v_inf) * 0.9f32.powi(n) > -0.01)
            .unwrap() as usize;
        assert_eq!(spikes[1] - spikes[0], from_reset);
        assert!(spikes.windows(2).all(|w| w[1] - w[0] == from_reset));
    }

    #[test]
    fn the_literal_reading_fires_on_any_input() {
        // dt = τ: V jumps to E_L + g·x in one bin; g = 1 V per spike.
        let c = LayerConstants::new(&NeuronParams::TABLE_1, 1.0, -0.01);
        let mut v = c.v0;
        assert!(c.step(&mut v, 1.0));
        assert!(!c.step(&mut v, 0.0));
    }
}
