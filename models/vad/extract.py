"""Extracts Silero VAD v6 from its PyPI wheel (silero-vad==6.2.3, MIT) into models/vad/.

    python3 models/vad/extract.py            # the shipped file
    python3 models/vad/extract.py --both     # also the streaming file, for vad-bench

Only the Python standard library and pip are needed: the wheel is downloaded with
`pip download` (no dependencies, no install) and the ONNX files are copied out of it as
they are. The hashes below are the files this project measured; a different wheel stops
the script.
"""

import hashlib
import pathlib
import subprocess
import sys
import tempfile
import zipfile

WHEEL = "silero-vad==6.2.3"
HERE = pathlib.Path(__file__).resolve().parent
FILES = {
    # Shipped: a block of frames per call, the LSTM run inside the graph.
    "silero_vad_16k_sequence.onnx": "9ccdacc4719d8aa7e45a77536bfabec45a03ba1f2fad5e241ab4060b24238a85",
    # The streaming one-frame-a-call file; the same network (vad-bench compares them).
    "silero_vad_openvino_16k.onnx": "7776b81ad1b0350c15d7f1555943b9232eb53e9ca5d989c6d0cea9ebc8664d87",
}


def main() -> None:
    wanted = list(FILES) if "--both" in sys.argv else ["silero_vad_16k_sequence.onnx"]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "-d", tmp, WHEEL],
            check=True,
        )
        wheel = next(pathlib.Path(tmp).glob("silero_vad-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            for name in wanted:
                data = z.read(f"silero_vad/data/{name}")
                digest = hashlib.sha256(data).hexdigest()
                if digest != FILES[name]:
                    sys.exit(f"{name}: sha256 {digest}, expected {FILES[name]}")
                (HERE / name).write_bytes(data)
                print(f"{name}: {len(data)} bytes, sha256 {digest}")
            licence = z.read("silero_vad-6.2.3.dist-info/licenses/LICENSE")
            (HERE / "LICENSE.silero").write_bytes(licence)


if __name__ == "__main__":
    main()
