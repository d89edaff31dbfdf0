//! Each figure drawn from its rows: which curves, which of the paper's
//! values, which axes.

use std::path::{Path, PathBuf};

use crate::cli::common::Error;
use crate::data::CLASSES;

use super::jobs::{Figure, paper};
use super::plots::{
    self, ClassBars, Heatmap, LineChart, Mark, NEAREST_CENTROID, ONE_NN, SNN, SNN_ALT, Series,
};
use super::summary::{self, CurvePoint, Stat};
use super::table::Row;

const Y_DESC: &str = "accuracy on the MNIST test set (%)";

/// `1 run`, `2 runs`: the most repeats behind any point.
fn runs(points: &[CurvePoint]) -> String {
    match points.iter().map(|p| p.snn.n).max().unwrap_or(0) {
        1 => "1 run".into(),
        n => format!("{n} runs"),
    }
}

fn network_label(points: &[CurvePoint]) -> String {
    format!("spiking network (mean ± sd, {})", runs(points))
}

/// The three usual series of a curve: the network and both baselines.
fn standard_series(points: &[CurvePoint]) -> Vec<Series> {
    let pick = |f: fn(&CurvePoint) -> Stat| {
        points
            .iter()
            .map(|p| (p.x, f(p).percent()))
            .collect::<Vec<_>>()
    };
    vec![
        Series::network(network_label(points), SNN, pick(|p| p.snn)),
        Series::baseline(
            "nearest centroid, same samples",
            NEAREST_CENTROID,
            pick(|p| p.nearest_centroid),
        ),
        Series::baseline("1-NN, same samples", ONE_NN, pick(|p| p.one_nn)),
    ]
}

fn x_extent(points: &[CurvePoint]) -> (f64, f64) {
    points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.x), hi.max(p.x))
        })
}

fn sweep_chart(
    title: &str,
    x_desc: &str,
    points: &[CurvePoint],
    log_x: bool,
    marks: Vec<Mark>,
) -> LineChart {
    LineChart {
        title: title.into(),
        x_desc: x_desc.into(),
        y_desc: Y_DESC.into(),
        x_range: x_extent(points),
        log_x,
        x_format: None,
        series: standard_series(points),
        marks,
        dots: Vec::new(),
        notes: Vec::new(),
    }
}

fn best_x(x: f64, label: &str) -> Mark {
    Mark::BestX {
        x,
        label: label.into(),
    }
}

/// Draws `figure` from its rows into `out`; returns the files written.
pub fn draw(figure: Figure, rows: &[Row], out: &Path) -> Result<Vec<PathBuf>, Error> {
    let rows = summary::of_figure(rows, figure);
    let path = out.join(format!("{}.svg", figure.stem()));
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let points = summary::curve(rows.iter().copied());
    match figure {
        Figure::Fig5E => sweep_chart(
            "Fig. 5E: inhibition, 40 curated shots per class",
            "inhibition parameter φ (equation 3; smaller inhibits more), log scale",
            &points,
            true,
            vec![best_x(paper::PHI, "paper's best: φ = 0.1")],
        )
        .draw(&path)?,
        Figure::Fig8 => {
            let mut chart = sweep_chart(
                "Fig. 8: regions used, 10 curated shots per class",
                "regions of the image encoded (Fig. 2A)",
                &points,
                false,
                vec![best_x(8.0, "paper: rises to I–VIII (no value)")],
            );
            chart.x_format = Some(summary::regions_label);
            chart.draw(&path)?;
        }
        Figure::Fig9 => fig9(&rows, &path)?,
        Figure::Fig10 => sweep_chart(
            "Fig. 10: output threshold, 10 curated shots per class",
            "firing threshold of the output neuron (V)",
            &points,
            false,
            vec![best_x(paper::OUTPUT_THRESHOLD, "paper's best: 0.01 V")],
        )
        .draw(&path)?,
        Figure::Fig11 => sweep_chart(
            "Fig. 11: connectivity, 10 curated shots per class",
            "connection probability, second to third layer",
            &points,
            false,
            vec![best_x(paper::CONNECTIVITY, "paper's best: 0.2")],
        )
        .draw(&path)?,
        Figure::Fig12A => sweep_chart(
            "Fig. 12A: curated training samples",
            "curated training samples per class, log scale",
            &points,
            true,
            vec![Mark::Reported {
                x: 40.0,
                y: paper::CURATED_40_PERCENT,
                label: "paper: about 72 % at 40".into(),
            }],
        )
        .draw(&path)?,
        Figure::Fig12B => {
            let last = points.last().expect("rows give points");
            let title = if (last.fewest_per_class as f64) < last.x {
                format!(
                    "Fig. 12B: random training samples ({} capped at the pool: min {})",
                    plots::number(last.x),
                    last.fewest_per_class
                )
            } else {
                "Fig. 12B: random training samples".to_string()
            };
            sweep_chart(
                &title,
                "random training samples per class (from the 10,000-image pool), log scale",
                &points,
                true,
                vec![Mark::Reported {
                    x: 1000.0,
                    y: paper::RANDOM_1000_PERCENT,
                    label: "paper: about 58 % at 1,000".into(),
                }],
            )
            .draw(&path)?
        }
        Figure::Fig13 => return fig13(&rows, out),
        Figure::Fig7B => fig7b(&rows, &path)?,
    }
    Ok(vec![path])
}

fn fig9(rows: &[&Row], path: &Path) -> Result<(), Error> {
    let curves = summary::learning_curves(rows);
    let best = summary::best_per_mu(&curves);
    let all: Vec<CurvePoint> = curves.iter().flat_map(|(_, c)| c.clone()).collect();
    let papers = summary::papers_pair(&curves).unwrap_or_default();
    let best_points: Vec<CurvePoint> = best.iter().map(|(_, p)| p.clone()).collect();

    let mut series = standard_series(&best_points);
    series[0].label = format!("best α, β at each µ (mean ± sd, {})", runs(&best_points));
    if !papers.is_empty() {
        series.insert(
            1,
            Series {
                label: "α 0.2, β 0.6 (the paper's) at each µ".into(),
                colour: SNN_ALT,
                points: papers.iter().map(|p| (p.x, p.snn.percent())).collect(),
                error_bars: true,
                dashed: true,
            },
        );
    }
    let chart = LineChart {
        title: "Fig. 9: learning rule and pruning, 10 curated shots per class".into(),
        x_desc: "pruning threshold µ (grey: every α, β of the grid)".into(),
        y_desc: Y_DESC.into(),
        x_range: x_extent(&all),
        log_x: false,
        x_format: None,
        series,
        marks: vec![best_x(paper::MU, "paper's best: µ 0.8, α 0.2, β 0.6")],
        dots: all.iter().map(|p| (p.x, 100.0 * p.snn.mean)).collect(),
        notes: best
            .iter()
            .map(|((a, b), p)| (p.x, 100.0 * p.snn.mean, format!("α {a}, β {b}")))
            .collect(),
    };
    chart.draw(path)
}

fn fig13(rows: &[&Row], out: &Path) -> Result<Vec<PathBuf>, Error> {
    let pc = summary::per_class(rows);
    let per_digit = |stats: &[Stat; CLASSES]| -> Vec<(f64, Stat)> {
        stats
            .iter()
            .enumerate()
            .map(|(d, s)| (d as f64, s.percent()))
            .collect()
    };
    let bars = ClassBars {
        title: format!(
            "Fig. 13: per digit, 40 curated shots (overall {})",
            pc.overall.show()
        ),
        snn: pc.snn.map(Stat::percent),
        baselines: vec![
            Series::baseline(
                "nearest centroid, same samples",
                NEAREST_CENTROID,
                per_digit(&pc.nearest_centroid),
            ),
            Series::baseline("1-NN, same samples", ONE_NN, per_digit(&pc.one_nn)),
        ],
        levels: vec![(
            paper::CURATED_40_PERCENT,
            "paper: 72 % over all digits".into(),
        )],
        reported: (
            paper::CLASSES_ABOVE_70
                .iter()
                .map(|&d| (d as f64, 70.0))
                .collect(),
            "paper: above 70 % (0, 1, 3, 6, 7, 8)".into(),
        ),
    };
    let bars_path = out.join("fig13.svg");
    bars.draw(&bars_path)?;

    // Off-diagonal cells shaded on their own scale: the errors are what
    // the figure is about, and the diagonal would wash them out.
    let worst = (0..CLASSES)
        .flat_map(|r| (0..CLASSES).filter(move |&c| c != r).map(move |c| (r, c)))
        .map(|(r, c)| pc.confusion[r][c])
        .fold(1e-9, f64::max);
    let shade = std::array::from_fn(|r| {
        std::array::from_fn(|c| {
            if r == c {
                0.0
            } else {
                pc.confusion[r][c] / worst
            }
        })
    });
    let text =
        std::array::from_fn(|r| std::array::from_fn(|c| format!("{:.0}", pc.confusion[r][c])));
    let map = Heatmap {
        title: "Fig. 13: where each digit goes (% of its test images)".into(),
        x_desc: "predicted digit".into(),
        y_desc: "true digit".into(),
        shade,
        text,
        colour: plots::PAPER,
        outlined: paper::CONFUSIONS
            .iter()
            .map(|&(t, p)| (t as usize, p as usize))
            .collect(),
    };
    let confusion_path = out.join("fig13-confusion.svg");
    plots::draw_heatmaps(
        &confusion_path,
        &[map],
        &format!(
            "Mean of {} runs. Outlined: the paper's main confusions (0→6, 1→2, 2→4, 3→8, 4→8, 8→6).",
            pc.repeats
        ),
    )?;
    Ok(vec![bars_path, confusion_path])
}

fn fig7b(rows: &[&Row], path: &Path) -> Result<(), Error> {
    let (channels, pixels, runs) = summary::similarities(rows);
    let panel = |title: &str, m: &super::table::Matrix<f64>| Heatmap {
        title: title.into(),
        x_desc: "digit".into(),
        y_desc: "digit".into(),
        shade: *m,
        text: std::array::from_fn(|r| std::array::from_fn(|c| format!("{:.2}", m[r][c]))),
        colour: SNN,
        outlined: Vec::new(),
    };
    plots::draw_heatmaps(
        path,
        &[
            panel("Fig. 7B: information channels", &channels),
            panel("baseline: class-mean images", &pixels),
        ],
        &format!(
            "S = 1 − d/√2, d the Euclidean distance between unit-norm vectors (so 0 ≤ S ≤ 1); \
             10 curated shots per class, mean of {runs} runs."
        ),
    )
}
