//! FER2013 records as shipped in `shared/data/fer2013/*.bin`: 1 label byte + 48x48 pixels.

pub const SIDE: usize = 48;
pub const RECORD: usize = 1 + SIDE * SIDE;

pub struct Face<'a> {
    pub label: u8,
    pub pixels: &'a [u8],
}

/// Splits a FER2013 `.bin` file into records; errors if the size is not a whole number
/// of records or a label is out of range.
pub fn records(bytes: &[u8]) -> Result<Vec<Face<'_>>, String> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(RECORD) {
        return Err(format!(
            "{} bytes is not a whole number of {RECORD}-byte FER2013 records",
            bytes.len()
        ));
    }
    bytes
        .chunks_exact(RECORD)
        .enumerate()
        .map(|(i, r)| {
            if r[0] > 6 {
                Err(format!("record {i}: label {} is not 0..=6", r[0]))
            } else {
                Ok(Face {
                    label: r[0],
                    pixels: &r[1..],
                })
            }
        })
        .collect()
}

/// Reads a FER2013 `.bin` file and checks its records (native tools).
#[cfg(not(target_arch = "wasm32"))]
pub fn read(path: &str) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    records(&bytes).map_err(|e| format!("{path}: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_validates() {
        let mut b = vec![3u8; RECORD * 2];
        b[RECORD] = 6;
        let r = records(&b).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].label, r[1].label), (3, 6));
        assert_eq!(r[1].pixels.len(), SIDE * SIDE);
        assert!(records(&b[..RECORD + 1]).is_err());
        b[0] = 9;
        assert!(records(&b).is_err());
    }
}
