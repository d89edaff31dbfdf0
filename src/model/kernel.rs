//! The inner loops that take nearly all of the time, written so that the
//! compiler turns them into SIMD code.
//!
//! - [`run_layer`]: a whole layer through all bins, `x_j = Σ_{i fired}
//!   W[i][j]` and equation 1's step, a block of neurons at a time with the
//!   block's sums and potentials in registers (the second and third
//!   layers at inference).
//! - [`integrate_lanes`]: equation 1 for [`LANES`] first-layer neurons
//!   side by side, from their input counts.
//! - [`sum_rows`] and [`integrate`]: the same two steps for one bin of a
//!   whole layer (training, which updates the weights between windows).
//!
//! Every column's sum is taken in the order of the spikes, whatever the
//! vector width, and every step is associated as in
//! [`LayerConstants::step`] with no fused multiply-add, so the results
//! are bit-identical on every platform. On x86-64 the same code is also
//! compiled for AVX2 and chosen at run time, and [`run_layer`] has AVX-512F
//! and AVX2 paths written with intrinsics, in blocks of 128 and 64
//! neurons. The wasm build uses the 128-bit SIMD enabled in
//! `.cargo/config.toml`, and runs [`run_layer`] in blocks of 32 neurons.
//!
//! Measured with `snn bench --digits 1000`, alternated binaries, on this
//! project's 2-core AVX-512 machines (shared, so every figure is a range):
//!
//! - Weight matrices start on a cache-line boundary ([`AlignedWeights`]):
//!   from a `Vec<f32>` 48 bytes into a line, every vector load of the
//!   second layer straddled two lines, and one digit took 2.32–2.39 ms
//!   against 1.94–2.05 ms aligned.
//! - The first layer integrates 32 neurons at once, not 8: a neuron's step
//!   depends on its previous one, and four independent vectors keep four
//!   such chains going. 0.45 ms per digit became 0.33–0.37 ms.
//! - AVX-512 compares straight into bit masks, where the portable code
//!   goes through a byte per neuron: 1.88–2.01 ms became 1.71–1.85 ms.
//!   With AVX2's `movemask` the same (AVX-512 switched off for the test):
//!   2.11–2.23 ms became 1.99–2.03 ms.
//! - In the browser, blocks of 32 instead of 64 took the median time per
//!   drawing from 9.1–9.5 ms to 7.6–7.9 ms (`make bench-page`): a browser
//!   compiles wasm to 16 vector registers, and 64 neurons' sums and
//!   potentials need 32. Blocks of 16 took twice as long.
//!
//! Tried without gain, and dropped: blocks of 16, 32 or 256 neurons
//! natively (the fixed cost of each bin's step grows, or registers run
//! out); prefetching the next block's weights; summing two bins in one
//! pass over their spikes; skipping weight rows that are zero across a
//! block (only 4 % of spikes come from such rows); running the ten third
//! layers bin by bin side by side, or straight from the second layer's
//! fired bits instead of spike lists. The second layer is now about
//! 1.0 ms of the 1.7–1.9 ms per digit: 25 million adds. What would cut
//! the adds is an update from one bin's sums to the next (adding the rows
//! of neurons that start firing, subtracting those that stop) or narrower
//! weights, but both change the rounding, so every figure would have to
//! be measured again.

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
    if start + 8 <= width {
        sum_block::<T, 8>(weights, rows, start, out);
        start += 8;
    }
    if start + 4 <= width {
        sum_block::<T, 4>(weights, rows, start, out);
        start += 4;
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
fn step_portable(c: &LayerConstants, v: &mut [f32], x: &[f32], fired: &mut [u64]) {
    for ((v, x), bits) in v.chunks_mut(64).zip(x.chunks(64)).zip(fired.iter_mut()) {
        let mut word = 0u64;
        for (k, (v, &x)) in v.iter_mut().zip(x).enumerate() {
            // Associated exactly as in `LayerConstants::step`.
            let next = *v + (c.leak * (c.e_l - *v) + c.drive * x);
            let spike = next > c.v_th;
            *v = if spike { c.v_reset } else { next };
            word |= (spike as u64) << k;
        }
        *bits = word;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn step_avx2(c: &LayerConstants, v: &mut [f32], x: &[f32], fired: &mut [u64]) {
    step_portable(c, v, x, fired)
}

/// Advances every neuron of a layer by one bin with inputs `x` (the same
/// arithmetic as [`LayerConstants::step`]) and appends the indices of those
/// that fired to `spikes`, in increasing order. `bits` is scratch space, one
/// bit a neuron.
#[inline]
pub fn integrate(
    c: &LayerConstants,
    v: &mut [f32],
    x: &[f32],
    bits: &mut Vec<u64>,
    spikes: &mut Vec<u16>,
) {
    bits.resize(v.len().div_ceil(64), 0);
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        unsafe { step_avx2(c, v, x, bits) };
    } else {
        step_portable(c, v, x, bits);
    }
    #[cfg(not(target_arch = "x86_64"))]
    step_portable(c, v, x, bits);

    // Most neurons are silent: visit only the set bits.
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            spikes.push((w * 64 + word.trailing_zeros() as usize) as u16);
            word &= word - 1;
        }
    }
}

/// Neurons of a [`run_layer`] block where no wider path applies: the wasm
/// build (and x86-64 without AVX2). 32 neurons' sums and potentials are 16
/// 128-bit registers, as many as the x86-64 code that browsers compile
/// wasm to has.
const NARROW: usize = 32;

/// Neurons that [`run_layer`] keeps in registers at a time.
pub const LAYER_BLOCK: usize = 64;

/// Packs up to 64 bytes (a multiple of 8), each 0 or 1, into the bits of
/// a word (byte `k` to bit `k`), eight bytes per multiplication.
#[inline(always)]
fn pack_bits(bytes: &[u8]) -> u64 {
    const GATHER_LOW_BITS: u64 = 0x0102_0408_1020_4080;
    debug_assert!(bytes.len() <= 64 && bytes.len().is_multiple_of(8));
    let mut bits = 0u64;
    for (k, eight) in bytes.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        bits |= (word.wrapping_mul(GATHER_LOW_BITS) >> 56) << (8 * k);
    }
    bits
}

/// Runs neurons `start..start + N` of a layer through all bins (see
/// [`run_layer`]); the block's potentials and sums stay in registers. `N`
/// is a multiple of 64, or a multiple of 8 that divides 64 (then the block
/// fills part of one word of `fired`, which must start zeroed).
#[inline(always)]
fn run_block<'a, T, F, const N: usize>(
    c: &LayerConstants,
    weights: &[f32],
    width: usize,
    bins: usize,
    bin: &F,
    fired: &mut [u64],
    start: usize,
) where
    T: Copy + Into<usize> + 'a,
    F: Fn(usize) -> &'a [T],
{
    debug_assert!(
        N.is_multiple_of(LAYER_BLOCK) || (LAYER_BLOCK.is_multiple_of(N) && N.is_multiple_of(8))
    );
    debug_assert_eq!(start % N.min(LAYER_BLOCK), 0);
    let words = width / LAYER_BLOCK;
    let first_word = start / LAYER_BLOCK;
    let mut v = [c.v0; N];
    for t in 0..bins {
        let mut acc = [0.0f32; N];
        for &i in bin(t) {
            let row: &[f32; N] = weights[i.into() * width + start..][..N]
                .try_into()
                .expect("a block is N wide");
            for (a, w) in acc.iter_mut().zip(row) {
                *a += w;
            }
        }
        let mut spikes = [0u8; N];
        for ((v, &x), s) in v.iter_mut().zip(&acc).zip(&mut spikes) {
            // Associated exactly as in `LayerConstants::step`.
            let next = *v + (c.leak * (c.e_l - *v) + c.drive * x);
            let spike = next > c.v_th;
            *v = if spike { c.v_reset } else { next };
            *s = spike as u8;
        }
        let out = &mut fired[t * words..][..words];
        if N.is_multiple_of(LAYER_BLOCK) {
            let out = &mut out[first_word..][..N / LAYER_BLOCK];
            for (word, bytes) in out.iter_mut().zip(spikes.chunks_exact(LAYER_BLOCK)) {
                *word = pack_bits(bytes);
            }
        } else {
            // A block narrower than a word sets its part of one.
            let bits = pack_bits(&spikes);
            out[start / LAYER_BLOCK] |= bits << (start % LAYER_BLOCK);
        }
    }
}

/// [`run_layer`] in blocks of `WIDE` neurons (see [`run_block`]) while
/// they fit, then of 64. A block's sums form one dependency chain per register,
/// one add per spike; a wider block gives the CPU more independent chains
/// to overlap, as many as it has registers for.
#[inline(always)]
fn run_layer_portable<'a, T, F, const WIDE: usize>(
    c: &LayerConstants,
    weights: &[f32],
    width: usize,
    bins: usize,
    bin: F,
    fired: &mut [u64],
) where
    T: Copy + Into<usize> + 'a,
    F: Fn(usize) -> &'a [T],
{
    let mut start = 0;
    while start + WIDE <= width {
        run_block::<T, F, WIDE>(c, weights, width, bins, &bin, fired, start);
        start += WIDE;
    }
    while start < width {
        run_block::<T, F, LAYER_BLOCK>(c, weights, width, bins, &bin, fired, start);
        start += LAYER_BLOCK;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_layer_avx2<'a, T, F>(
    c: &LayerConstants,
    weights: &[f32],
    width: usize,
    bins: usize,
    bin: F,
    fired: &mut [u64],
) where
    T: Copy + Into<usize> + 'a,
    F: Fn(usize) -> &'a [T],
{
    for start in (0..width).step_by(LAYER_BLOCK) {
        run_block_avx2(c, weights, width, bins, &bin, fired, start);
    }
}

/// [`run_block`] for [`LAYER_BLOCK`] neurons, written with AVX2
/// intrinsics as [`run_block_avx512`] is: the same bits, with each
/// comparison's mask taken by `movemask`. One digit took 1.99–2.03 ms
/// against 2.11–2.23 ms with the portable block compiled for AVX2 (the
/// AVX-512 path switched off, alternated runs).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_block_avx2<'a, T, F>(
    c: &LayerConstants,
    weights: &[f32],
    width: usize,
    bins: usize,
    bin: &F,
    fired: &mut [u64],
    start: usize,
) where
    T: Copy + Into<usize> + 'a,
    F: Fn(usize) -> &'a [T],
{
    use std::arch::x86_64::*;
    const Y: usize = LAYER_BLOCK / 8;
    debug_assert!(start.is_multiple_of(LAYER_BLOCK));
    let words = width / LAYER_BLOCK;
    let first_word = start / LAYER_BLOCK;
    let [leak, e_l, drive, v_th, v_reset] =
        [c.leak, c.e_l, c.drive, c.v_th, c.v_reset].map(|x| _mm256_set1_ps(x));
    let mut v = [_mm256_set1_ps(c.v0); Y];
    for t in 0..bins {
        let mut acc = [_mm256_setzero_ps(); Y];
        for &i in bin(t) {
            let row = &weights[i.into() * width + start..][..8 * Y];
            for (k, acc) in acc.iter_mut().enumerate() {
                // SAFETY: `row` holds 8 * Y floats, so 8 from 8 * k.
                let w = unsafe { _mm256_loadu_ps(row.as_ptr().add(8 * k)) };
                *acc = _mm256_add_ps(*acc, w);
            }
        }
        let mut bits = 0u64;
        for (k, (v, &x)) in v.iter_mut().zip(&acc).enumerate() {
            // Associated exactly as in `LayerConstants::step`.
            let next = _mm256_add_ps(
                *v,
                _mm256_add_ps(
                    _mm256_mul_ps(leak, _mm256_sub_ps(e_l, *v)),
                    _mm256_mul_ps(drive, x),
                ),
            );
            let spike = _mm256_cmp_ps::<_CMP_GT_OQ>(next, v_th);
            *v = _mm256_blendv_ps(next, v_reset, spike);
            bits |= (_mm256_movemask_ps(spike) as u32 as u64) << (8 * k);
        }
        fired[t * words + first_word] = bits;
    }
}

/// [`run_block`] for `16 * Z` neurons (`Z` is 4 or 8), written with
/// AVX-512F intrinsics: the same operations in the same order, so the
/// same bits, but each comparison's mask goes straight into the fired
/// words, where the portable code goes through a byte per neuron. With
/// 32 vector registers, 128 neurons' sums and potentials fit at once.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn run_block_avx512<'a, T, F, const Z: usize>(
    c: &LayerConstants,
    weights: &[f32],
    width: usize,
    bins: usize,
    bin: &F,
    fired: &mut [u64],
    start: usize,
) where
    T: Copy + Into<usize> + 'a,
    F: Fn(usize) -> &'a [T],
{
    use std::arch::x86_64::*;
    debug_assert!(Z == 4 || Z == 8);
    debug_assert_eq!(start % LAYER_BLOCK, 0);
    let words = width / LAYER_BLOCK;
    let first_word = start / LAYER_BLOCK;
    let [leak, e_l, drive, v_th, v_reset] =
        [c.leak, c.e_l, c.drive, c.v_th, c.v_reset].map(|x| _mm512_set1_ps(x));
    let mut v = [_mm512_set1_ps(c.v0); Z];
    for t in 0..bins {
        let mut acc = [_mm512_setzero_ps(); Z];
        for &i in bin(t) {
            let row = &weights[i.into() * width + start..][..16 * Z];
            for (k, acc) in acc.iter_mut().enumerate() {
                // SAFETY: `row` holds 16 * Z floats, so 16 from 16 * k.
                let w = unsafe { _mm512_loadu_ps(row.as_ptr().add(16 * k)) };
                *acc = _mm512_add_ps(*acc, w);
            }
        }
        let mut bits = [0u64; 2];
        for (k, (v, &x)) in v.iter_mut().zip(&acc).enumerate() {
            // Associated exactly as in `LayerConstants::step`.
            let next = _mm512_add_ps(
                *v,
                _mm512_add_ps(
                    _mm512_mul_ps(leak, _mm512_sub_ps(e_l, *v)),
                    _mm512_mul_ps(drive, x),
                ),
            );
            let spike = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(next, v_th);
            *v = _mm512_mask_blend_ps(spike, next, v_reset);
            bits[k / 4] |= (spike as u64) << (16 * (k % 4));
        }
        fired[t * words + first_word..][..Z / 4].copy_from_slice(&bits[..Z / 4]);
    }
}

/// [`run_layer`] in blocks of 128 neurons while they fit, then of 64.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn run_layer_avx512<'a, T, F>(
    c: &LayerConstants,
    weights: &[f32],
    width: usize,
    bins: usize,
    bin: F,
    fired: &mut [u64],
) where
    T: Copy + Into<usize> + 'a,
    F: Fn(usize) -> &'a [T],
{
    let mut start = 0;
    while start + 2 * LAYER_BLOCK <= width {
        run_block_avx512::<T, F, 8>(c, weights, width, bins, &bin, fired, start);
        start += 2 * LAYER_BLOCK;
    }
    while start < width {
        run_block_avx512::<T, F, 4>(c, weights, width, bins, &bin, fired, start);
        start += LAYER_BLOCK;
    }
}

/// Runs a whole layer of `width` neurons (a multiple of [`LAYER_BLOCK`])
/// through `bins` bins, given for each bin the presynaptic neurons that
/// fired (`bin(t)`) and row-major `weights`, one row per presynaptic
/// neuron. Neuron `j` fired in bin `t` when bit `j % 64` of
/// `fired[t * width / 64 + j / 64]` is set.
///
/// The neurons do not interact, so the layer is run a block of 64 neurons
/// at a time through all bins: the block's weights (one column strip) stay
/// in the fastest cache and its potentials in registers, where running all
/// neurons bin by bin would stream the whole matrix from memory every bin.
pub fn run_layer<'a, T, F>(
    c: &LayerConstants,
    weights: &[f32],
    width: usize,
    bins: usize,
    bin: F,
    fired: &mut Vec<u64>,
) where
    T: Copy + Into<usize> + 'a,
    F: Fn(usize) -> &'a [T],
{
    debug_assert_eq!(width % LAYER_BLOCK, 0);
    fired.clear();
    fired.resize(bins * width / LAYER_BLOCK, 0);
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F, checked just above.
        return unsafe { run_layer_avx512(c, weights, width, bins, bin, fired) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { run_layer_avx2(c, weights, width, bins, bin, fired) };
    }
    run_layer_portable::<T, F, NARROW>(c, weights, width, bins, bin, fired)
}

/// One cache line of weights. A `Vec` of these starts on a 64-byte
/// boundary, which a `Vec<f32>` need not.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Line([f32; 16]);

/// A weight matrix for [`run_layer`], starting on a cache-line boundary.
///
/// With [`LAYER_BLOCK`]-aligned widths, every block's row then starts on
/// a line of its own, and no vector load straddles two lines. It matters:
/// the second layer took 1.35–1.45 ms per digit from a `Vec<f32>` that
/// happened to start 48 bytes into a line, and 1.0 ms from an aligned one
/// (the same weights and spikes, alternated in one run).
#[derive(Debug, Clone, Default)]
pub struct AlignedWeights {
    lines: Vec<Line>,
    len: usize,
}

impl AlignedWeights {
    /// `len` zeros.
    pub fn zeros(len: usize) -> Self {
        AlignedWeights {
            lines: vec![Line::default(); len.div_ceil(16)],
            len,
        }
    }
}

impl std::ops::Deref for AlignedWeights {
    type Target = [f32];

    fn deref(&self) -> &[f32] {
        // SAFETY: `Line` is `repr(C)` around `[f32; 16]` and exactly 64
        // bytes (its alignment), so the lines are `16 * lines.len()`
        // contiguous, initialised `f32`s, of which `len` are taken.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast::<f32>(), self.len) }
    }
}

impl std::ops::DerefMut for AlignedWeights {
    fn deref_mut(&mut self) -> &mut [f32] {
        // SAFETY: as in `deref`, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.lines.as_mut_ptr().cast::<f32>(), self.len) }
    }
}

/// Neurons integrated side by side by [`integrate_lanes`]: four vectors
/// of eight, so that four chains of dependent steps run at once (one
/// neuron's step depends on its previous one).
pub const LANES: usize = 32;

/// Transposes an 8×8 matrix of bytes held as eight words (byte `c` of
/// `rows[r]` is element `(r, c)`): afterwards byte `r` of `rows[c]` is
/// element `(r, c)`. Three rounds of swapping blocks (4×4, 2×2, 1×1)
/// between pairs of words, with shifts and masks.
#[inline(always)]
pub fn transpose_bytes(rows: &mut [u64; 8]) {
    for (half, mask) in [
        (4, 0x0000_0000_ffff_ffff_u64),
        (2, 0x0000_ffff_0000_ffff),
        (1, 0x00ff_00ff_00ff_00ff),
    ] {
        let shift = 8 * half as u32;
        for r in (0..8).filter(|r| r & half == 0) {
            let swap = ((rows[r] >> shift) ^ rows[r + half]) & mask;
            rows[r] ^= swap << shift;
            rows[r + half] ^= swap;
        }
    }
}

#[inline(always)]
fn integrate_lanes_portable(
    c: &LayerConstants,
    inputs: &[u8],
    fired: &mut [u8],
    stride: usize,
    offset: usize,
) {
    let mut v = [c.v0; LANES];
    for (x, out) in inputs
        .chunks_exact(LANES)
        .zip(fired.chunks_exact_mut(stride))
    {
        let mut spikes = [0u8; LANES];
        for ((v, &x), s) in v.iter_mut().zip(x).zip(&mut spikes) {
            let x = x as f32;
            // Associated exactly as in `LayerConstants::step`.
            let next = *v + (c.leak * (c.e_l - *v) + c.drive * x);
            let spike = next > c.v_th;
            *v = if spike { c.v_reset } else { next };
            *s = spike as u8;
        }
        let bits = pack_bits(&spikes).to_le_bytes();
        out[offset..offset + LANES / 8].copy_from_slice(&bits[..LANES / 8]);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn integrate_lanes_avx2(
    c: &LayerConstants,
    inputs: &[u8],
    fired: &mut [u8],
    stride: usize,
    offset: usize,
) {
    integrate_lanes_portable(c, inputs, fired, stride, offset)
}

/// Runs [`LANES`] neurons from their initial potential through all bins of
/// `inputs` ([`LANES`] bytes per bin, byte `k` the input of neuron `k`)
/// and sets bit `k % 8` of `fired[t * stride + offset + k / 8]` when
/// neuron `k` fired in bin `t` (the rest of each byte it writes is
/// cleared).
pub fn integrate_lanes(
    c: &LayerConstants,
    inputs: &[u8],
    fired: &mut [u8],
    stride: usize,
    offset: usize,
) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { integrate_lanes_avx2(c, inputs, fired, stride, offset) };
    }
    integrate_lanes_portable(c, inputs, fired, stride, offset)
}

/// Appends the positions of the set bits of `bits` (bit `k` of byte `b`
/// is position `8 * b + k`) to `spikes`, in increasing order, eight bytes
/// at a time: most neurons are silent, and only set bits are visited.
#[inline]
pub fn scan(bits: &[u8], spikes: &mut Vec<u16>) {
    for (w, eight) in bits.chunks(8).enumerate() {
        let mut bytes = [0u8; 8];
        bytes[..eight.len()].copy_from_slice(eight);
        let mut word = u64::from_le_bytes(bytes);
        while word != 0 {
            spikes.push((w * 64 + word.trailing_zeros() as usize) as u16);
            word &= word - 1;
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
    fn aligned_weights_start_on_a_line_and_hold_len_floats() {
        for len in [0, 1, 16, 17, 224 * 1536] {
            let mut w = AlignedWeights::zeros(len);
            assert_eq!(w.len(), len);
            assert_eq!(w.as_ptr() as usize % 64, 0, "length {len}");
            assert!(w.iter().all(|&x| x == 0.0));
            if len > 0 {
                w[len - 1] = 2.5;
                assert_eq!(w.clone()[len - 1], 2.5);
            }
        }
    }

    #[test]
    fn scan_finds_every_set_bit_in_order() {
        for len in [0, 1, 7, 8, 28, 150] {
            let bits: Vec<u8> = (0..len).map(|b| (b * 7919 % 251) as u8).collect();
            let mut spikes = Vec::new();
            scan(&bits, &mut spikes);
            let expected: Vec<u16> = (0..8 * len)
                .filter(|&j| bits[j / 8] >> (j % 8) & 1 == 1)
                .map(|j| j as u16)
                .collect();
            assert_eq!(spikes, expected, "{len} bytes");
        }
    }

    #[test]
    fn transpose_bytes_swaps_rows_and_columns() {
        let element = |r: u64, c: u64| 16 * r + c;
        let mut rows: [u64; 8] =
            std::array::from_fn(|r| (0..8).map(|c| element(r as u64, c) << (8 * c)).sum());
        transpose_bytes(&mut rows);
        for (c, word) in rows.iter().enumerate() {
            for r in 0..8 {
                assert_eq!(word >> (8 * r) & 0xff, element(r, c as u64), "({r}, {c})");
            }
        }
    }

    #[test]
    fn integrate_lanes_matches_the_single_neuron_step() {
        let params = NeuronParams {
            dt: 0.001,
            ..NeuronParams::TABLE_1
        };
        let c = LayerConstants::new(&params, 0.01, -0.01);
        let inputs: Vec<[u8; LANES]> = (0..50)
            .map(|t| std::array::from_fn(|k| ((t * 5 + k * 3) % 29) as u8))
            .collect();
        // Two groups side by side; fill the second.
        let stride = 2 * LANES / 8;
        let mut fired = vec![0u8; stride * inputs.len()];
        integrate_lanes(&c, inputs.as_flattened(), &mut fired, stride, LANES / 8);
        let mut v = [c.v0; LANES];
        let mut spikes = 0;
        for (t, x) in inputs.iter().enumerate() {
            let bits = &fired[t * stride..][..stride];
            assert!(bits[..LANES / 8].iter().all(|&b| b == 0));
            for k in 0..LANES {
                let expected = c.step(&mut v[k], x[k] as f32);
                let got = bits[LANES / 8 + k / 8] >> (k % 8) & 1 == 1;
                assert_eq!(got, expected, "bin {t}, lane {k}");
                spikes += expected as u32;
            }
        }
        assert!(spikes > 0);
        // Without AVX2 (as on CPUs that lack it), the same bits.
        let mut portable = vec![0u8; fired.len()];
        integrate_lanes_portable(&c, inputs.as_flattened(), &mut portable, stride, LANES / 8);
        assert_eq!(portable, fired);
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

    #[test]
    fn run_layer_matches_neuron_by_neuron_steps() {
        let params = NeuronParams {
            dt: 0.001,
            ..NeuronParams::TABLE_1
        };
        let c = LayerConstants::new(&params, 0.02, -0.01);
        let rows = 20;
        // 64, 192 and 320 columns: blocks of 64 only, and 128-wide blocks
        // with a 64-wide remainder (AVX-512), whichever this CPU runs.
        for width in [64, 192, 320] {
            let weights: Vec<f32> = (0..rows * width).map(|k| (k % 89) as f32 * 0.021).collect();
            // Presynaptic spikes of bin t: rows whose index mixes with t.
            let bins: Vec<Vec<u8>> = (0..40)
                .map(|t| {
                    (0..rows as u8)
                        .filter(|&r| (r as usize * 7 + t * 3) % 5 < 2)
                        .collect()
                })
                .collect();
            let bin = |t: usize| &bins[t][..];
            let mut fired = Vec::new();
            run_layer(&c, &weights, width, bins.len(), bin, &mut fired);
            // Every block width gives the same bits, whichever one this CPU
            // ran above.
            let mut other = vec![0; fired.len()];
            run_layer_portable::<_, _, NARROW>(&c, &weights, width, bins.len(), bin, &mut other);
            assert_eq!(other, fired, "{NARROW}-wide blocks, width {width}");
            other.fill(0);
            run_layer_portable::<_, _, LAYER_BLOCK>(
                &c,
                &weights,
                width,
                bins.len(),
                bin,
                &mut other,
            );
            assert_eq!(other, fired, "{LAYER_BLOCK}-wide blocks, width {width}");
            // The AVX2 blocks, which run_layer only takes on CPUs without
            // AVX-512.
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                other.fill(0);
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { run_layer_avx2(&c, &weights, width, bins.len(), bin, &mut other) };
                assert_eq!(other, fired, "AVX2, width {width}");
            }
            let words = width / LAYER_BLOCK;
            let spikes: u32 = fired.iter().map(|w| w.count_ones()).sum();
            assert!(spikes > 0 && (spikes as usize) < width * bins.len() / 2);
            for j in 0..width {
                let mut v = c.v0;
                for (t, spikes) in bins.iter().enumerate() {
                    let x = spikes
                        .iter()
                        .fold(0.0f32, |a, &r| a + weights[r as usize * width + j]);
                    let expected = c.step(&mut v, x);
                    let got = fired[t * words + j / 64] >> (j % 64) & 1 == 1;
                    assert_eq!(got, expected, "width {width}, neuron {j}, bin {t}");
                }
            }
        }
    }
}
