//! What several commands share: choosing training samples, scoring on all
//! cores with a progress bar.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::data::idx::{MnistSet, load_mnist};
use crate::data::{CLASSES, Digits, Image, curated};
use crate::evaluation::Evaluation;
use crate::model::network::{self, part};
use crate::model::rng::Stream;
use crate::model::{Classifier, FirstLayer, Params, Workspace};

pub type Error = Box<dyn std::error::Error>;

/// Where the training samples come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// The first N of each class of the curated set (embedded).
    Curated,
    /// N per class drawn at random from the training pool with the seed.
    Random,
}

/// The MNIST folder and the training samples, as `evaluate` and `bench`
/// take them.
#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// Folder with the MNIST files (train10k-* and t10k-*, gzip or raw).
    #[arg(long, default_value = "../shared/mnist")]
    pub mnist: PathBuf,
    /// Training samples per class.
    #[arg(long, default_value_t = 40)]
    pub shots: usize,
    /// Where the training samples come from.
    #[arg(long, value_enum, default_value = "curated")]
    pub selection: Selection,
}

/// The training samples for one run.
pub fn training_set(
    selection: Selection,
    shots: usize,
    pool: Option<&Digits>,
    seed: u64,
) -> Result<Digits, Error> {
    if shots == 0 {
        return Err("--shots must be at least 1".into());
    }
    match selection {
        Selection::Curated => Ok(curated::curated_shots(shots)?),
        Selection::Random => {
            let pool = pool.ok_or("random selection needs the training pool (--mnist DIR)")?;
            let mut picked = Vec::with_capacity(shots * CLASSES);
            for digit in 0..CLASSES as u8 {
                let mut members: Vec<usize> = (0..pool.len())
                    .filter(|&i| pool.labels[i] == digit)
                    .collect();
                if members.len() < shots {
                    return Err(format!(
                        "--shots {shots} is more than the pool holds for digit {digit} \
                         ({} images); use at most {}",
                        members.len(),
                        pool.class_counts().iter().min().copied().unwrap_or(0)
                    )
                    .into());
                }
                Stream::derive(seed, part::SELECTION, digit as u64).shuffle(&mut members);
                picked.extend_from_slice(&members[..shots]);
            }
            Ok(pool.subset(&picked)?)
        }
    }
}

/// Trains the ten networks on all cores, one network per task. Each
/// network depends only on the seed and its digit, so the result is the
/// same as [`Classifier::train`]'s, whatever the number of threads.
pub fn train(
    params: &Params,
    training: &Digits,
    seed: u64,
    bar: &ProgressBar,
) -> Result<Classifier, Error> {
    params.validate()?;
    let layer = FirstLayer::new(params);
    let networks = (0..CLASSES as u8)
        .into_par_iter()
        .map(|digit| {
            let samples: Vec<&Image> = training.of_class(digit).collect();
            if samples.is_empty() {
                return Err(format!("there are no training samples of digit {digit}"));
            }
            let network = network::train(params, &layer, digit, &samples, seed);
            bar.inc(1);
            Ok(network)
        })
        .collect::<Result<Vec<_>, _>>()?;
    bar.finish_and_clear();
    Ok(Classifier::from_networks(params, seed, networks))
}

/// Loads one of the MNIST sets from `dir`.
pub fn load(dir: &Path, set: MnistSet) -> Result<Digits, Error> {
    Ok(load_mnist(dir, set)?)
}

/// A progress bar on stderr for `len` steps; hidden when `quiet`.
pub fn progress(len: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta} left)")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// Scores `classifier` on `digits` on all cores. Image `k` always uses the
/// random stream of index `k`, so the result does not depend on threads.
pub fn score(classifier: &Classifier, digits: &Digits, bar: &ProgressBar) -> Evaluation {
    const CHUNK: usize = 50;
    let chunks: Vec<usize> = (0..digits.len()).step_by(CHUNK).collect();
    let result = chunks
        .par_iter()
        .map_init(Workspace::default, |work, &start| {
            let mut e = Evaluation::default();
            let end = (start + CHUNK).min(digits.len());
            for k in start..end {
                let (decision, response) = classifier.classify(&digits.images[k], k as u64, work);
                e.record(digits.labels[k], &decision);
                e.record_spikes(work.raster.total(), &response);
            }
            bar.inc((end - start) as u64);
            e
        })
        .reduce(Evaluation::default, |a, b| a.merge(&b));
    bar.finish_and_clear();
    result
}
