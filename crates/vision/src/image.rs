//! Small grayscale image helpers (no image crate: the pipeline only needs these).

/// A grayscale image, row-major, one byte per pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Gray {
    pub fn new(width: usize, height: usize, data: Vec<u8>) -> Gray {
        assert_eq!(
            data.len(),
            width * height,
            "pixel count does not match size"
        );
        Gray {
            width,
            height,
            data,
        }
    }

    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.data[y * self.width + x]
    }

    /// Bilinear resize (pixel centres aligned, as OpenCV's INTER_LINEAR for upscaling).
    /// For downscaling by more than 2x, an area average first avoids aliasing.
    pub fn resize(&self, w: usize, h: usize) -> Gray {
        if self.width >= 2 * w && self.height >= 2 * h {
            let fx = self.width / w;
            let fy = self.height / h;
            let half = self.box_shrink(fx, fy);
            return half.resize(w, h);
        }
        let sx = self.width as f32 / w as f32;
        let sy = self.height as f32 / h as f32;
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            let fy = ((y as f32 + 0.5) * sy - 0.5).clamp(0.0, (self.height - 1) as f32);
            let y0 = fy.floor() as usize;
            let y1 = (y0 + 1).min(self.height - 1);
            let wy = fy - y0 as f32;
            for x in 0..w {
                let fx = ((x as f32 + 0.5) * sx - 0.5).clamp(0.0, (self.width - 1) as f32);
                let x0 = fx.floor() as usize;
                let x1 = (x0 + 1).min(self.width - 1);
                let wx = fx - x0 as f32;
                let top = self.get(x0, y0) as f32 * (1.0 - wx) + self.get(x1, y0) as f32 * wx;
                let bot = self.get(x0, y1) as f32 * (1.0 - wx) + self.get(x1, y1) as f32 * wx;
                out.push((top * (1.0 - wy) + bot * wy).round().clamp(0.0, 255.0) as u8);
            }
        }
        Gray::new(w, h, out)
    }

    fn box_shrink(&self, fx: usize, fy: usize) -> Gray {
        let w = self.width / fx;
        let h = self.height / fy;
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let mut sum = 0u32;
                for dy in 0..fy {
                    for dx in 0..fx {
                        sum += self.get(x * fx + dx, y * fy + dy) as u32;
                    }
                }
                out.push(((sum + (fx * fy) as u32 / 2) / (fx * fy) as u32) as u8);
            }
        }
        Gray::new(w, h, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_identity_and_constant() {
        let g = Gray::new(3, 2, vec![0, 50, 100, 150, 200, 250]);
        assert_eq!(g.resize(3, 2), g);
        let c = Gray::new(10, 10, vec![77; 100]);
        assert!(c.resize(4, 7).data.iter().all(|&p| p == 77));
        assert!(c.resize(23, 31).data.iter().all(|&p| p == 77));
    }

    #[test]
    fn resize_preserves_a_gradient() {
        let g = Gray::new(96, 1, (0..96).map(|x| (x * 2) as u8).collect());
        let r = g.resize(48, 1);
        // Each output pixel averages two neighbours: 2x+... monotone and in range.
        assert!(r.data.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(r.data[0], 1);
    }
}
