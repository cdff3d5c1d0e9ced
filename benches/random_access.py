"""Frame-exact random access: the random_access example against PyAV (seek + decode, the
usual way) and decord (`VideoReader.get_batch`), in one run on this machine.

    cargo build --release --example random_access && pip install av decord==0.6.0
    python3 benches/random_access.py [RUNS]

Makes two 30 s H.264 clips (1080p30 with a keyframe every 250 frames, 720p30 with one every
30), picks 10 and 100 frame numbers at random (fixed seed, in random order), and times each
method fetching them as RGB24 arrays, opening the file included (loading FFmpeg, or importing
the Python module, not), RUNS times (default 3),
alternating. Prints median and best seconds, and whether each method gave the frames asked
(their timestamps against the crate's index, which tests/accurate_seek.rs checks against the
CLI).
"""
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import av
import decord

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "random_access")
CLI = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]


def make(path, size, gop):
    subprocess.run(CLI + ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration=30",
                          "-c:v", "libx264", "-preset", "veryfast", "-g", str(gop), "-keyint_min", str(gop),
                          "-pix_fmt", "yuv420p", path], check=True)


def ours(path, frames):
    env = {k: v for k, v in os.environ.items() if k not in ("FFMPEG_RUNTIME_DIR", "LD_LIBRARY_PATH")}
    out = subprocess.run([EXAMPLE, path, "--frames", ",".join(map(str, frames))], check=True,
                         env=env, capture_output=True, text=True).stdout.splitlines()
    # The example's own figure: from opening the file to the last RGB frame, as the peers'
    # are timed in their process (loading FFmpeg, like importing av or decord, is not).
    wall = float(out[0])
    pts = [int(line.split(",")[1]) for line in out[1:]]
    return wall, pts


def pyav(path, frames, index):
    start = time.perf_counter()
    got = []
    with av.open(path) as container:
        stream = container.streams.video[0]
        for n in frames:
            target = index[n]
            container.seek(target, stream=stream, backward=True, any_frame=False)
            for frame in container.decode(stream):
                if frame.pts >= target:
                    frame.to_ndarray(format="rgb24")
                    got.append(frame.pts)
                    break
    return time.perf_counter() - start, got


def decord_batch(path, frames):
    start = time.perf_counter()
    reader = decord.VideoReader(path)
    reader.get_batch(frames).asnumpy()
    wall = time.perf_counter() - start
    stamps = reader.get_frame_timestamp(frames)[:, 0]
    return wall, list(stamps)


def main():
    if not os.path.exists(EXAMPLE):
        sys.exit("needs `cargo build --release --example random_access`")
    work = tempfile.mkdtemp(prefix="random-access-")
    print(f"{RUNS} runs each, alternating; seconds (opening included), median (best)")
    print("| clip | frames | ffmpeg-runtime | PyAV seek+decode | decord get_batch | same frames |")
    print("|---|---|---|---|---|---|")
    for name, size, gop in (("1080p, keyframe every 250", "1920x1080", 250),
                            ("720p, keyframe every 30", "1280x720", 30)):
        path = os.path.join(work, f"{size}.mp4")
        make(path, size, gop)
        with av.open(path) as container:
            index = sorted(p.pts for p in container.demux(container.streams.video[0]) if p.pts is not None)
        for count in (10, 100):
            frames = random.Random(count).sample(range(len(index)), count)
            times = {"ours": [], "pyav": [], "decord": []}
            for _ in range(RUNS):
                wall, ours_pts = ours(path, frames)
                times["ours"].append(wall)
                wall, pyav_pts = pyav(path, frames, index)
                times["pyav"].append(wall)
                wall, decord_stamps = decord_batch(path, frames)
                times["decord"].append(wall)
            asked = [index[n] for n in frames]
            tb = 1 / 15360  # libx264 in MP4 at 30 fps: 1/15360
            same = (ours_pts == asked, pyav_pts == asked,
                    all(abs(s - a * tb) < 1e-3 for s, a in zip(decord_stamps, asked)))
            cell = lambda k: f"{statistics.median(times[k]):.2f} ({min(times[k]):.2f})"
            print(f"| {name} | {count} | {cell('ours')} | {cell('pyav')} | {cell('decord')} | "
                  f"crate {same[0]}, PyAV {same[1]}, decord {same[2]} |")


if __name__ == "__main__":
    main()
