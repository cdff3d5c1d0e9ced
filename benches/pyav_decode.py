"""PyAV's side of benches/decode.rs: python3 pyav_decode.py FILE THREADS RUNS (pip install av)."""
import sys
import time

import av

path, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
best = float("inf")
for _ in range(runs):
    start = time.perf_counter()
    with av.open(path) as container:
        stream = container.streams.video[0]
        if threads == 1:
            stream.codec_context.thread_count = 1
        else:
            stream.thread_type = "AUTO"
        frames = sum(1 for _ in container.decode(stream))
    best = min(best, time.perf_counter() - start)
print(f"PyAV {av.__version__}, libavcodec {av.library_versions['libavcodec']}: threads={threads}, {frames} frames, {frames / best:.0f} fps")
