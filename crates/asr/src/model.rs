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

/// The encoder's output for one window: each decoder layer's cross-attention keys (per
/// head, transposed) and values, in the decoder's input order (k0, v0, k1, v1, ...).
pub struct Cross {
    kv: TVec<TValue>,
}

pub struct Whisper {
    encoder: Plan,
    decoder: Plan,
    pub vocab: Vocab,
    mel: LogMel,
}

fn load(onnx: &[u8], ours: bool) -> TractResult<Plan> {
    load_typed(onnx, ours)?.into_runnable()
}

/// A graph as the app runs it: typed, our kernels swapped in (`ours`, for the decoder:
/// see `kernels`), the remaining weights decoded, optimised.
pub fn load_typed(onnx: &[u8], ours: bool) -> TractResult<TypedModel> {
    let mut model = tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(onnx))?
        .into_typed()?
        .into_decluttered()?;
    if ours {
        crate::kernels::swap_in(&mut model)?;
    }
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
        Whisper::from_bytes_with(encoder, decoder, vocab_json, true)
    }

    /// As `from_bytes`; `own_kernels: false` leaves the decoder to tract's own ops (the
    /// baseline `asr-bench --plain` compares against).
    pub fn from_bytes_with(
        encoder: &[u8],
        decoder: &[u8],
        vocab_json: &str,
        own_kernels: bool,
    ) -> TractResult<Whisper> {
        Ok(Whisper {
            encoder: load(encoder, false)?,
            decoder: load(decoder, own_kernels)?,
            vocab: Vocab::from_json(vocab_json).map_err(|e| format_err!("{e}"))?,
            mel: LogMel::new(),
        })
    }

    /// The shipped files from a `models/` folder laid out as the repository's.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_shipped(models_dir: &str) -> TractResult<Whisper> {
        Whisper::load_shipped_with(models_dir, true)
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_shipped_with(models_dir: &str, own_kernels: bool) -> TractResult<Whisper> {
        use interviewer_core::models::{WHISPER_DECODER, WHISPER_ENCODER, WHISPER_VOCAB};
        let read = |p: &str| std::fs::read(format!("{models_dir}/{p}"));
        Whisper::from_bytes_with(
            &read(WHISPER_ENCODER.path)?,
            &read(WHISPER_DECODER.path)?,
            &String::from_utf8_lossy(&read(WHISPER_VOCAB.path)?),
            own_kernels,
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
        let kv = self.encoder.run(tvec!(t.into()))?;
        if kv.len() != 2 * LAYERS {
            bail!("encoder: {} outputs, expected {}", kv.len(), 2 * LAYERS);
        }
        Ok(Cross { kv })
    }

    /// Where the time goes (`asr-bench --profile`): ms per operator kind of one encoder
    /// run and of one decoder step with a cache of `cache_len` tokens, `now` a ms clock.
    pub fn profile(
        &self,
        cache_len: usize,
        now: impl Fn() -> f64,
    ) -> TractResult<[Vec<(String, f64, usize)>; 2]> {
        use interviewer_core::messages::{by_op, NodeTime};
        let time = |plan: &Plan, inputs: TVec<TValue>| -> TractResult<Vec<(String, f64, usize)>> {
            let model = plan.model();
            let mut times: Vec<NodeTime> = model
                .nodes
                .iter()
                .map(|n| NodeTime {
                    node: n.name.clone(),
                    op: n.op.name().to_string(),
                    ms: 0.0,
                })
                .collect();
            let mut state = plan.spawn()?;
            state.run_plan_with_eval(inputs, |ctx, op_state, node, inputs| {
                let t0 = now();
                let out = tract_onnx::tract_core::plan::eval(ctx, op_state, node, inputs);
                times[node.id].ms += now() - t0;
                out
            })?;
            Ok(by_op(&times))
        };
        let mel = Tensor::zero::<f32>(&[1, crate::mel::N_MELS, crate::mel::N_FRAMES])?;
        let enc = time(&self.encoder, tvec!(mel.into()))?;
        let cross = self.encode(&vec![0.01; 16_000])?;
        let cache = Tensor::zero::<f32>(&[LAYERS, 1, cache_len, WIDTH])?;
        let tokens = Tensor::from_shape(&[1, 1], &[self.vocab.specials.sot as i64])?;
        let mut inputs = tvec!(tokens.into(), cache.clone().into(), cache.into());
        inputs.extend(cross.kv.iter().cloned());
        let dec = time(&self.decoder, inputs)?;
        Ok([enc, dec])
    }

    /// Greedy decoding of one encoded window from the given initial tokens.
    pub fn decode(&self, cross: &Cross, initial: &[u32]) -> TractResult<Decoded> {
        let empty = Tensor::zero::<f32>(&[LAYERS, 1, 0, WIDTH])?;
        let mut cache: (TValue, TValue) = (empty.clone().into(), empty.into());
        let step = |feed: &[u32]| -> TractResult<StepOut> {
            let ids: Vec<i64> = feed.iter().map(|t| *t as i64).collect();
            let tokens = Tensor::from_shape(&[1, ids.len()], &ids)?;
            let mut inputs = tvec!(tokens.into(), cache.0.clone(), cache.1.clone());
            inputs.extend(cross.kv.iter().cloned());
            let mut out = self.decoder.run(inputs)?;
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
