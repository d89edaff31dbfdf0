//! The page's wasm entry point, built by Trunk from `index.html`.

#[cfg(target_arch = "wasm32")]
fn main() {
    pruning_snn::web::page::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the page is built for wasm32 by Trunk: run `make serve`");
    std::process::exit(2);
}
