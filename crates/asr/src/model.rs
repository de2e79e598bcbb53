//! Whisper tiny.en in tract: the encoder (log-mel -> each decoder layer's cross-attention
//! keys and values) and the decoder with its key/value cache (`models/speech/`, made by
//! `convert.py`). The decoder's token count and cache length are symbolic in the ONNX
//! file; tract resolves them at each call, and each call's new cache is passed back as
//! the next call's input without a copy.

use crate::decode::{self, Decoded, StepOut};
use crate::mel::LogMel;
use crate::tokens::Vocab;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::{bail, format_err};

type Plan = Arc<TypedRunnableModel>;

/// Layers and width of tiny.en's decoder (the cache's shape).
const LAYERS: usize = 4;
const WIDTH: usize = 384;

/// The encoder's output for one window.
pub struct Cross {
    k: TValue,
    v: TValue,
}

pub struct Whisper {
    encoder: Plan,
    decoder: Plan,
    pub vocab: Vocab,
    mel: LogMel,
}

fn load(onnx: &[u8]) -> TractResult<Plan> {
    load_typed(onnx)?.into_runnable()
}

/// A graph as the app runs it: typed, weights decoded, optimised.
pub fn load_typed(onnx: &[u8]) -> TractResult<TypedModel> {
    let mut model = tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(onnx))?
        .into_typed()?
        .into_decluttered()?;
    decode_weights(&mut model)?;
    let mut model = model.into_optimized()?;
    // Optimisation adds packing steps for the matrix products; the embedding's (80 MB,
    // and shared with the token lookup) is again left to run at every step.
    decode_weights(&mut model)?;
    Ok(model)
}

/// Evaluates every step whose inputs are all constant, once, at load. tract folds a
/// constant only while it stays within 4 MB (so that large weights stay compressed) and is
/// not shared, which leaves the 51,864 x 384 int8 token embedding being decoded, scaled
/// and packed again at every decoder step: 150 ms a token natively.
fn decode_weights(model: &mut TypedModel) -> TractResult<()> {
    use tract_onnx::tract_core::ops::konst::Const;
    loop {
        let mut patch = None;
        for node in &model.nodes {
            if node.op_is::<Const>() || node.inputs.is_empty() || node.op.name() == "Source" {
                continue;
            }
            let facts = model.node_input_facts(node.id)?;
            if !facts.iter().all(|f| f.konst.is_some()) {
                continue;
            }
            let inputs = facts
                .iter()
                .map(|f| f.konst.clone().unwrap().into_tvalue())
                .collect();
            // Ops that need the symbols' values (cache length, tokens) cannot be folded.
            let Ok(Some(out)) = node.op.eval_out_of_plan(inputs) else {
                continue;
            };
            let mut p = TypedModelPatch::default();
            for (ix, t) in out.into_iter().enumerate() {
                let outlet = OutletId::new(node.id, ix);
                // Packed weights keep their packing description.
                let exotic = model.outlet_fact(outlet)?.exotic_fact.clone();
                let k = Const::new_with_opt_exotic_fact(t.into_arc_tensor(), exotic)?;
                let wire = p.wire_node(format!("{}.{ix}", node.name), k, &[])?[0];
                p.shunt_outside(model, outlet, wire)?;
            }
            patch = Some(p);
            break;
        }
        match patch {
            Some(p) => {
                p.apply(model)?;
                model.compact()?;
            }
            None => return Ok(()),
        }
    }
}

impl Whisper {
    pub fn from_bytes(encoder: &[u8], decoder: &[u8], vocab_json: &str) -> TractResult<Whisper> {
        Ok(Whisper {
            encoder: load(encoder)?,
            decoder: load(decoder)?,
            vocab: Vocab::from_json(vocab_json).map_err(|e| format_err!("{e}"))?,
            mel: LogMel::new(),
        })
    }

    /// The shipped files from a `models/` folder laid out as the repository's.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_shipped(models_dir: &str) -> TractResult<Whisper> {
        use interviewer_core::models::{WHISPER_DECODER, WHISPER_ENCODER, WHISPER_VOCAB};
        let read = |p: &str| std::fs::read(format!("{models_dir}/{p}"));
        Whisper::from_bytes(
            &read(WHISPER_ENCODER.path)?,
            &read(WHISPER_DECODER.path)?,
            &String::from_utf8_lossy(&read(WHISPER_VOCAB.path)?),
        )
    }

    /// The log-mel front end (shared so that an answer's mel is computed once).
    pub fn mel(&self) -> &LogMel {
        &self.mel
    }

    /// Up to 30 s of 16 kHz audio on its own through the front end and the encoder.
    pub fn encode(&self, audio: &[f32]) -> TractResult<Cross> {
        self.encode_mel(&self.mel.window(audio))
    }

    /// A window of log-mel (`[N_MELS][N_FRAMES]`, see `Mel::segment`) through the encoder.
    pub fn encode_mel(&self, mel: &[f32]) -> TractResult<Cross> {
        let t = Tensor::from_shape(&[1, crate::mel::N_MELS, crate::mel::N_FRAMES], mel)?;
        let mut out = self.encoder.run(tvec!(t.into()))?;
        let v = out
            .pop()
            .ok_or_else(|| format_err!("encoder: no cross_v"))?;
        let k = out
            .pop()
            .ok_or_else(|| format_err!("encoder: no cross_k"))?;
        Ok(Cross { k, v })
    }

    /// Greedy decoding of one encoded window from the given initial tokens.
    pub fn decode(&self, cross: &Cross, initial: &[u32]) -> TractResult<Decoded> {
        let empty = Tensor::zero::<f32>(&[LAYERS, 1, 0, WIDTH])?;
        let mut cache: (TValue, TValue) = (empty.clone().into(), empty.into());
        let step = |feed: &[u32]| -> TractResult<StepOut> {
            let ids: Vec<i64> = feed.iter().map(|t| *t as i64).collect();
            let tokens = Tensor::from_shape(&[1, ids.len()], &ids)?;
            let mut out = self.decoder.run(tvec!(
                tokens.into(),
                cache.0.clone(),
                cache.1.clone(),
                cross.k.clone(),
                cross.v.clone(),
            ))?;
            if out.len() < 4 {
                bail!("decoder: {} outputs, expected 4", out.len());
            }
            let alignment = out
                .pop()
                .unwrap_or_else(|| Tensor::zero::<f32>(&[0]).unwrap().into());
            let v = out
                .pop()
                .ok_or_else(|| format_err!("decoder: no new_self_v"))?;
            let k = out
                .pop()
                .ok_or_else(|| format_err!("decoder: no new_self_k"))?;
            cache = (k, v);
            let logits = out
                .pop()
                .ok_or_else(|| format_err!("decoder: no logits"))?
                .to_plain_array_view::<f32>()?
                .iter()
                .copied()
                .collect();
            let shape = alignment.shape().to_vec();
            let (heads, frames) = match shape[..] {
                [h, _, f] => (h, f),
                _ => (0, 0),
            };
            Ok(StepOut {
                logits,
                alignment: alignment
                    .to_plain_array_view::<f32>()?
                    .iter()
                    .copied()
                    .collect(),
                heads,
                frames,
            })
        };
        decode::greedy(&self.vocab, initial, step)
    }
}
