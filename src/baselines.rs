//! Two classical classifiers to set the spiking network's accuracy against,
//! trained on exactly the same few digits.
//!
//! - [`NearestCentroid`]: the mean image of each class; a digit gets the
//!   class whose mean is closest.
//! - [`NearestNeighbour`]: a digit gets the class of the single closest
//!   training image (1-NN).
//!
//! Both measure Euclidean distance between images scaled to 0–1
//! (pixel / 255). Ties go to the earlier class or training image, so the
//! results never depend on the platform.

use crate::data::{CLASSES, DataError, Digits, Image, PIXELS, squared_distance};

/// Anything that assigns a digit class to an image.
pub trait Classifier {
    fn predict(&self, image: &Image) -> u8;
}

/// The fraction of `test` that `classifier` labels correctly, 0 for an
/// empty set.
pub fn accuracy<C: Classifier + ?Sized>(classifier: &C, test: &Digits) -> f64 {
    if test.is_empty() {
        return 0.0;
    }
    let correct = test
        .images
        .iter()
        .zip(&test.labels)
        .filter(|&(image, &label)| classifier.predict(image) == label)
        .count();
    correct as f64 / test.len() as f64
}

/// Classifies by the nearest class mean.
#[derive(Clone, Debug)]
pub struct NearestCentroid {
    /// The mean image (0–1) of each class present in the training set.
    centroids: Vec<(u8, Box<[f32; PIXELS]>)>,
}

impl NearestCentroid {
    /// Averages the training images of each class. Classes without any
    /// training digit are never predicted.
    pub fn fit(train: &Digits) -> Result<Self, DataError> {
        if train.is_empty() {
            return Err(DataError::NoTrainingDigits);
        }
        let counts = train.class_counts();
        let centroids = (0..CLASSES as u8)
            .filter(|&digit| counts[usize::from(digit)] > 0)
            .map(|digit| {
                let mut sum = [0u32; PIXELS];
                for image in train.of_class(digit) {
                    for (s, &p) in sum.iter_mut().zip(image) {
                        *s += u32::from(p);
                    }
                }
                let scale = 1.0 / (255.0 * counts[usize::from(digit)] as f32);
                let mut mean = Box::new([0.0; PIXELS]);
                for (m, &s) in mean.iter_mut().zip(&sum) {
                    *m = s as f32 * scale;
                }
                (digit, mean)
            })
            .collect();
        Ok(NearestCentroid { centroids })
    }
}

impl Classifier for NearestCentroid {
    fn predict(&self, image: &Image) -> u8 {
        let mut best = (f32::INFINITY, 0);
        for (digit, centroid) in &self.centroids {
            let distance: f32 = image
                .iter()
                .zip(centroid.iter())
                .map(|(&p, &c)| {
                    let d = f32::from(p) * (1.0 / 255.0) - c;
                    d * d
                })
                .sum();
            if distance < best.0 {
                best = (distance, *digit);
            }
        }
        best.1
    }
}

/// Classifies by the single nearest training image.
#[derive(Clone, Debug)]
pub struct NearestNeighbour {
    images: Vec<Image>,
    labels: Vec<u8>,
}

impl NearestNeighbour {
    /// Remembers the training set.
    pub fn fit(train: &Digits) -> Result<Self, DataError> {
        if train.is_empty() {
            return Err(DataError::NoTrainingDigits);
        }
        Ok(NearestNeighbour {
            images: train.images.clone(),
            labels: train.labels.clone(),
        })
    }
}

impl Classifier for NearestNeighbour {
    fn predict(&self, image: &Image) -> u8 {
        // Scaling every pixel by 1/255 scales every distance alike, so the
        // nearest image is found with exact integer distances on the bytes,
        // which is faster and free of rounding.
        let mut best = (u32::MAX, 0);
        for (train, &label) in self.images.iter().zip(&self.labels) {
            let distance = squared_distance(image, train);
            if distance < best.0 {
                best = (distance, label);
            }
        }
        best.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Class `digit` is a block of ink in row band `digit`; `shift` moves
    /// it one pixel to the right.
    fn band(digit: u8, shift: usize) -> Image {
        let mut image = [0; PIXELS];
        let top = usize::from(digit) * 2;
        for row in top..top + 3 {
            for column in 4 + shift..20 + shift {
                image[row * 28 + column] = 200;
            }
        }
        image
    }

    fn set(shift: usize) -> Digits {
        let images = (0..10).map(|d| band(d, shift)).collect();
        Digits::new(images, (0..10).collect(), vec![]).unwrap()
    }

    #[test]
    fn both_recognise_shifted_bands() {
        let train = set(0);
        let test = set(1);
        let centroid = NearestCentroid::fit(&train).unwrap();
        let neighbour = NearestNeighbour::fit(&train).unwrap();
        assert_eq!(accuracy(&centroid, &test), 1.0);
        assert_eq!(accuracy(&neighbour, &test), 1.0);
        assert_eq!(accuracy(&neighbour, &Digits::default()), 0.0);
    }

    #[test]
    fn centroid_is_the_mean_and_missing_classes_are_never_predicted() {
        let mut a = [0; PIXELS];
        let mut b = [0; PIXELS];
        a[0] = 255;
        b[1] = 255;
        let train = Digits::new(vec![a, b, [0; PIXELS]], vec![3, 3, 7], vec![]).unwrap();
        let model = NearestCentroid::fit(&train).unwrap();
        let mut both = [0; PIXELS];
        both[0] = 128;
        both[1] = 128;
        assert_eq!(model.predict(&both), 3);
        assert_eq!(model.predict(&[0; PIXELS]), 7);
        assert!(model.centroids.iter().all(|(d, _)| *d == 3 || *d == 7));
    }

    #[test]
    fn empty_training_sets_are_refused() {
        assert!(NearestCentroid::fit(&Digits::default()).is_err());
        assert!(NearestNeighbour::fit(&Digits::default()).is_err());
    }
}
