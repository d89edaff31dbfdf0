//! A reader's drawing turned into a 28×28 MNIST-style image.
//!
//! The page records each stroke as a polyline of pointer positions in the
//! canvas's CSS pixels, together with the pen's diameter in the same unit.
//! The network was trained on MNIST, so the drawing must reach it looking
//! like an MNIST digit. LeCun, Cortes and Burges made those from NIST's
//! binary scans in three steps: scale the digit to fit a 20×20 box keeping
//! its aspect ratio, anti-aliasing it into grey levels; then place that box
//! in a 28×28 field so that the ink's centre of mass lies at the centre.
//! [`to_mnist`] follows the same steps on vectors instead of a scan:
//!
//! 1. **Bounding box.** Take the box around every recorded point, that is
//!    around the centre-lines of the strokes ([`bounding_box`]). The pen's
//!    thickness is left out because it is replaced in step 3.
//! 2. **Scale, keeping the aspect ratio.** The longer side of the box is
//!    scaled to `BOX_PX - STROKE_PX` = 17 px, so that once the strokes are
//!    given their thickness the ink spans [`BOX_PX`] = 20 px on that side.
//!    The other side keeps the same scale: a "1" stays thin. A dot or a
//!    short tick has a tiny box that would be magnified without limit, so
//!    the box's longer side is taken to be at least [`MIN_EXTENT_PENS`] pen
//!    diameters: a mark smaller than that is drawn at the size it would
//!    have beside a digit of that extent, and a single dot stays a dot.
//! 3. **Stroke thickness relative to the digit.** Every stroke is drawn
//!    [`STROKE_PX`] = 3 px wide in the 20×20 box, whatever the pen's width
//!    on the canvas. MNIST's strokes are about that wide: its "1"s hold a
//!    median of 3.1 px of ink per row (quartiles 2.5 and 3.7, in the
//!    training pool). The pen as drawn would not give that: once scaled to
//!    20 px, the same pen makes a digit drawn small fat and one drawn large
//!    thin. Fixing the thickness relative to the box makes a digit drawn
//!    small and the same digit drawn large give the same image.
//! 4. **Anti-aliased rasterisation.** The scaled strokes are rendered into
//!    a working grid of [`SUPERSAMPLE`]² samples per output pixel (112×112
//!    for the 28×28 field, so the 20 px box spans 80 samples). Each stroke
//!    segment is a capsule: a sample's ink is one inside it, zero beyond,
//!    with a one-sample linear ramp on the distance to the segment at the
//!    edge. Overlapping strokes take the maximum, not the sum, as ink on
//!    paper does.
//! 5. **Centre of mass.** The centre of mass of the samples is computed,
//!    and the grid is shifted so that the centre falls on row 14, column 14
//!    (in the row and column indices of the output: MNIST's training images
//!    average 14.00 on both axes by that measure). MNIST translated its
//!    digits by whole pixels, which spreads their centres uniformly over
//!    13.5..14.5 (standard deviation 0.29 px, as measured on the training
//!    pool). Here the shift is a whole number of samples, a quarter pixel,
//!    so the centre lands within 0.13 px of (14, 14) (the worst of 2,000
//!    random scribbles): inside MNIST's own spread, and the image does not
//!    jump by a pixel between two pointer moves that move the centre by a
//!    hair.
//! 6. **Area average.** Each output pixel is the mean of its 4×4 samples,
//!    as grey levels 0..=255 with 255 for full ink. Ink shifted beyond the
//!    28×28 field is cut off, as in MNIST; it takes a digit whose centre of
//!    mass is more than 4 px from the centre of its box.
//!
//! Step 4 comes after steps 1 and 2 because the strokes are vectors: they
//! are scaled first and rasterised once, at the final size, so nothing is
//! resampled. The whole computation touches only the samples near each
//! segment: a digit of 200 points takes about 0.1 ms natively and 0.2 ms
//! as wasm in a release build, so the page can run it on every pointer
//! move.
//!
//! The canvas size is recorded with the drawing but not used: the result
//! depends only on the shape of the strokes, not on where or how large
//! they are on the canvas. All arithmetic is deterministic.

use serde::{Deserialize, Serialize};

/// A position `(x, y)`: x to the right, y downwards.
type Point = (f32, f32);

/// Side of the output image, in pixels (MNIST's 28).
pub const SIDE: usize = 28;

/// Number of pixels in an output image, row by row.
pub const PIXELS: usize = SIDE * SIDE;

/// Side of the box the digit is scaled to fit, in output pixels (MNIST's
/// 20). The ink's longer side spans exactly this much.
pub const BOX_PX: f32 = 20.0;

/// Width of every stroke in the output, in pixels, whatever the pen's
/// width on the canvas. MNIST's median stroke is about 3 px wide.
pub const STROKE_PX: f32 = 3.0;

/// The smallest extent a drawing is scaled as, in pen diameters.
///
/// A drawing whose bounding box is shorter than this on both sides is
/// magnified as if it were this long, so that a dot stays a dot of
/// [`STROKE_PX`] and a short tick stays short. Three pens is about the
/// smallest a reader draws a digit deliberately; anything larger is scaled
/// to the full [`BOX_PX`].
pub const MIN_EXTENT_PENS: f32 = 3.0;

/// Samples per output pixel along each axis in the working grid.
pub const SUPERSAMPLE: usize = 4;

/// Where the ink's centre of mass is placed, as a row and column index of
/// the output image (MNIST's convention; see the module docs).
pub const CENTRE: f32 = 14.0;

/// One stroke of the pen: the pointer's positions from pen-down to pen-up,
/// in canvas CSS pixels. A single point is a dot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    /// Positions `(x, y)`, x to the right and y downwards. Points that are
    /// not finite are ignored.
    pub points: Vec<(f32, f32)>,
}

/// A drawing on the page's canvas.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Drawing {
    /// The strokes, in the order they were drawn.
    pub strokes: Vec<Stroke>,
    /// Canvas width, in CSS pixels.
    pub width: f32,
    /// Canvas height, in CSS pixels.
    pub height: f32,
    /// Pen diameter, in CSS pixels; positive.
    pub pen: f32,
}

impl Drawing {
    /// An empty drawing on a canvas of the given size, with the given pen.
    pub fn new(width: f32, height: f32, pen: f32) -> Self {
        Self {
            strokes: Vec::new(),
            width,
            height,
            pen,
        }
    }

    /// True when no stroke has a point, so there is no ink.
    pub fn is_empty(&self) -> bool {
        self.points().next().is_none()
    }

    /// Every finite point of every stroke.
    fn points(&self) -> impl Iterator<Item = Point> + '_ {
        self.strokes.iter().flat_map(Stroke::finite_points)
    }
}

impl Stroke {
    fn finite_points(&self) -> impl Iterator<Item = Point> + '_ {
        self.points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }
}

/// An axis-aligned box, in the drawing's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Smallest x and y.
    pub min: (f32, f32),
    /// Largest x and y.
    pub max: (f32, f32),
}

impl BoundingBox {
    /// Extent along x.
    pub fn width(&self) -> f32 {
        self.max.0 - self.min.0
    }

    /// Extent along y.
    pub fn height(&self) -> f32 {
        self.max.1 - self.min.1
    }

    /// The box's centre.
    pub fn centre(&self) -> (f32, f32) {
        (
            0.5 * (self.min.0 + self.max.0),
            0.5 * (self.min.1 + self.max.1),
        )
    }
}

/// The box around the strokes' centre-lines (every recorded point, without
/// the pen's thickness), or `None` when the drawing has no ink.
pub fn bounding_box(drawing: &Drawing) -> Option<BoundingBox> {
    let mut points = drawing.points();
    let first = points.next()?;
    let mut bounds = BoundingBox {
        min: first,
        max: first,
    };
    for (x, y) in points {
        bounds.min = (bounds.min.0.min(x), bounds.min.1.min(y));
        bounds.max = (bounds.max.0.max(x), bounds.max.1.max(y));
    }
    Some(bounds)
}

/// The centre of mass of a 28×28 image, weighting each pixel by its grey
/// level, as `(column, row)` indices; `None` for a blank image.
pub fn centre_of_mass(image: &[u8; PIXELS]) -> Option<(f32, f32)> {
    let mut mass = 0.0f64;
    let mut moment = (0.0f64, 0.0f64);
    for (i, &grey) in image.iter().enumerate() {
        let weight = f64::from(grey);
        mass += weight;
        moment.0 += weight * (i % SIDE) as f64;
        moment.1 += weight * (i / SIDE) as f64;
    }
    (mass > 0.0).then(|| ((moment.0 / mass) as f32, (moment.1 / mass) as f32))
}

/// The drawing as an MNIST-style image: 28×28 grey levels row by row, 255
/// for ink, scaled, thickened and centred as described in the module docs.
/// `None` when there is no ink.
pub fn to_mnist(drawing: &Drawing) -> Option<[u8; PIXELS]> {
    let bounds = bounding_box(drawing)?;

    // Canvas units to output pixels. The floor on the extent keeps the
    // scale finite for a dot drawn with a pen of zero width.
    let extent = bounds
        .width()
        .max(bounds.height())
        .max(MIN_EXTENT_PENS * drawing.pen)
        .max(f32::EPSILON);
    let scale = (BOX_PX - STROKE_PX) / extent;

    // Output pixel (c, r) covers [c, c + 1) × [r, r + 1), so its centre is
    // at (c + 0.5, r + 0.5). The box's centre goes to the centre of pixel
    // (14, 14) for now, so that the shift in step 5 is usually small.
    let centre = bounds.centre();
    let ss = SUPERSAMPLE as f32;
    let place = |(x, y): Point| {
        (
            ((x - centre.0) * scale + CENTRE + 0.5) * ss,
            ((y - centre.1) * scale + CENTRE + 0.5) * ss,
        )
    };

    // Rasterise at the final size, SUPERSAMPLE samples to a pixel.
    let mut grid = Grid::new(SIDE * SUPERSAMPLE);
    let radius = 0.5 * STROKE_PX * ss;
    for stroke in &drawing.strokes {
        grid.paint_stroke(stroke.finite_points().map(place), radius);
    }

    // Move the ink by whole samples so that its centre of mass lands as
    // near the centre of pixel (14, 14) as a quarter pixel allows.
    let (x, y) = grid.centre_of_mass()?;
    let shift = (
        ((CENTRE + 0.5) * ss - x).round() as isize,
        ((CENTRE + 0.5) * ss - y).round() as isize,
    );
    Some(grid.reduce(shift))
}

/// The working grid: ink coverage 0..=1 per sample, row by row. Sample
/// `(i, j)` covers `[i, i + 1) × [j, j + 1)` in sample units.
struct Grid {
    side: usize,
    ink: Vec<f32>,
}

impl Grid {
    fn new(side: usize) -> Self {
        Self {
            side,
            ink: vec![0.0; side * side],
        }
    }

    /// Paints consecutive points joined by capsules of the given radius, in
    /// samples; a lone point is a disc.
    fn paint_stroke(&mut self, points: impl Iterator<Item = Point>, radius: f32) {
        let mut previous = None;
        let mut lone = true;
        for point in points {
            if let Some(previous) = previous {
                self.paint_segment(previous, point, radius);
                lone = false;
            }
            previous = Some(point);
        }
        if lone && let Some(dot) = previous {
            self.paint_segment(dot, dot, radius);
        }
    }

    /// Paints the capsule around segment `a`–`b`: coverage 1 within
    /// `radius` of the segment, with a one-sample ramp centred on its edge.
    fn paint_segment(&mut self, a: Point, b: Point, radius: f32) {
        // A sample centred on a straight edge is half inside; the ramp gives
        // it 0.5, full ink half a sample inwards and none half a sample
        // outwards, where the sample only touches the edge.
        let reach = radius + 0.5;
        let (x0, x1) = self.span(a.0.min(b.0) - reach, a.0.max(b.0) + reach);
        let (y0, y1) = self.span(a.1.min(b.1) - reach, a.1.max(b.1) + reach);

        // The sample's projection onto the segment, as a fraction `t` of
        // its length; a dot has no length, and every sample projects to it.
        let along = (b.0 - a.0, b.1 - a.1);
        let length2 = along.0 * along.0 + along.1 * along.1;
        let inverse = if length2 > 0.0 { 1.0 / length2 } else { 0.0 };

        for j in y0..y1 {
            let py = j as f32 + 0.5 - a.1;
            let row = &mut self.ink[j * self.side..(j + 1) * self.side];
            for (i, cell) in (x0..x1).zip(&mut row[x0..x1]) {
                if *cell >= 1.0 {
                    continue;
                }
                let px = i as f32 + 0.5 - a.0;

                // Distance from the sample centre to the nearest point of
                // the segment.
                let projection = px * along.0 + py * along.1;
                let t = (projection * inverse).clamp(0.0, 1.0);
                let (dx, dy) = (px - t * along.0, py - t * along.1);
                let distance2 = dx * dx + dy * dy;
                if distance2 >= reach * reach {
                    continue;
                }

                let coverage = (reach - distance2.sqrt()).min(1.0);
                *cell = cell.max(coverage);
            }
        }
    }

    /// The samples whose index lies in `[from, to)` once clamped to the
    /// grid; empty when the range misses it.
    fn span(&self, from: f32, to: f32) -> (usize, usize) {
        let side = self.side as f32;
        let start = from.floor().clamp(0.0, side) as usize;
        let end = to.ceil().clamp(0.0, side) as usize;
        (start, end.max(start))
    }

    /// Centre of mass in sample units, or `None` for a blank grid.
    fn centre_of_mass(&self) -> Option<Point> {
        let mut mass = 0.0f64;
        let mut moment = (0.0f64, 0.0f64);
        for (j, row) in self.ink.chunks_exact(self.side).enumerate() {
            let mut row_mass = 0.0f64;
            for (i, &ink) in row.iter().enumerate() {
                let ink = f64::from(ink);
                row_mass += ink;
                moment.0 += ink * (i as f64 + 0.5);
            }
            mass += row_mass;
            moment.1 += row_mass * (j as f64 + 0.5);
        }
        (mass > 0.0).then(|| ((moment.0 / mass) as f32, (moment.1 / mass) as f32))
    }

    /// The output image: each pixel the mean of its block of samples after
    /// moving the ink by `shift` samples. Ink moved off the field is lost.
    fn reduce(&self, shift: (isize, isize)) -> [u8; PIXELS] {
        debug_assert_eq!(self.side, SIDE * SUPERSAMPLE);
        let mut sums = [0.0f32; PIXELS];
        for (j, samples) in self.ink.chunks_exact(self.side).enumerate() {
            let Some(row) = self.target(j, shift.1) else {
                continue;
            };
            for (i, &ink) in samples.iter().enumerate() {
                if let Some(column) = self.target(i, shift.0) {
                    sums[row * SIDE + column] += ink;
                }
            }
        }
        let block = (SUPERSAMPLE * SUPERSAMPLE) as f32;
        sums.map(|sum| (255.0 * sum / block).round().min(255.0) as u8)
    }

    /// The output pixel that sample `index` falls in once moved by `shift`
    /// samples along the same axis, if it stays on the field.
    fn target(&self, index: usize, shift: isize) -> Option<usize> {
        let moved = index.checked_add_signed(shift)?;
        (moved < self.side).then_some(moved / SUPERSAMPLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawing(strokes: &[&[(f32, f32)]]) -> Drawing {
        Drawing {
            strokes: strokes
                .iter()
                .map(|points| Stroke {
                    points: points.to_vec(),
                })
                .collect(),
            width: 280.0,
            height: 280.0,
            pen: 20.0,
        }
    }

    #[test]
    fn strokes_without_points_are_empty() {
        assert!(drawing(&[]).is_empty());
        assert!(drawing(&[&[], &[]]).is_empty());
        assert!(drawing(&[&[(f32::NAN, 3.0)]]).is_empty());
        assert!(!drawing(&[&[], &[(1.0, 2.0)]]).is_empty());
    }

    #[test]
    fn bounding_box_spans_every_finite_point() {
        let d = drawing(&[
            &[(10.0, 50.0), (30.0, 20.0)],
            &[(f32::INFINITY, 0.0), (25.0, 90.0)],
        ]);
        let bounds = bounding_box(&d).unwrap();
        assert_eq!(bounds.min, (10.0, 20.0));
        assert_eq!(bounds.max, (30.0, 90.0));
        assert_eq!((bounds.width(), bounds.height()), (20.0, 70.0));
        assert_eq!(bounds.centre(), (20.0, 55.0));
        assert_eq!(bounding_box(&drawing(&[])), None);
    }

    #[test]
    fn centre_of_mass_weights_by_grey_level() {
        let mut image = [0u8; PIXELS];
        assert_eq!(centre_of_mass(&image), None);

        // 3 parts at column 2, 1 part at column 6: mean column 3.
        image[5 * SIDE + 2] = 255;
        image[5 * SIDE + 6] = 85;
        assert_eq!(centre_of_mass(&image), Some((3.0, 5.0)));
    }

    #[test]
    fn a_disc_covers_its_area() {
        // Radius 10 samples: area 100π ≈ 314.16 samples, to within the
        // error of the one-sample ramp at the rim.
        let mut grid = Grid::new(40);
        grid.paint_segment((20.0, 20.0), (20.0, 20.0), 10.0);
        let area: f32 = grid.ink.iter().sum();
        assert!((area - 314.16).abs() < 2.0, "area {area}");
        let (x, y) = grid.centre_of_mass().unwrap();
        assert!((x - 20.0).abs() < 1e-4 && (y - 20.0).abs() < 1e-4);
    }

    #[test]
    fn a_capsule_covers_rectangle_and_caps() {
        // Length 20 and radius 4: a 20×8 rectangle plus a disc of radius 4.
        let mut grid = Grid::new(40);
        grid.paint_segment((10.0, 20.0), (30.0, 20.0), 4.0);
        let area: f32 = grid.ink.iter().sum();
        let expected = 20.0 * 8.0 + std::f32::consts::PI * 16.0;
        assert!((area - expected).abs() < 1.5, "area {area}");
    }

    #[test]
    fn overlapping_strokes_do_not_add_ink() {
        let mut once = Grid::new(40);
        once.paint_segment((10.0, 20.0), (30.0, 20.0), 4.0);
        let mut twice = Grid::new(40);
        twice.paint_segment((10.0, 20.0), (30.0, 20.0), 4.0);
        twice.paint_segment((30.0, 20.0), (10.0, 20.0), 4.0);
        assert_eq!(once.ink, twice.ink);
    }

    #[test]
    fn segments_off_the_grid_paint_nothing() {
        let mut grid = Grid::new(8);
        grid.paint_segment((-50.0, -50.0), (-20.0, 4.0), 2.0);
        grid.paint_segment((1e9, 1e9), (2e9, 1e9), 2.0);
        assert!(grid.ink.iter().all(|&ink| ink == 0.0));
    }

    #[test]
    fn reduce_averages_blocks_and_shifts() {
        let mut grid = Grid::new(SIDE * SUPERSAMPLE);
        // Half of the samples of the top-left pixel.
        for j in 0..SUPERSAMPLE {
            for i in 0..SUPERSAMPLE / 2 {
                grid.ink[j * grid.side + i] = 1.0;
            }
        }
        let image = grid.reduce((0, 0));
        assert_eq!(image[0], 128);
        assert_eq!(image.iter().map(|&g| u32::from(g)).sum::<u32>(), 128);

        // Moved right by two samples and down by a pixel, the ink fills
        // the second half of the block one row down.
        let image = grid.reduce((2, SUPERSAMPLE as isize));
        assert_eq!(image[SIDE], 128);
        assert_eq!(image.iter().map(|&g| u32::from(g)).sum::<u32>(), 128);

        // Moved off the field, it is gone.
        let image = grid.reduce((-(SUPERSAMPLE as isize), 0));
        assert!(image.iter().all(|&g| g == 0));
    }
}
