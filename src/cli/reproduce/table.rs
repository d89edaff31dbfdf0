//! One CSV row per job, carrying everything needed to redraw its figure:
//! the job (figure, swept parameter and value, repeat, seed), the whole
//! setting, and the outcome (accuracy, per-class accuracy, ties, silent
//! images, both baselines per class, the confusion matrix; or, for Figure
//! 7B, the two similarity matrices).
//!
//! Every figure's file has the same columns; a column that does not apply
//! to a row is empty. Numbers are written in Rust's shortest round-trip
//! form, so reading a file back gives the same values bit for bit. Vectors
//! and matrices sit in one column each, as space-separated values (row by
//! row for a matrix). No field can contain a comma, so no quoting is needed.

use std::fmt::Write as _;

use crate::cli::common::Selection;
use crate::data::CLASSES;

use super::jobs::{Figure, Job, Point, Setting};

/// A 10 × 10 matrix, `m[row][column]`.
pub type Matrix<T> = [[T; CLASSES]; CLASSES];

/// The result of a run that was scored on the test set.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Test images scored.
    pub images: usize,
    /// Fractions (0–1), as are all accuracies below.
    pub accuracy: f64,
    pub tie_rate: f64,
    pub silent_rate: f64,
    pub per_class: [f64; CLASSES],
    /// `confusion[true digit][predicted]`, image counts.
    pub confusion: Matrix<u32>,
    pub nearest_centroid: f64,
    pub one_nn: f64,
    pub nearest_centroid_per_class: [f64; CLASSES],
    pub one_nn_per_class: [f64; CLASSES],
}

/// The result of a Figure 7B run: similarities S in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Channels {
    /// Between the ten trained information channels.
    pub similarity: Matrix<f64>,
    /// Between the ten class-mean training images (the nearest-centroid
    /// baseline's view of the same samples).
    pub centroid_similarity: Matrix<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Scored(Box<Scored>),
    Channels(Box<Channels>),
}

/// One job and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub job: Job,
    /// Training images actually used per class (fewer than asked where the
    /// pool runs out).
    pub train_per_class: [usize; CLASSES],
    pub outcome: Outcome,
}

impl Row {
    pub fn scored(&self) -> Option<&Scored> {
        match &self.outcome {
            Outcome::Scored(s) => Some(s),
            Outcome::Channels(_) => None,
        }
    }

    pub fn channels(&self) -> Option<&Channels> {
        match &self.outcome {
            Outcome::Channels(c) => Some(c),
            Outcome::Scored(_) => None,
        }
    }
}

/// The swept parameters' names; each must be a `&'static str` in a
/// [`Point`], so the parsed name is mapped back onto one of these.
const PARAMETERS: [&str; 6] = [
    "phi",
    "shots",
    "regions",
    "mu",
    "output_threshold",
    "connectivity",
];

/// The header line (without newline).
pub fn header() -> String {
    let mut columns: Vec<String> = [
        "job",
        "figure",
        "parameter",
        "value",
        "repeat",
        "seed",
        "selection",
        "shots",
        "train_per_class",
        "phi",
        "regions",
        "alpha",
        "beta",
        "mu",
        "output_threshold",
        "connectivity",
        "images",
        "accuracy",
        "tie_rate",
        "silent_rate",
        "nearest_centroid",
        "one_nn",
    ]
    .map(String::from)
    .to_vec();
    for prefix in ["class", "nc_class", "nn_class"] {
        columns.extend((0..CLASSES).map(|d| format!("{prefix}_{d}")));
    }
    columns.extend(["confusion", "similarity", "centroid_similarity"].map(String::from));
    columns.join(",")
}

fn joined<T: ToString>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn selection_name(s: Selection) -> &'static str {
    match s {
        Selection::Curated => "curated",
        Selection::Random => "random",
    }
}

/// One row as a CSV line (without newline).
pub fn format_row(row: &Row) -> String {
    let j = &row.job;
    let s = &j.point.setting;
    let mut line = String::new();
    let phi = s.phi.map_or("off".to_string(), |p| p.to_string());
    write!(
        line,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        j.number,
        j.figure.id(),
        j.point.parameter,
        j.point.value,
        j.repeat,
        j.seed,
        selection_name(s.selection),
        s.shots,
        joined(row.train_per_class),
        phi,
        s.regions,
        s.alpha,
        s.beta,
        s.mu,
        s.output_threshold,
        s.connectivity,
    )
    .expect("writing to a String cannot fail");
    let empty = |n: usize| ",".repeat(n);
    match &row.outcome {
        Outcome::Scored(r) => {
            write!(
                line,
                ",{},{},{},{},{},{}",
                r.images, r.accuracy, r.tie_rate, r.silent_rate, r.nearest_centroid, r.one_nn
            )
            .expect("writing to a String cannot fail");
            for values in [
                &r.per_class,
                &r.nearest_centroid_per_class,
                &r.one_nn_per_class,
            ] {
                for v in values {
                    write!(line, ",{v}").expect("writing to a String cannot fail");
                }
            }
            write!(line, ",{}", joined(r.confusion.iter().flatten())).expect("infallible");
            line.push_str(&empty(2));
        }
        Outcome::Channels(c) => {
            line.push_str(&empty(6 + 3 * CLASSES + 1));
            write!(
                line,
                ",{},{}",
                joined(c.similarity.iter().flatten()),
                joined(c.centroid_similarity.iter().flatten())
            )
            .expect("writing to a String cannot fail");
        }
    }
    line
}

/// A whole file: the header, then `rows` in the given order.
pub fn format_file(rows: &[Row]) -> String {
    let mut text = header();
    text.push('\n');
    for row in rows {
        text.push_str(&format_row(row));
        text.push('\n');
    }
    text
}

/// Reads a file written by [`format_file`]; `source` names it in errors.
pub fn parse_file(text: &str, source: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines();
    match lines.next() {
        Some(h) if h == header() => {}
        _ => {
            return Err(format!(
                "{source} does not start with the expected header; it was not \
                 written by this version of `snn reproduce`"
            ));
        }
    }
    lines
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(k, line)| parse_row(line).map_err(|e| format!("{source}, line {}: {e}", k + 2)))
        .collect()
}

/// Reads fields off a split line, each parsed as needed.
struct Fields<'a> {
    parts: std::str::Split<'a, char>,
    column: usize,
}

impl<'a> Fields<'a> {
    fn raw(&mut self) -> Result<&'a str, String> {
        self.column += 1;
        self.parts
            .next()
            .ok_or_else(|| format!("too few columns (ended at column {})", self.column))
    }

    fn parse<T: std::str::FromStr>(&mut self) -> Result<T, String> {
        let raw = self.raw()?;
        raw.parse()
            .map_err(|_| format!("column {}: cannot read {raw:?}", self.column))
    }

    fn list<T: std::str::FromStr + Copy + Default, const N: usize>(
        &mut self,
    ) -> Result<[T; N], String> {
        let raw = self.raw()?;
        let column = self.column;
        let values: Vec<T> = raw
            .split(' ')
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("column {column}: cannot read {v:?}"))
            })
            .collect::<Result<_, _>>()?;
        values
            .try_into()
            .map_err(|v: Vec<T>| format!("column {column}: {} values, not {N}", v.len()))
    }

    fn classes(&mut self) -> Result<[f64; CLASSES], String> {
        let mut values = [0.0; CLASSES];
        for v in &mut values {
            *v = self.parse()?;
        }
        Ok(values)
    }

    fn matrix<T: std::str::FromStr + Copy + Default>(&mut self) -> Result<Matrix<T>, String> {
        let flat: [T; CLASSES * CLASSES] = self.list()?;
        Ok(std::array::from_fn(|r| {
            std::array::from_fn(|c| flat[r * CLASSES + c])
        }))
    }
}

fn parse_row(line: &str) -> Result<Row, String> {
    let mut f = Fields {
        parts: line.split(','),
        column: 0,
    };
    let number: usize = f.parse()?;
    let figure: super::jobs::Figure = f.parse()?;
    let parameter_name = f.raw()?;
    let parameter = PARAMETERS
        .into_iter()
        .find(|p| *p == parameter_name)
        .ok_or_else(|| format!("unknown parameter {parameter_name:?}"))?;
    let value: f64 = f.parse()?;
    let repeat: usize = f.parse()?;
    let seed: u64 = f.parse()?;
    let selection = match f.raw()? {
        "curated" => Selection::Curated,
        "random" => Selection::Random,
        other => return Err(format!("unknown selection {other:?}")),
    };
    let shots: usize = f.parse()?;
    let train_per_class: [usize; CLASSES] = f.list()?;
    let phi = match f.raw()? {
        "off" => None,
        raw => Some(
            raw.parse()
                .map_err(|_| format!("cannot read phi {raw:?}"))?,
        ),
    };
    let setting = Setting {
        selection,
        shots,
        phi,
        regions: f.parse()?,
        alpha: f.parse()?,
        beta: f.parse()?,
        mu: f.parse()?,
        output_threshold: f.parse()?,
        connectivity: f.parse()?,
    };
    let job = Job {
        number,
        figure,
        point: Point {
            parameter,
            value,
            setting,
        },
        repeat,
        seed,
    };

    let images = f.raw()?;
    let outcome = if figure == Figure::Fig7B {
        if !images.is_empty() {
            return Err("a Figure 7B row has accuracy columns".into());
        }
        for _ in 0..5 + 3 * CLASSES + 1 {
            f.raw()?;
        }
        Outcome::Channels(Box::new(Channels {
            similarity: f.matrix()?,
            centroid_similarity: f.matrix()?,
        }))
    } else {
        let images = images
            .parse()
            .map_err(|_| format!("cannot read the image count {images:?}"))?;
        let scored = Scored {
            images,
            accuracy: f.parse()?,
            tie_rate: f.parse()?,
            silent_rate: f.parse()?,
            nearest_centroid: f.parse()?,
            one_nn: f.parse()?,
            per_class: f.classes()?,
            nearest_centroid_per_class: f.classes()?,
            one_nn_per_class: f.classes()?,
            confusion: f.matrix()?,
        };
        f.raw()?;
        f.raw()?;
        Outcome::Scored(Box::new(scored))
    };
    if f.parts.next().is_some() {
        return Err("more columns than the header".into());
    }
    Ok(Row {
        job,
        train_per_class,
        outcome,
    })
}
