//! `snn bench`: how fast the model runs on this machine, on one core.
//!
//! Prints the time to encode one digit (first layer only), to run one digit
//! through all ten networks, and to train the ten networks; with
//! `--full-test` also the whole test set on all cores.

use std::time::Instant;

use clap::Args;

use super::common::{Error, SampleArgs, Selection, load, progress, score, training_set};
use super::model_args::ModelArgs;
use crate::data::idx::MnistSet;
use crate::drawing::{Drawing, Stroke, to_mnist};
use crate::model::{Classifier, Workspace};

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub samples: SampleArgs,
    /// Test digits to time inference on.
    #[arg(long, default_value_t = 300)]
    pub digits: usize,
    /// Also score the full test set on all cores.
    #[arg(long)]
    pub full_test: bool,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Rounds of each timing; the fastest is reported.
const ROUNDS: usize = 3;

/// The shortest of [`ROUNDS`] runs of `f`, in seconds.
fn fastest(mut f: impl FnMut()) -> f64 {
    (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

pub fn run(args: &BenchArgs) -> Result<(), Error> {
    let params = args.model.params()?;
    let pool = match args.samples.selection {
        Selection::Random => Some(load(&args.samples.mnist, MnistSet::TrainPool)?),
        Selection::Curated => None,
    };
    let train = training_set(
        args.samples.selection,
        args.samples.shots,
        pool.as_ref(),
        args.seed,
    )?;
    let test = load(&args.samples.mnist, MnistSet::Test)?;
    let n = args.digits.clamp(1, test.len());

    let started = Instant::now();
    let classifier = Classifier::train(&params, &train, args.seed)?;
    let train_time = started.elapsed().as_secs_f64();
    println!(
        "train ten networks, {} {:?} shots per class: {:8.3} s (one core)",
        args.samples.shots, args.samples.selection, train_time
    );

    // Each figure is the fastest of a few rounds: the machine may be
    // shared, and other work only ever adds time.
    let mut work = Workspace::default();
    let layer = classifier.first_layer();
    let mut scratch = Default::default();
    let encode = fastest(|| {
        for k in 0..n {
            let mut stream = classifier.test_stream(k as u64);
            layer.run(&test.images[k], &mut stream, &mut scratch, &mut work.raster);
        }
    }) / n as f64;
    println!(
        "first layer, one digit:                {:8.3} ms",
        1e3 * encode
    );

    let mut correct = 0;
    let infer = fastest(|| {
        correct = 0;
        for k in 0..n {
            let (decision, _) = classifier.classify(&test.images[k], k as u64, &mut work);
            correct += (decision.digit == test.labels[k]) as usize;
        }
    }) / n as f64;
    println!(
        "one digit through all ten networks:    {:8.3} ms (mean of {n}; {} right)",
        1e3 * infer,
        correct
    );

    // The page converts the drawing on every pointer move: ten arcs of
    // twenty points stand for a digit drawn by hand.
    let strokes = (0..10)
        .map(|s| Stroke {
            points: (0..20)
                .map(|k| {
                    let angle = 0.7 * s as f32 + 2.5 * k as f32 / 19.0;
                    let radius = 40.0 + 6.0 * s as f32;
                    (140.0 + radius * angle.cos(), 140.0 + radius * angle.sin())
                })
                .collect(),
        })
        .collect();
    let drawing = Drawing {
        strokes,
        width: 280.0,
        height: 280.0,
        pen: 20.0,
    };
    const CONVERSIONS: usize = 1000;
    let convert = fastest(|| {
        for _ in 0..CONVERSIONS {
            std::hint::black_box(to_mnist(std::hint::black_box(&drawing)));
        }
    }) / CONVERSIONS as f64;
    println!(
        "drawing to 28x28 input (200 points):   {:8.3} ms",
        1e3 * convert
    );

    if args.full_test {
        let bar = progress(test.len() as u64, "test set", false);
        let started = Instant::now();
        let e = score(&classifier, &test, &bar);
        println!(
            "full test set, {} threads:              {:8.2} s (accuracy {:.2} %)",
            rayon::current_num_threads(),
            started.elapsed().as_secs_f64(),
            100.0 * e.accuracy()
        );
    }
    Ok(())
}
