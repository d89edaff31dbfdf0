//! From rows to what the figures and the summary table show: means and
//! standard deviations over repeats, point by point.

use crate::data::CLASSES;
use crate::evaluation::mean_std;

use super::jobs::{Figure, grid, paper};
use super::table::{Matrix, Row};

/// Mean and sample standard deviation over `n` repeats.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stat {
    pub mean: f64,
    pub sd: f64,
    pub n: usize,
}

impl Stat {
    pub fn of(values: &[f64]) -> Stat {
        let (mean, sd) = mean_std(values);
        Stat {
            mean,
            sd,
            n: values.len(),
        }
    }

    /// The same in percent.
    pub fn percent(self) -> Stat {
        Stat {
            mean: 100.0 * self.mean,
            sd: 100.0 * self.sd,
            n: self.n,
        }
    }

    /// `61.2 ± 0.4 %` (a fraction shown in percent).
    pub fn show(self) -> String {
        let p = self.percent();
        if self.n > 1 {
            format!("{:.1} ± {:.1} %", p.mean, p.sd)
        } else {
            format!("{:.1} %", p.mean)
        }
    }
}

/// One x value of a curve: the spiking network and both baselines, each
/// over the repeats at that x.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    pub x: f64,
    pub snn: Stat,
    pub nearest_centroid: Stat,
    pub one_nn: Stat,
    /// Training images per class, the smallest over classes and repeats
    /// (below the x value where the pool ran out).
    pub fewest_per_class: usize,
}

/// The rows' points, grouped by x value in the order they first appear.
pub fn curve<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Vec<CurvePoint> {
    let mut groups: Vec<(f64, Vec<&Row>)> = Vec::new();
    for row in rows {
        let x = row.job.point.value;
        match groups.iter_mut().find(|(v, _)| *v == x) {
            Some((_, members)) => members.push(row),
            None => groups.push((x, vec![row])),
        }
    }
    groups
        .into_iter()
        .map(|(x, members)| {
            let scored: Vec<_> = members.iter().filter_map(|r| r.scored()).collect();
            let of = |f: fn(&super::table::Scored) -> f64| {
                Stat::of(&scored.iter().map(|s| f(s)).collect::<Vec<_>>())
            };
            CurvePoint {
                x,
                snn: of(|s| s.accuracy),
                nearest_centroid: of(|s| s.nearest_centroid),
                one_nn: of(|s| s.one_nn),
                fewest_per_class: members
                    .iter()
                    .flat_map(|r| r.train_per_class)
                    .min()
                    .unwrap_or(0),
            }
        })
        .collect()
}

/// The rows of one figure.
pub fn of_figure(rows: &[Row], figure: Figure) -> Vec<&Row> {
    rows.iter().filter(|r| r.job.figure == figure).collect()
}

/// Figure 9: one curve per (α, β) pair, in grid order.
pub fn learning_curves(rows: &[&Row]) -> Vec<((f32, f32), Vec<CurvePoint>)> {
    let mut pairs: Vec<(f32, f32)> = Vec::new();
    for r in rows {
        let pair = (r.job.point.setting.alpha, r.job.point.setting.beta);
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    pairs
        .into_iter()
        .map(|pair| {
            let members = rows
                .iter()
                .copied()
                .filter(|r| (r.job.point.setting.alpha, r.job.point.setting.beta) == pair);
            (pair, curve(members))
        })
        .collect()
}

/// Figure 9: the curve of the paper's (α, β), if the grid holds it.
pub fn papers_pair(curves: &[((f32, f32), Vec<CurvePoint>)]) -> Option<&[CurvePoint]> {
    let close = |v: f32, paper: f64| (v as f64 - paper).abs() < 1e-6;
    curves
        .iter()
        .find(|((a, b), _)| close(*a, paper::ALPHA) && close(*b, paper::BETA))
        .map(|(_, c)| c.as_slice())
}

/// Figure 9: for each µ, the (α, β) pair with the highest mean.
pub fn best_per_mu(curves: &[((f32, f32), Vec<CurvePoint>)]) -> Vec<((f32, f32), CurvePoint)> {
    let mut mus: Vec<f64> = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|p| p.x))
        .collect();
    mus.sort_by(f64::total_cmp);
    mus.dedup();
    mus.into_iter()
        .filter_map(|mu| {
            curves
                .iter()
                .filter_map(|(pair, c)| c.iter().find(|p| p.x == mu).map(|p| (*pair, p.clone())))
                .max_by(|a, b| a.1.snn.mean.total_cmp(&b.1.snn.mean))
        })
        .collect()
}

/// Figure 13: per-class accuracy of the network and of both baselines,
/// and the confusion matrix in percent of each true class, averaged over
/// repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct PerClass {
    pub snn: [Stat; CLASSES],
    pub nearest_centroid: [Stat; CLASSES],
    pub one_nn: [Stat; CLASSES],
    pub overall: Stat,
    pub nearest_centroid_overall: Stat,
    pub one_nn_overall: Stat,
    /// `confusion[true][predicted]`, percent of the true class.
    pub confusion: Matrix<f64>,
    pub repeats: usize,
}

pub fn per_class(rows: &[&Row]) -> PerClass {
    let scored: Vec<_> = rows.iter().filter_map(|r| r.scored()).collect();
    let column = |f: &dyn Fn(&super::table::Scored) -> f64| {
        Stat::of(&scored.iter().map(|s| f(s)).collect::<Vec<_>>())
    };
    let mut confusion = [[0.0; CLASSES]; CLASSES];
    for s in &scored {
        for (d, row) in s.confusion.iter().enumerate() {
            let total = row.iter().sum::<u32>().max(1) as f64;
            for (p, &n) in row.iter().enumerate() {
                confusion[d][p] += 100.0 * n as f64 / total / scored.len() as f64;
            }
        }
    }
    PerClass {
        snn: std::array::from_fn(|d| column(&|s| s.per_class[d])),
        nearest_centroid: std::array::from_fn(|d| column(&|s| s.nearest_centroid_per_class[d])),
        one_nn: std::array::from_fn(|d| column(&|s| s.one_nn_per_class[d])),
        overall: column(&|s| s.accuracy),
        nearest_centroid_overall: column(&|s| s.nearest_centroid),
        one_nn_overall: column(&|s| s.one_nn),
        confusion,
        repeats: scored.len(),
    }
}

/// Figure 7B: both similarity matrices averaged over repeats.
pub fn similarities(rows: &[&Row]) -> (Matrix<f64>, Matrix<f64>, usize) {
    let channels: Vec<_> = rows.iter().filter_map(|r| r.channels()).collect();
    let n = channels.len().max(1) as f64;
    let mut mean = [[0.0; CLASSES]; CLASSES];
    let mut pixels = [[0.0; CLASSES]; CLASSES];
    for c in &channels {
        for a in 0..CLASSES {
            for b in 0..CLASSES {
                mean[a][b] += c.similarity[a][b] / n;
                pixels[a][b] += c.centroid_similarity[a][b] / n;
            }
        }
    }
    (mean, pixels, channels.len())
}

/// The mean of the off-diagonal entries.
pub fn off_diagonal_mean(m: &Matrix<f64>) -> f64 {
    let mut sum = 0.0;
    for (a, row) in m.iter().enumerate() {
        for (b, v) in row.iter().enumerate() {
            if a != b {
                sum += v;
            }
        }
    }
    sum / (CLASSES * (CLASSES - 1)) as f64
}

/// Formats an x value for a figure: Roman regions for Figure 8, plain
/// numbers otherwise.
pub fn show_x(figure: Figure, x: f64) -> String {
    if figure == Figure::Fig8 {
        return regions_label(x);
    }
    let rounded = (x * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

/// `I`, `I–II`, … `I–VIII` for 1 to 8 regions.
pub fn regions_label(x: f64) -> String {
    const ROMAN: [&str; 8] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];
    let n = x.round() as usize;
    if (x - n as f64).abs() > 1e-9 || !(1..=8).contains(&n) {
        return String::new();
    }
    if n == 1 {
        "I".into()
    } else {
        format!("I–{}", ROMAN[n - 1])
    }
}

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub figure: Figure,
    pub swept: String,
    pub best_here: String,
    pub at_papers_setting: String,
    pub paper: String,
    pub baselines: String,
}

fn point_at(points: &[CurvePoint], x: f64) -> Option<&CurvePoint> {
    points.iter().find(|p| (p.x - x).abs() < 1e-9)
}

fn best(points: &[CurvePoint]) -> Option<&CurvePoint> {
    points
        .iter()
        .max_by(|a, b| a.snn.mean.total_cmp(&b.snn.mean))
}

fn baselines_at(p: Option<&CurvePoint>) -> String {
    p.map_or("—".into(), |p| {
        format!(
            "NC {:.1} %, 1-NN {:.1} %",
            100.0 * p.nearest_centroid.mean,
            100.0 * p.one_nn.mean
        )
    })
}

/// The summary line of `figure` from its rows (`None` without rows).
pub fn line(figure: Figure, rows: &[Row]) -> Option<Line> {
    let rows = of_figure(rows, figure);
    if rows.is_empty() {
        return None;
    }
    let show = |p: Option<&CurvePoint>| {
        p.map_or("—".into(), |p| {
            format!("{}: {}", show_x(figure, p.x), p.snn.show())
        })
    };
    let sweep = |swept: &str, paper_x: Option<f64>, paper: &str| {
        let points = curve(rows.iter().copied());
        let at = paper_x.and_then(|x| point_at(&points, x));
        Line {
            figure,
            swept: swept.into(),
            best_here: show(best(&points)),
            at_papers_setting: show(at),
            paper: paper.into(),
            baselines: baselines_at(at.or(best(&points))),
        }
    };
    Some(match figure {
        Figure::Fig5E => sweep("φ, 40 curated", Some(paper::PHI), "best φ 0.1"),
        Figure::Fig8 => sweep(
            "regions, 10 curated",
            Some(8.0),
            "rises with regions (no value)",
        ),
        Figure::Fig10 => sweep(
            "output threshold (V), 10 curated",
            Some(paper::OUTPUT_THRESHOLD),
            "best 0.01 V",
        ),
        Figure::Fig11 => sweep(
            "connectivity, 10 curated",
            Some(paper::CONNECTIVITY),
            "best 0.2",
        ),
        Figure::Fig12A => sweep("curated shots per class", Some(40.0), "about 72 % at 40"),
        Figure::Fig12B => {
            let mut l = sweep(
                "random shots per class",
                Some(*grid::RANDOM_SHOTS.last().expect("the grid is not empty")),
                "about 58 % at 1,000",
            );
            let points = curve(rows.iter().copied());
            if let Some(last) = points.last()
                && (last.fewest_per_class as f64) < last.x
            {
                l.at_papers_setting += &format!(" (capped: ≥ {} a class)", last.fewest_per_class);
            }
            l
        }
        Figure::Fig9 => {
            let curves = learning_curves(&rows);
            let all: Vec<(String, &CurvePoint)> = curves
                .iter()
                .flat_map(|((a, b), c)| {
                    c.iter()
                        .map(move |p| (format!("α {a} β {b} µ {}", show_x(figure, p.x)), p))
                })
                .collect();
            let best = all
                .iter()
                .max_by(|a, b| a.1.snn.mean.total_cmp(&b.1.snn.mean));
            let papers = papers_pair(&curves).and_then(|c| point_at(c, paper::MU));
            Line {
                figure,
                swept: "α, β, µ, 10 curated".into(),
                best_here: best.map_or("—".into(), |(label, p)| {
                    format!("{label}: {}", p.snn.show())
                }),
                at_papers_setting: papers.map_or("—".into(), |p| {
                    format!("α 0.2 β 0.6 µ 0.8: {}", p.snn.show())
                }),
                paper: "best α 0.2, β 0.6, µ 0.8".into(),
                baselines: baselines_at(papers),
            }
        }
        Figure::Fig13 => {
            let pc = per_class(&rows);
            let above: Vec<String> = (0..CLASSES)
                .filter(|&d| pc.snn[d].mean >= 0.7)
                .map(|d| d.to_string())
                .collect();
            Line {
                figure,
                swept: "per class, 40 curated".into(),
                best_here: format!(
                    "≥ 70 %: {}",
                    if above.is_empty() {
                        "none".into()
                    } else {
                        above.join(", ")
                    }
                ),
                at_papers_setting: format!("overall {}", pc.overall.show()),
                paper: "> 70 % for 0, 1, 3, 6, 7, 8; 72 %".into(),
                baselines: format!(
                    "NC {:.1} %, 1-NN {:.1} %",
                    100.0 * pc.nearest_centroid_overall.mean,
                    100.0 * pc.one_nn_overall.mean
                ),
            }
        }
        Figure::Fig7B => {
            let (channels, pixels, _) = similarities(&rows);
            Line {
                figure,
                swept: "channel similarity, 10 curated".into(),
                best_here: format!("mean S between digits {:.2}", off_diagonal_mean(&channels)),
                at_papers_setting: "—".into(),
                paper: "low off the diagonal (no value)".into(),
                baselines: format!("class-mean images {:.2}", off_diagonal_mean(&pixels)),
            }
        }
    })
}

/// The summary table as aligned text.
pub fn table(lines: &[Line]) -> String {
    let header = [
        "figure",
        "swept",
        "best here (mean ± sd)",
        "at the paper's setting",
        "paper",
        "baselines, same samples",
    ];
    let cells: Vec<[String; 6]> = lines
        .iter()
        .map(|l| {
            [
                l.figure.to_string(),
                l.swept.clone(),
                l.best_here.clone(),
                l.at_papers_setting.clone(),
                l.paper.clone(),
                l.baselines.clone(),
            ]
        })
        .collect();
    let width = |k: usize| {
        cells
            .iter()
            .map(|c| c[k].chars().count())
            .chain([header[k].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..6).map(width).collect();
    let format_line = |values: &[String]| {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, &w)| format!("{v}{}", " ".repeat(w - v.chars().count())))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut text = format_line(&header.map(String::from));
    text.push('\n');
    text.push_str(&format_line(
        &widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>(),
    ));
    text.push('\n');
    for c in &cells {
        text.push_str(&format_line(c));
        text.push('\n');
    }
    text
}
