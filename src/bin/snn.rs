//! The command-line tool: evaluates the network on MNIST and regenerates
//! the curated set. `snn --help` lists the commands.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    pruning_snn::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
