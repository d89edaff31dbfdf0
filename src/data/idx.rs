//! MNIST's IDX files: parsing (everywhere) and loading from disk (native).
//!
//! An IDX file is a big-endian header followed by raw bytes:
//!
//! | bytes | images (`…-images-idx3-ubyte`) | labels (`…-labels-idx1-ubyte`) |
//! |-------|--------------------------------|--------------------------------|
//! | 0–3   | magic 2051 (`00 00 08 03`)     | magic 2049 (`00 00 08 01`)     |
//! | 4–7   | number of images *n*           | number of labels *n*           |
//! | 8–11  | rows (28)                      | —                              |
//! | 12–15 | columns (28)                   | —                              |
//! | then  | *n* × 784 pixels, row by row   | *n* labels, one byte each      |
//!
//! The third byte of the magic number says the data are unsigned bytes, the
//! fourth how many dimensions follow. On disk the files may be gzip
//! compressed (as distributed) or not; [`read_file`] tells them apart by
//! gzip's own magic bytes, not by the file name.

use super::{DataError, IMAGES_MAGIC, Image, LABELS_MAGIC, PIXELS, SIDE};

const IMAGES_HEADER: usize = 16;
const LABELS_HEADER: usize = 8;

/// Parses an IDX images file held in memory.
pub fn parse_images(bytes: &[u8]) -> Result<Vec<Image>, DataError> {
    parse_images_from(bytes, "the image data")
}

/// Parses an IDX labels file held in memory.
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>, DataError> {
    parse_labels_from(bytes, "the label data")
}

/// [`parse_images`], naming `source` in its errors.
fn parse_images_from(bytes: &[u8], source: &str) -> Result<Vec<Image>, DataError> {
    let count = header(bytes, source, IMAGES_MAGIC, IMAGES_HEADER, "images")?;
    let rows = word(bytes, 8);
    let columns = word(bytes, 12);
    if rows as usize != SIDE || columns as usize != SIDE {
        return Err(DataError::BadDimensions {
            source: source.into(),
            rows,
            columns,
        });
    }

    let body = &bytes[IMAGES_HEADER..];
    check_length(body.len(), count, PIXELS, source, "images")?;
    Ok(body
        .chunks_exact(PIXELS)
        .map(|chunk| {
            let mut image = [0; PIXELS];
            image.copy_from_slice(chunk);
            image
        })
        .collect())
}

/// [`parse_labels`], naming `source` in its errors.
fn parse_labels_from(bytes: &[u8], source: &str) -> Result<Vec<u8>, DataError> {
    let count = header(bytes, source, LABELS_MAGIC, LABELS_HEADER, "labels")?;
    let body = &bytes[LABELS_HEADER..];
    check_length(body.len(), count, 1, source, "labels")?;
    if let Some(index) = body.iter().position(|&label| label > 9) {
        return Err(DataError::BadLabel {
            source: source.into(),
            index,
            label: body[index],
        });
    }
    Ok(body.to_vec())
}

/// Checks the magic number and returns the item count, making sure the
/// whole header of `header_len` bytes is present.
fn header(
    bytes: &[u8],
    source: &str,
    magic: u32,
    header_len: usize,
    what: &'static str,
) -> Result<usize, DataError> {
    // The magic number is checked first, from whatever bytes there are, so
    // that a swapped file is reported as such even when it is short.
    if bytes.len() >= 4 && word(bytes, 0) != magic {
        return Err(DataError::BadMagic {
            source: source.into(),
            expected: magic,
            found: word(bytes, 0),
        });
    }
    if bytes.len() < header_len {
        return Err(DataError::ShortHeader {
            source: source.into(),
            what,
            needed: header_len,
            available: bytes.len(),
        });
    }
    Ok(word(bytes, 4) as usize)
}

/// Checks that `available` bytes hold exactly `count` items of `size`.
fn check_length(
    available: usize,
    count: usize,
    size: usize,
    source: &str,
    what: &'static str,
) -> Result<(), DataError> {
    // The count comes from the file; on 32-bit targets (wasm) the product
    // could overflow, and saturating makes that count as truncation.
    let needed = count.saturating_mul(size);
    if available < needed {
        return Err(DataError::Truncated {
            source: source.into(),
            count,
            what,
            needed,
            available,
        });
    }
    if available > needed {
        return Err(DataError::TrailingBytes {
            source: source.into(),
            extra: available - needed,
        });
    }
    Ok(())
}

/// The big-endian 32-bit word at `at`; callers have checked the length.
fn word(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::fs;
    use std::io::Read;
    use std::path::{Path, PathBuf};

    use super::{parse_images_from, parse_labels_from};
    use crate::data::{DataError, Digits, Image};

    /// The two MNIST sets on disk.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum MnistSet {
        /// `train10k-*`: the first 10,000 MNIST training images, the pool
        /// that every training set is drawn from.
        TrainPool,
        /// `t10k-*`: the official test set, for evaluation only.
        Test,
    }

    impl MnistSet {
        fn prefix(self) -> &'static str {
            match self {
                MnistSet::TrainPool => "train10k",
                MnistSet::Test => "t10k",
            }
        }
    }

    /// Reads a whole file, decompressing it if it is gzip (recognised by
    /// its first two bytes, 1f 8b).
    pub fn read_file(path: &Path) -> Result<Vec<u8>, DataError> {
        let io_error = |error| DataError::Io {
            path: path.to_path_buf(),
            error,
        };
        let raw = fs::read(path).map_err(io_error)?;
        if !raw.starts_with(&[0x1f, 0x8b]) {
            return Ok(raw);
        }
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        Ok(bytes)
    }

    /// Reads an IDX images file, compressed or not.
    pub fn load_images(path: &Path) -> Result<Vec<Image>, DataError> {
        parse_images_from(&read_file(path)?, &path.display().to_string())
    }

    /// Reads an IDX labels file, compressed or not.
    pub fn load_labels(path: &Path) -> Result<Vec<u8>, DataError> {
        parse_labels_from(&read_file(path)?, &path.display().to_string())
    }

    /// Loads one MNIST set from `dir`, which holds the files named in
    /// `shared/mnist/README.md` (`train10k-images-idx3-ubyte.gz` and so on;
    /// the uncompressed names without `.gz` are accepted too).
    ///
    /// For the training pool, `pool_indices` numbers the digits 0..n in file
    /// order; the test set has none.
    pub fn load_mnist(dir: &Path, set: MnistSet) -> Result<Digits, DataError> {
        let prefix = set.prefix();
        let images_path = find(dir, &format!("{prefix}-images-idx3-ubyte"))?;
        let labels_path = find(dir, &format!("{prefix}-labels-idx1-ubyte"))?;
        let images = load_images(&images_path)?;
        let labels = load_labels(&labels_path)?;
        if images.len() != labels.len() {
            return Err(DataError::CountMismatch {
                images_source: images_path.display().to_string(),
                images: images.len(),
                labels_source: labels_path.display().to_string(),
                labels: labels.len(),
            });
        }
        let pool_indices = match set {
            // The pool has 10,000 digits; a u32 holds any IDX count.
            MnistSet::TrainPool => (0..images.len() as u32).collect(),
            MnistSet::Test => Vec::new(),
        };
        Digits::new(images, labels, pool_indices)
    }

    /// The path of `stem.gz` in `dir`, or of `stem` if only that exists.
    fn find(dir: &Path, stem: &str) -> Result<PathBuf, DataError> {
        let compressed = dir.join(format!("{stem}.gz"));
        let plain = dir.join(stem);
        if compressed.is_file() {
            Ok(compressed)
        } else if plain.is_file() {
            Ok(plain)
        } else {
            Err(DataError::MissingFile {
                path: compressed,
                also_tried: plain,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images_file(count: u32, rows: u32, pixels: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        for word in [IMAGES_MAGIC, count, rows, 28] {
            bytes.extend(word.to_be_bytes());
        }
        bytes.extend((0..pixels).map(|i| i as u8));
        bytes
    }

    fn labels_file(labels: &[u8]) -> Vec<u8> {
        let mut bytes = LABELS_MAGIC.to_be_bytes().to_vec();
        bytes.extend((labels.len() as u32).to_be_bytes());
        bytes.extend(labels);
        bytes
    }

    #[test]
    fn parses_well_formed_files() {
        let images = parse_images(&images_file(2, 28, 2 * PIXELS)).unwrap();
        assert_eq!(images.len(), 2);
        assert_eq!(images[1][0], (PIXELS % 256) as u8);
        assert_eq!(parse_labels(&labels_file(&[7, 0, 9])).unwrap(), [7, 0, 9]);
    }

    #[test]
    fn reports_truncation_with_the_counts() {
        let err = parse_images(&images_file(3, 28, 2 * PIXELS + 5))
            .unwrap_err()
            .to_string();
        assert!(err.contains("truncated"), "{err}");
        assert!(err.contains("3 images"), "{err}");
        assert!(err.contains(&format!("only {} bytes", 2 * PIXELS + 5)));

        let err = parse_labels(&labels_file(&[1, 2])[..9]).unwrap_err();
        assert!(matches!(err, DataError::Truncated { available: 1, .. }));

        for short in 0..IMAGES_HEADER {
            let bytes = &images_file(1, 28, PIXELS)[..short];
            assert!(matches!(
                parse_images(bytes),
                Err(DataError::ShortHeader { .. })
            ));
        }
    }

    #[test]
    fn recognises_swapped_files() {
        let err = parse_images(&labels_file(&[1, 2])).unwrap_err().to_string();
        assert!(err.contains("it is an IDX labels file"), "{err}");
        let err = parse_labels(&images_file(1, 28, PIXELS)).unwrap_err();
        assert!(err.to_string().contains("it is an IDX images file"));
        let err = parse_labels(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]).unwrap_err();
        assert!(err.to_string().contains("not an MNIST IDX file"));
    }

    #[test]
    fn rejects_other_sizes_labels_and_trailing_bytes() {
        assert!(matches!(
            parse_images(&images_file(1, 32, PIXELS)),
            Err(DataError::BadDimensions { rows: 32, .. })
        ));
        assert!(matches!(
            parse_labels(&labels_file(&[3, 10])),
            Err(DataError::BadLabel {
                index: 1,
                label: 10,
                ..
            })
        ));
        assert!(matches!(
            parse_images(&images_file(1, 28, PIXELS + 1)),
            Err(DataError::TrailingBytes { extra: 1, .. })
        ));
    }

    #[test]
    fn huge_counts_are_truncation_not_overflow() {
        let mut bytes = images_file(0, 28, 0);
        bytes[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            parse_images(&bytes),
            Err(DataError::Truncated { .. })
        ));
    }
}
