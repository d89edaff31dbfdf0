//! A drawing on the page becomes an MNIST-style 28×28 image: the same
//! digit drawn small, large or in a corner gives the same image; the aspect
//! ratio is kept; the ink's centre of mass lands at (14, 14); a dot stays a
//! dot; and a horizontal bar matches values computed independently.

use pruning_snn::drawing::{Drawing, PIXELS, SIDE, Stroke};
use pruning_snn::drawing::{bounding_box, centre_of_mass, to_mnist};

/// The page's canvas in CSS pixels and its default pen.
const CANVAS: f32 = 280.0;
const PEN: f32 = 20.0;

fn on_canvas(strokes: Vec<Vec<(f32, f32)>>) -> Drawing {
    Drawing {
        strokes: strokes
            .into_iter()
            .map(|points| Stroke { points })
            .collect(),
        width: CANVAS,
        height: CANVAS,
        pen: PEN,
    }
}

/// The image of strokes drawn on the canvas with the default pen.
fn mnist(strokes: Vec<Vec<(f32, f32)>>) -> [u8; PIXELS] {
    to_mnist(&on_canvas(strokes)).expect("the drawing has ink")
}

/// A straight stroke from `a` to `b`, sampled every `step` canvas pixels
/// as a pointer would report it.
fn line(a: (f32, f32), b: (f32, f32), step: f32) -> Vec<(f32, f32)> {
    let length = (b.0 - a.0).hypot(b.1 - a.1);
    let n = (length / step).ceil().max(1.0) as usize;
    (0..=n)
        .map(|k| {
            let t = k as f32 / n as f32;
            (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
        })
        .collect()
}

/// The points moved by a hand's tremor of about a canvas pixel, the same
/// whatever the size of the drawing, as a pointer reports it.
fn shaky(points: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    points
        .into_iter()
        .enumerate()
        .map(|(k, (x, y))| {
            let k = k as f32;
            (x + (0.9 * k).sin(), y + (1.3 * k).cos())
        })
        .collect()
}

/// A closed circle of the given centre and radius, sampled every `step`
/// canvas pixels along its rim.
fn circle(centre: (f32, f32), radius: f32, step: f32) -> Vec<(f32, f32)> {
    let n = (std::f32::consts::TAU * radius / step).ceil() as usize;
    (0..=n)
        .map(|k| {
            let angle = std::f32::consts::TAU * k as f32 / n as f32;
            (
                centre.0 + radius * angle.cos(),
                centre.1 + radius * angle.sin(),
            )
        })
        .collect()
}

/// A "7": a bar and a slanted stem, in a unit square mapped onto the
/// canvas at `origin` with side `size`. Its centre of mass is off the
/// middle of its box, so centring by mass moves it.
fn seven(origin: (f32, f32), size: f32) -> Vec<Vec<(f32, f32)>> {
    let at = |x: f32, y: f32| (origin.0 + x * size, origin.1 + y * size);
    let step = 3.0;
    let mut stroke = line(at(0.1, 0.0), at(0.8, 0.0), step);
    stroke.extend(line(at(0.8, 0.0), at(0.35, 1.0), step).into_iter().skip(1));
    vec![shaky(stroke)]
}

fn ink(image: &[u8; PIXELS]) -> u32 {
    image.iter().map(|&g| u32::from(g)).sum()
}

/// Sum of absolute differences, relative to the first image's total ink.
fn relative_l1(a: &[u8; PIXELS], b: &[u8; PIXELS]) -> f32 {
    let l1: u32 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| u32::from(x.abs_diff(y)))
        .sum();
    l1 as f32 / ink(a) as f32
}

/// Rows and columns that hold any ink: `(first row, last row, first
/// column, last column)`.
fn lit_box(image: &[u8; PIXELS]) -> (usize, usize, usize, usize) {
    let lit: Vec<(usize, usize)> = (0..PIXELS)
        .filter(|&p| image[p] > 0)
        .map(|p| (p / SIDE, p % SIDE))
        .collect();
    let rows = lit.iter().map(|&(r, _)| r);
    let columns = lit.iter().map(|&(_, c)| c);
    (
        rows.clone().min().unwrap(),
        rows.max().unwrap(),
        columns.clone().min().unwrap(),
        columns.max().unwrap(),
    )
}

/// The image as text, for failure messages.
fn show(image: &[u8; PIXELS]) -> String {
    image
        .chunks(SIDE)
        .map(|row| {
            row.iter()
                .map(|&g| match g {
                    0 => ' ',
                    1..=84 => '.',
                    85..=169 => '+',
                    _ => '#',
                })
                .collect::<String>()
                + "|\n"
        })
        .collect()
}

fn assert_centred(image: &[u8; PIXELS]) {
    let (x, y) = centre_of_mass(image).unwrap();
    assert!(
        (x - 14.0).abs() <= 0.5 && (y - 14.0).abs() <= 0.5,
        "centre of mass ({x}, {y}):\n{}",
        show(image)
    );
}

#[test]
fn no_ink_gives_no_image() {
    assert_eq!(to_mnist(&Drawing::new(CANVAS, CANVAS, PEN)), None);
    assert_eq!(to_mnist(&on_canvas(vec![vec![], vec![]])), None);
    assert!(on_canvas(vec![vec![]]).is_empty());
    assert_eq!(bounding_box(&on_canvas(vec![])), None);
}

// The tremor is the same in canvas pixels at every size, so it weighs
// three times more in a drawing 70 px tall than in one 200 px tall: that,
// not the normalisation, is what differs (without it the images are
// identical). Measured: 5 % to 12 % of the ink.
#[test]
fn a_line_drawn_small_large_or_in_a_corner_gives_the_same_image() {
    let middle = shaky(line((140.0, 40.0), (140.0, 240.0), 3.0));
    let small = shaky(line((140.0, 105.0), (140.0, 175.0), 3.0));
    let corner = shaky(line((31.0, 12.5), (31.0, 113.0), 3.0));
    let [middle, small, corner] = [middle, small, corner].map(|s| mnist(vec![s]));

    for image in [&middle, &small, &corner] {
        assert_centred(image);
        assert!(
            relative_l1(&middle, image) < 0.15,
            "relative L1 {}:\n{}\nversus\n{}",
            relative_l1(&middle, image),
            show(&middle),
            show(image)
        );
    }
}

#[test]
fn a_seven_drawn_small_large_or_in_a_corner_gives_the_same_image() {
    let large = mnist(seven((40.0, 30.0), 220.0));
    let small = mnist(seven((120.0, 120.0), 70.0));
    let corner = mnist(seven((5.0, 170.0), 100.0));

    for image in [&large, &small, &corner] {
        assert_centred(image);
        assert!(
            relative_l1(&large, image) < 0.15,
            "relative L1 {}:\n{}\nversus\n{}",
            relative_l1(&large, image),
            show(&large),
            show(image)
        );
    }
}

#[test]
fn a_one_holds_as_much_ink_as_mnist_ones() {
    // Total ink, in full pixels, of the "1"s among the first 10,000 MNIST
    // training images: quartiles 48.6, 59.9 and 71.7.
    let image = mnist(vec![line((140.0, 40.0), (140.0, 240.0), 3.0)]);
    let full_pixels = ink(&image) as f32 / 255.0;
    assert!((48.6..=71.7).contains(&full_pixels), "{full_pixels}");
}

#[test]
fn the_pen_width_does_not_thicken_the_digit() {
    let points = vec![circle((140.0, 140.0), 90.0, 3.0)];
    let thin = to_mnist(&Drawing {
        pen: 6.0,
        ..on_canvas(points.clone())
    });
    let thick = to_mnist(&Drawing {
        pen: 30.0,
        ..on_canvas(points)
    });
    assert_eq!(thin, thick);
}

#[test]
fn a_vertical_bar_stays_thin() {
    let image = mnist(vec![line((140.0, 40.0), (140.0, 240.0), 3.0)]);
    let (top, bottom, left, right) = lit_box(&image);
    let (height, width) = (bottom - top + 1, right - left + 1);
    assert!(
        (20..=21).contains(&height),
        "height {height}:\n{}",
        show(&image)
    );
    assert!(width <= 4, "width {width}:\n{}", show(&image));
}

#[test]
fn a_circle_gives_a_ring_with_an_empty_centre() {
    let image = mnist(vec![circle((150.0, 130.0), 80.0, 4.0)]);
    assert_centred(&image);

    let (top, bottom, left, right) = lit_box(&image);
    assert!((20..=21).contains(&(bottom - top + 1)), "{}", show(&image));
    assert!((20..=21).contains(&(right - left + 1)), "{}", show(&image));

    // The inside of the ring, radius 8.5 - 1.5 = 7 px around (14, 14), is
    // blank well within the stroke's edge.
    for row in 9..=19 {
        for column in 9..=19 {
            let r = (row as f32 - 14.0).hypot(column as f32 - 14.0);
            if r < 5.0 {
                assert_eq!(image[row * SIDE + column], 0, "{}", show(&image));
            }
        }
    }

    // Along the ring, in every direction, some pixel is full ink.
    for k in 0..16 {
        let angle = std::f32::consts::TAU * k as f32 / 16.0;
        let darkest = (70..=100)
            .map(|tenths| {
                let r = tenths as f32 / 10.0;
                let column = (14.0 + r * angle.cos()).round() as usize;
                let row = (14.0 + r * angle.sin()).round() as usize;
                image[row * SIDE + column]
            })
            .max()
            .unwrap();
        assert!(darkest >= 230, "angle {angle}:\n{}", show(&image));
    }
}

#[test]
fn a_dot_stays_a_small_blob() {
    let image = mnist(vec![vec![(200.0, 60.0)]]);
    assert_centred(&image);
    let (top, bottom, left, right) = lit_box(&image);
    assert!(bottom - top < 4 && right - left < 4, "{}", show(&image));
    assert!(*image.iter().max().unwrap() >= 250, "{}", show(&image));
}

#[test]
fn a_short_tick_is_not_magnified_to_the_full_box() {
    // Half a pen long: 10 px scaled as if the drawing were 3 pens (60 px)
    // across, 10 × 17 / 60 ≈ 2.8 px, plus the 3 px stroke: about 6 rows.
    let image = mnist(vec![line((100.0, 100.0), (100.0, 110.0), 2.0)]);
    let (top, bottom, _, _) = lit_box(&image);
    assert!((5..=7).contains(&(bottom - top + 1)), "{}", show(&image));
}

#[test]
fn grey_levels_reach_full_ink_and_blank() {
    let image = mnist(seven((40.0, 30.0), 220.0));
    assert!(*image.iter().max().unwrap() >= 250);
    assert_eq!(*image.iter().min().unwrap(), 0);
    // Anti-aliased: the edges hold grey levels between blank and full.
    assert!(image.iter().any(|&g| (30..=225).contains(&g)));
}

#[test]
fn the_same_drawing_gives_the_same_bytes() {
    let d = on_canvas(seven((17.0, 44.0), 123.0));
    assert_eq!(to_mnist(&d), to_mnist(&d));
}

/// The fraction of pixel `(row, column)` inside the capsule of radius
/// `radius` around the horizontal segment from `(x0, y)` to `(x1, y)`,
/// by the midpoint rule on a 200×200 lattice: an integration independent
/// of the code under test.
fn capsule_area_in_pixel(
    row: usize,
    column: usize,
    (x0, x1, y): (f64, f64, f64),
    radius: f64,
) -> f64 {
    let n = 200;
    let mut inside = 0;
    for j in 0..n {
        for i in 0..n {
            let px = column as f64 + (i as f64 + 0.5) / n as f64;
            let py = row as f64 + (j as f64 + 0.5) / n as f64;
            let dx = px - px.clamp(x0, x1);
            if dx.hypot(py - y) <= radius {
                inside += 1;
            }
        }
    }
    f64::from(inside) / f64::from(n * n)
}

#[test]
fn a_horizontal_bar_matches_golden_values() {
    // Any horizontal bar: its centre-line is scaled to 17 px and drawn
    // 3 px wide, so its ink spans 20 × 3 px. Being symmetric, its centre
    // of mass is its middle, placed at the centre of pixel (14, 14): with
    // pixel (c, r) covering [c, c + 1) × [r, r + 1), the centre-line runs
    // from x = 6 to x = 23 at y = 14.5, and the ink fills rows 13..=15
    // and columns 4..=24, the end columns only in part (round caps).
    let image = mnist(vec![line((30.0, 200.0), (250.0, 200.0), 5.0)]);

    for row in 0..SIDE {
        for column in 0..SIDE {
            let got = image[row * SIDE + column];
            let lit = (13..=15).contains(&row) && (4..=24).contains(&column);
            if !lit {
                assert_eq!(got, 0, "({row}, {column}):\n{}", show(&image));
                continue;
            }

            // Rows 13..=15 between the caps are wholly inside the bar.
            if (6..=22).contains(&column) {
                assert_eq!(got, 255, "({row}, {column}):\n{}", show(&image));
            }

            // Every pixel within 2 grey levels of the area the bar covers.
            // The code samples each pixel 4×4 with a ramp at the edge, so
            // it only approximates the curved caps.
            let bar = (6.0, 23.0, 14.5);
            let exact = 255.0 * capsule_area_in_pixel(row, column, bar, 1.5);
            assert!(
                (f64::from(got) - exact).abs() <= 2.0,
                "({row}, {column}): {got} versus {exact:.1}:\n{}",
                show(&image)
            );
        }
    }

    // The caps' pixels written out: columns 4 and 5 of rows 13..=15, and
    // their mirror images, columns 24 and 23. The areas were integrated
    // apart, in Python, on a 400×400 lattice per pixel.
    let cap = [[38.6, 224.4], [120.3, 255.0], [38.6, 224.4]];
    for (row, expected) in (13..=15).zip(cap) {
        for (k, exact) in expected.into_iter().enumerate() {
            for column in [4 + k, 24 - k] {
                let got = f64::from(image[row * SIDE + column]);
                assert!((got - exact).abs() <= 2.0, "({row}, {column}): {got}");
            }
        }
    }
}
