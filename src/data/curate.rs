//! How the curated training set and the validation set are chosen from the
//! training pool (native only; `snn curate` runs it and writes the files
//! that the crate and the page embed).
//!
//! The paper trains on a few digits per class, once drawn at random and
//! once "similar to the canonical form of the written digits … selected
//! manually". The curated set stands in for the manual selection with a
//! procedure anyone can rerun: per class, the typical digits of the pool,
//! spread over its styles, ordered so that the first *n* of each class are
//! a good *n*-shot training set for every *n* from 1 to 40.
//!
//! # Procedure
//!
//! 1. **Validation set first.** For each class in turn, a partial
//!    Fisher–Yates shuffle of the class's pool indices, driven by one
//!    Xoshiro256++ stream seeded with [`VALIDATION_SEED`], draws
//!    [`VALIDATION_PER_CLASS`] digits. They are a plain random sample, and
//!    nothing below looks at them, so accuracy on them is an honest
//!    estimate.
//! 2. **Candidates.** The rest of the pool, less the digits listed by hand
//!    in [`EXCLUDED`].
//! 3. **Descriptors.** Each image is summed over 2×2 blocks (14×14),
//!    blurred with the 3×3 binomial kernel, and scaled to 0–255: small
//!    shifts and stroke-width changes then move a digit only a little.
//!    Distances are Euclidean between descriptors.
//! 4. **Isolated digits out.** For each candidate, the mean distance to its
//!    [`NEIGHBOURS`] nearest candidates of the same class; the
//!    [`ISOLATED_PERCENT`] % with the largest means are dropped, as no other
//!    digit is written like them.
//! 5. **Ambiguous digits out.** A candidate is dropped when at least
//!    [`AMBIGUOUS_NEIGHBOURS`] of its [`NEIGHBOURS`] nearest candidates, of
//!    any class, belong to another class: it could be read as that class.
//! 6. **k-medoids.** The remaining candidates of each class are split into
//!    [`CURATED_PER_CLASS`] clusters. Start: greedy (PAM's build step):
//!    first the class medoid, then each time the digit that most lowers the
//!    summed distance of all candidates to their nearest chosen digit. Then
//!    alternate (Voronoi iteration) until no medoid changes: assign each
//!    candidate to its nearest medoid, and move each medoid to the member
//!    with the least summed distance to its cluster.
//! 7. **Order.** The medoids are ranked greedily by the same rule as the
//!    start: the one that alone is closest to all candidates, then each
//!    time the one that most lowers the summed distance to the nearest
//!    chosen medoid. So the first digit is the most typical one, and each
//!    next one adds the style that the earlier ones cover worst.
//!
//! Every step is deterministic: integer descriptors and distances, sums in
//! a fixed order, ties to the lower pool index, and a seeded portable
//! generator whose bounded draws are done here, not by a library.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::curated::CURATED_PER_CLASS;
use super::{CLASSES, DataError, Digits, Image, SIDE, VALIDATION_PER_CLASS, squared_distance};

/// The seed of the validation draw.
pub const VALIDATION_SEED: u64 = 2019;

/// Neighbours considered when judging how isolated or ambiguous a digit is.
pub const NEIGHBOURS: usize = 10;

/// Percentage of each class's candidates dropped as isolated.
pub const ISOLATED_PERCENT: usize = 10;

/// A digit with at least this many of its [`NEIGHBOURS`] in other classes
/// is dropped as ambiguous.
pub const AMBIGUOUS_NEIGHBOURS: usize = 3;

/// Pool indices that the procedure picked but a look at the contact sheet
/// showed to be poor examples, each with the reason. They are removed in
/// step 2, so the procedure reruns without them; add to the list, never
/// edit the output by hand.
pub const EXCLUDED: &[(u32, &str)] = &[
    (1677, "a 3 with two stray dots beside it, like \"3:\""),
    (9529, "a 3 with a detached dash at its lower left"),
    (7250, "a 3 so heavily inked that its loops close, like an 8"),
    (1672, "a 4 whose top is a hook, so that it reads as \"24\""),
    (5287, "a 4 drawn as a crossed stroke, as much a crossed 7"),
    (3958, "an 8 with a blotted, overwritten top loop"),
];

/// Descriptor side after 2×2 pooling.
const DESCRIPTOR_SIDE: usize = SIDE / 2;
const DESCRIPTOR_LEN: usize = DESCRIPTOR_SIDE * DESCRIPTOR_SIDE;

type Descriptor = [u8; DESCRIPTOR_LEN];

/// What the procedure chose, and how it got there.
#[derive(Clone, Debug)]
pub struct Curation {
    /// [`CURATED_PER_CLASS`] digits per class, class by class, each class
    /// in curated order.
    pub curated: Digits,
    /// [`VALIDATION_PER_CLASS`] digits per class, class by class, each
    /// class in pool order.
    pub validation: Digits,
    /// Pool indices neither in the validation set nor excluded by hand:
    /// where random training sets for comparison may be drawn from.
    pub candidates: Vec<u32>,
    pub classes: Vec<ClassReport>,
}

/// The numbers behind one class's choice.
#[derive(Clone, Debug, Default)]
pub struct ClassReport {
    pub in_pool: usize,
    pub excluded: usize,
    pub isolated: usize,
    pub ambiguous: usize,
    /// Candidates left for clustering.
    pub clustered: usize,
    /// Alternating iterations until the medoids settled.
    pub iterations: usize,
    /// Members of each curated digit's cluster, in curated order.
    pub cluster_sizes: Vec<usize>,
    /// Mean distance from the clustered candidates to the nearest of the
    /// first `n` curated digits, for `n` = 1, 2, …, 40.
    pub coverage: Vec<f64>,
}

/// Runs the whole procedure on the training pool.
pub fn curate(pool: &Digits) -> Result<Curation, DataError> {
    check_pool(pool)?;
    let wanted = VALIDATION_PER_CLASS + CURATED_PER_CLASS;
    let counts = pool.class_counts();
    if let Some(digit) = (0..CLASSES).find(|&d| counts[d] < wanted) {
        return Err(DataError::TooFewOfClass {
            digit: digit as u8,
            wanted,
            has: counts[digit],
        });
    }

    // Step 1: the validation draw, by position in `pool`.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(VALIDATION_SEED);
    let mut validation = Vec::new();
    for digit in 0..CLASSES as u8 {
        let mut members = positions_of(pool, digit);
        for i in 0..VALIDATION_PER_CLASS {
            let j = i + below(&mut rng, members.len() - i);
            members.swap(i, j);
        }
        let mut drawn = members[..VALIDATION_PER_CLASS].to_vec();
        drawn.sort_unstable();
        validation.extend(drawn);
    }

    // Step 2: the candidates.
    let mut held_out = vec![false; pool.len()];
    for &i in &validation {
        held_out[i] = true;
    }
    let mut reports = vec![ClassReport::default(); CLASSES];
    for (i, &label) in pool.labels.iter().enumerate() {
        let report = &mut reports[usize::from(label)];
        report.in_pool += 1;
        let index = pool.pool_indices[i];
        if !held_out[i] && EXCLUDED.iter().any(|&(e, _)| e == index) {
            report.excluded += 1;
            held_out[i] = true;
        }
    }
    let candidates: Vec<usize> = (0..pool.len()).filter(|&i| !held_out[i]).collect();

    // Steps 3–5: descriptors, then drop isolated and ambiguous digits.
    let descriptors: Vec<Descriptor> = candidates
        .iter()
        .map(|&i| descriptor(&pool.images[i]))
        .collect();
    let labels: Vec<u8> = candidates.iter().map(|&i| pool.labels[i]).collect();
    let neighbourhoods = neighbourhoods(&descriptors, &labels);
    let mut keep = vec![true; candidates.len()];
    for digit in 0..CLASSES as u8 {
        let report = &mut reports[usize::from(digit)];
        let mut members: Vec<usize> = (0..candidates.len())
            .filter(|&c| labels[c] == digit)
            .collect();
        // Most isolated first; ties keep pool order (the sort is stable).
        members.sort_by(|&a, &b| {
            neighbourhoods[b]
                .isolation
                .total_cmp(&neighbourhoods[a].isolation)
        });
        report.isolated = members.len() * ISOLATED_PERCENT / 100;
        for &c in &members[..report.isolated] {
            keep[c] = false;
        }
        for &c in &members[report.isolated..] {
            if neighbourhoods[c].others >= AMBIGUOUS_NEIGHBOURS {
                keep[c] = false;
                report.ambiguous += 1;
            }
        }
    }

    // Steps 6–7, class by class.
    let mut curated = Vec::new();
    for digit in 0..CLASSES as u8 {
        let members: Vec<usize> = (0..candidates.len())
            .filter(|&c| keep[c] && labels[c] == digit)
            .collect();
        let report = &mut reports[usize::from(digit)];
        report.clustered = members.len();
        if members.len() < CURATED_PER_CLASS {
            return Err(DataError::TooFewOfClass {
                digit,
                wanted: CURATED_PER_CLASS,
                has: members.len(),
            });
        }
        let points: Vec<&Descriptor> = members.iter().map(|&c| &descriptors[c]).collect();
        let clusters = Clusters::new(&points);
        let (medoids, iterations) = clusters.k_medoids(CURATED_PER_CLASS);
        let order = clusters.greedy_order(&medoids);
        report.iterations = iterations;
        report.cluster_sizes = clusters.sizes(&order);
        report.coverage = (1..=order.len())
            .map(|n| clusters.cost(&order[..n]) / members.len() as f64)
            .collect();
        curated.extend(order.iter().map(|&m| candidates[members[m]]));
    }

    Ok(Curation {
        curated: pool.subset(&curated)?,
        validation: pool.subset(&validation)?,
        candidates: candidates.iter().map(|&i| pool.pool_indices[i]).collect(),
        classes: reports,
    })
}

/// `n` digits of each class drawn at random from the pool digits whose
/// pool indices are in `candidates`, with `seed`: a random training set to
/// set the curated one against.
pub fn random_shots(
    pool: &Digits,
    candidates: &[u32],
    n: usize,
    seed: u64,
) -> Result<Digits, DataError> {
    check_pool(pool)?;
    let allowed: std::collections::HashSet<u32> = candidates.iter().copied().collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut picked = Vec::with_capacity(n * CLASSES);
    for digit in 0..CLASSES as u8 {
        let mut members: Vec<usize> = positions_of(pool, digit)
            .into_iter()
            .filter(|&i| allowed.contains(&pool.pool_indices[i]))
            .collect();
        if members.len() < n {
            return Err(DataError::TooFewOfClass {
                digit,
                wanted: n,
                has: members.len(),
            });
        }
        for i in 0..n {
            let j = i + below(&mut rng, members.len() - i);
            members.swap(i, j);
        }
        picked.extend(&members[..n]);
    }
    pool.subset(&picked)
}

/// Checks that `pool` is a consistent set with a pool index for each digit,
/// as [`load_mnist`](super::idx::load_mnist) gives it.
fn check_pool(pool: &Digits) -> Result<(), DataError> {
    pool.check()?;
    if pool.pool_indices.len() != pool.len() {
        return Err(DataError::PartsDisagree {
            images: pool.len(),
            labels: pool.labels.len(),
            pool_indices: pool.pool_indices.len(),
        });
    }
    Ok(())
}

/// Positions in `digits` of the digits of class `digit`, in stored order.
fn positions_of(digits: &Digits, digit: u8) -> Vec<usize> {
    (0..digits.len())
        .filter(|&i| digits.labels[i] == digit)
        .collect()
}

/// A uniform draw from `0..n`, by rejection, so that it depends only on
/// the generator's 64-bit words.
fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    let n = n as u64;
    // The largest multiple of n that fits; words at or above it would
    // favour small results.
    let limit = u64::MAX - u64::MAX % n;
    loop {
        let word = rng.next_u64();
        if word < limit {
            return (word % n) as usize;
        }
    }
}

/// Step 3's descriptor of an image.
fn descriptor(image: &Image) -> Descriptor {
    let mut blocks = [0u32; DESCRIPTOR_LEN];
    for (i, &pixel) in image.iter().enumerate() {
        let (row, column) = (i / SIDE / 2, i % SIDE / 2);
        blocks[row * DESCRIPTOR_SIDE + column] += u32::from(pixel);
    }

    const WEIGHTS: [u32; 3] = [1, 2, 1];
    let mut out = [0; DESCRIPTOR_LEN];
    for row in 0..DESCRIPTOR_SIDE {
        for column in 0..DESCRIPTOR_SIDE {
            let mut sum = 0;
            // Blocks past the edge count as blank; the wrapping
            // subtraction sends row or column -1 far out of range.
            for (dr, wr) in WEIGHTS.iter().enumerate() {
                let r = (row + dr).wrapping_sub(1);
                for (dc, wc) in WEIGHTS.iter().enumerate() {
                    let c = (column + dc).wrapping_sub(1);
                    if r < DESCRIPTOR_SIDE && c < DESCRIPTOR_SIDE {
                        sum += wr * wc * blocks[r * DESCRIPTOR_SIDE + c];
                    }
                }
            }
            // At most 16 weights × 4 pixels × 255 = 16,320; / 64 fits a byte.
            out[row * DESCRIPTOR_SIDE + column] = ((sum + 32) / 64) as u8;
        }
    }
    out
}

/// Euclidean distance between descriptors.
fn distance(a: &Descriptor, b: &Descriptor) -> f64 {
    f64::from(squared_distance(a, b)).sqrt()
}

/// What a candidate's nearest neighbours say about it.
struct Neighbourhood {
    /// Mean distance to the nearest [`NEIGHBOURS`] of its own class.
    isolation: f64,
    /// How many of its nearest [`NEIGHBOURS`] of any class are of another.
    others: usize,
}

/// Steps 4 and 5's statistics for every candidate.
fn neighbourhoods(descriptors: &[Descriptor], labels: &[u8]) -> Vec<Neighbourhood> {
    (0..descriptors.len())
        .into_par_iter()
        .map(|i| {
            let mut same = Nearest::default();
            let mut any = Nearest::default();
            for j in (0..descriptors.len()).filter(|&j| j != i) {
                let d = squared_distance(&descriptors[i], &descriptors[j]);
                any.offer(d, labels[j]);
                if labels[j] == labels[i] {
                    same.offer(d, labels[j]);
                }
            }
            let same = same.found();
            let isolation = same.iter().map(|&(d, _)| f64::from(d).sqrt()).sum::<f64>()
                / same.len().max(1) as f64;
            let label = labels[i];
            let others = any.found().iter().filter(|f| f.1 != label).count();
            Neighbourhood { isolation, others }
        })
        .collect()
}

/// The [`NEIGHBOURS`] smallest distances offered, with their labels; an
/// equal distance does not displace an earlier one.
#[derive(Default)]
struct Nearest {
    found: [(u32, u8); NEIGHBOURS],
    len: usize,
}

impl Nearest {
    fn offer(&mut self, distance: u32, label: u8) {
        if self.len == NEIGHBOURS && distance >= self.found[NEIGHBOURS - 1].0 {
            return;
        }
        let mut at = self.len.min(NEIGHBOURS - 1);
        if self.len < NEIGHBOURS {
            self.len += 1;
        }
        while at > 0 && self.found[at - 1].0 > distance {
            self.found[at] = self.found[at - 1];
            at -= 1;
        }
        self.found[at] = (distance, label);
    }

    fn found(&self) -> &[(u32, u8)] {
        &self.found[..self.len]
    }
}

/// One class's clustered candidates and the distances between them.
struct Clusters {
    n: usize,
    /// Row-major n × n Euclidean distances.
    distances: Vec<f64>,
}

impl Clusters {
    fn new(points: &[&Descriptor]) -> Self {
        let n = points.len();
        let distances = (0..n)
            .into_par_iter()
            .flat_map_iter(|i| (0..n).map(move |j| distance(points[i], points[j])))
            .collect();
        Clusters { n, distances }
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.distances[i * self.n..(i + 1) * self.n]
    }

    /// Summed distance from every point to its nearest medoid.
    fn cost(&self, medoids: &[usize]) -> f64 {
        (0..self.n)
            .map(|j| {
                medoids
                    .iter()
                    .map(|&m| self.row(m)[j])
                    .fold(f64::INFINITY, f64::min)
            })
            .sum()
    }

    /// Greedily picks from `choices` the point that most lowers the summed
    /// distance to the nearest pick, `count` times; ties go to the earlier
    /// choice.
    fn greedy(&self, choices: &[usize], count: usize) -> Vec<usize> {
        let mut nearest = vec![f64::INFINITY; self.n];
        let mut picked = Vec::with_capacity(count);
        let mut free = choices.to_vec();
        for _ in 0..count.min(choices.len()) {
            let costs: Vec<f64> = free
                .par_iter()
                .map(|&c| {
                    self.row(c)
                        .iter()
                        .zip(&nearest)
                        .map(|(&d, &n)| d.min(n))
                        .sum()
                })
                .collect();
            let best = (0..free.len())
                .min_by(|&a, &b| costs[a].total_cmp(&costs[b]))
                .unwrap_or(0);
            let choice = free.remove(best);
            for (n, &d) in nearest.iter_mut().zip(self.row(choice)) {
                *n = n.min(d);
            }
            picked.push(choice);
        }
        picked
    }

    /// Step 6: `k` medoids and the number of alternating iterations.
    fn k_medoids(&self, k: usize) -> (Vec<usize>, usize) {
        let everyone: Vec<usize> = (0..self.n).collect();
        let mut medoids = self.greedy(&everyone, k);
        // Each iteration lowers the cost or stops; the cap only guards
        // against a cycle of equal costs, which the tie rule prevents.
        for iteration in 1..=100 {
            let mut changed = false;
            let assignment = self.assign(&medoids);
            for (cluster, medoid) in medoids.iter_mut().enumerate() {
                let members: Vec<usize> =
                    (0..self.n).filter(|&j| assignment[j] == cluster).collect();
                let row = |c: usize| self.row(c);
                let spread = |c| members.iter().map(|&j| row(c)[j]).sum::<f64>();
                let mut best = (spread(*medoid), *medoid);
                for &c in &members {
                    let s = spread(c);
                    if s < best.0 {
                        best = (s, c);
                    }
                }
                if best.1 != *medoid {
                    *medoid = best.1;
                    changed = true;
                }
            }
            if !changed {
                return (medoids, iteration);
            }
        }
        (medoids, 100)
    }

    /// Step 7: `medoids` in greedy order.
    fn greedy_order(&self, medoids: &[usize]) -> Vec<usize> {
        let mut sorted = medoids.to_vec();
        sorted.sort_unstable();
        self.greedy(&sorted, sorted.len())
    }

    /// Which medoid (position in `medoids`) each point is nearest to; ties
    /// go to the earlier medoid.
    fn assign(&self, medoids: &[usize]) -> Vec<usize> {
        (0..self.n)
            .map(|j| {
                let mut best = (f64::INFINITY, 0);
                for (position, &m) in medoids.iter().enumerate() {
                    if self.row(m)[j] < best.0 {
                        best = (self.row(m)[j], position);
                    }
                }
                best.1
            })
            .collect()
    }

    /// Cluster sizes for `medoids`, in their order.
    fn sizes(&self, medoids: &[usize]) -> Vec<usize> {
        let mut sizes = vec![0; medoids.len()];
        for cluster in self.assign(medoids) {
            sizes[cluster] += 1;
        }
        sizes
    }
}

/// A grey-scale picture: `width` × `height` bytes, row by row, 0 = black.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Magnification of each digit on the contact sheet.
pub const SHEET_SCALE: usize = 2;
/// Width of the lines between digits, in sheet pixels.
pub const SHEET_GAP: usize = 1;
const SHEET_GAP_GREY: u8 = 200;

/// A contact sheet of `digits`: one row per class (0 at the top), the first
/// `columns` digits of each class in stored order, dark ink on white.
pub fn contact_sheet(digits: &Digits, columns: usize) -> Sheet {
    let cell = SIDE * SHEET_SCALE + SHEET_GAP;
    let width = columns * cell + SHEET_GAP;
    let height = CLASSES * cell + SHEET_GAP;
    let mut pixels = vec![SHEET_GAP_GREY; width * height];
    for digit in 0..CLASSES as u8 {
        for (column, image) in digits.of_class(digit).take(columns).enumerate() {
            let left = SHEET_GAP + column * cell;
            let top = SHEET_GAP + usize::from(digit) * cell;
            for y in 0..SIDE * SHEET_SCALE {
                for x in 0..SIDE * SHEET_SCALE {
                    let ink = image[(y / SHEET_SCALE) * SIDE + x / SHEET_SCALE];
                    pixels[(top + y) * width + left + x] = 255 - ink;
                }
            }
        }
    }
    Sheet {
        width,
        height,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::PIXELS;

    #[test]
    fn nearest_keeps_the_smallest_in_order() {
        let mut nearest = Nearest::default();
        for (i, d) in [50, 3, 9, 3, 70, 1, 8, 8, 2, 60, 40, 5, 0]
            .iter()
            .enumerate()
        {
            nearest.offer(*d, i as u8);
        }
        let distances: Vec<u32> = nearest.found().iter().map(|f| f.0).collect();
        assert_eq!(distances, [0, 1, 2, 3, 3, 5, 8, 8, 9, 40]);
        // The first 3 offered stays ahead of the second.
        assert_eq!(nearest.found()[3].1, 1);
    }

    #[test]
    fn below_is_in_range_and_fixed_by_the_seed() {
        let mut a = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut b = Xoshiro256PlusPlus::seed_from_u64(1);
        for n in 1..500 {
            let x = below(&mut a, n);
            assert!(x < n);
            assert_eq!(x, below(&mut b, n));
        }
    }

    #[test]
    fn descriptor_blurs_and_pools() {
        let mut image = [0; PIXELS];
        image[14 * SIDE + 14] = 255;
        let d = descriptor(&image);
        let centre = 7 * DESCRIPTOR_SIDE + 7;
        // 255 × weight 4, / 64, rounded.
        assert_eq!(d[centre], 16);
        assert_eq!(d[centre + 1], 8);
        assert_eq!(d[centre + DESCRIPTOR_SIDE + 1], 4);
        assert_eq!(descriptor(&[255; PIXELS])[centre], 255);
    }

    #[test]
    fn k_medoids_finds_separated_groups_in_greedy_order() {
        // Three tight groups of sizes 5, 3 and 1, far apart.
        let mut points = Vec::new();
        for (group, size) in [(0u8, 5), (1, 3), (2, 1)] {
            for i in 0..size {
                let mut p = [0; DESCRIPTOR_LEN];
                p[usize::from(group)] = 200;
                p[10] = i as u8;
                points.push(p);
            }
        }
        let refs: Vec<&Descriptor> = points.iter().collect();
        let clusters = Clusters::new(&refs);
        let (medoids, _) = clusters.k_medoids(3);
        let order = clusters.greedy_order(&medoids);
        // The medoid of the 5 (point 2, the middle), then of the 3 (6),
        // then the singleton.
        assert_eq!(order, [2, 6, 8]);
        assert_eq!(clusters.sizes(&order), [5, 3, 1]);
    }

    #[test]
    fn contact_sheet_draws_dark_ink_on_white() {
        let mut image = [0; PIXELS];
        image[0] = 255;
        let digits = Digits::new(vec![image], vec![1], vec![]).unwrap();
        let sheet = contact_sheet(&digits, 2);
        let cell = SIDE * SHEET_SCALE + SHEET_GAP;
        assert_eq!((sheet.width, sheet.height), (2 * cell + 1, 10 * cell + 1));
        let top_left = (SHEET_GAP + cell) * sheet.width + SHEET_GAP;
        assert_eq!(sheet.pixels[top_left], 0);
        assert_eq!(sheet.pixels[top_left + 2], 255);
        assert_eq!(sheet.pixels[0], SHEET_GAP_GREY);
    }
}
