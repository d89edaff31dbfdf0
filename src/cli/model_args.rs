//! Every model parameter as a command-line option.
//!
//! Options left out keep the preset's value (`--preset calibrated`, the
//! default, or `--preset literal`); each value is range-checked by
//! [`Params::validate`], so a bad one is refused with its name and range.

use clap::{Args, ValueEnum};

use crate::model::{InhibitionSource, Params, Schedule, TieBreak, TriangleLines};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// The calibrated reading (the default).
    Calibrated,
    /// The paper read literally: dt = τ, spikes as volts, per-sample updates.
    Literal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinesArg {
    Perpendicular,
    Diagonal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScheduleArg {
    Averaged,
    PerSample,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    SameBin,
    PreviousBin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TieArg {
    Activity,
    LowestDigit,
}

/// The model's parameters (see `src/model/params.rs` for units and ranges).
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Parameter preset that the options below override.
    #[arg(long, value_enum, default_value = "calibrated")]
    pub preset: Preset,
    /// Pixel clip level and highest spike probability per bin (0–1].
    #[arg(long)]
    pub clip: Option<f32>,
    /// Time bins per presentation.
    #[arg(long)]
    pub bins: Option<usize>,
    /// Regions used, I to I–VIII (1–8).
    #[arg(long)]
    pub regions: Option<usize>,
    /// How the triangles are cut into segments.
    #[arg(long, value_enum)]
    pub triangle_lines: Option<LinesArg>,
    /// Membrane time constant τ, seconds.
    #[arg(long)]
    pub tau: Option<f32>,
    /// Time bin dt, seconds.
    #[arg(long)]
    pub dt: Option<f32>,
    /// First-layer gain, volts per pixel spike.
    #[arg(long)]
    pub gain_first: Option<f32>,
    /// Second-layer gain, volts per weighted first-layer spike.
    #[arg(long)]
    pub gain_second: Option<f32>,
    /// Third-layer gain, volts per second-layer spike.
    #[arg(long)]
    pub gain_third: Option<f32>,
    /// Output gain, volts per third-layer spike.
    #[arg(long)]
    pub gain_output: Option<f32>,
    /// Output neuron threshold, volts.
    #[arg(long, allow_hyphen_values = true)]
    pub output_threshold: Option<f32>,
    /// Inhibition parameter φ (equation 3).
    #[arg(long, conflicts_with = "no_inhibition")]
    pub phi: Option<f32>,
    /// Turn feedback inhibition off.
    #[arg(long)]
    pub no_inhibition: bool,
    /// Which bin's activity drives inhibition.
    #[arg(long, value_enum)]
    pub inhibition_source: Option<SourceArg>,
    /// Learning-rule step for strengthening, α (0–1).
    #[arg(long)]
    pub alpha: Option<f32>,
    /// Learning-rule step for weakening, β (0–2).
    #[arg(long)]
    pub beta: Option<f32>,
    /// Pruning threshold µ.
    #[arg(long)]
    pub mu: Option<f32>,
    /// Update windows per presentation.
    #[arg(long)]
    pub windows: Option<usize>,
    /// Presentations of the training set.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// How samples and updates interleave.
    #[arg(long, value_enum)]
    pub schedule: Option<ScheduleArg>,
    /// Second-layer neurons.
    #[arg(long)]
    pub second_layer: Option<usize>,
    /// Third-layer neurons.
    #[arg(long)]
    pub third_layer: Option<usize>,
    /// Second-to-third-layer connectivity rate (0–1).
    #[arg(long)]
    pub connectivity: Option<f32>,
    /// How ties between output neurons are broken.
    #[arg(long, value_enum)]
    pub tie_break: Option<TieArg>,
}

impl ModelArgs {
    /// The parameters these options describe, validated.
    pub fn params(&self) -> Result<Params, crate::model::InvalidParam> {
        let mut p = match self.preset {
            Preset::Calibrated => Params::default(),
            Preset::Literal => Params::paper_literal(),
        };
        macro_rules! set {
            ($($field:ident).+ = $value:expr) => {
                if let Some(v) = $value {
                    p.$($field).+ = v;
                }
            };
        }
        set!(clip = self.clip);
        set!(bins = self.bins);
        set!(regions = self.regions);
        set!(neuron.tau = self.tau);
        set!(neuron.dt = self.dt);
        set!(gains.first = self.gain_first);
        set!(gains.second = self.gain_second);
        set!(gains.third = self.gain_third);
        set!(gains.output = self.gain_output);
        set!(output_threshold = self.output_threshold);
        set!(alpha = self.alpha);
        set!(beta = self.beta);
        set!(mu = self.mu);
        set!(windows = self.windows);
        set!(epochs = self.epochs);
        set!(second_layer = self.second_layer);
        set!(third_layer = self.third_layer);
        set!(connectivity = self.connectivity);
        if let Some(phi) = self.phi {
            p.phi = Some(phi);
        }
        if self.no_inhibition {
            p.phi = None;
        }
        if let Some(l) = self.triangle_lines {
            p.triangle_lines = match l {
                LinesArg::Perpendicular => TriangleLines::Perpendicular,
                LinesArg::Diagonal => TriangleLines::Diagonal,
            };
        }
        if let Some(s) = self.schedule {
            p.schedule = match s {
                ScheduleArg::Averaged => Schedule::Averaged,
                ScheduleArg::PerSample => Schedule::PerSample,
            };
        }
        if let Some(s) = self.inhibition_source {
            p.inhibition_source = match s {
                SourceArg::SameBin => InhibitionSource::SameBin,
                SourceArg::PreviousBin => InhibitionSource::PreviousBin,
            };
        }
        if let Some(t) = self.tie_break {
            p.tie_break = match t {
                TieArg::Activity => TieBreak::Activity,
                TieArg::LowestDigit => TieBreak::LowestDigit,
            };
        }
        p.validate()?;
        Ok(p)
    }
}
