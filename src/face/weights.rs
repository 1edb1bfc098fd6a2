//! tfjs weight files: a `*-weights_manifest.json` plus the binary shard(s).
//!
//! The manifest is a list of groups `{paths, weights}`; each weight is
//! `{name, shape, dtype, quantization?}` and the values are stored back to
//! back in manifest order across the group's shards. Pass the shards
//! concatenated in manifest order. Supported storage: plain little-endian
//! `float32`, and `uint8` / `uint16` quantization (`value = q * scale +
//! min`), which is what face-api ships.

use std::collections::HashMap;

use serde::Deserialize;

#[derive(Deserialize)]
struct Group {
    // `paths` (the shard file names) is not needed: the caller passes the
    // shards' bytes concatenated.
    weights: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    shape: Vec<usize>,
    dtype: String,
    quantization: Option<Quantization>,
}

#[derive(Deserialize)]
struct Quantization {
    dtype: String,
    scale: Option<f64>,
    min: Option<f64>,
}

/// One named weight tensor, dequantized to f32.
#[derive(Clone, Debug, PartialEq)]
pub struct Weight {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// All tensors of one model by name. The nets take what they need with
/// [`WeightMap::take`], which checks the shape.
#[derive(Debug, Default)]
pub struct WeightMap {
    model: String,
    map: HashMap<String, Weight>,
}

impl WeightMap {
    /// Parses `manifest` and dequantizes `bin`. `model` names the model in
    /// error messages ("face detector", ...).
    pub fn parse(model: &str, manifest: &str, bin: &[u8]) -> Result<WeightMap, String> {
        let groups: Vec<Group> = serde_json::from_str(manifest)
            .map_err(|e| format!("{model}: the weights manifest is not valid: {e}"))?;
        let mut map = HashMap::new();
        let mut pos = 0usize;
        for g in &groups {
            for e in &g.weights {
                let count = e
                    .shape
                    .iter()
                    .try_fold(1usize, |a, &d| a.checked_mul(d))
                    .filter(|&n| n <= bin.len())
                    .ok_or_else(|| {
                        format!(
                            "{model}: weight '{}' has shape {:?}, larger than the {} byte weights file",
                            e.name,
                            e.shape,
                            bin.len()
                        )
                    })?;
                let (width, scale_min) = match &e.quantization {
                    None => {
                        if e.dtype != "float32" {
                            return Err(format!(
                                "{model}: weight '{}' has dtype '{}'; only float32 is supported",
                                e.name, e.dtype
                            ));
                        }
                        (4usize, None)
                    }
                    Some(q) => {
                        let w = match q.dtype.as_str() {
                            "uint8" => 1,
                            "uint16" => 2,
                            other => {
                                return Err(format!(
                                    "{model}: weight '{}' uses '{other}' quantization; only uint8 and uint16 are supported",
                                    e.name
                                ))
                            }
                        };
                        let (scale, min) = match (q.scale, q.min) {
                            (Some(s), Some(m)) if s.is_finite() && m.is_finite() => (s, m),
                            _ => {
                                return Err(format!(
                                "{model}: weight '{}' lacks a finite quantization scale and min",
                                e.name
                            ))
                            }
                        };
                        (w, Some((scale, min)))
                    }
                };
                let bytes = count * width;
                let end = pos.checked_add(bytes).filter(|&end| end <= bin.len()).ok_or_else(|| {
                    format!(
                        "{model}: the weights file is truncated: '{}' needs bytes {pos}..{} but the file has {} (wrong or partly downloaded file?)",
                        e.name,
                        pos.saturating_add(bytes),
                        bin.len()
                    )
                })?;
                let raw = &bin[pos..end];
                pos = end;
                let data: Vec<f32> = match (width, scale_min) {
                    (4, None) => raw
                        .chunks_exact(4)
                        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .collect(),
                    (1, Some((s, m))) => raw.iter().map(|&q| (q as f64 * s + m) as f32).collect(),
                    (_, Some((s, m))) => raw
                        .chunks_exact(2)
                        .map(|b| (u16::from_le_bytes([b[0], b[1]]) as f64 * s + m) as f32)
                        .collect(),
                    _ => unreachable!("width and quantization are set together"),
                };
                if data.iter().any(|v| !v.is_finite()) {
                    return Err(format!(
                        "{model}: weight '{}' holds non-finite values",
                        e.name
                    ));
                }
                if map
                    .insert(
                        e.name.clone(),
                        Weight {
                            shape: e.shape.clone(),
                            data,
                        },
                    )
                    .is_some()
                {
                    return Err(format!(
                        "{model}: weight '{}' appears twice in the manifest",
                        e.name
                    ));
                }
            }
        }
        if pos != bin.len() {
            return Err(format!(
                "{model}: the weights file has {} bytes but the manifest describes {pos}; the manifest and .bin do not belong together",
                bin.len()
            ));
        }
        Ok(WeightMap {
            model: model.to_string(),
            map,
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Removes and returns `name`, checking it has exactly `shape`.
    pub fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        let w = self.map.remove(name).ok_or_else(|| {
            format!(
                "{}: weight '{name}' is missing from the manifest (is this the right model file?)",
                self.model
            )
        })?;
        if w.shape != shape {
            return Err(format!(
                "{}: weight '{name}' has shape {:?}, expected {shape:?}",
                self.model, w.shape
            ));
        }
        Ok(w.data)
    }

    /// The shape of `name`, if present.
    pub fn shape(&self, name: &str) -> Option<&[usize]> {
        self.map.get(name).map(|w| w.shape.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[{"paths":["m.bin"],"weights":[
        {"name":"a","shape":[2,2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1.0}},
        {"name":"b","shape":[1],"dtype":"float32"},
        {"name":"c","shape":[2],"dtype":"float32","quantization":{"dtype":"uint16","scale":0.25,"min":0}}
    ]}]"#;

    fn bin() -> Vec<u8> {
        let mut b = vec![0u8, 1, 2, 10];
        b.extend_from_slice(&1.5f32.to_le_bytes());
        b.extend_from_slice(&4u16.to_le_bytes());
        b.extend_from_slice(&256u16.to_le_bytes());
        b
    }

    #[test]
    fn dequantizes_and_checks_shapes() {
        let mut m = WeightMap::parse("test", MANIFEST, &bin()).unwrap();
        assert_eq!(m.shape("a"), Some(&[2usize, 2][..]));
        assert_eq!(m.take("a", &[2, 2]).unwrap(), vec![-1.0, -0.5, 0.0, 4.0]);
        assert_eq!(m.take("b", &[1]).unwrap(), vec![1.5]);
        let e = m.take("c", &[3]).unwrap_err();
        assert!(e.contains("shape [2], expected [3]"), "{e}");
        assert!(m.take("a", &[2, 2]).unwrap_err().contains("missing"));
    }

    #[test]
    fn truncated_or_mismatched_files_are_reported() {
        let b = bin();
        let e = WeightMap::parse("test", MANIFEST, &b[..b.len() - 1]).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
        let mut long = b.clone();
        long.push(0);
        let e = WeightMap::parse("test", MANIFEST, &long).unwrap_err();
        assert!(e.contains("do not belong together"), "{e}");
        assert!(WeightMap::parse("test", "{", &b)
            .unwrap_err()
            .contains("not valid"));
        let huge =
            r#"[{"weights":[{"name":"x","shape":[4294967296,4294967296,16],"dtype":"float32"}]}]"#;
        assert!(WeightMap::parse("test", huge, &b)
            .unwrap_err()
            .contains("larger than"));
        let f16 = r#"[{"weights":[{"name":"x","shape":[1],"dtype":"float32","quantization":{"dtype":"float16"}}]}]"#;
        assert!(WeightMap::parse("test", f16, &[0, 0])
            .unwrap_err()
            .contains("float16"));
    }
}
