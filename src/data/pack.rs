//! The digit pack: a small, lossless file format for a few hundred digits.
//!
//! MNIST images are mostly background, so each image is stored as
//! alternating runs: a count of zero pixels, then a count of literal pixels
//! followed by those pixels' bytes, and so on until all 784 are given. A
//! curated digit takes about 200 bytes instead of 784, and decoding needs
//! nothing but this module, so the page can read packs without a gzip
//! library.
//!
//! # Layout
//!
//! All multi-byte integers are little-endian.
//!
//! | offset | bytes | field |
//! |--------|-------|-------|
//! | 0      | 4     | magic `DGPK` (`44 47 50 4b`) |
//! | 4      | 1     | format version, 1 |
//! | 5      | 1     | width *w* of each pool index in bytes: 0 (none), 2 or 4 |
//! | 6      | 4     | number of digits *n* |
//! | 10     | …     | *n* digit records, one after the other |
//! | end−4  | 4     | checksum: 32-bit FNV-1a of every byte before it |
//!
//! A digit record:
//!
//! | bytes | field |
//! |-------|-------|
//! | 1     | label, 0–9 |
//! | *w*   | the digit's index in the MNIST training pool (none if *w* = 0) |
//! | …     | the 784 pixels, row by row, as runs (below) |
//!
//! The runs alternate, always starting with a zero run:
//!
//! 1. one byte *z* (0–255): the next *z* pixels are 0. If that completes the
//!    784 pixels, the record ends here.
//! 2. one byte *k* (0–255), then *k* bytes: the next *k* pixels' values. If
//!    that completes the 784 pixels, the record ends; otherwise go to 1.
//!
//! A run longer than 255 is split by a run of 0 of the other kind. The
//! encoder keeps a single 0 between inked pixels inside the literal run, as
//! that takes one byte where closing and reopening a run takes two. A run
//! that would pass pixel 784 makes the pack invalid.
//!
//! The checksum catches damage the structure cannot, such as a flipped bit
//! in a pixel value.

use super::{CLASSES, DataError, Digits, Image, PIXELS};

const MAGIC: &[u8; 4] = b"DGPK";
const VERSION: u8 = 1;
const HEADER: usize = 10;
const CHECKSUM: usize = 4;

/// Longest run one count byte describes.
const MAX_RUN: usize = u8::MAX as usize;

/// Encodes a set of digits as a pack.
///
/// Fails only if the set is inconsistent (see [`Digits::new`]) or holds
/// more than 2³² − 1 digits.
pub fn encode(digits: &Digits) -> Result<Vec<u8>, DataError> {
    // The fields are public: a hand-built set with mismatched vectors or
    // a bad label would give a pack that cannot be read.
    digits.check()?;
    let count = u32::try_from(digits.len()).map_err(|_| {
        bad_pack(
            "the digits being packed",
            format!("{} digits are more than a pack can hold", digits.len()),
        )
    })?;
    let width: u8 = if digits.pool_indices.is_empty() {
        0
    } else if digits
        .pool_indices
        .iter()
        .all(|&i| i <= u32::from(u16::MAX))
    {
        2
    } else {
        4
    };

    let mut bytes = Vec::with_capacity(HEADER + digits.len() * 256);
    bytes.extend(MAGIC);
    bytes.push(VERSION);
    bytes.push(width);
    bytes.extend(count.to_le_bytes());
    for (i, (image, &label)) in digits.images.iter().zip(&digits.labels).enumerate() {
        bytes.push(label);
        match width {
            2 => bytes.extend((digits.pool_indices[i] as u16).to_le_bytes()),
            4 => bytes.extend(digits.pool_indices[i].to_le_bytes()),
            _ => {}
        }
        encode_pixels(image, &mut bytes);
    }
    let checksum = fnv1a(&bytes);
    bytes.extend(checksum.to_le_bytes());
    Ok(bytes)
}

/// Decodes a pack, naming it "the digit pack" in errors.
pub fn decode(bytes: &[u8]) -> Result<Digits, DataError> {
    decode_named(bytes, "the digit pack")
}

/// Decodes a pack, naming it `source` (a path or URL) in errors.
pub fn decode_named(bytes: &[u8], source: &str) -> Result<Digits, DataError> {
    let fail = |problem: String| bad_pack(source, problem);

    // Header.
    if bytes.len() < HEADER + CHECKSUM {
        return Err(fail(format!(
            "it has {} bytes, fewer than the {} of an empty pack",
            bytes.len(),
            HEADER + CHECKSUM
        )));
    }
    if &bytes[..4] != MAGIC {
        return Err(fail(format!(
            "it starts with {:02x?}, not the magic bytes \"DGPK\"",
            &bytes[..4]
        )));
    }
    if bytes[4] != VERSION {
        return Err(fail(format!(
            "it is format version {}, and this program reads version \
             {VERSION}",
            bytes[4]
        )));
    }
    let width = usize::from(bytes[5]);
    if ![0, 2, 4].contains(&width) {
        return Err(fail(format!(
            "its pool indices are {width} bytes wide, not 0, 2 or 4"
        )));
    }
    let count = u32::from_le_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]);
    let count = count as usize;

    // Records. Each takes at least two bytes, which bounds the allocation
    // whatever count a damaged header claims.
    let capacity = count.min(bytes.len() / 2);
    let mut images = Vec::with_capacity(capacity);
    let mut labels = Vec::with_capacity(capacity);
    let mut pool_indices = Vec::with_capacity(if width == 0 { 0 } else { capacity });
    // The records end where the checksum begins.
    let (body, checksum) = bytes.split_at(bytes.len() - CHECKSUM);
    let mut reader = Reader {
        bytes: body,
        at: HEADER,
    };
    for digit in 0..count {
        let truncated = || {
            format!(
                "it is truncated: its header announces {count} digits but \
                 its {} bytes end before digit {digit} is complete",
                bytes.len()
            )
        };
        let label = reader.byte().ok_or_else(|| fail(truncated()))?;
        if usize::from(label) >= CLASSES {
            return Err(fail(format!("digit {digit} has label {label}")));
        }
        if width > 0 {
            let raw = reader.take(width).ok_or_else(|| fail(truncated()))?;
            pool_indices.push(little_endian(raw));
        }
        let image = decode_pixels(&mut reader).map_err(|problem| {
            fail(match problem {
                PixelProblem::Truncated => truncated(),
                PixelProblem::Overflow(end) => format!(
                    "digit {digit}'s runs cover pixel {end}, past the \
                     {PIXELS} of an image"
                ),
            })
        })?;
        images.push(image);
        labels.push(label);
    }

    // Trailer.
    if reader.at < body.len() {
        return Err(fail(format!(
            "{} bytes follow the {count} digits its header announces",
            body.len() - reader.at
        )));
    }
    let stored = little_endian(checksum);
    let computed = fnv1a(body);
    if stored != computed {
        return Err(fail(format!(
            "its checksum is {stored:08x} but its contents give \
             {computed:08x}, so some bytes are damaged"
        )));
    }
    Digits::new(images, labels, pool_indices)
}

fn bad_pack(source: &str, problem: String) -> DataError {
    DataError::BadPack {
        source: source.into(),
        problem,
    }
}

/// Appends one image's runs (see the module doc).
fn encode_pixels(image: &Image, bytes: &mut Vec<u8>) {
    let mut at = 0;
    loop {
        let zeros = image[at..]
            .iter()
            .take(MAX_RUN)
            .take_while(|&&p| p == 0)
            .count();
        bytes.push(zeros as u8);
        at += zeros;
        if at == PIXELS {
            return;
        }

        let start = at;
        while at < PIXELS && at - start < MAX_RUN {
            if image[at] == 0 && !(at > start && lone_zero(image, at)) {
                break;
            }
            at += 1;
        }
        bytes.push((at - start) as u8);
        bytes.extend(&image[start..at]);
        if at == PIXELS {
            return;
        }
    }
}

/// Whether the 0 at `at` has ink after it, so that it is cheaper kept in
/// a literal run than ending the run there.
fn lone_zero(image: &Image, at: usize) -> bool {
    image.get(at + 1).is_some_and(|&next| next != 0)
}

enum PixelProblem {
    Truncated,
    /// The pixel position a run would have reached.
    Overflow(usize),
}

/// Reads one image's runs (see the module doc).
fn decode_pixels(reader: &mut Reader) -> Result<Image, PixelProblem> {
    let mut image = [0; PIXELS];
    let mut at = 0;
    loop {
        let zeros = usize::from(reader.byte().ok_or(PixelProblem::Truncated)?);
        at += zeros;
        if at > PIXELS {
            return Err(PixelProblem::Overflow(at));
        }
        if at == PIXELS {
            return Ok(image);
        }

        let literal = usize::from(reader.byte().ok_or(PixelProblem::Truncated)?);
        if at + literal > PIXELS {
            return Err(PixelProblem::Overflow(at + literal));
        }
        let values = reader.take(literal).ok_or(PixelProblem::Truncated)?;
        image[at..at + literal].copy_from_slice(values);
        at += literal;
        if at == PIXELS {
            return Ok(image);
        }
    }
}

/// A cursor over the pack's bytes that never reads past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }
}

/// The little-endian number in up to four bytes.
fn little_endian(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .rev()
        .fold(0, |acc, &b| (acc << 8) | u32::from(b))
}

/// 32-bit FNV-1a: tiny, portable, and enough to detect accidental damage.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A digit-like image: a stroke of ink on a blank field, with a lone
    /// zero inside it, a long blank stretch, and ink up to the last pixel.
    fn stroke(seed: u8) -> Image {
        let mut image = [0; PIXELS];
        for (i, pixel) in image.iter_mut().enumerate().skip(200).take(300) {
            if i % 28 > 8 && i % 28 < 18 && i != 300 {
                *pixel = seed.wrapping_add(i as u8) | 1;
            }
        }
        image[PIXELS - 1] = 255;
        image
    }

    fn sample(pool_indices: Vec<u32>) -> Digits {
        let mut images = vec![[0; PIXELS], [255; PIXELS]];
        images.extend((0..8).map(stroke));
        let labels = (0..10).collect();
        Digits::new(images, labels, pool_indices).unwrap()
    }

    fn pack() -> Vec<u8> {
        encode(&sample((0..10).map(|i| i * 997).collect())).unwrap()
    }

    #[test]
    fn round_trips_with_every_index_width() {
        for indices in [
            vec![],
            (0..10).collect(),
            (0..10).map(|i| i << 20).collect(),
        ] {
            let digits = sample(indices);
            let bytes = encode(&digits).unwrap();
            assert_eq!(decode(&bytes).unwrap(), digits);
        }
        let empty = Digits::default();
        assert_eq!(decode(&encode(&empty).unwrap()).unwrap(), empty);
    }

    #[test]
    fn is_compact_for_digit_like_images() {
        let digits = Digits::new(vec![stroke(0)], vec![4], vec![]).unwrap();
        let bytes = encode(&digits).unwrap();
        // 90 inked pixels plus two bytes per run of ten rows, and framing.
        assert!(bytes.len() < 150, "{} bytes", bytes.len());
    }

    #[test]
    fn encode_rejects_inconsistent_sets() {
        let mut digits = sample(vec![]);
        digits.labels.pop();
        assert!(matches!(
            encode(&digits),
            Err(DataError::PartsDisagree { .. })
        ));
        let mut digits = sample(vec![]);
        digits.labels[0] = 12;
        assert!(matches!(encode(&digits), Err(DataError::BadLabel { .. })));
    }

    fn problem(bytes: &[u8]) -> String {
        match decode(bytes) {
            Err(DataError::BadPack { problem, .. }) => problem,
            other => panic!("expected a bad pack, got {other:?}"),
        }
    }

    /// Rewrites the checksum so that a test reaches the structural check
    /// it means to exercise.
    fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
        let end = bytes.len() - CHECKSUM;
        let checksum = fnv1a(&bytes[..end]);
        bytes[end..].copy_from_slice(&checksum.to_le_bytes());
        bytes
    }

    #[test]
    fn reports_each_kind_of_damage() {
        let good = pack();

        assert!(problem(&good[..7]).contains("fewer than the 14"));
        assert!(problem(&good[..good.len() - 1]).contains("truncated"));
        assert!(problem(&good[..200]).contains("truncated"));
        assert!(problem(&good[..good.len() - 3]).contains("truncated"));

        // The second digit, all ink, starts with a literal run: label, pool
        // index, zero run 0, literal run 255, then the values.
        let mut bytes = good.clone();
        bytes[HEADER + 10 + 5] = 254;
        assert!(problem(&bytes).contains("checksum"));

        let mut bytes = good.clone();
        bytes[0] = b'X';
        assert!(problem(&bytes).contains("magic"));

        let mut bytes = good.clone();
        bytes[4] = 2;
        assert!(problem(&bytes).contains("version 2"));

        let mut bytes = good.clone();
        bytes[5] = 3;
        assert!(problem(&bytes).contains("3 bytes wide"));

        let mut bytes = good.clone();
        bytes[HEADER] = 10;
        assert!(problem(&reseal(bytes)).contains("label 10"));

        // The first digit is blank: runs of 255, 0, 255, 0, 255, 0, 19.
        let mut bytes = good.clone();
        bytes[HEADER + 3 + 6] = 20;
        assert!(problem(&reseal(bytes)).contains("past the 784"));

        let mut bytes = good.clone();
        bytes[6..10].copy_from_slice(&9u32.to_le_bytes());
        assert!(problem(&reseal(bytes)).contains("follow the 9 digits"));

        let mut bytes = good.clone();
        bytes[6..10].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(problem(&reseal(bytes)).contains("truncated"));

        let mut bytes = good.clone();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x40;
        assert!(!problem(&bytes).is_empty());

        let err = decode(&good[..3]).unwrap_err().to_string();
        assert!(err.starts_with("the digit pack is not a valid digit pack"));
    }

    #[test]
    fn never_panics_on_truncation_or_flipped_bits() {
        let good = pack();
        for end in 0..good.len() {
            assert!(decode(&good[..end]).is_err(), "prefix of {end} bytes");
        }
        // Every bit of the header and first records, then a spread of the
        // rest: a bit flip is always caught, by structure or checksum.
        let positions = (0..300).chain((300..good.len()).step_by(7));
        for at in positions {
            for bit in 0..8 {
                let mut bytes = good.clone();
                bytes[at] ^= 1 << bit;
                assert!(decode(&bytes).is_err(), "bit {bit} of byte {at}");
                let _ = decode(&reseal(bytes));
            }
        }
        // Arbitrary bytes behind a valid header.
        let mut state = 0x2545_f491_u32;
        for len in 0..400 {
            let mut bytes = good[..HEADER].to_vec();
            bytes.extend((0..len).map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            }));
            let _ = decode(&bytes);
        }
    }
}
