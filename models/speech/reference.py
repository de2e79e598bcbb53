"""Reference data for the Rust speech tests, from the shipped int8 files' weights.

    python models/speech/reference.py [--wheel WHEEL] [--long-clips N] [--side-dir DIR]

(run by convert.py at its end). Writes models/speech/reference/:
  clips/*.wav   espeak-ng 1.51 test clips, 16 kHz mono 16-bit, and clips.json (their texts)
  mel.json      log-mel frames and stats of one clip; the mel filter bank against a formula
  tokens.json   openai-whisper greedy decoding (int8-dequantised weights) of every clip,
                without and with the disfluent prompt, checked against the ONNX graphs
  wer.json      WER of fp32 / fp16 / int8 on the clips and on longer espeak-ng answers
The longer WER clips are written to --side-dir (not shipped); their texts are in wer.json.
"""
import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import convert  # noqa: E402

PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."

# name, espeak-ng voice, words per minute, text
CLIPS = [
    ("c1_led_team", "en-us", 150,
     "I led a team of five engineers on a payment system migration, and we finished two weeks early."),
    ("c2_fillers", "en-us", 150,
     "So um I I think the the main thing was uh making sure everyone knew the plan."),
    ("c3_fillers", "en-us", 150,
     "Well, uh, we we tried a few things, and um, like, the second approach actually worked."),
    ("c4_gb_female", "en-gb+f3", 150,
     "My biggest weakness is that I sometimes take on too much work instead of delegating."),
    ("c5_slow", "en-us", 120,
     "I prefer to write the tests first, because it keeps the design simple."),
    ("c6_fast", "en-us", 190,
     "In my last role I built the data pipeline that processed customer orders every night, and I cut its runtime in half."),
]

# pool for the longer (30-60 s) WER clips
SENTENCES = [
    "In my previous job I was responsible for the billing service that handled every customer invoice.",
    "The hardest part of the project was getting three different teams to agree on a single data format.",
    "I started by writing a short design document and asking for feedback from the people who would maintain it.",
    "We measured the latency before and after the change, and the slowest requests became much faster.",
    "When a deployment failed on a Friday evening, I rolled it back and wrote up what had gone wrong.",
    "I think the most important thing in a code review is to be kind and specific at the same time.",
    "My manager and I disagreed about the deadline, so I showed her the risks and we moved the release.",
    "I enjoy mentoring junior developers, because explaining something is the best way to understand it.",
    "The customer was unhappy with the delays, so I called them every week with an honest update.",
    "We replaced the old queue with a simpler design, and the number of support tickets went down.",
    "I usually break a large task into small pieces that can each be tested and shipped on their own.",
    "One mistake I made early in my career was staying quiet when I did not understand the requirements.",
    "Since then I always ask questions at the start, even when they feel a little obvious.",
    "Our team used short planning meetings on Monday and a demo of finished work every other Friday.",
    "I learned a new programming language in about a month by rebuilding a small tool I already knew well.",
    "The database was running out of space, so I archived old records and added monitoring for growth.",
    "I would describe my working style as calm, organised, and open to changing my mind.",
    "If two priorities conflict, I talk to the people affected and make the trade off visible to everyone.",
    "The product manager wanted a new feature quickly, but the security review found a serious problem.",
    "We fixed the problem together, and the feature shipped one week later with much better logging.",
    "What I am looking for now is a team that cares about quality and gives people room to grow.",
    "I am proud of the onboarding guide I wrote, because new engineers still use it every month.",
    "When I am under pressure, I make a list, pick the most important item, and finish it first.",
    "The outage taught me that good alerts matter more than clever code.",
    "I spent a lot of time reading the logs and talking to the users before changing anything.",
    "Honestly, the best part of that role was the people I worked with every day.",
    "So um, I I guess the the reason I applied is that uh, I really like what your company builds.",
    "And uh, we we basically had to, like, rewrite the whole thing from scratch.",
    "Um, so the first thing I did was, uh, look at how the the users were actually working.",
    "I mean, it was it was hard, but um, I think we learned a lot from it.",
]
LONG_VOICES = [("en-us", 150), ("en-gb", 160), ("en-us+f3", 145), ("en-gb-scotland", 150), ("en-029", 155),
               ("en-gb-x-rp+f2", 165), ("en-us+m3", 175), ("en-gb+f4", 135)]

SR = 16000


def synth(text, voice, wpm, path):
    with tempfile.TemporaryDirectory() as d:
        raw = os.path.join(d, "raw.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", raw, text], check=True)
        subprocess.run(["sox", raw, "-r", str(SR), "-c", "1", "-b", "16", path], check=True)


def load_wav(path):
    """As whisper.audio.load_audio: int16 / 32768."""
    with wave.open(path) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SR, 1, 2), path
        return np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768.0


def ensure_clips(ref_dir, force=False):
    os.makedirs(os.path.join(ref_dir, "clips"), exist_ok=True)
    paths = []
    for name, voice, wpm, text in CLIPS:
        p = os.path.join(ref_dir, "clips", name + ".wav")
        if force or not os.path.exists(p):
            synth(text, voice, wpm, p)
        paths.append(p)
    return paths


def window_mel(audio):
    """The decoder input for one window: pad_or_trim the audio to 30 s, then log-mel (3000 frames)."""
    import whisper
    return whisper.log_mel_spectrogram(whisper.pad_or_trim(audio))


def slaney_mel_filters(sr=16000, n_fft=400, n_mels=80, fmin=0.0, fmax=None):
    """librosa.filters.mel(sr, n_fft, n_mels, htk=False, norm='slaney'), in float64, cast to float32."""
    fmax = sr / 2 if fmax is None else fmax
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0

    def hz_to_mel(f):
        f = np.asarray(f, np.float64)
        return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)

    def mel_to_hz(m):
        m = np.asarray(m, np.float64)
        return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)

    fftfreqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fftfreqs[None, :]
    w = np.zeros((n_mels, len(fftfreqs)))
    for i in range(n_mels):
        w[i] = np.maximum(0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return w.astype(np.float32)


def norm_words(s):
    s = s.lower().replace("-", " ")
    s = re.sub(r"[^a-z0-9' ]+", " ", s).replace("'", "")
    return s.split()


def wer(ref, hyp):
    r, h = norm_words(ref), norm_words(hyp)
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)], len(r)


# ------------------------------------------------------------- decoding through the ONNX graphs
class OnnxInference:
    """whisper.decoding.Inference backed by whisper-decoder.onnx (batch 1, greedy)."""

    def __init__(self, dec, initial_len):
        self.dec, self.initial_len = dec, initial_len
        self.cross = None
        self.cleanup_caching()

    def logits(self, tokens, audio_features):
        import torch
        assert tokens.shape[0] == 1
        if self.k.shape[2] > 0:
            tokens = tokens[:, -1:]
        lg, self.k, self.v, _ = self.dec.run(None, {"tokens": tokens.numpy().astype(np.int64), "self_k": self.k,
                                                    "self_v": self.v, **self.cross})
        return torch.from_numpy(lg)

    def rearrange_kv_cache(self, source_indices):
        assert list(source_indices) == [0]

    def cleanup_caching(self):
        self.k = np.zeros((convert.L, 1, 0, convert.D), np.float32)
        self.v = self.k.copy()


def onnx_decoding(enc, dec):
    """Context manager: whisper.decode / transcribe run the encoder and decoder ONNX graphs."""
    import contextlib

    import torch
    import whisper.decoding as wd

    class OnnxDecodingTask(wd.DecodingTask):
        def __init__(self, model, options):
            super().__init__(model, options)
            self.inference = OnnxInference(dec, len(self.initial_tokens))

        def _get_audio_features(self, mel):
            assert mel.shape == (1, 80, 3000)
            self.inference.cross = convert.cross_feed(enc.run(None, {"mel": mel.numpy().astype(np.float32)}))
            return torch.zeros(1, 1500, 384)  # shape/dtype check only; the graphs hold the real features

    @contextlib.contextmanager
    def ctx():
        orig = wd.DecodingTask
        wd.DecodingTask = OnnxDecodingTask
        try:
            yield
        finally:
            wd.DecodingTask = orig
    return ctx()


def transcribe(model, audio, prompt=None):
    """openai-whisper transcribe (greedy, temperature 0, timestamps), capturing each window's DecodingResult."""
    import torch
    import whisper
    captured = []
    orig = whisper.decoding.decode

    def decode(mel, options):
        r = orig(model, mel, options)
        captured.append(dict(r=r, prompt=options.prompt, mel=mel))
        return r
    model.decode = decode
    try:
        with torch.no_grad():
            out = whisper.transcribe(model, audio, temperature=0.0, language="en", fp16=False,
                                     initial_prompt=prompt, condition_on_previous_text=True, verbose=None)
    finally:
        del model.decode
    return out, captured


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", default=f"/work/venvs/wheels/{convert.WHEEL_NAME}")
    ap.add_argument("--side-dir", default="/work/venvs/speech-out")
    ap.add_argument("--long-clips", type=int, default=24)
    a = ap.parse_args(argv)
    import torch
    import whisper
    torch.set_num_threads(2)
    ref_dir = os.path.join(HERE, "reference")
    clips = ensure_clips(ref_dir)
    _, _, v, _, _, _ = convert.load_source(a.wheel)
    sd = convert.ct2_to_whisper(v)
    sdq = convert.dequantised_state_dict(sd)
    m32, m8 = convert.torch_model(sd), convert.torch_model(sdq)
    tok = whisper.tokenizer.get_tokenizer(multilingual=False, num_languages=convert.DIMS["n_vocab"] - 51765)
    enc = convert.ort_session(os.path.join(HERE, "whisper-encoder.onnx"))
    dec = convert.ort_session(os.path.join(HERE, "whisper-decoder.onnx"))

    # ---- clips.json
    meta = []
    for (name, voice, wpm, text), p in zip(CLIPS, clips):
        audio = load_wav(p)
        meta.append(dict(file=f"clips/{name}.wav", voice=voice, wpm=wpm, text=text, samples=int(len(audio)),
                         seconds=round(len(audio) / SR, 3), bytes=os.path.getsize(p)))
    with open(os.path.join(ref_dir, "clips.json"), "w") as f:
        json.dump(dict(generator="espeak-ng 1.51 (-v VOICE -s WPM -w) then sox -r 16000 -c 1 -b 16",
                       sample_rate=SR, clips=meta), f, indent=1)

    # ---- mel.json
    audio = load_wav(clips[0])
    mel = window_mel(audio).numpy()
    mel_tr = whisper.log_mel_spectrogram(audio, 80, padding=whisper.audio.N_SAMPLES)[:, :3000].numpy()
    filters = np.load(os.path.join(os.path.dirname(whisper.__file__), "assets", "mel_filters.npz"))["mel_80"]
    formula = slaney_mel_filters()
    frames = [0, 10, 100, 299, 500, 2999]
    nz = [dict(row=i, first=int(np.nonzero(filters[i])[0][0]), values=[float(x) for x in filters[i][filters[i] != 0]])
          for i in range(80)]
    mel_ref = {
        "clip": meta[0]["file"],
        "recipe": "whisper.log_mel_spectrogram(whisper.pad_or_trim(audio)): audio padded with zeros to 480000 samples; "
                  "STFT n_fft 400, hop 160, periodic Hann window, center=True (reflect pad 200), drop the last frame "
                  "-> 3000 frames; power |X|^2; mel = filters @ power; log10(max(mel, 1e-10)); "
                  "max(x, global_max - 8); (x + 4) / 4",
        "shape": list(mel.shape),
        "frames": {str(i): [float(x) for x in mel[:, i]] for i in frames},
        "stats": dict(min=float(mel.min()), max=float(mel.max()), mean=float(mel.mean(dtype=np.float64))),
        "transcribe_style_max_abs_diff": float(np.abs(mel - mel_tr).max()),
        "transcribe_style_note": "whisper.transcribe pads the audio with 30 s of zeros before the STFT and slices 3000 frames; "
                                 "for a clip under 30 s that gives these values within the stated difference",
        "mel_filters": {
            "source": "whisper/assets/mel_filters.npz['mel_80'], float32 [80, 201]",
            "formula": "librosa.filters.mel(sr=16000, n_fft=400, n_mels=80, fmin=0, fmax=8000, htk=False, norm='slaney') "
                       "(slaney_mel_filters in reference.py), computed in f64 and cast to f32",
            "max_abs_diff_formula_vs_npz": float(np.abs(formula - filters).max()),
            "max_abs_value": float(np.abs(filters).max()),
            "nonzero_rows": nz,
        },
    }
    with open(os.path.join(ref_dir, "mel.json"), "w") as f:
        json.dump(mel_ref, f, separators=(",", ":"))
    print("mel stats", mel_ref["stats"], "transcribe-style diff", mel_ref["transcribe_style_max_abs_diff"],
          "filters formula diff", mel_ref["mel_filters"]["max_abs_diff_formula_vs_npz"], flush=True)

    # ---- tokens.json
    def decode_record(model, audio, prompt, use_onnx=False):
        if use_onnx:
            with onnx_decoding(enc, dec):
                out, cap = transcribe(model, audio, prompt)
        else:
            out, cap = transcribe(model, audio, prompt)
        full = whisper.log_mel_spectrogram(audio, 80, padding=whisper.audio.N_SAMPLES)
        n_content = full.shape[-1] - whisper.audio.N_FRAMES
        windows = []
        for c in cap:
            r = c["r"]
            seek = int(np.argmin([float((c["mel"][:, 0] - full[:, s]).abs().max()) for s in range(n_content)]))
            sot_seq = ([tok.sot_prev] + list(c["prompt"]) if c["prompt"] else []) + list(tok.sot_sequence)
            windows.append(dict(seek_frames=seek, sot_sequence=sot_seq, tokens=list(map(int, r.tokens)), text=r.text,
                                avg_logprob=float(r.avg_logprob), no_speech_prob=float(r.no_speech_prob)))
        return dict(text=out["text"], windows=windows,
                    segments=[dict(seek=s["seek"], start=s["start"], end=s["end"], text=s["text"], tokens=s["tokens"])
                              for s in out["segments"]])

    recs, onnx_mismatch = [], []
    for (name, voice, wpm, text), p in zip(CLIPS, clips):
        audio = load_wav(p)
        rec = dict(clip=f"clips/{name}.wav", reference_text=text)
        for key, prompt in (("no_prompt", None), ("disfluent_prompt", PROMPT)):
            r = decode_record(m8, audio, prompt)
            ro = decode_record(m8, audio, prompt, use_onnx=True)
            tk = lambda x: [w["tokens"] for w in x["windows"]]
            if tk(ro) != tk(r):
                onnx_mismatch.append(dict(clip=name, case=key, torch=tk(r), onnx=tk(ro)))
            r32 = decode_record(m32, audio, prompt)
            r["fp32_text"] = r32["text"]
            r["fp32_tokens_equal"] = tk(r32) == tk(r)
            rec[key] = r
            print(name, key, repr(r["text"]), "| fp32:", repr(r32["text"]), "| onnx equal:", tk(ro) == tk(r), "| windows:", [w["seek_frames"] for w in r["windows"]],
                  flush=True)
        recs.append(rec)
    with open(os.path.join(ref_dir, "tokens.json"), "w") as f:
        json.dump(dict(
            model="int8-dequantised weights (identical to whisper-encoder.onnx / whisper-decoder.onnx), openai-whisper " + whisper.__version__,
            options="whisper.transcribe(model, audio, temperature=0.0, language='en', fp16=False, initial_prompt=PROMPT or None); "
                    "greedy, beam_size None, best_of None, with timestamps, suppress_tokens='-1', suppress_blank=True, "
                    "max_initial_timestamp=1.0; one 30 s window per clip",
            prompt=PROMPT, tokens_note="windows: every whisper.decode call transcribe made, in order; seek_frames: the window's "
                                       "start in mel frames (10 ms), mel = frames [seek, seek + 3000) of the log-mel of the audio "
                                       "padded with 30 s of zeros; tokens: DecodingResult.tokens (sampled tokens after the SOT "
                                       "sequence, timestamps included, final eot removed); a window that decodes to nothing "
                                       "has tokens []",
            onnx_check="the same decoding with the ONNX graphs in onnxruntime replacing the PyTorch forward: "
                       + ("identical tokens for every clip and prompt" if not onnx_mismatch else "MISMATCHES: see onnx_mismatches"),
            onnx_mismatches=onnx_mismatch, clips=recs), f, indent=1)

    # ---- wer.json: short clips and longer espeak-ng answers
    long_dir = os.path.join(a.side_dir, "wer_clips")
    os.makedirs(long_dir, exist_ok=True)
    rng = random.Random(20240601)
    long_clips = []
    for i in range(a.long_clips):
        voice, wpm = LONG_VOICES[i % len(LONG_VOICES)]
        target = rng.uniform(30, 55) * wpm / 60  # words for 30-55 s of speech at the nominal rate
        order = rng.sample(SENTENCES, len(SENTENCES))
        k, words = 0, 0
        while words < target:
            words += len(order[k].split())
            k += 1
        p = os.path.join(long_dir, f"long_{i:02d}.wav")
        while True:  # espeak-ng runs faster than the nominal rate: lengthen until >= 30 s
            text = " ".join(order[:k])
            synth(text, voice, wpm, p)
            if len(load_wav(p)) >= 30 * SR:
                break
            k += 1
        assert len(load_wav(p)) <= 60 * SR, p
        long_clips.append((f"long_{i:02d}", voice, wpm, text, p))

    rows = []
    variants = (("fp32", m32, False), ("int8", m8, False), ("int8_onnx", m8, True))
    for name, voice, wpm, text, p in [(n, vo, w, t, p) for (n, vo, w, t), p in zip(CLIPS, clips)] + long_clips:
        audio = load_wav(p)
        row = dict(clip=name, voice=voice, wpm=wpm, seconds=round(len(audio) / SR, 2), reference=text)
        for key, model, use_onnx in variants:
            if use_onnx:
                with onnx_decoding(enc, dec):
                    out, _ = transcribe(model, audio)
            else:
                out, _ = transcribe(model, audio)
            e, n = wer(text, out["text"])
            row[key] = dict(text=out["text"], errors=e, words=n)
        row["int8_vs_fp32_errors"] = wer(row["fp32"]["text"], row["int8"]["text"])[0]
        rows.append(row)
        print(name, voice, wpm, row["seconds"], "s", {k: row[k]["errors"] for k, _, _ in variants}, "/", row["fp32"]["words"],
              "int8 vs fp32:", row["int8_vs_fp32_errors"], flush=True)

    def total(sel, key):
        e = sum(r[key]["errors"] for r in sel)
        n = sum(r[key]["words"] for r in sel)
        return dict(errors=e, words=n, wer=round(e / n, 4))
    short, long_ = rows[:len(CLIPS)], rows[len(CLIPS):]
    summary = {grp: {k: total(sel, k) for k, _, _ in variants} | {
        "int8_vs_fp32": dict(errors=sum(r["int8_vs_fp32_errors"] for r in sel),
                             words=sum(r["fp32"]["words"] for r in sel))}
        for grp, sel in (("short_clips", short), ("long_clips", long_), ("all", rows)) if sel}
    # a greedy decoding loop (repeated text: more errors than reference words) swamps the totals
    loops = {k: [r["clip"] for r in rows if r[k]["errors"] > r[k]["words"]] for k, _, _ in variants}
    clean = [r for r in rows if not any(r["clip"] in v for v in loops.values())]
    summary["loop_clips"] = loops
    summary["all_without_loop_clips"] = {k: total(clean, k) for k, _, _ in variants} | {
        "int8_vs_fp32": dict(errors=sum(r["int8_vs_fp32_errors"] for r in clean), words=sum(r["fp32"]["words"] for r in clean)),
        "clips": len(clean)}
    with open(os.path.join(ref_dir, "wer.json"), "w") as f:
        json.dump(dict(
            wer="word level: lowercase, '-' -> space, other punctuation and apostrophes removed; errors = Levenshtein "
                "distance over words against the espeak-ng input text; words = reference word count",
            fp16_note="fp16 weights are the source weights (the CTranslate2 file is fp16): the fp16 graph and the fp32 "
                      "graph hold identical values, so fp16 = fp32 here",
            decoding="whisper.transcribe, temperature 0, greedy, timestamps, no prompt; long clips run over several 30 s windows",
            long_clips_dir=long_dir, summary=summary, rows=rows), f, indent=1)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
