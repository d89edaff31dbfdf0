//! Scoring a classifier on labelled digits: accuracy, per-class accuracy,
//! the confusion matrix, and how often the decision was a tie.
//!
//! Accuracy per class is the paper's: correctly assigned images of a class
//! over all images of that class in the test data.

use serde::{Deserialize, Serialize};

use crate::data::CLASSES;
use crate::model::{Decision, Response};

/// Counts gathered over a set of labelled digits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// `confusion[label][predicted]`.
    pub confusion: [[u32; CLASSES]; CLASSES],
    /// Images whose highest output count was shared by several networks.
    pub ties: u32,
    /// Images for which no output neuron fired.
    pub silent: u32,
    /// Spikes summed over images (and over the ten networks for the second
    /// layer on): first layer, second, third, output.
    pub spikes: [u64; 4],
}

impl Evaluation {
    /// Adds one image's outcome.
    pub fn record(&mut self, label: u8, decision: &Decision) {
        self.confusion[label as usize][decision.digit as usize] += 1;
        self.ties += decision.tied as u32;
        self.silent += decision.silent as u32;
    }

    /// Adds one image's spike counts to [`Evaluation::spikes`].
    pub fn record_spikes(&mut self, first: usize, response: &Response) {
        self.spikes[0] += first as u64;
        for (total, layer) in
            self.spikes[1..]
                .iter_mut()
                .zip([&response.second, &response.third, &response.output])
        {
            *total += layer.iter().map(|&n| n as u64).sum::<u64>();
        }
    }

    /// Mean spikes per image and network in each layer (the first layer is
    /// shared, so its figure is per image).
    pub fn mean_spikes(&self) -> [f64; 4] {
        let n = self.total().max(1) as f64;
        [
            self.spikes[0] as f64 / n,
            self.spikes[1] as f64 / n / 10.0,
            self.spikes[2] as f64 / n / 10.0,
            self.spikes[3] as f64 / n / 10.0,
        ]
    }

    /// Adds a prediction that has no tie or silence (a baseline's).
    pub fn record_plain(&mut self, label: u8, predicted: u8) {
        self.confusion[label as usize][predicted as usize] += 1;
    }

    /// Combines counts gathered on disjoint parts of a set.
    pub fn merge(mut self, other: &Evaluation) -> Evaluation {
        for (row, other_row) in self.confusion.iter_mut().zip(&other.confusion) {
            for (a, b) in row.iter_mut().zip(other_row) {
                *a += b;
            }
        }
        self.ties += other.ties;
        self.silent += other.silent;
        for (a, b) in self.spikes.iter_mut().zip(other.spikes) {
            *a += b;
        }
        self
    }

    /// Images scored.
    pub fn total(&self) -> u32 {
        self.confusion.iter().flatten().sum()
    }

    /// Images assigned their own class.
    pub fn correct(&self) -> u32 {
        (0..CLASSES).map(|d| self.confusion[d][d]).sum()
    }

    /// Fraction correct (0 when nothing was scored).
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct(), self.total())
    }

    /// Fraction of each class assigned to it.
    pub fn per_class(&self) -> [f64; CLASSES] {
        std::array::from_fn(|d| ratio(self.confusion[d][d], self.confusion[d].iter().sum()))
    }

    /// Fraction of images decided by a tie.
    pub fn tie_rate(&self) -> f64 {
        ratio(self.ties, self.total())
    }

    /// Fraction of images with no output spike at all.
    pub fn silent_rate(&self) -> f64 {
        ratio(self.silent, self.total())
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Mean and sample standard deviation.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up() {
        let mut e = Evaluation::default();
        let d = |digit, tied| Decision {
            digit,
            tied,
            silent: false,
        };
        e.record(3, &d(3, false));
        e.record(3, &d(5, true));
        e.record(1, &d(1, false));
        assert_eq!(e.total(), 3);
        assert!((e.accuracy() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(e.per_class()[3], 0.5);
        assert_eq!(e.per_class()[0], 0.0);
        assert_eq!(e.ties, 1);
        let both = e.clone().merge(&e);
        assert_eq!(both.total(), 6);
        assert_eq!(both.confusion[3][5], 2);
    }

    #[test]
    fn mean_and_spread() {
        let (m, s) = mean_std(&[0.7, 0.8, 0.9]);
        assert!((m - 0.8).abs() < 1e-12);
        assert!((s - 0.1).abs() < 1e-12);
        assert_eq!(mean_std(&[0.5]), (0.5, 0.0));
    }
}
