//! The figures as SVG, drawn with `plotters`: accuracy curves with error
//! bars, the baselines as lines and the paper's values as dashed lines or
//! marked points; heat maps for similarity and confusion; bars per class.
//!
//! Every chart is [`WIDTH`] × [`HEIGHT`] pixels (two heat maps side by side
//! are twice as wide) and its legend goes in whichever corner of the plot
//! holds no data, the y axis growing upwards to make room if none does.

use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::cli::common::Error;
use crate::data::CLASSES;

use super::summary::Stat;
use super::table::Matrix;

/// Width of a chart, pixels.
pub const WIDTH: u32 = 600;
/// Height of a chart, pixels.
pub const HEIGHT: u32 = 400;

const FONT: &str = "sans-serif";
const TITLE_PX: u32 = 16;
const AXIS_PX: u32 = 14;
const TICK_PX: u32 = 12;
const LEGEND_PX: u32 = 12;
/// Space for the tick labels and axis title under and left of the plot.
const X_AREA_PX: u32 = 48;
const Y_AREA_PX: u32 = 58;
const MARGIN_PX: u32 = 14;
/// The caption's height, with its padding.
const CAPTION_PX: u32 = 30;
/// Legend geometry, estimated: one row per entry, the sample line, and
/// a character width for the label font.
const LEGEND_ROW_PX: f64 = 19.0;
const LEGEND_SAMPLE_PX: f64 = 34.0;
const LEGEND_CHAR_PX: f64 = 6.6;
/// Width of a character of the 11-pixel notes beside points.
const NOTE_CHAR_PX: f64 = 6.0;

/// The spiking network.
pub const SNN: RGBColor = RGBColor(31, 119, 180);
/// A second network series (Figure 9: the paper's α, β at every µ).
pub const SNN_ALT: RGBColor = RGBColor(148, 103, 189);
pub const NEAREST_CENTROID: RGBColor = RGBColor(255, 127, 14);
pub const ONE_NN: RGBColor = RGBColor(44, 160, 44);
/// The paper's reported values.
pub const PAPER: RGBColor = RGBColor(214, 39, 40);
const FAINT: RGBColor = RGBColor(150, 150, 150);

/// An x axis, linear or logarithmic, whose ticks sit exactly at the swept
/// values, so each point can be read off its label.
#[derive(Debug, Clone)]
struct Ticked {
    range: (f64, f64),
    log: bool,
    ticks: Vec<f64>,
}

impl Ticked {
    /// Where `x` falls, from 0 at the left end to 1 at the right.
    fn fraction(&self, x: f64) -> f64 {
        let (lo, hi) = self.range;
        if self.log {
            (x.ln() - lo.ln()) / (hi.ln() - lo.ln())
        } else {
            (x - lo) / (hi - lo)
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = (limit.1 - limit.0) as f64;
        limit.0 + (self.fraction(*value) * span).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.0..self.range.1
    }
}

/// A curve of means with optional ±1 sd error bars, in percent.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub colour: RGBColor,
    /// (x, mean and sd in percent).
    pub points: Vec<(f64, Stat)>,
    pub error_bars: bool,
    pub dashed: bool,
}

impl Series {
    /// The spiking network: solid, with error bars.
    pub fn network(label: impl Into<String>, colour: RGBColor, points: Vec<(f64, Stat)>) -> Self {
        Series {
            label: label.into(),
            colour,
            points,
            error_bars: true,
            dashed: false,
        }
    }

    /// A baseline: a plain line through its means.
    pub fn baseline(label: impl Into<String>, colour: RGBColor, points: Vec<(f64, Stat)>) -> Self {
        Series {
            label: label.into(),
            colour,
            points,
            error_bars: false,
            dashed: false,
        }
    }
}

/// What the paper reports, drawn in [`PAPER`] red.
#[derive(Debug, Clone)]
pub enum Mark {
    /// A dashed vertical line at the paper's best x.
    BestX { x: f64, label: String },
    /// A reported accuracy (percent) at x, as a triangle.
    Reported { x: f64, y: f64, label: String },
    /// A dashed horizontal line at an accuracy (percent).
    Level { y: f64, label: String },
}

/// An accuracy chart over one swept parameter.
pub struct LineChart {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    /// The data's x extent; the axis adds a little room.
    pub x_range: (f64, f64),
    pub log_x: bool,
    /// Tick labels (one at each x value of the series); `None` for plain
    /// numbers.
    pub x_format: Option<fn(f64) -> String>,
    pub series: Vec<Series>,
    pub marks: Vec<Mark>,
    /// Small grey points behind the curves (Figure 9: every grid point).
    pub dots: Vec<(f64, f64)>,
    /// Short texts beside points (Figure 9: the best α and β at each µ).
    pub notes: Vec<(f64, f64, String)>,
}

/// Plain numbers without float noise: 0.1, not 0.10000000000000002.
pub fn number(v: f64) -> String {
    let rounded = (v * 1e4).round() / 1e4;
    if rounded == 0.0 {
        "0".into()
    } else {
        format!("{rounded}")
    }
}

/// Where a legend with `rows` entries of up to `chars` characters fits,
/// given the occupied points as fractions of the plot (0–1, y upwards);
/// `None` if every corner is taken.
fn free_corner(
    occupied: &[(f64, f64)],
    rows: usize,
    chars: usize,
    plot_px: (f64, f64),
) -> Option<SeriesLabelPosition> {
    let w = (LEGEND_SAMPLE_PX + chars as f64 * LEGEND_CHAR_PX + 16.0) / plot_px.0 + 0.02;
    let h = (rows as f64 * LEGEND_ROW_PX + 12.0) / plot_px.1 + 0.03;
    let corners = [
        (
            SeriesLabelPosition::UpperRight,
            (1.0 - w, 1.0),
            (1.0 - h, 1.0),
        ),
        (SeriesLabelPosition::UpperLeft, (0.0, w), (1.0 - h, 1.0)),
        (SeriesLabelPosition::LowerRight, (1.0 - w, 1.0), (0.0, h)),
        (SeriesLabelPosition::LowerLeft, (0.0, w), (0.0, h)),
    ];
    corners
        .into_iter()
        .find(|(_, (x0, x1), (y0, y1))| {
            !occupied
                .iter()
                .any(|&(x, y)| (*x0..=*x1).contains(&x) && (*y0..=*y1).contains(&y))
        })
        .map(|(p, _, _)| p)
}

/// The plot's size in pixels inside a chart of `size`.
fn plot_px(size: (u32, u32)) -> (f64, f64) {
    (
        (size.0 - Y_AREA_PX - 2 * MARGIN_PX) as f64,
        (size.1 - X_AREA_PX - CAPTION_PX - 2 * MARGIN_PX) as f64,
    )
}

/// Points along the segment from `a` to `b`, for occupancy tests.
fn along(a: (f64, f64), b: (f64, f64)) -> impl Iterator<Item = (f64, f64)> {
    const STEPS: usize = 24;
    (0..=STEPS).map(move |k| {
        let t = k as f64 / STEPS as f64;
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    })
}

/// An accuracy range in percent, on multiples of 5, around `values`.
fn y_extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 100.0);
    }
    let lo = (((lo - 3.0) / 5.0).floor() * 5.0).max(0.0);
    let hi = (((hi + 3.0) / 5.0).ceil() * 5.0).min(100.0).max(lo + 10.0);
    (lo, hi)
}

impl LineChart {
    fn x_axis(&self) -> Ticked {
        let (lo, hi) = self.x_range;
        let range = if self.log_x {
            (lo / 1.3, hi * 1.3)
        } else {
            let pad = 0.05 * (hi - lo).max(1e-9);
            (lo - pad, hi + pad)
        };
        let mut ticks: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        ticks.sort_by(f64::total_cmp);
        ticks.dedup();
        Ticked {
            range,
            log: self.log_x,
            ticks,
        }
    }

    /// Everything drawn in the plot, as (x, y) in data units.
    fn drawn(&self) -> Vec<(f64, f64)> {
        let (x0, x1) = self.x_range;
        let mut points = Vec::new();
        for s in &self.series {
            for pair in s.points.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                points.extend(along((a.0, a.1.mean), (b.0, b.1.mean)));
            }
            for (x, stat) in &s.points {
                points.push((*x, stat.mean));
                if s.error_bars {
                    points.extend(along((*x, stat.mean - stat.sd), (*x, stat.mean + stat.sd)));
                }
            }
        }
        for mark in &self.marks {
            match mark {
                Mark::Reported { x, y, .. } => points.push((*x, *y)),
                Mark::Level { y, .. } => points.extend(along((x0, *y), (x1, *y))),
                Mark::BestX { .. } => {}
            }
        }
        points.extend(self.dots.iter().copied());
        points.extend(self.notes.iter().map(|(x, y, _)| (*x, *y)));
        points
    }

    fn legend_rows(&self) -> (usize, usize) {
        let labels = self
            .series
            .iter()
            .map(|s| s.label.as_str())
            .chain(self.marks.iter().map(|m| match m {
                Mark::BestX { label, .. }
                | Mark::Reported { label, .. }
                | Mark::Level { label, .. } => label.as_str(),
            }));
        labels.fold((0, 0), |(rows, chars), l| {
            (rows + 1, chars.max(l.chars().count()))
        })
    }

    /// The y range and the legend corner: the range grows upwards until a
    /// corner is free.
    fn layout(&self) -> ((f64, f64), SeriesLabelPosition) {
        let drawn = self.drawn();
        let axis = self.x_axis();
        let (lo, mut hi) = y_extent(drawn.iter().map(|p| p.1));
        let (rows, chars) = self.legend_rows();
        for _ in 0..12 {
            let occupied: Vec<(f64, f64)> = drawn
                .iter()
                .map(|&(x, y)| (axis.fraction(x), (y - lo) / (hi - lo)))
                .collect();
            if let Some(corner) = free_corner(&occupied, rows, chars, plot_px((WIDTH, HEIGHT))) {
                return ((lo, hi), corner);
            }
            hi += 5.0;
        }
        ((lo, hi), SeriesLabelPosition::UpperRight)
    }

    /// Draws the chart to an SVG file at `path`.
    pub fn draw(&self, path: &Path) -> Result<(), Error> {
        let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let ((y_lo, y_hi), corner) = self.layout();
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, (FONT, TITLE_PX))
            .margin(MARGIN_PX)
            .x_label_area_size(X_AREA_PX)
            .y_label_area_size(Y_AREA_PX)
            .build_cartesian_2d(self.x_axis(), y_lo..y_hi)?;
        let x_format = |v: &f64| match self.x_format {
            Some(f) => f(*v),
            None => number(*v),
        };
        chart
            .configure_mesh()
            .x_desc(&self.x_desc)
            .y_desc(&self.y_desc)
            .y_labels(8)
            .x_label_formatter(&x_format)
            // Room made for the legend may take the axis past 100 %.
            .y_label_formatter(&|v| {
                if *v <= 100.0 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            })
            .label_style((FONT, TICK_PX))
            .axis_desc_style((FONT, AXIS_PX))
            .bold_line_style(BLACK.mix(0.08))
            .light_line_style(TRANSPARENT)
            .draw()?;

        chart.draw_series(
            self.dots
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 2, FAINT.mix(0.6).filled())),
        )?;

        for mark in &self.marks {
            let style = PAPER.stroke_width(2);
            match mark {
                Mark::BestX { x, label } => {
                    chart
                        .draw_series(DashedLineSeries::new(
                            vec![(*x, y_lo), (*x, y_hi)],
                            7,
                            5,
                            style,
                        ))?
                        .label(label)
                        .legend(move |(x, y)| {
                            DashedPathElement::new(vec![(x, y), (x + 22, y)], 5, 3, style)
                        });
                }
                Mark::Level { y, label } => {
                    let (x0, x1) = self.x_axis().range;
                    chart
                        .draw_series(DashedLineSeries::new(vec![(x0, *y), (x1, *y)], 7, 5, style))?
                        .label(label)
                        .legend(move |(x, y)| {
                            DashedPathElement::new(vec![(x, y), (x + 22, y)], 5, 3, style)
                        });
                }
                Mark::Reported { .. } => {}
            }
        }

        for s in &self.series {
            let colour = s.colour;
            let line = colour.stroke_width(2);
            let means: Vec<(f64, f64)> = s.points.iter().map(|(x, st)| (*x, st.mean)).collect();
            let dot =
                move |(x, y)| EmptyElement::at((x, y)) + Circle::new((11, 0), 3, colour.filled());
            if s.dashed {
                chart
                    .draw_series(DashedLineSeries::new(means.clone(), 6, 4, line))?
                    .label(&s.label)
                    .legend(move |c| {
                        dot(c) + DashedPathElement::new(vec![(0, 0), (22, 0)], 5, 3, line)
                    });
            } else {
                chart
                    .draw_series(LineSeries::new(means.clone(), line))?
                    .label(&s.label)
                    .legend(move |c| dot(c) + PathElement::new(vec![(0, 0), (22, 0)], line));
            }
            if s.error_bars {
                chart.draw_series(s.points.iter().map(|(x, st)| {
                    ErrorBar::new_vertical(
                        *x,
                        st.mean - st.sd,
                        st.mean,
                        st.mean + st.sd,
                        colour.stroke_width(2),
                        8,
                    )
                }))?;
            }
            chart.draw_series(
                means
                    .iter()
                    .map(|&p| Circle::new(p, if s.error_bars { 4 } else { 3 }, colour.filled())),
            )?;
        }

        for mark in &self.marks {
            if let Mark::Reported { x, y, label } = mark {
                chart
                    .draw_series(std::iter::once(TriangleMarker::new(
                        (*x, *y),
                        8,
                        PAPER.filled(),
                    )))?
                    .label(label)
                    .legend(|(x, y)| TriangleMarker::new((x + 11, y), 7, PAPER.filled()));
            }
        }

        let note_style = TextStyle::from((FONT, 11).into_font()).color(&SNN);
        // Beside the point, on the side with room.
        let axis = self.x_axis();
        chart.draw_series(self.notes.iter().map(|(x, y, text)| {
            let width = (text.chars().count() as f64 * NOTE_CHAR_PX) as i32;
            let dx = if axis.fraction(*x) > 0.75 {
                -6 - width
            } else {
                6
            };
            EmptyElement::at((*x, *y)) + Text::new(text.clone(), (dx, -18), note_style.clone())
        }))?;

        chart
            .configure_series_labels()
            .position(corner)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, LEGEND_PX))
            .legend_area_size(LEGEND_SAMPLE_PX as u32)
            .draw()?;
        root.present()?;
        Ok(())
    }
}

/// A 10 × 10 matrix over the digits, coloured cell by cell.
pub struct Heatmap {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    /// Colour intensity of each cell, 0–1.
    pub shade: Matrix<f64>,
    /// Text written in each cell.
    pub text: Matrix<String>,
    /// The hue at full intensity (white at 0).
    pub colour: RGBColor,
    /// Cells given a thick outline: (row, column).
    pub outlined: Vec<(usize, usize)>,
}

fn blend(colour: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |c: u8| (255.0 + t * (c as f64 - 255.0)).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// Draws `maps` side by side, each [`HEIGHT`] tall and about as wide.
pub fn draw_heatmaps(path: &Path, maps: &[Heatmap], note: &str) -> Result<(), Error> {
    let width = if maps.len() > 1 {
        maps.len() as u32 * 450
    } else {
        WIDTH
    };
    let root = SVGBackend::new(path, (width, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (body, footer) = root.split_vertically(HEIGHT - 22);
    footer.draw(&Text::new(
        note.to_string(),
        (MARGIN_PX as i32, 4),
        (FONT, LEGEND_PX).into_font().color(&BLACK.mix(0.75)),
    ))?;
    for (area, map) in body.split_evenly((1, maps.len())).iter().zip(maps) {
        draw_heatmap(area, map)?;
    }
    root.present()?;
    Ok(())
}

fn draw_heatmap(area: &DrawingArea<SVGBackend<'_>, Shift>, map: &Heatmap) -> Result<(), Error> {
    let last = (CLASSES - 1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(&map.title, (FONT, TITLE_PX - 1))
        .margin(MARGIN_PX)
        .x_label_area_size(X_AREA_PX - 6)
        .y_label_area_size(Y_AREA_PX - 10)
        .build_cartesian_2d(-0.5..last + 0.5, -0.5..last + 0.5)?;
    let digit = |v: &f64| {
        let d = v.round();
        if (v - d).abs() < 1e-6 && (0.0..=last).contains(&d) {
            format!("{d}")
        } else {
            String::new()
        }
    };
    // Row 0 is drawn at the top, as a matrix is read.
    let flip = |v: &f64| digit(&(last - v));
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(CLASSES)
        .y_labels(CLASSES)
        .x_label_formatter(&digit)
        .y_label_formatter(&flip)
        .x_desc(&map.x_desc)
        .y_desc(&map.y_desc)
        .label_style((FONT, TICK_PX))
        .axis_desc_style((FONT, AXIS_PX))
        .draw()?;

    let centre = Pos::new(HPos::Center, VPos::Center);
    for r in 0..CLASSES {
        for c in 0..CLASSES {
            let (x, y) = (c as f64, last - r as f64);
            let shade = map.shade[r][c];
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                blend(map.colour, shade).filled(),
            )))?;
            let ink = if shade > 0.6 { WHITE } else { BLACK };
            let style = TextStyle::from((FONT, 10).into_font())
                .color(&ink)
                .pos(centre);
            chart.draw_series(std::iter::once(Text::new(
                map.text[r][c].clone(),
                (x, y),
                style,
            )))?;
        }
    }
    chart.draw_series(map.outlined.iter().map(|&(r, c)| {
        let (x, y) = (c as f64, last - r as f64);
        Rectangle::new(
            [(x - 0.46, y - 0.46), (x + 0.46, y + 0.46)],
            BLACK.stroke_width(2),
        )
    }))?;
    Ok(())
}

/// Figure 13's bars: the network's accuracy per digit (mean ± sd, in
/// percent), the baselines as lines, the paper's statements in red.
pub struct ClassBars {
    pub title: String,
    pub snn: [Stat; CLASSES],
    pub baselines: Vec<Series>,
    /// Dashed lines at reported accuracies.
    pub levels: Vec<(f64, String)>,
    /// Triangles at (digit, percent) with one legend label.
    pub reported: (Vec<(f64, f64)>, String),
}

/// A legend entry drawn by hand (for charts whose legend sits above the
/// plot rather than inside it).
enum Sample {
    Bar(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    Triangle(RGBColor),
}

/// Draws `entries` in two columns across `area`.
fn legend_band(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    entries: &[(Sample, String)],
) -> Result<(), Error> {
    let (width, _) = area.dim_in_pixel();
    let left = (MARGIN_PX + Y_AREA_PX) as i32;
    let column = (width as i32 - left) / 2;
    let text =
        TextStyle::from((FONT, LEGEND_PX).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (k, (sample, label)) in entries.iter().enumerate() {
        let x = left + (k as i32 % 2) * column;
        let y = 10 + (k as i32 / 2) * LEGEND_ROW_PX as i32;
        match sample {
            Sample::Bar(c) => {
                area.draw(&Rectangle::new([(x, y - 5), (x + 22, y + 5)], c.filled()))?
            }
            Sample::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 22, y)],
                    c.stroke_width(2),
                ))?;
                area.draw(&Circle::new((x + 11, y), 3, c.filled()))?;
            }
            Sample::Dashed(c) => area.draw(&DashedPathElement::new(
                vec![(x, y), (x + 22, y)],
                5,
                3,
                c.stroke_width(2),
            ))?,
            Sample::Triangle(c) => area.draw(&TriangleMarker::new((x + 11, y), 7, c.filled()))?,
        }
        area.draw(&Text::new(label.clone(), (x + 30, y), text.clone()))?;
    }
    Ok(())
}

impl ClassBars {
    pub fn draw(&self, path: &Path) -> Result<(), Error> {
        let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let body = root.titled(&self.title, (FONT, TITLE_PX))?;

        let fill = SNN.mix(0.75);
        let mut entries = vec![(Sample::Bar(SNN), "spiking network (mean ± sd)".to_string())];
        entries.extend(
            self.baselines
                .iter()
                .map(|b| (Sample::Line(b.colour), b.label.clone())),
        );
        entries.extend(
            self.levels
                .iter()
                .map(|(_, label)| (Sample::Dashed(PAPER), label.clone())),
        );
        entries.push((Sample::Triangle(PAPER), self.reported.1.clone()));
        let rows = entries.len().div_ceil(2) as u32;
        let (band, body) = body.split_vertically(rows * LEGEND_ROW_PX as u32 + 6);
        legend_band(&band, &entries)?;

        let x = (-0.6, CLASSES as f64 - 0.4);
        let mut chart = ChartBuilder::on(&body)
            .margin(MARGIN_PX)
            .x_label_area_size(X_AREA_PX)
            .y_label_area_size(Y_AREA_PX)
            .build_cartesian_2d(x.0..x.1, 0.0..100.0)?;
        let digit = |v: &f64| {
            let d = v.round();
            if (v - d).abs() < 1e-6 && (0.0..CLASSES as f64).contains(&d) {
                format!("{d}")
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_labels(CLASSES)
            .x_label_formatter(&digit)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("digit class")
            .y_desc("accuracy on its test images (%)")
            .label_style((FONT, TICK_PX))
            .axis_desc_style((FONT, AXIS_PX))
            .bold_line_style(BLACK.mix(0.08))
            .light_line_style(TRANSPARENT)
            .disable_x_mesh()
            .draw()?;

        chart.draw_series(self.snn.iter().enumerate().map(|(d, s)| {
            let d = d as f64;
            Rectangle::new([(d - 0.32, 0.0), (d + 0.32, s.mean)], fill.filled())
        }))?;
        // The spread as a plain whisker with caps.
        for (d, s) in self.snn.iter().enumerate() {
            let d = d as f64;
            let (lo, hi) = (s.mean - s.sd, (s.mean + s.sd).min(100.0));
            for points in [
                vec![(d, lo), (d, hi)],
                vec![(d - 0.1, lo), (d + 0.1, lo)],
                vec![(d - 0.1, hi), (d + 0.1, hi)],
            ] {
                chart.draw_series(std::iter::once(PathElement::new(
                    points,
                    BLACK.stroke_width(2),
                )))?;
            }
        }

        for b in &self.baselines {
            let means: Vec<(f64, f64)> = b.points.iter().map(|(x, s)| (*x, s.mean)).collect();
            chart.draw_series(LineSeries::new(means.clone(), b.colour.stroke_width(2)))?;
            chart.draw_series(means.iter().map(|&p| Circle::new(p, 3, b.colour.filled())))?;
        }
        for (y, _) in &self.levels {
            chart.draw_series(DashedLineSeries::new(
                vec![(x.0, *y), (x.1, *y)],
                7,
                5,
                PAPER.stroke_width(2),
            ))?;
        }
        chart.draw_series(
            self.reported
                .0
                .iter()
                .map(|&p| TriangleMarker::new(p, 7, PAPER.filled())),
        )?;
        root.present()?;
        Ok(())
    }
}
