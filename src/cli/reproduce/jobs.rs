//! The sweep as an explicit list of jobs: which figure, which point on its
//! x axis, which repeat and seed. Sharding is a filter on this list, and
//! merging checks partial results against it, so both are deterministic.

use std::fmt;
use std::str::FromStr;

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

pub use crate::cli::common::Selection;
use crate::model::Params;

/// What the paper reports, as plotted beside this code's curves.
pub mod paper {
    /// Best inhibition parameter φ (Figure 5E, 40 curated shots).
    pub const PHI: f64 = 0.1;
    /// Best learning-rule steps and pruning threshold (Figure 9).
    pub const ALPHA: f64 = 0.2;
    pub const BETA: f64 = 0.6;
    pub const MU: f64 = 0.8;
    /// Best output-neuron threshold, volts (Figure 10).
    pub const OUTPUT_THRESHOLD: f64 = 0.01;
    /// Best second-to-third-layer connectivity (Figure 11).
    pub const CONNECTIVITY: f64 = 0.2;
    /// "About 72 %" with 40 curated shots per class (Figures 12A, 13).
    pub const CURATED_40_PERCENT: f64 = 72.0;
    /// "About 58 %" with 1,000 random shots per class (Figure 12B).
    pub const RANDOM_1000_PERCENT: f64 = 58.0;
    /// Digits the paper finds above 70 % (Figure 13's text).
    pub const CLASSES_ABOVE_70: [u8; 6] = [0, 1, 3, 6, 7, 8];
    /// The main confusions named in Figure 13's caption: (true, predicted).
    pub const CONFUSIONS: [(u8, u8); 6] = [(0, 6), (1, 2), (2, 4), (3, 8), (4, 8), (8, 6)];
}

/// One of the reproduced figures.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum, Serialize, Deserialize,
)]
pub enum Figure {
    /// Accuracy against the inhibition parameter φ.
    #[value(name = "5e")]
    #[serde(rename = "5e")]
    Fig5E,
    /// Similarity between the ten information channels.
    #[value(name = "7b")]
    #[serde(rename = "7b")]
    Fig7B,
    /// Accuracy against the number of regions used.
    #[value(name = "8")]
    #[serde(rename = "8")]
    Fig8,
    /// Accuracy over α, β and the pruning threshold µ.
    #[value(name = "9")]
    #[serde(rename = "9")]
    Fig9,
    /// Accuracy against the output neuron's threshold.
    #[value(name = "10")]
    #[serde(rename = "10")]
    Fig10,
    /// Accuracy against the second-to-third-layer connectivity.
    #[value(name = "11")]
    #[serde(rename = "11")]
    Fig11,
    /// Accuracy against curated shots per class.
    #[value(name = "12a")]
    #[serde(rename = "12a")]
    Fig12A,
    /// Accuracy against random shots per class.
    #[value(name = "12b")]
    #[serde(rename = "12b")]
    Fig12B,
    /// Per-class accuracy and confusion at the best setting.
    #[value(name = "13")]
    #[serde(rename = "13")]
    Fig13,
}

impl Figure {
    /// Every figure, in the paper's order.
    pub const ALL: [Figure; 9] = [
        Figure::Fig5E,
        Figure::Fig7B,
        Figure::Fig8,
        Figure::Fig9,
        Figure::Fig10,
        Figure::Fig11,
        Figure::Fig12A,
        Figure::Fig12B,
        Figure::Fig13,
    ];

    /// The short name used on the command line and in the CSV files.
    pub fn id(self) -> &'static str {
        match self {
            Figure::Fig5E => "5e",
            Figure::Fig7B => "7b",
            Figure::Fig8 => "8",
            Figure::Fig9 => "9",
            Figure::Fig10 => "10",
            Figure::Fig11 => "11",
            Figure::Fig12A => "12a",
            Figure::Fig12B => "12b",
            Figure::Fig13 => "13",
        }
    }

    /// The file name of its CSV and SVG, without extension.
    pub fn stem(self) -> String {
        format!("fig{}", self.id())
    }

    /// Does each run score on the test set (all but Figure 7B)?
    pub fn is_scored(self) -> bool {
        self != Figure::Fig7B
    }

    /// The points on its x axis.
    pub fn points(self) -> Vec<Point> {
        let curated = |shots| Setting::calibrated(Selection::Curated, shots);
        let sweep = |parameter, values: &[f64], make: &dyn Fn(f64) -> Setting| {
            values
                .iter()
                .map(|&value| Point {
                    parameter,
                    value,
                    setting: make(value),
                })
                .collect()
        };
        match self {
            Figure::Fig5E => sweep("phi", &grid::PHI, &|x| Setting {
                phi: Some(x as f32),
                ..curated(40)
            }),
            Figure::Fig7B => sweep("shots", &[grid::CHANNEL_SHOTS as f64], &|_| {
                curated(grid::CHANNEL_SHOTS)
            }),
            Figure::Fig8 => sweep("regions", &grid::REGIONS, &|x| Setting {
                regions: x as usize,
                ..curated(10)
            }),
            Figure::Fig9 => {
                let mut points = Vec::new();
                for &mu in &grid::MU {
                    for &alpha in &grid::ALPHA {
                        for &beta in &grid::BETA {
                            points.push(Point {
                                parameter: "mu",
                                value: mu,
                                setting: Setting {
                                    alpha: alpha as f32,
                                    beta: beta as f32,
                                    mu: mu as f32,
                                    ..curated(10)
                                },
                            });
                        }
                    }
                }
                points
            }
            Figure::Fig10 => sweep("output_threshold", &grid::OUTPUT_THRESHOLD, &|x| Setting {
                output_threshold: x as f32,
                ..curated(10)
            }),
            Figure::Fig11 => sweep("connectivity", &grid::CONNECTIVITY, &|x| Setting {
                connectivity: x as f32,
                ..curated(10)
            }),
            Figure::Fig12A => sweep("shots", &grid::CURATED_SHOTS, &|x| curated(x as usize)),
            Figure::Fig12B => sweep("shots", &grid::RANDOM_SHOTS, &|x| {
                Setting::calibrated(Selection::Random, x as usize)
            }),
            Figure::Fig13 => sweep("shots", &[40.0], &|_| curated(40)),
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id().to_uppercase())
    }
}

impl FromStr for Figure {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Figure::ALL
            .into_iter()
            .find(|f| f.id().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("no figure {s:?}; the figures are 5e, 7b, 8 to 11, 12a, 12b, 13")
            })
    }
}

/// The x values swept (see the module docs of `reproduce` for why these).
pub mod grid {
    /// Figure 5E: φ, log-spaced around the paper's 0.1.
    pub const PHI: [f64; 5] = [0.05, 0.1, 0.2, 0.4, 0.9];
    /// Figure 7B: curated shots per class the channels are trained on.
    pub const CHANNEL_SHOTS: usize = 10;
    /// Figure 8: regions I to I–VIII.
    pub const REGIONS: [f64; 8] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    /// Figure 9: a coarse grid through the paper's best point.
    pub const MU: [f64; 3] = [0.4, 0.8, 1.2];
    pub const ALPHA: [f64; 3] = [0.1, 0.2, 0.4];
    pub const BETA: [f64; 2] = [0.6, 1.2];
    /// Figure 10: −0.03 V to 0.03 V in steps of 0.01 V, as in the paper.
    pub const OUTPUT_THRESHOLD: [f64; 7] = [-0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03];
    /// Figure 11: 0.1 to 1.
    pub const CONNECTIVITY: [f64; 6] = [0.1, 0.2, 0.4, 0.6, 0.8, 1.0];
    /// Figure 12A: 1 to 40 curated shots per class.
    pub const CURATED_SHOTS: [f64; 7] = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0];
    /// Figure 12B: 10 to 1,000 random shots per class (capped per class at
    /// what the pool holds).
    pub const RANDOM_SHOTS: [f64; 5] = [10.0, 30.0, 100.0, 300.0, 1000.0];
}

/// Everything a run varies: the training samples and the parameters the
/// figures sweep. All other parameters keep [`Params::default`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting {
    pub selection: Selection,
    /// Training samples asked for per class.
    pub shots: usize,
    /// `None`: inhibition off.
    pub phi: Option<f32>,
    pub regions: usize,
    pub alpha: f32,
    pub beta: f32,
    pub mu: f32,
    /// Volts.
    pub output_threshold: f32,
    pub connectivity: f32,
}

impl Setting {
    /// The calibrated defaults, with the given training samples.
    pub fn calibrated(selection: Selection, shots: usize) -> Self {
        let p = Params::default();
        Setting {
            selection,
            shots,
            phi: p.phi,
            regions: p.regions,
            alpha: p.alpha,
            beta: p.beta,
            mu: p.mu,
            output_threshold: p.output_threshold,
            connectivity: p.connectivity,
        }
    }

    /// The model parameters of this setting.
    pub fn params(&self) -> Params {
        Params {
            phi: self.phi,
            regions: self.regions,
            alpha: self.alpha,
            beta: self.beta,
            mu: self.mu,
            output_threshold: self.output_threshold,
            connectivity: self.connectivity,
            ..Params::default()
        }
    }
}

/// A point on a figure's x axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The swept parameter's name (`mu` for Figure 9, whose α and β are
    /// read from the setting).
    pub parameter: &'static str,
    pub value: f64,
    pub setting: Setting,
}

/// One run: a point of a figure with one seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Job {
    /// 1-based position in the plan's job list.
    pub number: usize,
    pub figure: Figure,
    pub point: Point,
    /// 0-based; the seed is the plan's seed plus the repeat.
    pub repeat: usize,
    pub seed: u64,
}

impl Job {
    /// A text that is equal for two jobs exactly when they train and score
    /// the same networks on the same samples, so one run serves both.
    pub fn run_key(&self) -> String {
        format!(
            "{} {:?} {}",
            self.figure.is_scored(),
            self.point.setting,
            self.seed
        )
    }

    /// A short description for progress lines, e.g. `9 mu 0.8 (alpha 0.2,
    /// beta 0.6), seed 1`.
    pub fn label(&self) -> String {
        let p = &self.point;
        let extra = if self.figure == Figure::Fig9 {
            format!(" (alpha {}, beta {})", p.setting.alpha, p.setting.beta)
        } else {
            String::new()
        };
        format!(
            "fig {} {} {}{extra}, seed {}",
            self.figure, p.parameter, p.value, self.seed
        )
    }
}

/// What a sweep covers; shards of one sweep share it, and it is all that
/// is needed to list the jobs again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// In the paper's order, each once.
    pub figures: Vec<Figure>,
    pub repeats: usize,
    /// Seed of repeat 0; repeat k uses seed + k.
    pub seed: u64,
    /// Only the first N test images (quick checks); `None`: all 10,000.
    pub limit: Option<usize>,
}

impl Plan {
    /// A plan for `figures` (any order, repeats allowed).
    pub fn new(figures: &[Figure], repeats: usize, seed: u64, limit: Option<usize>) -> Self {
        let mut figures = figures.to_vec();
        figures.sort();
        figures.dedup();
        Plan {
            figures,
            repeats,
            seed,
            limit,
        }
    }

    /// Every job, figure by figure, point by point, repeat by repeat.
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for &figure in &self.figures {
            for point in figure.points() {
                for repeat in 0..self.repeats {
                    jobs.push(Job {
                        number: jobs.len() + 1,
                        figure,
                        point,
                        repeat,
                        seed: self.seed + repeat as u64,
                    });
                }
            }
        }
        jobs
    }
}

/// Part `index` of `count` of a sweep: jobs `index`, `index + count`,
/// `index + 2 count`, … (1-based), as an array job on a cluster
/// scheduler would split it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole sweep.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    pub fn contains(&self, job: &Job) -> bool {
        (job.number - 1) % self.count == self.index - 1
    }

    /// The jobs of `jobs` in this shard, in order.
    pub fn select(&self, jobs: &[Job]) -> Vec<Job> {
        jobs.iter().filter(|j| self.contains(j)).copied().collect()
    }

    /// The shard that runs `job`.
    pub fn of(job: &Job, count: usize) -> Shard {
        Shard {
            index: (job.number - 1) % count + 1,
            count,
        }
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "--shard takes K/N with 1 ≤ K ≤ N (e.g. 3/8 for the third of \
                 eight parts), not {s:?}"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}
