//! The page's pictures, one drawing function per picture.
//!
//! Each function takes what it shows and draws it from scratch into its
//! canvas, sized by [`surface`] for the screen's pixel density. Pixel-dense
//! pictures (the spike raster, the channels) are painted into an
//! `ImageData` at device resolution and put on the canvas in one call.
//!
//! Colours: Okabe and Ito's palette, chosen to stay distinct with the
//! common colour-vision deficiencies; every contrast that matters is also
//! one of lightness (bright orange on a dark panel), and the winner is
//! marked by a label, not by colour alone.

use std::f64::consts::TAU;

use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::dom::{Surface, context, surface};
use super::pad::{PAD_UNITS, PEN_UNITS};
use crate::data::{Image, SIDE};
use crate::drawing::Stroke;
use crate::model::geometry::{NUMERALS, PER_REGION};
use crate::model::{Decision, Geometry, Response};
use crate::protocol::{Channel, SpikeRaster};

type Rgb = [u8; 3];

/// The dark panel behind spikes and synapses.
const PANEL: Rgb = [18, 22, 27];
/// Alternate bands of the raster, one per region.
const BANDS: [Rgb; 2] = [[18, 22, 27], [34, 40, 49]];
/// A spike.
const SPIKE: Rgb = [250, 250, 250];
/// Okabe–Ito orange: activity driven by the current drawing.
const ORANGE: Rgb = [230, 159, 0];
/// Okabe–Ito sky blue: structure (a surviving synapse, a segment).
const SKY: Rgb = [86, 180, 233];
/// Okabe–Ito blue and vermilion, for the output bars on the light page.
const BAR: &str = "#0072B2";
const WINNER: &str = "#D55E00";
/// Ink on the pad, and the pad's paper.
const INK: &str = "#111111";
const PAPER: &str = "#ffffff";
/// Text on the dark panels, and on the light page.
const LABEL_ON_DARK: &str = "#d0d7de";
const LABEL_ON_LIGHT: &str = "#3a3f44";
const HINT: &str = "#6b7075";

const FONT: &str = "12px system-ui, sans-serif";
const SMALL_FONT: &str = "11px system-ui, sans-serif";

/// Margin left of the raster and the large channel for region labels, in
/// CSS px.
const LABELS_PX: f64 = 34.0;
/// Margin below the raster for its time axis, in CSS px.
const AXIS_PX: f64 = 18.0;
/// Gap between two regions' rows in the raster, in CSS px.
const REGION_GAP_PX: f64 = 3.0;
/// Gap between the segment panels, and the height of their labels, in CSS px.
const PANEL_GAP_PX: f64 = 6.0;
const PANEL_LABEL_PX: f64 = 15.0;
/// Space above and below the output bars, for counts and digits, in CSS px.
const BAR_TOP_PX: f64 = 30.0;
const BAR_BOTTOM_PX: f64 = 22.0;
/// Ticks of the raster's time axis: the paper's four learning windows,
/// or two halves where the plot is narrower than [`NARROW_PX`].
const TIME_TICKS: usize = 4;
const NARROW_PX: f64 = 400.0;

/// The parts of the image each region covers (see `model::geometry`).
const REGION_PARTS: [&str; 8] = [
    "top half",
    "bottom half",
    "left half",
    "right half",
    "top triangle",
    "bottom triangle",
    "left triangle",
    "right triangle",
];

fn css([r, g, b]: Rgb, alpha: f64) -> String {
    format!("rgba({r},{g},{b},{alpha:.3})")
}

/// `a` moved towards `b` by `t` (0 to 1).
fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    std::array::from_fn(|k| (a[k] as f32 + (b[k] as f32 - a[k] as f32) * t).round() as u8)
}

/// An RGBA buffer for a `width × height` block of device pixels.
struct Pixels {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

impl Pixels {
    fn new(width: u32, height: u32, fill: Rgb) -> Self {
        let (width, height) = (width as usize, height as usize);
        let mut rgba = Vec::with_capacity(width * height * 4);
        for _ in 0..width * height {
            rgba.extend_from_slice(&[fill[0], fill[1], fill[2], 255]);
        }
        Pixels {
            width,
            height,
            rgba,
        }
    }

    fn set(&mut self, x: usize, y: usize, colour: Rgb) {
        if x < self.width && y < self.height {
            let at = (y * self.width + x) * 4;
            self.rgba[at..at + 3].copy_from_slice(&colour);
        }
    }

    /// Puts the pixels on the canvas at `(x, y)` device pixels.
    fn put(&self, ctx: &CanvasRenderingContext2d, x: f64, y: f64) {
        if self.width == 0 || self.height == 0 {
            return;
        }
        let data = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&self.rgba),
            self.width as u32,
            self.height as u32,
        )
        .expect("the buffer holds width × height RGBA pixels");
        ctx.put_image_data(&data, x.round(), y.round())
            .expect("image data of the canvas's own origin can be put");
    }
}

fn text(ctx: &CanvasRenderingContext2d, s: &str, x: f64, y: f64, align: &str, colour: &str) {
    ctx.set_fill_style_str(colour);
    ctx.set_text_align(align);
    ctx.set_text_baseline("middle");
    // Text of our own in a laid-out canvas cannot fail to draw.
    let _ = ctx.fill_text(s, x, y);
}

/// The drawing pad: the strokes, or an invitation to draw.
pub fn draw_pad(canvas: &HtmlCanvasElement, strokes: &[Stroke]) {
    let Some(s) = surface(canvas) else { return };
    let ctx = &s.ctx;
    ctx.set_fill_style_str(PAPER);
    ctx.fill_rect(0.0, 0.0, s.width, s.height);
    if strokes.iter().all(|st| st.points.is_empty()) {
        ctx.set_font("16px system-ui, sans-serif");
        text(
            ctx,
            "Draw a digit here",
            s.width / 2.0,
            s.height / 2.0,
            "center",
            HINT,
        );
        return;
    }

    // Pad units to CSS pixels.
    let k = s.width / f64::from(PAD_UNITS);
    ctx.set_line_width(f64::from(PEN_UNITS) * k);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    ctx.set_stroke_style_str(INK);
    ctx.set_fill_style_str(INK);
    for stroke in strokes {
        let mut points = stroke
            .points
            .iter()
            .map(|&(x, y)| (f64::from(x) * k, f64::from(y) * k));
        let Some((x0, y0)) = points.next() else {
            continue;
        };
        ctx.begin_path();
        if stroke.points.len() == 1 {
            // A dot: a stroke of no length draws nothing.
            let _ = ctx.arc(x0, y0, f64::from(PEN_UNITS) * k / 2.0, 0.0, TAU);
            ctx.fill();
        } else {
            ctx.move_to(x0, y0);
            for (x, y) in points {
                ctx.line_to(x, y);
            }
            ctx.stroke();
        }
    }
}

/// The model's input: the drawing as a 28×28 MNIST digit, white on black
/// as MNIST shows its digits. One canvas pixel per image pixel; CSS
/// enlarges it without smoothing.
pub fn draw_input(canvas: &HtmlCanvasElement, image: Option<&Image>) {
    let side = SIDE as u32;
    if canvas.width() != side || canvas.height() != side {
        canvas.set_width(side);
        canvas.set_height(side);
    }
    let mut pixels = Pixels::new(side, side, [0, 0, 0]);
    if let Some(image) = image {
        for (p, &v) in image.iter().enumerate() {
            pixels.set(p % SIDE, p / SIDE, [v, v, v]);
        }
    }
    pixels.put(&context(canvas), 0.0, 0.0);
}

/// Panels per row and panel side (CSS px) that fit `regions` panels into
/// a `width × height` box best.
fn panel_layout(regions: usize, width: f64, height: f64) -> (usize, f64) {
    [2usize, 4, 8]
        .into_iter()
        .map(|cols| {
            let rows = regions.div_ceil(cols) as f64;
            let c = cols as f64;
            let by_width = (width - (c - 1.0) * PANEL_GAP_PX) / c;
            let by_height = (height - rows * PANEL_LABEL_PX - (rows - 1.0) * PANEL_GAP_PX) / rows;
            (cols, by_width.min(by_height))
        })
        .fold((4, 0.0), |best, c| if c.1 > best.1 { c } else { best })
}

/// The first layer as its receptive fields: for each region, its 28 line
/// segments over the input, bright orange where the neuron fires often for
/// this drawing (`drive`: each neuron's spike count over the highest).
pub fn draw_segments(
    canvas: &HtmlCanvasElement,
    geometry: &Geometry,
    image: Option<&Image>,
    drive: Option<&[f32]>,
) {
    let Some(s) = surface(canvas) else { return };
    let ctx = &s.ctx;
    ctx.clear_rect(0.0, 0.0, s.width, s.height);
    let regions = geometry.neurons() / PER_REGION;
    let (cols, side) = panel_layout(regions, s.width, s.height);
    if side <= 0.0 {
        return;
    }
    let cell = side / SIDE as f64;
    let used = cols as f64 * side + (cols as f64 - 1.0) * PANEL_GAP_PX;
    let left = ((s.width - used) / 2.0).max(0.0);
    ctx.set_font(SMALL_FONT);
    ctx.set_line_cap("square");

    // Panels are labelled with their part's name if every name fits, with
    // numerals alone otherwise; the faint lines show each part's shape.
    let named = (0..regions).all(|r| {
        let label = format!("{} {}", NUMERALS[r], REGION_PARTS[r]);
        ctx.measure_text(&label)
            .map(|m| m.width())
            .unwrap_or(f64::MAX)
            <= side
    });

    for region in 0..regions {
        let (col, row) = ((region % cols) as f64, (region / cols) as f64);
        let x0 = left + col * (side + PANEL_GAP_PX);
        let y0 = row * (side + PANEL_LABEL_PX + PANEL_GAP_PX);
        ctx.set_fill_style_str(&css(PANEL, 1.0));
        ctx.fill_rect(x0, y0, side, side);

        // The input, faint, so the segments read against the digit.
        if let Some(image) = image {
            for (p, &v) in image.iter().enumerate().filter(|(_, v)| **v > 0) {
                ctx.set_fill_style_str(&css([255, 255, 255], 0.4 * f64::from(v) / 255.0));
                let (r, c) = ((p / SIDE) as f64, (p % SIDE) as f64);
                ctx.fill_rect(x0 + c * cell, y0 + r * cell, cell, cell);
            }
        }

        // Each segment is a straight run of pixels: a line from the centre
        // of its first pixel to the centre of its last, squared off to
        // cover both.
        for k in 0..PER_REGION {
            let n = region * PER_REGION + k;
            let segment = geometry.segment(n);
            let (Some(&a), Some(&b)) = (segment.first(), segment.last()) else {
                continue;
            };
            let centre = |p: u16| {
                let (r, c) = ((p as usize / SIDE) as f64, (p as usize % SIDE) as f64);
                (x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell)
            };
            let ((xa, ya), (xb, yb)) = (centre(a), centre(b));
            let level = drive.and_then(|d| d.get(n)).copied().unwrap_or(0.0);
            let (colour, alpha, width) = if level > 0.0 {
                (ORANGE, 0.15 + 0.85 * f64::from(level), 0.8 * cell)
            } else {
                (SKY, 0.16, 0.45 * cell)
            };
            ctx.set_stroke_style_str(&css(colour, alpha));
            ctx.set_line_width(width);
            ctx.begin_path();
            ctx.move_to(xa, ya);
            ctx.line_to(xb, yb);
            ctx.stroke();
        }

        let label = if named {
            format!("{} {}", NUMERALS[region], REGION_PARTS[region])
        } else {
            NUMERALS[region].to_string()
        };
        text(
            ctx,
            &label,
            x0 + side / 2.0,
            y0 + side + PANEL_LABEL_PX / 2.0,
            "center",
            LABEL_ON_LIGHT,
        );
    }
}

/// The top of each first-layer neuron's row in the raster, in CSS px from
/// the plot's top, and the height of a row.
fn raster_rows(neurons: usize, plot_height: f64) -> (Vec<f64>, f64) {
    let regions = neurons.div_ceil(PER_REGION).max(1);
    let gaps = (regions - 1) as f64 * REGION_GAP_PX;
    let row = ((plot_height - gaps) / neurons.max(1) as f64).max(0.0);
    let tops = (0..=neurons)
        .map(|n| n as f64 * row + (n / PER_REGION).min(regions - 1) as f64 * REGION_GAP_PX)
        .collect();
    (tops, row)
}

/// The first layer's spikes: one row per neuron, grouped by region I–VIII,
/// time running left to right over the presentation's bins.
pub fn draw_raster(
    canvas: &HtmlCanvasElement,
    neurons: usize,
    raster: Option<&SpikeRaster>,
    bin_ms: f64,
) {
    let Some(s) = surface(canvas) else { return };
    let ctx = &s.ctx;
    ctx.clear_rect(0.0, 0.0, s.width, s.height);
    let plot_w = (s.width - LABELS_PX).max(1.0);
    let plot_h = (s.height - AXIS_PX).max(1.0);
    let (tops, row) = raster_rows(neurons, plot_h);
    let regions = neurons.div_ceil(PER_REGION);

    // Bands and spikes, at device resolution.
    let (dw, dh) = (
        (plot_w * s.dpr).round() as u32,
        (plot_h * s.dpr).round() as u32,
    );
    let mut pixels = Pixels::new(dw, dh, PANEL);
    let device_row = |n: usize| {
        let top = (tops[n] * s.dpr) as usize;
        let bottom = ((tops[n] + row) * s.dpr) as usize;
        (top, bottom.max(top + 1))
    };
    for region in 0..regions {
        let first = region * PER_REGION;
        let last = ((region + 1) * PER_REGION).min(neurons) - 1;
        let (top, _) = device_row(first);
        let (_, bottom) = device_row(last);
        for y in top..bottom {
            for x in 0..dw as usize {
                pixels.set(x, y, BANDS[region % 2]);
            }
        }
    }
    let bins = raster.map(|r| r.bins()).unwrap_or(0);
    if let Some(raster) = raster {
        for (t, n) in raster.iter().filter(|&(_, n)| (n as usize) < neurons) {
            let x = t * dw as usize / bins.max(1);
            let (top, bottom) = device_row(n as usize);
            for y in top..bottom {
                pixels.set(x, y, SPIKE);
            }
        }
    }
    pixels.put(ctx, LABELS_PX * s.dpr, 0.0);

    // Region labels, and the time axis at the learning windows.
    ctx.set_font(FONT);
    for (region, numeral) in NUMERALS.iter().enumerate().take(regions) {
        let first = region * PER_REGION;
        let last = ((region + 1) * PER_REGION).min(neurons);
        let middle = (tops[first] + tops[last]) / 2.0;
        text(
            ctx,
            numeral,
            LABELS_PX - 6.0,
            middle,
            "right",
            LABEL_ON_LIGHT,
        );
    }
    if raster.is_none() {
        let (x, y) = (LABELS_PX + plot_w / 2.0, plot_h / 2.0);
        text(
            ctx,
            "Spikes appear here when you draw",
            x,
            y,
            "center",
            LABEL_ON_DARK,
        );
    }
    let duration_ms = bins.max(1) as f64 * bin_ms;
    let ticks = if plot_w < NARROW_PX { 2 } else { TIME_TICKS };
    for tick in 0..=ticks {
        let x = LABELS_PX + plot_w * tick as f64 / ticks as f64;
        let align = match tick {
            0 => "left",
            t if t == ticks => "right",
            _ => "center",
        };
        let label = if bins == 0 {
            String::new()
        } else if tick == ticks {
            format!("{duration_ms:.0} ms")
        } else {
            format!("{:.0}", duration_ms * tick as f64 / ticks as f64)
        };
        text(
            ctx,
            &label,
            x,
            plot_h + AXIS_PX / 2.0 + 1.0,
            align,
            LABEL_ON_LIGHT,
        );
    }
}

/// Paints one information channel into `pixels`: each device pixel shows
/// the block of synapses it covers (or the synapse covering it, when
/// enlarged): orange where a surviving synapse leaves a neuron that fires
/// for this drawing, sky blue where one survives, dark where all were
/// pruned. Brightness follows the weight and the presynaptic firing.
fn paint_channel(pixels: &mut Pixels, channel: &Channel, drive: Option<&[f32]>) {
    let (rows, cols) = (channel.first as usize, channel.second as usize);
    let weights = &channel.weights.0;
    if rows == 0 || cols == 0 || weights.len() < rows * cols {
        return;
    }
    let (w, h) = (pixels.width, pixels.height);
    for y in 0..h {
        let i0 = y * rows / h;
        let i1 = ((y + 1) * rows / h).clamp(i0 + 1, rows);
        for x in 0..w {
            let j0 = x * cols / w;
            let j1 = ((x + 1) * cols / w).clamp(j0 + 1, cols);
            let (mut kept, mut driven) = (0.0f32, 0.0f32);
            for i in i0..i1 {
                let level = drive.and_then(|d| d.get(i)).copied().unwrap_or(0.0);
                for &q in &weights[i * cols + j0..i * cols + j1] {
                    if q > 0 {
                        let weight = f32::from(q) / 255.0;
                        kept = kept.max(weight);
                        driven = driven.max(level * (0.5 + 0.5 * weight));
                    }
                }
            }
            let colour = if driven > 0.0 {
                mix(PANEL, ORANGE, 0.2 + 0.8 * driven)
            } else if kept > 0.0 {
                mix(PANEL, SKY, 0.2 + 0.35 * kept)
            } else {
                continue;
            };
            pixels.set(x, y, colour);
        }
    }
}

/// The ten information channels as small multiples, one canvas each.
pub fn draw_channels(
    canvases: &[HtmlCanvasElement],
    channels: &[Option<Channel>],
    drive: Option<&[f32]>,
) {
    for (canvas, channel) in canvases.iter().zip(channels) {
        let Some(s) = surface(canvas) else { continue };
        let mut pixels = Pixels::new(s.device_width(), s.device_height(), PANEL);
        if let Some(channel) = channel {
            paint_channel(&mut pixels, channel, drive);
        }
        pixels.put(&s.ctx, 0.0, 0.0);
    }
}

/// One information channel, large, with its rows labelled by region.
pub fn draw_channel_large(
    canvas: &HtmlCanvasElement,
    channel: Option<&Channel>,
    drive: Option<&[f32]>,
) {
    let Some(s) = surface(canvas) else { return };
    let ctx = &s.ctx;
    ctx.clear_rect(0.0, 0.0, s.width, s.height);
    let plot = Surface {
        ctx: ctx.clone(),
        width: (s.width - LABELS_PX).max(1.0),
        height: (s.height - AXIS_PX).max(1.0),
        dpr: s.dpr,
    };
    let mut pixels = Pixels::new(plot.device_width(), plot.device_height(), PANEL);
    let Some(channel) = channel else {
        pixels.put(ctx, LABELS_PX * s.dpr, 0.0);
        return;
    };
    paint_channel(&mut pixels, channel, drive);
    pixels.put(ctx, LABELS_PX * s.dpr, 0.0);

    ctx.set_font(FONT);
    let rows = channel.first as usize;
    let row = plot.height / rows.max(1) as f64;
    let regions = rows.div_ceil(PER_REGION);
    for (region, numeral) in NUMERALS.iter().enumerate().take(regions) {
        let middle = (region as f64 + 0.5) * PER_REGION as f64 * row;
        text(
            ctx,
            numeral,
            LABELS_PX - 6.0,
            middle,
            "right",
            LABEL_ON_LIGHT,
        );
        if region > 0 {
            // A tick between regions.
            ctx.set_fill_style_str(LABEL_ON_LIGHT);
            ctx.fill_rect(
                LABELS_PX - 4.0,
                region as f64 * PER_REGION as f64 * row,
                4.0,
                1.0,
            );
        }
    }
    let axis = format!("second-layer neurons 1–{} →", channel.second);
    text(
        ctx,
        &axis,
        LABELS_PX,
        plot.height + AXIS_PX / 2.0 + 1.0,
        "left",
        LABEL_ON_LIGHT,
    );
}

/// The ten output neurons' spike counts as bars, the winner marked.
pub fn draw_outputs(canvas: &HtmlCanvasElement, shown: Option<(&Response, &Decision)>) {
    let Some(s) = surface(canvas) else { return };
    let ctx = &s.ctx;
    ctx.clear_rect(0.0, 0.0, s.width, s.height);
    let count = shown.map(|(r, _)| r.output.len()).unwrap_or(10).max(1);
    let slot = s.width / count as f64;
    let bar = slot * 0.7;
    let base = s.height - BAR_BOTTOM_PX;
    let room = (base - BAR_TOP_PX).max(1.0);
    let highest = shown
        .and_then(|(r, _)| r.output.iter().copied().max())
        .unwrap_or(0)
        .max(1);

    ctx.set_fill_style_str(LABEL_ON_LIGHT);
    ctx.fill_rect(0.0, base, s.width, 1.0);
    for digit in 0..count {
        let x = digit as f64 * slot + (slot - bar) / 2.0;
        let middle = x + bar / 2.0;
        let winner = shown.is_some_and(|(_, d)| d.digit as usize == digit);
        ctx.set_font(if winner {
            "bold 14px system-ui, sans-serif"
        } else {
            FONT
        });
        let colour = if winner { WINNER } else { LABEL_ON_LIGHT };
        text(
            ctx,
            &digit.to_string(),
            middle,
            base + BAR_BOTTOM_PX / 2.0 + 1.0,
            "center",
            colour,
        );
        let Some((response, _)) = shown else { continue };
        let spikes = response.output[digit];
        let height = room * f64::from(spikes) / f64::from(highest);
        ctx.set_fill_style_str(if winner { WINNER } else { BAR });
        ctx.fill_rect(x, base - height, bar, height);
        ctx.set_font(SMALL_FONT);
        text(
            ctx,
            &spikes.to_string(),
            middle,
            base - height - 7.0,
            "center",
            LABEL_ON_LIGHT,
        );
        if winner {
            ctx.set_font("bold 11px system-ui, sans-serif");
            text(ctx, "▼", middle, base - height - 20.0, "center", WINNER);
        }
    }
}
