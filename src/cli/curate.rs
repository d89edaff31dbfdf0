//! `snn curate`: reruns the curation procedure of `crate::data::curate` on
//! the training pool and writes what it chose:
//!
//! - `src/data/curated.digits`: the curated training set (compiled in),
//! - `www/data/validation.digits`: the validation set (fetched by the page),
//! - `www/figures/curated.png`: the contact sheet of the curated set, one
//!   row per class, in curated order.
//!
//! It then prints the pool indices as the table `CURATED_POOL_INDICES` of
//! `src/data/curated.rs`, and what the curated order buys over random
//! training digits for the two baselines, measured on the validation set.
//! With `--check` it writes nothing and fails if the files on disk differ
//! from what the procedure gives.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::baselines::{Classifier, NearestCentroid, NearestNeighbour};
use crate::data::curate::{Curation, EXCLUDED, Sheet};
use crate::data::curate::{contact_sheet, curate, random_shots};
use crate::data::curated::{CURATED_PER_CLASS, CURATED_POOL_INDICES};
use crate::data::idx::{MnistSet, load_mnist};
use crate::data::{CLASSES, Digits, VALIDATION_FILE, pack};

/// Where the outputs go, relative to the repository root.
const CURATED_FILE: &str = "src/data/curated.digits";
const SHEET_FILE: &str = "www/figures/curated.png";

/// Training-set sizes at which curated and random digits are compared.
const COMPARED_SHOTS: [usize; 7] = [1, 2, 3, 5, 10, 20, 40];
/// Random training sets drawn for each size in the comparison.
const RANDOM_DRAWS: u64 = 20;

type Error = Box<dyn std::error::Error>;

#[derive(Debug, clap::Args)]
pub struct CurateArgs {
    /// Folder holding the MNIST files; only the training pool
    /// (train10k-*) is read.
    #[arg(long, value_name = "DIR", default_value = "../shared/mnist")]
    pub mnist: PathBuf,

    /// The repository root, under which src/data/curated.digits,
    /// www/data/validation.digits and www/figures/curated.png are written.
    #[arg(
        long,
        value_name = "DIR",
        default_value = env!("CARGO_MANIFEST_DIR")
    )]
    pub out_dir: PathBuf,

    /// Write nothing; fail if the two digit packs on disk differ from what
    /// the procedure gives.
    #[arg(long)]
    pub check: bool,

    /// Skip the comparison of curated and random training digits.
    #[arg(long)]
    pub no_comparison: bool,
}

pub fn run(args: &CurateArgs) -> Result<(), Error> {
    let pool = load_mnist(&args.mnist, MnistSet::TrainPool)?;
    println!("read the training pool: {} digits", pool.len());
    let curation = curate(&pool)?;

    let curated = pack::encode(&curation.curated)?;
    let validation = pack::encode(&curation.validation)?;
    let sheet = contact_sheet(&curation.curated, CURATED_PER_CLASS);
    let outputs = [
        (CURATED_FILE, curated, "curated set"),
        (VALIDATION_FILE, validation, "validation set"),
        (SHEET_FILE, png(&sheet)?, "contact sheet"),
    ];

    print_classes(&curation);
    print_indices(&curation.curated);
    if args.check {
        check(&args.out_dir, &outputs[..2])?;
    } else {
        for (file, bytes, what) in &outputs {
            let path = args.out_dir.join(file);
            write(&path, bytes)?;
            let size = bytes.len();
            println!("wrote the {what}: {} ({size} bytes)", path.display());
        }
    }
    if !args.no_comparison {
        print_comparison(&pool, &curation)?;
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    }
    let shown = path.display();
    fs::write(path, bytes).map_err(|e| format!("cannot write {shown}: {e}"))?;
    Ok(())
}

/// Compares the packs on disk with the procedure's; the contact sheet is
/// left out, as its compressed bytes depend on the deflate library.
fn check(root: &Path, outputs: &[(&str, Vec<u8>, &str)]) -> Result<(), Error> {
    let mut differ = Vec::new();
    for (file, bytes, _) in outputs {
        let path = root.join(file);
        let shown = path.display();
        let on_disk = fs::read(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        if on_disk != *bytes {
            differ.push(path.display().to_string());
        }
    }
    if differ.is_empty() {
        println!("the digit packs on disk match the procedure");
        return Ok(());
    }
    Err(format!(
        "{} differ from what the procedure gives; run `snn curate` to \
         regenerate them and commit the result",
        differ.join(" and ")
    )
    .into())
}

fn print_classes(curation: &Curation) {
    println!();
    println!("left out by hand (EXCLUDED in src/data/curate.rs):");
    for (index, reason) in EXCLUDED {
        println!("  pool index {index}: {reason}");
    }
    println!();
    println!(
        "class  pool  excluded  isolated  ambiguous  clustered  iterations  \
         coverage at 1, 10, 40  cluster sizes"
    );
    for (digit, report) in curation.classes.iter().enumerate() {
        let coverage = |n: usize| report.coverage[n - 1];
        let sizes = report.cluster_sizes.iter().map(|s| s.to_string());
        println!(
            "{digit:>5}  {:>4}  {:>8}  {:>8}  {:>9}  {:>9}  {:>10}  \
             {:>6.0} {:>6.0} {:>6.0}  {}",
            report.in_pool,
            report.excluded,
            report.isolated,
            report.ambiguous,
            report.clustered,
            report.iterations,
            coverage(1),
            coverage(10),
            coverage(CURATED_PER_CLASS),
            sizes.collect::<Vec<_>>().join(" ")
        );
    }
}

/// Prints the pool indices as the Rust table in `src/data/curated.rs`.
fn print_indices(curated: &Digits) {
    println!();
    println!("pool indices of the curated set, in curated order:");
    println!("#[rustfmt::skip]");
    println!(
        "pub const CURATED_POOL_INDICES: \
         [[u32; CURATED_PER_CLASS]; CLASSES] = ["
    );
    let mut table = [[0; CURATED_PER_CLASS]; CLASSES];
    for (digit, row) in table.iter_mut().enumerate() {
        let indices = (0..curated.len())
            .filter(|&i| usize::from(curated.labels[i]) == digit)
            .map(|i| curated.pool_indices[i]);
        for (slot, index) in row.iter_mut().zip(indices) {
            *slot = index;
        }
        println!("    // {digit}");
        println!("    [");
        for line in row.chunks(10) {
            let numbers: Vec<String> = line.iter().map(|i| i.to_string()).collect();
            println!("        {},", numbers.join(", "));
        }
        println!("    ],");
    }
    println!("];");
    if table != CURATED_POOL_INDICES {
        println!(
            "NOTE: this differs from CURATED_POOL_INDICES in \
             src/data/curated.rs; paste the table above there."
        );
    }
}

/// Baseline accuracy on the validation set: the first n curated digits of
/// each class against n random candidates, averaged over draws.
fn print_comparison(pool: &Digits, curation: &Curation) -> Result<(), Error> {
    println!();
    println!(
        "validation accuracy (%), the first n curated digits per class \
         against n random ones (mean of {RANDOM_DRAWS} draws):"
    );
    println!("    n   centroid: curated random   1-NN: curated random");
    for shots in COMPARED_SHOTS {
        let train = curation.curated.take_per_class(shots)?;
        let (centroid, nn) = baselines(&train, &curation.validation)?;
        let mut random = (0.0, 0.0);
        for draw in 0..RANDOM_DRAWS {
            let train = random_shots(pool, &curation.candidates, shots, draw)?;
            let (c, n) = baselines(&train, &curation.validation)?;
            random.0 += c / RANDOM_DRAWS as f64;
            random.1 += n / RANDOM_DRAWS as f64;
        }
        println!(
            "{shots:>5}   {:>16.1} {:>6.1}   {:>12.1} {:>6.1}",
            100.0 * centroid,
            100.0 * random.0,
            100.0 * nn,
            100.0 * random.1
        );
    }
    Ok(())
}

/// Nearest-centroid and 1-NN accuracy of `train` on `test`, on all cores.
fn baselines(train: &Digits, test: &Digits) -> Result<(f64, f64), Error> {
    let centroid = NearestCentroid::fit(train)?;
    let nn = NearestNeighbour::fit(train)?;
    let (c, n) = (0..test.len())
        .into_par_iter()
        .map(|k| {
            let (image, label) = (&test.images[k], test.labels[k]);
            (
                usize::from(centroid.predict(image) == label),
                usize::from(nn.predict(image) == label),
            )
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let total = test.len().max(1) as f64;
    Ok((c as f64 / total, n as f64 / total))
}

/// Encodes a grey-scale sheet as a PNG: signature, header, one compressed
/// data chunk (each row led by filter type 0), end.
fn png(sheet: &Sheet) -> Result<Vec<u8>, Error> {
    let mut raw = Vec::with_capacity((sheet.width + 1) * sheet.height);
    for row in sheet.pixels.chunks(sheet.width.max(1)) {
        raw.push(0);
        raw.extend(row);
    }
    let level = flate2::Compression::best();
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), level);
    zlib.write_all(&raw)?;
    let data = zlib.finish()?;

    let mut header = Vec::with_capacity(13);
    header.extend(u32::try_from(sheet.width)?.to_be_bytes());
    header.extend(u32::try_from(sheet.height)?.to_be_bytes());
    // 8 bits a pixel, grey scale, deflate, adaptive filters, no interlace.
    header.extend([8, 0, 0, 0, 0]);

    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut bytes, b"IHDR", &header)?;
    png_chunk(&mut bytes, b"IDAT", &data)?;
    png_chunk(&mut bytes, b"IEND", &[])?;
    Ok(bytes)
}

/// Appends a PNG chunk: length, kind, body, and the CRC of kind and body.
fn png_chunk(bytes: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) -> Result<(), Error> {
    bytes.extend(u32::try_from(body.len())?.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(body);
    bytes.extend(kind);
    bytes.extend(body);
    bytes.extend(crc.sum().to_be_bytes());
    Ok(())
}
