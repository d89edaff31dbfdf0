//! The learning rule (equations 4–5) and synaptic pruning.
//!
//! ```text
//! Δ(i,j) = f_i − f_j                                            (4)
//! f_i > f_j:  Δw(i,j) = α · (1 − e^(−Δ)) / (1 + e^(−Δ)),  α ∈ [0, 1]
//! f_i < f_j:  Δw(i,j) = β · (1 − e^(−Δ)) / (1 + e^(−Δ)),  β ∈ [0, 2]   (5)
//! ```
//!
//! `f_i` is the firing rate of first-layer neuron `i` and `f_j` that of
//! second-layer neuron `j`, here in spikes per bin (0 to 1) over one time
//! window. The fraction is tanh(Δ/2): a synapse from a neuron firing faster
//! than its target is strengthened by up to α·0.46, one from a slower neuron
//! weakened by up to β·0.46, and one between equal rates is left alone.
//!
//! After training, "a threshold µ is used to set synaptic weights lower than
//! µ to 0": what survives is the class's *information channel*.

/// Equation 5: the weight change for a rate difference `delta` = f_i − f_j.
#[inline]
pub fn weight_change(delta: f32, alpha: f32, beta: f32) -> f32 {
    let e = libm::expf(-delta);
    let shape = (1.0 - e) / (1.0 + e);
    if delta > 0.0 {
        alpha * shape
    } else if delta < 0.0 {
        beta * shape
    } else {
        0.0
    }
}

/// Applies equations 4–5 to a first-to-second-layer weight matrix (row `i`
/// holds the weights from first-layer neuron `i`), given the two layers'
/// rates in one window.
pub fn update(weights: &mut [f32], pre: &[f32], post: &[f32], alpha: f32, beta: f32) {
    debug_assert_eq!(weights.len(), pre.len() * post.len());
    for (row, &f_i) in weights.chunks_exact_mut(post.len()).zip(pre) {
        for (w, &f_j) in row.iter_mut().zip(post) {
            *w += weight_change(f_i - f_j, alpha, beta);
        }
    }
}

/// Synaptic pruning: every weight below `mu` becomes 0. Returns how many
/// synapses survive.
pub fn prune(weights: &mut [f32], mu: f32) -> usize {
    let mut kept = 0;
    for w in weights {
        if *w < mu {
            *w = 0.0;
        } else {
            kept += 1;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_follows_figure_7c() {
        // Golden values of α·tanh(Δ/2) and β·tanh(Δ/2), α = 0.2, β = 0.6.
        let cases = [
            (0.5, 0.2 * 0.244_918_66),
            (1.0, 0.2 * 0.462_117_16),
            (0.1, 0.2 * 0.049_958_4),
            (-0.5, -0.6 * 0.244_918_66),
            (-1.0, -0.6 * 0.462_117_16),
            (0.0, 0.0),
        ];
        for (delta, expected) in cases {
            let got = weight_change(delta, 0.2, 0.6);
            assert!((got - expected).abs() < 1e-6, "Δ = {delta}: {got}");
        }
        // Monotone and odd in shape: larger differences, larger changes.
        let curve: Vec<f32> = (-20..=20)
            .map(|k| weight_change(k as f32 / 20.0, 0.2, 0.2))
            .collect();
        assert!(curve.windows(2).all(|w| w[1] > w[0]));
        for k in 0..20 {
            assert!((curve[k] + curve[40 - k]).abs() < 1e-7);
        }
    }

    #[test]
    fn update_strengthens_from_faster_and_weakens_from_slower() {
        let mut w = vec![0.5; 4];
        update(&mut w, &[0.3, 0.0], &[0.1, 0.3], 0.2, 0.6);
        assert!(w[0] > 0.5); // 0.3 > 0.1
        assert_eq!(w[1], 0.5); // 0.3 = 0.3
        assert!(w[2] < 0.5); // 0.0 < 0.1
        assert!(w[3] < w[2]); // 0.0 < 0.3, larger gap
    }

    #[test]
    fn pruning_zeroes_weights_below_mu() {
        let mut w = vec![0.1, 0.79, 0.8, 1.3, -0.2];
        assert_eq!(prune(&mut w, 0.8), 2);
        assert_eq!(w, vec![0.0, 0.0, 0.8, 1.3, 0.0]);
    }
}
