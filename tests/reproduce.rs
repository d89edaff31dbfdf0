#![cfg(not(target_arch = "wasm32"))]
//! `snn reproduce` and `snn merge`: the job list, sharding, the CSV round
//! trip, merging and the pieces a run is built from, on synthetic rows; then
//! one small end-to-end run of the tool (a few hundred test images, one
//! repeat) that checks the files appear and that a sharded, merged sweep
//! gives the same CSVs as an unsharded one.
//!
//! The MNIST folder `../shared/mnist` is required, as in `tests/data.rs`.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pruning_snn::cli::reproduce::jobs::{Figure, Job, Plan, Selection, Setting, Shard, grid};
use pruning_snn::cli::reproduce::table::{self, Channels, Outcome, Row, Scored};
use pruning_snn::cli::reproduce::{
    capped_random, finish, read_parts, similarity, train_networks, training_samples, write_parts,
};
use pruning_snn::data::curated::curated_shots;
use pruning_snn::data::idx::{MnistSet, load_mnist};
use pruning_snn::model::classifier::fingerprint;
use pruning_snn::model::{Classifier, Params};

fn mnist_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/mnist");
    assert!(
        dir.is_dir(),
        "the MNIST files are needed for these tests, and there is no folder at {}",
        dir.display()
    );
    dir
}

/// A fresh, empty folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pruning-snn-reproduce-{}-{name}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

// ---- the job list ---------------------------------------------------------

#[test]
fn jobs_are_numbered_in_order_with_consecutive_seeds() {
    let plan = Plan::new(&[Figure::Fig10, Figure::Fig5E, Figure::Fig10], 3, 7, None);
    assert_eq!(
        plan.figures,
        [Figure::Fig5E, Figure::Fig10],
        "sorted, once each"
    );
    let jobs = plan.jobs();
    assert_eq!(
        jobs.len(),
        3 * (grid::PHI.len() + grid::OUTPUT_THRESHOLD.len())
    );
    for (k, job) in jobs.iter().enumerate() {
        assert_eq!(job.number, k + 1);
        assert_eq!(job.seed, 7 + job.repeat as u64);
    }
    // Repeats of one point sit together, then the next point.
    let first: Vec<(f64, usize)> = jobs[..4]
        .iter()
        .map(|j| (j.point.value, j.repeat))
        .collect();
    assert_eq!(first, [(0.05, 0), (0.05, 1), (0.05, 2), (0.1, 0)]);
    assert_eq!(jobs.last().unwrap().figure, Figure::Fig10);
}

#[test]
fn every_figure_covers_the_papers_range_and_best_point() {
    let values = |f: Figure| -> Vec<f64> { f.points().iter().map(|p| p.value).collect() };
    assert!(values(Figure::Fig5E).contains(&0.1));
    assert_eq!(
        values(Figure::Fig8),
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    );
    let t = values(Figure::Fig10);
    assert_eq!((t[0], *t.last().unwrap()), (-0.03, 0.03));
    assert!(t.contains(&0.01));
    let c = values(Figure::Fig11);
    assert_eq!((c[0], *c.last().unwrap()), (0.1, 1.0));
    assert!(c.contains(&0.2));
    let a = values(Figure::Fig12A);
    assert_eq!((a[0], *a.last().unwrap()), (1.0, 40.0));
    let b = values(Figure::Fig12B);
    assert_eq!((b[0], *b.last().unwrap()), (10.0, 1000.0));
    assert!(
        Figure::Fig12B
            .points()
            .iter()
            .all(|p| p.setting.selection == Selection::Random)
    );

    // Figure 9 holds the paper's best point, and its grid is complete.
    let nine = Figure::Fig9.points();
    assert_eq!(
        nine.len(),
        grid::MU.len() * grid::ALPHA.len() * grid::BETA.len()
    );
    assert!(nine.iter().any(|p| {
        let s = &p.setting;
        (s.alpha, s.beta, s.mu) == (0.2, 0.6, 0.8)
    }));

    // Figures 8–11 train on 10 curated shots, 5E and 13 on 40.
    for f in [Figure::Fig8, Figure::Fig9, Figure::Fig10, Figure::Fig11] {
        assert!(f.points().iter().all(|p| p.setting.shots == 10), "{f}");
    }
    for f in [Figure::Fig5E, Figure::Fig13] {
        assert!(f.points().iter().all(|p| p.setting.shots == 40), "{f}");
    }
}

#[test]
fn the_calibrated_setting_is_the_default_model_and_is_run_once() {
    let setting = Setting::calibrated(Selection::Curated, 10);
    assert_eq!(setting.params(), Params::default());

    // Figures 8, 9, 10, 11 and 12A each hold the calibrated 10-shot run.
    let plan = Plan::new(&Figure::ALL, 1, 1, None);
    let jobs = plan.jobs();
    let key = |j: &Job| j.run_key();
    let calibrated_10: Vec<&Job> = jobs
        .iter()
        .filter(|j| j.figure.is_scored() && j.point.setting == setting)
        .collect();
    assert_eq!(calibrated_10.len(), 5);
    let keys: HashSet<String> = calibrated_10.iter().map(|j| key(j)).collect();
    assert_eq!(keys.len(), 1);
    // Figure 7B trains the same networks but is not the same run.
    let b7 = jobs.iter().find(|j| j.figure == Figure::Fig7B).unwrap();
    assert_ne!(key(b7), key(calibrated_10[0]));
}

// ---- sharding -------------------------------------------------------------

#[test]
fn shards_split_the_list_into_disjoint_interleaved_parts() {
    let jobs = Plan::new(&[Figure::Fig8, Figure::Fig11], 2, 1, None).jobs();
    let count = 5;
    let mut seen = HashSet::new();
    for index in 1..=count {
        let shard = Shard { index, count };
        let mine = shard.select(&jobs);
        let numbers: Vec<usize> = mine.iter().map(|j| j.number).collect();
        let expected: Vec<usize> = (index..=jobs.len()).step_by(count).collect();
        assert_eq!(numbers, expected, "shard {shard}");
        for j in &mine {
            assert!(seen.insert(j.number), "job {} in two shards", j.number);
            assert_eq!(Shard::of(j, count), shard);
        }
    }
    assert_eq!(seen.len(), jobs.len());
    assert_eq!(Shard::WHOLE.select(&jobs), jobs);
}

#[test]
fn shard_options_are_checked() {
    assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
    assert_eq!(" 1 / 1 ".parse::<Shard>(), Ok(Shard::WHOLE));
    for bad in ["0/4", "5/4", "3", "a/b", "1/0", "-1/4"] {
        let e = bad.parse::<Shard>().unwrap_err();
        assert!(e.contains("K/N"), "{bad}: {e}");
    }
}

// ---- rows and CSV -----------------------------------------------------------

/// A made-up outcome for `job`, different for every job.
fn fake_row(job: &Job) -> Row {
    let n = job.number as f64;
    let outcome = if job.figure.is_scored() {
        Outcome::Scored(Box::new(Scored {
            images: 100,
            accuracy: 0.5 + 0.001 * n + 1e-17,
            tie_rate: 0.1 + 0.2,
            silent_rate: 0.0,
            per_class: std::array::from_fn(|d| (d as f64 + n) / 97.0),
            confusion: std::array::from_fn(|r| {
                std::array::from_fn(|c| (r * 10 + c + job.number) as u32)
            }),
            nearest_centroid: 0.7,
            one_nn: 0.8 - 1.0 / 3.0,
            nearest_centroid_per_class: std::array::from_fn(|d| d as f64 / 10.0),
            one_nn_per_class: std::array::from_fn(|d| 1.0 - d as f64 / 9.0),
        }))
    } else {
        Outcome::Channels(Box::new(Channels {
            similarity: std::array::from_fn(|r| {
                std::array::from_fn(|c| if r == c { 1.0 } else { 0.3 + n / 1e3 })
            }),
            centroid_similarity: std::array::from_fn(|r| {
                std::array::from_fn(|c| ((r + c) as f64).sqrt() / 5.0)
            }),
        }))
    };
    Row {
        job: *job,
        train_per_class: [10, 10, 10, 10, 10, 9, 10, 10, 10, 10],
        outcome,
    }
}

fn fake_rows(plan: &Plan) -> Vec<Row> {
    plan.jobs().iter().map(fake_row).collect()
}

#[test]
fn rows_survive_a_csv_round_trip_bit_for_bit() {
    let plan = Plan::new(&Figure::ALL, 2, 11, Some(300));
    let mut rows = fake_rows(&plan);
    // Inhibition off is written and read back too.
    rows[0].job.point.setting.phi = None;
    let text = table::format_file(&rows);
    assert_eq!(text.lines().count(), rows.len() + 1);
    let columns = table::header().split(',').count();
    for line in text.lines() {
        assert_eq!(line.split(',').count(), columns, "{line}");
    }
    let back = table::parse_file(&text, "test").unwrap();
    assert_eq!(back, rows);
}

#[test]
fn damaged_csv_files_are_refused_with_the_line() {
    let rows = fake_rows(&Plan::new(&[Figure::Fig10], 1, 1, None));
    let text = table::format_file(&rows);
    let e = table::parse_file(&text.replacen("job,", "jobs,", 1), "a.csv").unwrap_err();
    assert!(e.contains("a.csv") && e.contains("header"), "{e}");
    let cut = text.lines().take(3).collect::<Vec<_>>().join("\n") + ",7\n";
    let e = table::parse_file(&cut, "b.csv").unwrap_err();
    assert!(e.contains("b.csv, line 3"), "{e}");
    let e = table::parse_file(&text.replace(",curated,", ",hand,"), "c.csv").unwrap_err();
    assert!(e.contains("selection"), "{e}");
}

// ---- merging ------------------------------------------------------------------

#[test]
fn merged_shards_give_back_every_row_in_job_order() {
    let plan = Plan::new(
        &[Figure::Fig7B, Figure::Fig9, Figure::Fig12B],
        2,
        3,
        Some(50),
    );
    let rows = fake_rows(&plan);
    let dir = scratch("merge");
    let count = 4;
    // Shards may finish in any order.
    for index in [3, 1, 4, 2] {
        let shard = Shard { index, count };
        let mine: Vec<Row> = rows
            .iter()
            .filter(|r| shard.contains(&r.job))
            .cloned()
            .collect();
        write_parts(&plan, shard, &mine, &dir).unwrap();
    }
    let (read_plan, read_rows) = read_parts(&dir).unwrap();
    assert_eq!(read_plan, plan);
    assert_eq!(read_rows, rows);

    // A missing shard is named.
    fs::remove_file(dir.join("manifest.shard-2-of-4.json")).unwrap();
    let e = read_parts(&dir).unwrap_err().to_string();
    assert!(e.contains("2/4"), "{e}");
}

#[test]
fn merging_refuses_lost_or_foreign_rows() {
    let plan = Plan::new(&[Figure::Fig10], 1, 1, None);
    let rows = fake_rows(&plan);
    let dir = scratch("lost");
    let whole = Shard { index: 1, count: 2 };
    let other = Shard { index: 2, count: 2 };
    let first: Vec<Row> = rows
        .iter()
        .filter(|r| whole.contains(&r.job))
        .cloned()
        .collect();
    // Shard 2 lost its last row.
    let mut second: Vec<Row> = rows
        .iter()
        .filter(|r| other.contains(&r.job))
        .cloned()
        .collect();
    let lost = second.pop().unwrap().job.number;
    write_parts(&plan, whole, &first, &dir).unwrap();
    write_parts(&plan, other, &second, &dir).unwrap();
    let e = read_parts(&dir).unwrap_err().to_string();
    assert!(
        e.contains(&format!("job {lost}")) && e.contains("2/2"),
        "{e}"
    );

    // A row filed under the wrong shard.
    write_parts(&plan, other, &first, &dir).unwrap();
    let e = read_parts(&dir).unwrap_err().to_string();
    assert!(e.contains("belongs to shard 1/2"), "{e}");
}

#[test]
fn finishing_writes_a_csv_and_an_svg_per_figure_and_a_summary() {
    let plan = Plan::new(&Figure::ALL, 2, 1, Some(100));
    let rows = fake_rows(&plan);
    let dir = scratch("finish");
    let summary = finish(&plan, &rows, &dir).unwrap();
    for figure in Figure::ALL {
        let stem = figure.stem();
        let csv = fs::read_to_string(dir.join(format!("{stem}.csv"))).unwrap();
        assert_eq!(
            table::parse_file(&csv, &stem).unwrap(),
            rows.iter()
                .filter(|r| r.job.figure == figure)
                .cloned()
                .collect::<Vec<_>>()
        );
        let svg = fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{stem}");
        assert!(
            svg.contains(&format!("Fig. {figure}")),
            "{stem} has its title"
        );
        assert!(summary.contains(&format!("\n{figure} ")), "{summary}");
    }
    let confusion = fs::read_to_string(dir.join("fig13-confusion.svg")).unwrap();
    assert!(confusion.contains("predicted digit"));
    // Line charts carry units, the paper's value and both baselines.
    let svg = fs::read_to_string(dir.join("fig10.svg")).unwrap();
    for text in [
        "(V)",
        "accuracy on the MNIST test set (%)",
        "paper",
        "nearest centroid",
        "1-NN",
    ] {
        assert!(svg.contains(text), "fig10.svg lacks {text:?}");
    }
    let svg = fs::read_to_string(dir.join("fig12a.svg")).unwrap();
    assert!(svg.contains("about 72 %"));
    assert!(summary.contains("2 repeats per point"), "{summary}");
}

// ---- the pieces of a run ----------------------------------------------------------

#[test]
fn similarity_is_equation_6_on_unit_vectors() {
    let s = similarity(&[
        vec![1.0, 0.0],
        vec![3.0, 3.0],
        vec![0.0, 2.0],
        vec![2.0, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 0.0],
    ]);
    // Scale does not matter; orthogonal non-negative vectors are 0 apart…
    assert_eq!(s[0][3], 1.0);
    assert_eq!(s[0][2], 0.0);
    // …and 45° apart: d = √(2 − √2), S = 1 − d/√2 = 0.4588…
    let expected = 1.0 - (2.0 - 2f64.sqrt()).sqrt() / 2f64.sqrt();
    assert!((s[0][1] - expected).abs() < 1e-12, "{}", s[0][1]);
    assert!((expected - 0.458_804).abs() < 1e-6);
    for (r, row) in s.iter().enumerate() {
        assert_eq!(row[r], 1.0);
        for (c, &v) in row.iter().enumerate() {
            assert_eq!(v, s[c][r]);
            assert!((0.0..=1.0).contains(&v));
        }
    }
}

#[test]
fn parallel_training_gives_the_same_networks() {
    let params = Params::default();
    let train = curated_shots(2).unwrap();
    let test = curated_shots(3).unwrap();
    let a = Classifier::train(&params, &train, 5).unwrap();
    let b = train_networks(&params, &train, 5).unwrap();
    assert_eq!(fingerprint(&a, &test.images), fingerprint(&b, &test.images));
}

#[test]
fn random_samples_are_capped_at_what_the_pool_holds() {
    let pool = load_mnist(&mnist_dir(), MnistSet::TrainPool).unwrap();
    let counts = pool.class_counts();

    // Below the cap, a run takes the samples `snn evaluate --selection
    // random` takes, and the capped draw agrees with them.
    let setting = Setting::calibrated(Selection::Random, 30);
    let ours = training_samples(&setting, Some(&pool), 9).unwrap();
    assert_eq!(ours, capped_random(&pool, 30, 9).unwrap());
    assert_eq!(ours.class_counts(), [30; 10]);

    // At 1,000 every class gives what it has, up to 1,000.
    let capped = capped_random(&pool, 1000, 9).unwrap();
    let expected: Vec<usize> = counts.iter().map(|&c| c.min(1000)).collect();
    assert_eq!(capped.class_counts().to_vec(), expected);
    assert_eq!(capped.class_counts()[5], 863);
    let distinct: HashSet<u32> = capped.pool_indices.iter().copied().collect();
    assert_eq!(distinct.len(), capped.len());

    // The first 30 of each class are the 30-shot draw.
    for digit in 0..10u8 {
        let a: Vec<_> = capped.of_class(digit).take(30).collect();
        let b: Vec<_> = ours.of_class(digit).collect();
        assert_eq!(a, b, "digit {digit}");
    }
}

// ---- the tool, end to end -----------------------------------------------------------

fn snn(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_snn"))
        .args(args)
        .output()
        .expect("the snn binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "snn {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn a_small_sweep_runs_and_its_shards_merge_to_the_same_files() {
    let mnist = mnist_dir();
    let mnist = mnist.to_str().unwrap();
    let whole = scratch("whole");
    let sharded = scratch("sharded");
    let common = [
        "reproduce",
        "--figure",
        "10",
        "--figure",
        "7b",
        "--limit",
        "120",
        "--repeats",
        "1",
        "--seed",
        "4",
        "--quiet",
        "--mnist",
        mnist,
    ];

    let out = snn(&[&common[..], &["--out", whole.to_str().unwrap()]].concat());
    assert!(out.contains("About") && out.contains("minute"), "{out}");
    assert!(out.contains("Summary"), "{out}");
    for file in ["fig10.csv", "fig10.svg", "fig7b.csv", "fig7b.svg"] {
        assert!(whole.join(file).is_file(), "{file} missing:\n{out}");
    }
    let rows = table::parse_file(
        &fs::read_to_string(whole.join("fig10.csv")).unwrap(),
        "fig10",
    )
    .unwrap();
    assert_eq!(rows.len(), grid::OUTPUT_THRESHOLD.len());
    for row in &rows {
        let scored = row.scored().expect("fig 10 rows are scored");
        assert_eq!(scored.images, 120);
        assert!(scored.accuracy > 0.3, "{}", scored.accuracy);
        assert_eq!(row.train_per_class, [10; 10]);
    }

    for shard in ["1/2", "2/2"] {
        let out = snn(&[
            &common[..],
            &["--out", sharded.to_str().unwrap(), "--shard", shard],
        ]
        .concat());
        assert!(out.contains(&format!("Shard {shard} done")), "{out}");
    }
    let out = snn(&["merge", "--out", sharded.to_str().unwrap()]);
    assert!(out.contains("Merged 8 jobs"), "{out}");
    for file in ["fig10.csv", "fig7b.csv"] {
        assert_eq!(
            fs::read_to_string(whole.join(file)).unwrap(),
            fs::read_to_string(sharded.join(file)).unwrap(),
            "{file}"
        );
    }
    assert!(sharded.join("fig10.svg").is_file());
}

#[test]
fn the_tool_lists_jobs_and_refuses_bad_options() {
    let out = snn(&["reproduce", "--all", "--list", "--shard", "2/50"]);
    let total = Plan::new(
        &Figure::ALL,
        pruning_snn::cli::reproduce::DEFAULT_REPEATS,
        1,
        None,
    )
    .jobs()
    .len();
    assert!(
        out.contains(&format!("of {total} jobs (shard 2/50)")),
        "{out}"
    );
    assert!(
        out.lines().next().unwrap().trim_start().starts_with("2 "),
        "{out}"
    );

    for (args, expected) in [
        (&["reproduce"][..], "--all"),
        (&["reproduce", "--all", "--repeats", "0"], "at least 1"),
        (&["reproduce", "--all", "--shard", "3/2"], "K/N"),
        (&["reproduce", "--figure", "14"], "14"),
        (&["merge", "--out", "/nonexistent/figures"], "cannot read"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_snn"))
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
