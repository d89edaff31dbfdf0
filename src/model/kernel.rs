//! The two inner loops that take nearly all of the time, written so that
//! the compiler turns them into SIMD code.
//!
//! - [`sum_rows`]: a layer's input in one bin, `x_j = Σ_{i fired} W[i][j]`,
//!   summed column block by column block in registers, so that each spike
//!   costs one pass of vector loads and adds over its weight row.
//! - [`integrate`]: equation 1's Euler step for a whole layer, with the
//!   fire-and-reset written as a select, followed by a scan for the neurons
//!   that fired.
//!
//! Every column's sum is taken in the order of the spikes, whatever the
//! vector width, so the results are bit-identical on every platform. On
//! x86-64 the same code is also compiled for AVX2 and chosen at run time;
//! the wasm build uses the 128-bit SIMD enabled in `.cargo/config.toml`.

use super::neuron::LayerConstants;

/// Columns summed in registers at a time: 8 AVX2 or 16 SSE/wasm registers.
const BLOCK: usize = 64;

/// Sums `rows` over columns `start..start + N` in registers and stores them.
#[inline(always)]
fn sum_block<T: Copy + Into<usize>, const N: usize>(
    weights: &[f32],
    rows: &[T],
    start: usize,
    out: &mut [f32],
) {
    let width = out.len();
    let mut acc = [0.0f32; N];
    for &r in rows {
        let row: &[f32; N] = weights[r.into() * width + start..][..N]
            .try_into()
            .expect("a block is N wide");
        for (a, w) in acc.iter_mut().zip(row) {
            *a += w;
        }
    }
    out[start..start + N].copy_from_slice(&acc);
}

#[inline(always)]
fn sum_rows_portable<T: Copy + Into<usize>>(weights: &[f32], rows: &[T], out: &mut [f32]) {
    let width = out.len();
    let mut start = 0;
    while start + BLOCK <= width {
        sum_block::<T, BLOCK>(weights, rows, start, out);
        start += BLOCK;
    }
    while start + 16 <= width {
        sum_block::<T, 16>(weights, rows, start, out);
        start += 16;
    }
    while start < width {
        sum_block::<T, 1>(weights, rows, start, out);
        start += 1;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sum_rows_avx2<T: Copy + Into<usize>>(weights: &[f32], rows: &[T], out: &mut [f32]) {
    sum_rows_portable(weights, rows, out)
}

/// `out[j] = Σ_r weights[r * out.len() + j]` over the row indices `rows`
/// (the neurons that fired), for a row-major matrix `out.len()` wide.
#[inline]
pub fn sum_rows<T: Copy + Into<usize>>(weights: &[f32], rows: &[T], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { sum_rows_avx2(weights, rows, out) };
    }
    sum_rows_portable(weights, rows, out)
}

#[inline(always)]
fn step_portable(c: &LayerConstants, v: &mut [f32], x: &[f32], fired: &mut [u8]) {
    for ((v, &x), f) in v.iter_mut().zip(x).zip(fired.iter_mut()) {
        // Associated exactly as in `LayerConstants::step`.
        let next = *v + (c.leak * (c.e_l - *v) + c.drive * x);
        let spike = next > c.v_th;
        *v = if spike { c.v_reset } else { next };
        *f = spike as u8;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn step_avx2(c: &LayerConstants, v: &mut [f32], x: &[f32], fired: &mut [u8]) {
    step_portable(c, v, x, fired)
}

/// Advances every neuron of a layer by one bin with inputs `x` (the same
/// arithmetic as [`LayerConstants::step`]) and appends the indices of those
/// that fired to `spikes`. `mask` is scratch space, one byte a neuron.
#[inline]
pub fn integrate(
    c: &LayerConstants,
    v: &mut [f32],
    x: &[f32],
    mask: &mut Vec<u8>,
    spikes: &mut Vec<u16>,
) {
    mask.resize(v.len(), 0);
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        unsafe { step_avx2(c, v, x, mask) };
    } else {
        step_portable(c, v, x, mask);
    }
    #[cfg(not(target_arch = "x86_64"))]
    step_portable(c, v, x, mask);

    // Most neurons are silent: test eight mask bytes at a time, and in a
    // word that has spikes, jump from one set byte to the next.
    let mut words = mask.chunks_exact(8);
    for (k, chunk) in (&mut words).enumerate() {
        let mut word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        while word != 0 {
            spikes.push((k * 8 + word.trailing_zeros() as usize / 8) as u16);
            word &= word - 1;
        }
    }
    let done = mask.len() - words.remainder().len();
    for (j, &f) in words.remainder().iter().enumerate() {
        if f != 0 {
            spikes.push((done + j) as u16);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NeuronParams;

    #[test]
    fn sum_rows_matches_a_plain_sum() {
        for width in [1, 63, 64, 150, 1500] {
            let weights: Vec<f32> = (0..10 * width).map(|k| (k % 97) as f32 * 0.013).collect();
            let rows: Vec<u8> = vec![3, 0, 9, 3];
            let mut out = vec![f32::NAN; width];
            sum_rows(&weights, &rows, &mut out);
            for j in 0..width {
                let expected = rows
                    .iter()
                    .fold(0.0f32, |a, &r| a + weights[r as usize * width + j]);
                assert_eq!(out[j], expected, "width {width}, column {j}");
            }
        }
    }

    #[test]
    fn integrate_matches_the_single_neuron_step() {
        let params = NeuronParams {
            dt: 0.001,
            ..NeuronParams::TABLE_1
        };
        let c = LayerConstants::new(&params, 0.05, -0.01);
        let x: Vec<f32> = (0..150).map(|j| (j % 7) as f32).collect();
        let mut v = vec![-0.03f32; 150];
        let mut reference = v.clone();
        let (mut mask, mut spikes) = (Vec::new(), Vec::new());
        for _ in 0..30 {
            spikes.clear();
            integrate(&c, &mut v, &x, &mut mask, &mut spikes);
            let expected: Vec<u16> = (0..150)
                .filter(|&j| c.step(&mut reference[j], x[j]))
                .map(|j| j as u16)
                .collect();
            assert_eq!(spikes, expected);
            assert_eq!(v, reference);
        }
    }
}
