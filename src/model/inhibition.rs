//! Feedback inhibition on the first layer (equation 3).
//!
//! ```text
//! P(t) = exp(−φ / ∁(t))                                        (3)
//! ```
//!
//! `P(t)` is the probability that a first-layer spike at time `t` is
//! suppressed, and ∁(t) the first layer's average activity: here the
//! fraction of its neurons that fire (see
//! [`crate::model::InhibitionSource`] for which bin). A smaller φ inhibits
//! more (the paper's Figure 5C); with no activity there is nothing to
//! inhibit. Each spike is suppressed independently, as the paper's "vector
//! of random 0s and 1s" with a frequency of 1s proportional to P(t).

use super::rng::threshold;

/// Equation 3: the probability of suppressing a spike when a fraction
/// `activity` (0 to 1) of the first layer fires.
pub fn probability(phi: f32, activity: f32) -> f32 {
    if activity <= 0.0 {
        0.0
    } else {
        libm::expf(-phi / activity)
    }
}

/// [`probability`] for every possible spike count of a layer of `neurons`,
/// as thresholds for [`crate::model::rng::Words::chance`].
pub fn thresholds(phi: f32, neurons: usize) -> Vec<u64> {
    (0..=neurons)
        .map(|count| threshold(probability(phi, count as f32 / neurons as f32)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values_of_figure_5c() {
        // P = exp(−φ/∁) at ∁ = 0.1 for the φ values of Figure 5.
        for (phi, expected) in [
            (0.1, 0.367_879_4),
            (0.5, 0.006_737_947),
            (0.9, 0.000_123_409_8),
        ] {
            let p = probability(phi, 0.1);
            assert!((p - expected).abs() < 1e-6, "φ = {phi}: {p}");
        }
        assert_eq!(probability(0.1, 0.0), 0.0);
        assert_eq!(probability(0.0, 0.2), 1.0);
    }

    #[test]
    fn lower_phi_inhibits_more_and_more_activity_is_inhibited_more() {
        for activity in [0.05, 0.1, 0.3] {
            assert!(probability(0.1, activity) > probability(0.5, activity));
        }
        assert!(probability(0.1, 0.3) > probability(0.1, 0.05));
        let t = thresholds(0.1, 224);
        assert_eq!(t.len(), 225);
        assert!(t.windows(2).all(|w| w[1] >= w[0]));
    }
}
