//! The command-line tool `snn` (native only): evaluates the network on the
//! MNIST test set, measures its speed, and regenerates the curated set.

mod bench;
mod common;
pub mod curate;
mod evaluate;
pub mod model_args;
pub mod reproduce;

use clap::{Parser, Subcommand};

/// A spiking neural network that learns MNIST digits from a few samples by
/// synaptic pruning.
#[derive(Debug, Parser)]
#[command(name = "snn", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Train on a few shots per class and score on the full MNIST test set.
    Evaluate(evaluate::EvaluateArgs),
    /// Time training and inference on this machine.
    Bench(bench::BenchArgs),
    /// Print a digest of a fixed training and prediction run, to compare
    /// with the browser build (the wasm tests do).
    Fingerprint,
    /// Regenerate the curated training set, the validation set and the
    /// contact sheet from the training pool.
    Curate(curate::CurateArgs),
    /// Rerun the paper's Figures 5E, 7B and 8–13: CSV, SVG and a summary.
    Reproduce(reproduce::ReproduceArgs),
    /// Combine the partial results of `reproduce --shard K/N` runs.
    Merge(reproduce::MergeArgs),
}

/// Runs the tool; returns the process exit code. Errors are printed as one
/// sentence that says what is wrong and what to do, never as a panic.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Evaluate(args) => evaluate::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Fingerprint => {
            println!("{:016x}", crate::model::classifier::reference_fingerprint());
            Ok(())
        }
        Command::Curate(args) => curate::run(args),
        Command::Reproduce(args) => reproduce::run(args),
        Command::Merge(args) => reproduce::merge(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
