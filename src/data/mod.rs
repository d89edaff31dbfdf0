//! The hand-written digits: MNIST images, the few-shot training set curated
//! from them, and a held-out validation set.
//!
//! An image is MNIST's 28×28 grid of bytes, one a pixel, row by row from the
//! top left, 0 for background and 255 for full ink. Labels are the digit
//! classes 0–9.
//!
//! Three sources of digits, and what each may be used for:
//!
//! - the **training pool** (`train10k-*`, the first 10,000 MNIST training
//!   images), read with [`idx::load_mnist`]. Few-shot training sets are drawn
//!   from it, and the small subsets below are embedded in the project.
//! - the **curated set** ([`curated::curated`]): 40 digits of each class from
//!   the pool, typical and diverse, ordered so that the first `n` of each
//!   class are a good `n`-shot training set. Compiled into the crate, so the
//!   page has it without a download.
//! - the **validation set** (`www/data/validation.digits`): 100 random digits
//!   of each class from the pool, disjoint from the curated set, for choosing
//!   parameters. The page fetches it on demand (see [`VALIDATION_FILE`]).
//!
//! The MNIST **test set** (`t10k-*`) is the held-out judge: it is read from a
//! path given at run time, never copied into the project, and never used to
//! choose anything.
//!
//! Small sets travel in the compact [`pack`] format. Every reader returns a
//! [`DataError`] on bad input, with a message that says what is wrong and
//! what to do about it; none of them panics.

pub mod curated;
pub mod idx;
pub mod pack;

#[cfg(not(target_arch = "wasm32"))]
pub mod curate;

use std::fmt;
use std::path::PathBuf;

/// Pixels along each side of an image.
pub const SIDE: usize = 28;
/// Pixels in an image.
pub const PIXELS: usize = SIDE * SIDE;
/// Digit classes, 0–9.
pub const CLASSES: usize = 10;

/// The validation set's path, relative to the repository root; the page
/// serves the `www` folder, so it fetches `data/validation.digits`.
pub const VALIDATION_FILE: &str = "www/data/validation.digits";

/// Digits of each class in the validation set.
pub const VALIDATION_PER_CLASS: usize = 100;

/// One 28×28 image, row by row, 0 = background, 255 = ink.
pub type Image = [u8; PIXELS];

/// The squared Euclidean distance between two byte vectors of equal length,
/// exact: at most `len` × 255², inside a `u32` for up to 66,051 bytes (an
/// image has 784).
#[inline]
pub fn squared_distance(a: &[u8], b: &[u8]) -> u32 {
    debug_assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let d = i32::from(x) - i32::from(y);
            (d * d) as u32
        })
        .sum()
}

/// A set of labelled digits.
///
/// The three vectors run in parallel. `pool_indices` records where each
/// digit sits in the training pool (0-based, in the pool's file order), so
/// that a subset embedded in the project can be traced back to MNIST; it is
/// empty for digits that do not come from the pool, such as the test set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digits {
    pub images: Vec<Image>,
    pub labels: Vec<u8>,
    pub pool_indices: Vec<u32>,
}

impl Digits {
    /// Makes a set from its parts, checking them with [`Digits::check`].
    pub fn new(
        images: Vec<Image>,
        labels: Vec<u8>,
        pool_indices: Vec<u32>,
    ) -> Result<Self, DataError> {
        let digits = Digits {
            images,
            labels,
            pool_indices,
        };
        digits.check()?;
        Ok(digits)
    }

    /// Checks that the parts agree: as many labels as images, every label a
    /// digit class, and pool indices either absent or one per image. The
    /// fields are public, so code that takes a set from outside checks it.
    pub fn check(&self) -> Result<(), DataError> {
        let n = self.images.len();
        let indices = self.pool_indices.len();
        if self.labels.len() != n || !(indices == 0 || indices == n) {
            return Err(DataError::PartsDisagree {
                images: n,
                labels: self.labels.len(),
                pool_indices: indices,
            });
        }
        let bad = |&l: &u8| usize::from(l) >= CLASSES;
        if let Some(index) = self.labels.iter().position(bad) {
            return Err(DataError::BadLabel {
                source: "the digit set".into(),
                index,
                label: self.labels[index],
            });
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.images.len()
    }

    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// How many digits of each class the set holds.
    pub fn class_counts(&self) -> [usize; CLASSES] {
        let mut counts = [0; CLASSES];
        for &label in &self.labels {
            if let Some(count) = counts.get_mut(usize::from(label)) {
                *count += 1;
            }
        }
        counts
    }

    /// The images of class `digit`, in stored order.
    pub fn of_class(&self, digit: u8) -> impl Iterator<Item = &Image> {
        self.images
            .iter()
            .zip(&self.labels)
            .filter(move |&(_, &label)| label == digit)
            .map(|(image, _)| image)
    }

    /// The first `n` digits of each class in stored order, keeping that
    /// order. Fails if a class holds fewer than `n`.
    pub fn take_per_class(&self, n: usize) -> Result<Digits, DataError> {
        self.check()?;
        let counts = self.class_counts();
        if let Some(digit) = (0..CLASSES).find(|&d| counts[d] < n) {
            return Err(DataError::TooFewOfClass {
                digit: digit as u8,
                wanted: n,
                has: counts[digit],
            });
        }
        let mut taken = [0; CLASSES];
        let indices: Vec<usize> = (0..self.len())
            .filter(|&i| {
                let count = &mut taken[usize::from(self.labels[i])];
                *count += 1;
                *count <= n
            })
            .collect();
        self.subset(&indices)
    }

    /// The digits at `indices` (positions in this set), in that order.
    pub fn subset(&self, indices: &[usize]) -> Result<Digits, DataError> {
        self.check()?;
        if let Some(&index) = indices.iter().find(|&&i| i >= self.len()) {
            return Err(DataError::IndexOutOfRange {
                index,
                len: self.len(),
            });
        }
        let pool_indices = if self.pool_indices.is_empty() {
            Vec::new()
        } else {
            indices.iter().map(|&i| self.pool_indices[i]).collect()
        };
        Ok(Digits {
            images: indices.iter().map(|&i| self.images[i]).collect(),
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            pool_indices,
        })
    }
}

/// Everything that can go wrong reading digits.
///
/// `source` fields name what was being read: a file's path, or a
/// description such as "the image data" when parsing bytes in memory.
#[derive(Debug)]
#[non_exhaustive]
pub enum DataError {
    /// An MNIST file is not where it was looked for.
    MissingFile { path: PathBuf, also_tried: PathBuf },
    /// A file exists but could not be read or decompressed.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// An IDX file starts with the wrong magic number.
    BadMagic {
        source: String,
        expected: u32,
        found: u32,
    },
    /// An IDX image file whose images are not 28×28.
    BadDimensions {
        source: String,
        rows: u32,
        columns: u32,
    },
    /// A file too short to hold its IDX header.
    ShortHeader {
        source: String,
        what: &'static str,
        needed: usize,
        available: usize,
    },
    /// Fewer bytes than the header promises.
    Truncated {
        source: String,
        count: usize,
        what: &'static str,
        needed: usize,
        available: usize,
    },
    /// More bytes than the header accounts for.
    TrailingBytes { source: String, extra: usize },
    /// A label that is not a digit class.
    BadLabel {
        source: String,
        index: usize,
        label: u8,
    },
    /// Image and label files that hold different numbers of digits.
    CountMismatch {
        images_source: String,
        images: usize,
        labels_source: String,
        labels: usize,
    },
    /// A digit pack that cannot be decoded.
    BadPack { source: String, problem: String },
    /// Parallel vectors of different lengths.
    PartsDisagree {
        images: usize,
        labels: usize,
        pool_indices: usize,
    },
    /// A class holds fewer digits than asked for.
    TooFewOfClass {
        digit: u8,
        wanted: usize,
        has: usize,
    },
    /// A position past the end of a set.
    IndexOutOfRange { index: usize, len: usize },
    /// A number of training shots the curated set cannot provide.
    ShotsOutOfRange { n: usize, max: usize },
    /// A classifier asked to learn from no digits.
    NoTrainingDigits,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DataError::*;
        match self {
            MissingFile { path, also_tried } => write!(
                f,
                "no MNIST file at {} (nor at {}); pass --mnist DIR pointing \
                 at the folder with the four files train10k-images-idx3-ubyte.gz, \
                 train10k-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and \
                 t10k-labels-idx1-ubyte.gz",
                path.display(),
                also_tried.display()
            ),
            Io { path, error } => write!(
                f,
                "cannot read {}: {error}; check the file is readable and, if \
                 it is gzip-compressed, complete",
                path.display()
            ),
            BadMagic {
                source,
                expected,
                found,
            } => {
                let hint = match (*expected, *found) {
                    (IMAGES_MAGIC, LABELS_MAGIC) => {
                        "it is an IDX labels file; pass the images file \
                         (…-images-idx3-ubyte) here"
                    }
                    (LABELS_MAGIC, IMAGES_MAGIC) => {
                        "it is an IDX images file; pass the labels file \
                         (…-labels-idx1-ubyte) here"
                    }
                    _ => {
                        "it is not an MNIST IDX file, or it is still \
                         compressed; re-download it"
                    }
                };
                write!(
                    f,
                    "{source} starts with magic number {found}, not \
                     {expected}: {hint}"
                )
            }
            BadDimensions {
                source,
                rows,
                columns,
            } => write!(
                f,
                "{source} holds {rows}×{columns} images, not 28×28: only \
                 MNIST's 28×28 digits are supported"
            ),
            ShortHeader {
                source,
                what,
                needed,
                available,
            } => write!(
                f,
                "{source} is truncated: an IDX file of {what} starts with a \
                 {needed}-byte header but only {available} bytes are there; \
                 re-download the file"
            ),
            Truncated {
                source,
                count,
                what,
                needed,
                available,
            } => write!(
                f,
                "{source} is truncated: its header says {count} {what} \
                 ({needed} bytes) but only {available} bytes follow; \
                 re-download the file"
            ),
            TrailingBytes { source, extra } => write!(
                f,
                "{source} has {extra} bytes after the last item its header \
                 announces; the file is damaged, re-download it"
            ),
            BadLabel {
                source,
                index,
                label,
            } => write!(
                f,
                "{source}: label {index} is {label}, not a digit 0–9; the \
                 file is damaged, re-download it"
            ),
            CountMismatch {
                images_source,
                images,
                labels_source,
                labels,
            } => write!(
                f,
                "{images_source} holds {images} images but {labels_source} \
                 holds {labels} labels; the two files must come from the \
                 same set (train10k-* or t10k-*)"
            ),
            BadPack { source, problem } => write!(
                f,
                "{source} is not a valid digit pack: {problem}; regenerate \
                 it with `snn curate`, or reload the page if it was fetched"
            ),
            PartsDisagree {
                images,
                labels,
                pool_indices,
            } => write!(
                f,
                "a digit set needs one label (and one pool index, if any) \
                 per image, but has {images} images, {labels} labels and \
                 {pool_indices} pool indices"
            ),
            TooFewOfClass { digit, wanted, has } => write!(
                f,
                "asked for {wanted} digits of class {digit} but the set has \
                 only {has}; ask for at most {has}"
            ),
            IndexOutOfRange { index, len } => {
                write!(f, "index {index} is past the end of a set of {len} digits")
            }
            ShotsOutOfRange { n, max } => write!(
                f,
                "the curated set provides 1 to {max} training digits per \
                 class, not {n}; choose a number in that range"
            ),
            NoTrainingDigits => write!(
                f,
                "a classifier needs at least one training digit, but the \
                 training set is empty"
            ),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The IDX magic number of an image file (unsigned bytes, 3 dimensions).
pub(crate) const IMAGES_MAGIC: u32 = 0x0803;
/// The IDX magic number of a label file (unsigned bytes, 1 dimension).
pub(crate) const LABELS_MAGIC: u32 = 0x0801;

#[cfg(test)]
mod tests {
    use super::*;

    fn image(fill: u8) -> Image {
        [fill; PIXELS]
    }

    #[test]
    fn squared_distance_is_exact() {
        assert_eq!(squared_distance(&image(0), &image(255)), 784 * 65025);
        assert_eq!(squared_distance(&[3, 10], &[0, 14]), 9 + 16);
    }

    fn sample() -> Digits {
        let labels = vec![3, 1, 3, 0, 1, 3];
        let images = (0..labels.len()).map(|i| image(i as u8)).collect();
        Digits::new(images, labels, vec![10, 11, 12, 13, 14, 15]).unwrap()
    }

    #[test]
    fn counts_and_classes() {
        let d = sample();
        assert_eq!(d.len(), 6);
        assert_eq!(d.class_counts(), [1, 2, 0, 3, 0, 0, 0, 0, 0, 0]);
        let threes: Vec<u8> = d.of_class(3).map(|im| im[0]).collect();
        assert_eq!(threes, [0, 2, 5]);
    }

    #[test]
    fn take_per_class_keeps_order_and_reports_shortfalls() {
        let err = sample().take_per_class(1).unwrap_err();
        assert!(err.to_string().contains("class 2 but the set has only 0"));

        let mut every_class = sample();
        for digit in 0..CLASSES as u8 {
            every_class.images.push(image(100 + digit));
            every_class.labels.push(digit);
            every_class.pool_indices.push(100 + u32::from(digit));
        }
        let one = every_class.take_per_class(1).unwrap();
        assert_eq!(one.class_counts(), [1; CLASSES]);
        assert_eq!(one.pool_indices[..4], [10, 11, 13, 102]);
    }

    #[test]
    fn subset_rejects_out_of_range_and_keeps_pool_indices() {
        let d = sample();
        assert!(matches!(
            d.subset(&[6]),
            Err(DataError::IndexOutOfRange { index: 6, len: 6 })
        ));
        let s = d.subset(&[5, 0]).unwrap();
        assert_eq!(s.pool_indices, [15, 10]);
        assert_eq!(s.labels, [3, 3]);
    }

    #[test]
    fn new_checks_its_parts() {
        assert!(Digits::new(vec![image(0)], vec![], vec![]).is_err());
        assert!(Digits::new(vec![image(0)], vec![1], vec![1, 2]).is_err());
        assert!(Digits::new(vec![image(0)], vec![10], vec![]).is_err());
        assert!(Digits::new(vec![image(0)], vec![9], vec![]).is_ok());
    }
}
