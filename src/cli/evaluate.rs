//! `snn evaluate`: train on a few shots per class, score on the full MNIST
//! test set, and print the result beside two plain baselines trained on the
//! same samples.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;

use super::common::{
    Error, SampleArgs, Selection, load, progress, score, train as train_networks, training_set,
};
use super::model_args::ModelArgs;
use crate::baselines::{Classifier as _, NearestCentroid, NearestNeighbour};
use crate::data::idx::MnistSet;
use crate::data::{CLASSES, Digits, curated, pack};
use crate::evaluation::{Evaluation, mean_std};
use crate::model::Params;

/// What the trained networks are scored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Against {
    /// The official MNIST test set (10,000 images): the judge.
    Test,
    /// The validation digits in www/data/validation.digits (from the pool).
    Validation,
    /// The training pool less the curated set and the training samples:
    /// for calibration, never the test set.
    Pool,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub samples: SampleArgs,
    /// Seed of the first run; run k uses seed + k.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Runs with consecutive seeds, for a mean and spread.
    #[arg(long, default_value_t = 1)]
    pub repeats: usize,
    /// What to score on.
    #[arg(long, value_enum, default_value = "test")]
    pub against: Against,
    /// Score only the first N images of that set (quick checks).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Serialize)]
struct Run {
    seed: u64,
    accuracy: f64,
    per_class: [f64; CLASSES],
    confusion: [[u32; CLASSES]; CLASSES],
    tie_rate: f64,
    silent_rate: f64,
    synapses_per_network: Vec<usize>,
    train_seconds: f64,
    test_seconds: f64,
    nearest_centroid: f64,
    one_nn: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    params: Params,
    shots: usize,
    selection: Selection,
    against: Against,
    images: usize,
    runs: Vec<Run>,
    mean_accuracy: f64,
    std_accuracy: f64,
    mean_nearest_centroid: f64,
    mean_one_nn: f64,
}

fn set_to_score(
    args: &EvaluateArgs,
    pool: Option<&Digits>,
    train: &Digits,
) -> Result<Digits, Error> {
    let mut digits = match args.against {
        Against::Test => load(&args.samples.mnist, MnistSet::Test)?,
        Against::Validation => {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(crate::data::VALIDATION_FILE);
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            pack::decode(&bytes)?
        }
        Against::Pool => {
            let pool = pool.ok_or("--against pool needs the training pool")?;
            let used: HashSet<u32> = curated::curated()
                .pool_indices
                .iter()
                .chain(&train.pool_indices)
                .copied()
                .collect();
            let keep: Vec<usize> = (0..pool.len())
                .filter(|&i| !used.contains(&pool.pool_indices[i]))
                .collect();
            pool.subset(&keep)?
        }
    };
    if let Some(limit) = args.limit {
        let keep: Vec<usize> = (0..limit.min(digits.len())).collect();
        digits = digits.subset(&keep)?;
    }
    Ok(digits)
}

fn baselines(train: &Digits, digits: &Digits) -> Result<(f64, f64), Error> {
    let centroid = NearestCentroid::fit(train)?;
    let nn = NearestNeighbour::fit(train)?;
    let (c, n) = (0..digits.len())
        .into_par_iter()
        .map(|k| {
            let label = digits.labels[k];
            let image = &digits.images[k];
            (
                (centroid.predict(image) == label) as u32,
                (nn.predict(image) == label) as u32,
            )
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let total = digits.len().max(1) as f64;
    Ok((c as f64 / total, n as f64 / total))
}

pub fn run(args: &EvaluateArgs) -> Result<(), Error> {
    let params = args.model.params()?;
    if args.repeats == 0 {
        return Err("--repeats must be at least 1".into());
    }
    let needs_pool = args.samples.selection == Selection::Random || args.against == Against::Pool;
    let pool = if needs_pool {
        Some(load(&args.samples.mnist, MnistSet::TrainPool)?)
    } else {
        None
    };

    let mut runs = Vec::with_capacity(args.repeats);
    let mut images = 0;
    for r in 0..args.repeats as u64 {
        let seed = args.seed + r;
        let train = training_set(
            args.samples.selection,
            args.samples.shots,
            pool.as_ref(),
            seed,
        )?;
        let digits = set_to_score(args, pool.as_ref(), &train)?;
        images = digits.len();

        let started = Instant::now();
        let bar = progress(CLASSES as u64, "training", args.json);
        let classifier = train_networks(&params, &train, seed, &bar)?;
        let train_seconds = started.elapsed().as_secs_f64();

        let bar = progress(digits.len() as u64, &format!("seed {seed}"), args.json);
        let started = Instant::now();
        let evaluation = score(&classifier, &digits, &bar);
        let test_seconds = started.elapsed().as_secs_f64();
        let (nearest_centroid, one_nn) = baselines(&train, &digits)?;

        let run = Run {
            seed,
            accuracy: evaluation.accuracy(),
            per_class: evaluation.per_class(),
            confusion: evaluation.confusion,
            tie_rate: evaluation.tie_rate(),
            silent_rate: evaluation.silent_rate(),
            synapses_per_network: classifier.networks().iter().map(|n| n.synapses()).collect(),
            train_seconds,
            test_seconds,
            nearest_centroid,
            one_nn,
        };
        if !args.json {
            print_run(&run, &evaluation, images, args.repeats == 1);
        }
        runs.push(run);
    }

    let accuracies: Vec<f64> = runs.iter().map(|r| r.accuracy).collect();
    let (mean, std) = mean_std(&accuracies);
    let mean_of = |f: fn(&Run) -> f64| runs.iter().map(f).sum::<f64>() / runs.len() as f64;
    let report = Report {
        params,
        shots: args.samples.shots,
        selection: args.samples.selection,
        against: args.against,
        images,
        mean_nearest_centroid: mean_of(|r| r.nearest_centroid),
        mean_one_nn: mean_of(|r| r.one_nn),
        runs,
        mean_accuracy: mean,
        std_accuracy: std,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "\n{} shots per class ({:?}), {} runs on {} images ({:?}):",
            report.shots,
            report.selection,
            report.runs.len(),
            report.images,
            report.against
        );
        println!(
            "  SNN              {:6.2} % ± {:.2} (mean ± sd over seeds)",
            100.0 * mean,
            100.0 * std
        );
        println!(
            "  nearest centroid {:6.2} %",
            100.0 * report.mean_nearest_centroid
        );
        println!("  1-NN             {:6.2} %", 100.0 * report.mean_one_nn);
    }
    Ok(())
}

fn print_run(run: &Run, e: &Evaluation, images: usize, detailed: bool) {
    println!(
        "seed {:>3}: accuracy {:6.2} %  ties {:5.2} %  silent {:5.2} %  \
         trained in {:.2} s, {} images in {:.2} s ({:.2} ms/image/core)",
        run.seed,
        100.0 * run.accuracy,
        100.0 * run.tie_rate,
        100.0 * run.silent_rate,
        run.train_seconds,
        images,
        run.test_seconds,
        1000.0 * run.test_seconds * rayon::current_num_threads() as f64 / images.max(1) as f64,
    );
    if !detailed {
        return;
    }
    println!(
        "  synapses kept per network: {:?}",
        run.synapses_per_network
    );
    let s = e.mean_spikes();
    println!(
        "  spikes per image: first layer {:.0}; per network: second {:.1}, third {:.1}, output {:.2}",
        s[0], s[1], s[2], s[3]
    );
    print!("  per class:");
    for (d, a) in run.per_class.iter().enumerate() {
        print!("  {d}: {:5.1}", 100.0 * a);
    }
    println!("\n  confusion (rows: true digit, columns: predicted):");
    print!("       ");
    for d in 0..CLASSES {
        print!("{d:>6}");
    }
    println!();
    for (d, row) in e.confusion.iter().enumerate() {
        print!("  {d:>3}  ");
        for n in row {
            print!("{n:>6}");
        }
        println!();
    }
}
