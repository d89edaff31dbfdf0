//! The first layer's receptive fields: 224 line segments of the image.
//!
//! The paper divides each 28×28 image "into eight regions by a hypothetical
//! vertical, horizontal or a diagonal line to divide each image equally into
//! halves", and represents each region by 28 neurons, each summing "one
//! selected set of pixels as horizontal, vertical, or diagonal segments".
//! It does not list the segments. The reading implemented here:
//!
//! | region | part of the image                      | its 28 segments          |
//! |--------|----------------------------------------|--------------------------|
//! | I      | top half (rows 0–13)                   | the 28 columns           |
//! | II     | bottom half (rows 14–27)               | the 28 columns           |
//! | III    | left half (columns 0–13)               | the 28 rows              |
//! | IV     | right half (columns 14–27)             | the 28 rows              |
//! | V      | top triangle cut by the two diagonals  | the 28 columns           |
//! | VI     | bottom triangle                        | the 28 columns           |
//! | VII    | left triangle                          | the 28 rows              |
//! | VIII   | right triangle                         | the 28 rows              |
//!
//! Every region rests on one edge of the image, and its segments are the
//! region's cuts by the 28 pixel lines perpendicular to that edge: the only
//! choice that gives 28 segments for the halves, where lines parallel to the
//! dividing line would give 14. A pixel whose centre lies on a diagonal
//! belongs to both triangles it borders. Triangle segments grow from 1 pixel
//! at the corners to 14 in the middle (210 pixels per triangle).
//!
//! [`TriangleLines::Diagonal`] is the other plausible reading for the
//! triangles: lines parallel to a diagonal (28 per triangle, 14 pixels down
//! to 1). It measured lower in exploratory runs; it is kept for comparison.
//!
//! Regions are used in the order I, II, …, VIII; the paper's Figure 8 uses
//! the first one to eight of them.

use serde::{Deserialize, Serialize};

use crate::data::{PIXELS, SIDE};

/// Neurons per region: one per pixel line.
pub const PER_REGION: usize = SIDE;
/// The paper's number of regions.
pub const REGIONS: usize = 8;
/// First-layer neurons with all eight regions: 224.
pub const FIRST_LAYER: usize = REGIONS * PER_REGION;
/// The regions' numerals, for labels.
pub const NUMERALS: [&str; REGIONS] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];

/// How the triangles (regions V–VIII) are cut into segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TriangleLines {
    /// Columns for the top and bottom triangles, rows for the left and right
    /// ones, as for the halves (the default).
    #[default]
    Perpendicular,
    /// Lines parallel to the diagonal on the triangle's clockwise side.
    Diagonal,
}

/// The first layer's segments: which pixels each neuron sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// `segments[n]` lists the pixels (row * 28 + column) of neuron `n`.
    segments: Vec<Vec<u16>>,
    /// For each pixel, the neurons whose segment contains it (CSR layout:
    /// `pixel_neurons[pixel_start[p]..pixel_start[p + 1]]`).
    pixel_start: Vec<u32>,
    pixel_neurons: Vec<u8>,
}

/// Twice a pixel's centre minus the image centre, so that the values are
/// odd integers from -27 to 27 and ties on a diagonal are exact.
fn centred(index: usize) -> i32 {
    2 * index as i32 + 1 - SIDE as i32
}

/// Whether pixel (r, c) lies in region `region` (0-based).
fn in_region(region: usize, r: usize, c: usize) -> bool {
    let (dy, dx) = (centred(r), centred(c));
    match region {
        0 => dy < 0,
        1 => dy > 0,
        2 => dx < 0,
        3 => dx > 0,
        4 => -dy >= dx.abs(),
        5 => dy >= dx.abs(),
        6 => -dx >= dy.abs(),
        _ => dx >= dy.abs(),
    }
}

/// Segment `k` of a region: the pixels on pixel line `k` that lie in it.
fn segment(region: usize, k: usize, lines: TriangleLines) -> Vec<u16> {
    let last = SIDE as i32 - 1;
    let on_line = |r: usize, c: usize| -> bool {
        let (r, c, k) = (r as i32, c as i32, k as i32);
        match (region, lines) {
            (0 | 1, _) | (4 | 5, TriangleLines::Perpendicular) => c == k,
            (_, TriangleLines::Perpendicular) => r == k,
            (4, TriangleLines::Diagonal) => c - r == k,
            (7, TriangleLines::Diagonal) => r + c == last + k,
            (5, TriangleLines::Diagonal) => r - c == k,
            (_, TriangleLines::Diagonal) => r + c == last - k,
        }
    };
    let mut pixels = Vec::new();
    for r in 0..SIDE {
        for c in 0..SIDE {
            if on_line(r, c) && in_region(region, r, c) {
                pixels.push((r * SIDE + c) as u16);
            }
        }
    }
    pixels
}

impl Geometry {
    /// The segments of the first `regions` regions (1 to 8).
    ///
    /// # Panics
    /// If `regions` is outside 1..=8; [`crate::model::Params::validate`]
    /// rejects such a value with a message first.
    pub fn new(regions: usize, lines: TriangleLines) -> Self {
        assert!((1..=REGIONS).contains(&regions), "regions must be 1 to 8");
        let segments: Vec<Vec<u16>> = (0..regions)
            .flat_map(|region| (0..PER_REGION).map(move |k| segment(region, k, lines)))
            .collect();

        let mut per_pixel = vec![Vec::new(); PIXELS];
        for (neuron, pixels) in segments.iter().enumerate() {
            for &p in pixels {
                per_pixel[p as usize].push(neuron as u8);
            }
        }

        let mut pixel_start = Vec::with_capacity(PIXELS + 1);
        let mut pixel_neurons = Vec::new();
        pixel_start.push(0);
        for neurons in per_pixel {
            pixel_neurons.extend(neurons);
            pixel_start.push(pixel_neurons.len() as u32);
        }
        Geometry {
            segments,
            pixel_start,
            pixel_neurons,
        }
    }

    /// The number of first-layer neurons (28 per region).
    pub fn neurons(&self) -> usize {
        self.segments.len()
    }

    /// The pixels of neuron `n`'s segment.
    pub fn segment(&self, n: usize) -> &[u16] {
        &self.segments[n]
    }

    /// The neurons whose segments contain `pixel`.
    #[inline]
    pub fn neurons_of(&self, pixel: usize) -> &[u8] {
        let (a, b) = (self.pixel_start[pixel], self.pixel_start[pixel + 1]);
        &self.pixel_neurons[a as usize..b as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Geometry {
        Geometry::new(REGIONS, TriangleLines::Perpendicular)
    }

    #[test]
    fn halves_are_columns_and_rows_of_fourteen() {
        let g = full();
        assert_eq!(g.neurons(), 224);
        for n in 0..4 * PER_REGION {
            assert_eq!(g.segment(n).len(), 14, "neuron {n}");
        }
        // Region I, segment 3: column 3 of rows 0–13.
        let expected: Vec<u16> = (0..14).map(|r| r * 28 + 3).collect();
        assert_eq!(g.segment(3), &expected[..]);
        // Region IV, segment 13: row 13, columns 14–27.
        let expected: Vec<u16> = (14..28).map(|c| 13 * 28 + c).collect();
        assert_eq!(g.segment(3 * 28 + 13), &expected[..]);
    }

    #[test]
    fn triangles_grow_from_the_corners() {
        let g = full();
        for (region, name) in NUMERALS.iter().enumerate().skip(4) {
            let lengths: Vec<usize> = (0..28).map(|k| g.segment(region * 28 + k).len()).collect();
            let expected: Vec<usize> = (0..28).map(|k| 1 + k.min(27 - k)).collect();
            assert_eq!(lengths, expected, "region {name}");
        }
        // Region V (top triangle), segment 0: only the corner pixel (0, 0).
        assert_eq!(g.segment(4 * 28), &[0]);
        // Region VII (left triangle), row 13: columns 0 to 13.
        let expected: Vec<u16> = (0..14).map(|c| 13 * 28 + c).collect();
        assert_eq!(g.segment(6 * 28 + 13), &expected[..]);
    }

    #[test]
    fn every_pixel_is_in_each_pair_of_halves_once() {
        let g = Geometry::new(4, TriangleLines::Perpendicular);
        for p in 0..PIXELS {
            assert_eq!(g.neurons_of(p).len(), 2, "pixel {p}");
        }
        // With the triangles, a diagonal pixel is in two triangles.
        let g = full();
        assert_eq!(g.neurons_of(0).len(), 4);
        assert_eq!(g.neurons_of(28 + 5).len(), 3);
    }

    #[test]
    fn diagonal_lines_cover_the_same_triangles() {
        let a = full();
        let b = Geometry::new(REGIONS, TriangleLines::Diagonal);
        for (region, name) in NUMERALS.iter().enumerate().skip(4) {
            let mut pa: Vec<u16> = (0..28)
                .flat_map(|k| a.segment(region * 28 + k).to_vec())
                .collect();
            let mut pb: Vec<u16> = (0..28)
                .flat_map(|k| b.segment(region * 28 + k).to_vec())
                .collect();
            pa.sort_unstable();
            pb.sort_unstable();
            assert_eq!(pa, pb, "region {name}");
            assert_eq!(pb.len(), 210);
        }
    }

    #[test]
    fn fewer_regions_take_the_first_ones() {
        let one = Geometry::new(1, TriangleLines::Perpendicular);
        assert_eq!(one.neurons(), 28);
        assert_eq!(one.segment(5), full().segment(5));
    }
}
