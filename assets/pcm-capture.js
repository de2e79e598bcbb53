// AudioWorklet: the microphone as 16 kHz mono PCM for the speech analysis. Averages each
// run of input samples down to 16 kHz (a box low-pass: enough for energy, pitch and
// syllable rate) and posts 100 ms blocks to the page, each with the audio-context time of
// its first sample, so the page can place every sample on the recording's time line.
class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.acc = 0; this.sum = 0; this.n = 0;
    this.out = new Float32Array(1600); this.len = 0; this.t0 = 0;
  }
  process(inputs) {
    const chans = inputs[0];
    if (!chans || chans.length === 0) return true;
    const a = chans[0], b = chans.length > 1 ? chans[1] : null;
    for (let i = 0; i < a.length; i++) {
      // The first input sample of a block's first output sample.
      if (this.len === 0 && this.n === 0) this.t0 = currentTime + i / sampleRate;
      this.sum += b ? (a[i] + b[i]) * 0.5 : a[i];
      this.n++;
      this.acc += 1;
      if (this.acc >= this.ratio) {
        this.acc -= this.ratio;
        this.out[this.len++] = this.sum / this.n;
        this.sum = 0; this.n = 0;
        if (this.len === this.out.length) {
          this.port.postMessage({ samples: this.out, t: this.t0 }, [this.out.buffer]);
          this.out = new Float32Array(1600); this.len = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('pcm-capture', PcmCapture);
