//! The curated few-shot training set, compiled into the crate.
//!
//! Forty digits of each class from the MNIST training pool, chosen by the
//! procedure in `src/data/curate.rs` (typical digits, spread over each
//! class's styles) and ordered so that the first *n* of each class form a
//! good *n*-shot training set for every *n* from 1 to 40. `snn curate`
//! regenerates `curated.digits` (a [digit pack](super::pack)) from the pool;
//! [`CURATED_POOL_INDICES`] records the same choice in readable form, and
//! a test checks that the two agree.
//!
//! The digits are MNIST's (LeCun, Cortes and Burges; CC BY-SA 3.0).

use super::{CLASSES, DataError, Digits, pack};

/// Digits of each class in the curated set.
pub const CURATED_PER_CLASS: usize = 40;

/// Where each curated digit sits in the training pool (0-based): one row
/// per class, in curated order.
#[rustfmt::skip]
pub const CURATED_POOL_INDICES: [[u32; CURATED_PER_CLASS]; CLASSES] = [
    // 0
    [
        3160, 639, 1725, 7874, 2615, 1775, 519, 2854, 4027, 1107,
        6001, 3632, 6292, 5801, 2897, 7664, 3443, 427, 979, 5711,
        6960, 3441, 3514, 1769, 9688, 3049, 6645, 473, 1927, 8108,
        3024, 1723, 1349, 781, 9753, 6738, 4527, 2245, 2436, 9047,
    ],
    // 1
    [
        1658, 871, 3900, 8815, 8550, 2415, 7603, 3045, 8589, 1945,
        9260, 5635, 7089, 4861, 3145, 6380, 5355, 2225, 5023, 23,
        4731, 5530, 5644, 2776, 8083, 6554, 2957, 102, 4467, 9039,
        2717, 8610, 951, 6318, 8963, 5107, 8575, 1445, 3331, 2630,
    ],
    // 2
    [
        9780, 2314, 252, 4599, 7615, 6933, 3078, 4753, 3680, 7139,
        381, 7537, 6168, 4716, 4187, 339, 5232, 9819, 9484, 5297,
        4474, 9894, 8858, 807, 6391, 2201, 347, 3166, 457, 2332,
        5171, 6270, 5890, 5380, 3413, 1987, 9509, 7787, 6124, 5156,
    ],
    // 3
    [
        9059, 3949, 490, 136, 5493, 1668, 7, 3264, 9400, 8967,
        5277, 8957, 7618, 8605, 6299, 2529, 5102, 215, 2886, 6576,
        4570, 6719, 1941, 5458, 6398, 7721, 5578, 6071, 3291, 3404,
        1428, 1883, 7455, 405, 695, 8907, 452, 2871, 9418, 7156,
    ],
    // 4
    [
        8973, 7914, 541, 8768, 1763, 4035, 6351, 3573, 7100, 1460,
        2451, 3625, 1762, 7804, 1911, 3009, 7399, 438, 4409, 9391,
        8239, 7734, 6536, 4125, 163, 945, 5822, 9931, 7327, 937,
        4473, 3716, 4593, 2943, 2800, 6258, 6268, 6037, 5807, 8644,
    ],
    // 5
    [
        9945, 7419, 9947, 3170, 6513, 4057, 6557, 4168, 6434, 1089,
        837, 8119, 5668, 6646, 6237, 2620, 6501, 6195, 6712, 239,
        2363, 6112, 8426, 9171, 3419, 4119, 7998, 2428, 4601, 2965,
        5453, 7103, 9539, 3864, 2414, 2287, 7133, 5061, 4969, 7480,
    ],
    // 6
    [
        1707, 6090, 2849, 1228, 7785, 3774, 6373, 8352, 9943, 3330,
        2828, 1986, 2657, 8398, 4536, 1694, 3327, 8638, 9144, 2345,
        9818, 6572, 8947, 3856, 6828, 8683, 8071, 8057, 7212, 1951,
        5619, 1866, 3749, 5273, 881, 431, 7815, 7571, 8100, 6571,
    ],
    // 7
    [
        1747, 3843, 5178, 1208, 2666, 3620, 505, 5214, 3915, 6932,
        4173, 3189, 6054, 723, 7931, 4363, 2558, 9549, 6485, 3276,
        1891, 6756, 9060, 9908, 4175, 2766, 4759, 7783, 9711, 2540,
        9606, 522, 8559, 2650, 1525, 3255, 9023, 8182, 9198, 1953,
    ],
    // 8
    [
        976, 393, 1296, 8722, 726, 9349, 831, 2139, 6153, 1254,
        3003, 333, 5389, 4375, 6404, 7617, 1783, 4853, 8782, 3499,
        923, 3554, 144, 1013, 6731, 9314, 5597, 7872, 761, 2678,
        3011, 3665, 7604, 3153, 6369, 5183, 9935, 7405, 8359, 3581,
    ],
    // 9
    [
        8155, 319, 8448, 9311, 6294, 9728, 4769, 4222, 4929, 1459,
        8015, 2453, 6765, 9655, 9041, 3566, 6379, 9122, 8231, 2299,
        4060, 7098, 8899, 6535, 4568, 441, 3256, 7893, 471, 6699,
        6734, 2221, 8581, 6019, 583, 7538, 5727, 2973, 5669, 6010,
    ],
];

const PACK: &[u8] = include_bytes!("curated.digits");

/// The whole curated set: [`CURATED_PER_CLASS`] digits of each class, class
/// by class, each class in curated order.
pub fn curated() -> Digits {
    pack::decode_named(PACK, "src/data/curated.digits")
        .expect("the embedded curated set is a valid pack (tested)")
}

/// The first `n` curated digits of each class, for `n` from 1 to
/// [`CURATED_PER_CLASS`].
pub fn curated_shots(n: usize) -> Result<Digits, DataError> {
    if !(1..=CURATED_PER_CLASS).contains(&n) {
        return Err(DataError::ShotsOutOfRange {
            n,
            max: CURATED_PER_CLASS,
        });
    }
    curated().take_per_class(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_pack_matches_the_table() {
        let digits = curated();
        assert_eq!(digits.class_counts(), [CURATED_PER_CLASS; CLASSES]);
        for (digit, row) in CURATED_POOL_INDICES.iter().enumerate() {
            let stored: Vec<u32> = (0..digits.len())
                .filter(|&i| usize::from(digits.labels[i]) == digit)
                .map(|i| digits.pool_indices[i])
                .collect();
            assert_eq!(stored, row, "class {digit}");
        }
    }

    #[test]
    fn shots_are_the_first_of_each_class() {
        let one = curated_shots(1).unwrap();
        assert_eq!(one.class_counts(), [1; CLASSES]);
        let firsts: Vec<u32> = CURATED_POOL_INDICES.iter().map(|row| row[0]).collect();
        assert_eq!(one.pool_indices, firsts);
        assert_eq!(curated_shots(CURATED_PER_CLASS).unwrap(), curated());
        for n in [0, CURATED_PER_CLASS + 1] {
            let err = curated_shots(n).unwrap_err().to_string();
            assert!(err.contains("1 to 40"), "{err}");
        }
    }
}
