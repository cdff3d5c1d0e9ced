"""The transcode example against the ffmpeg CLI on the same library (Debian's 5.1).

    cargo build --release --example transcode && python3 benches/transcode.py [RUNS]

Makes 720p30 and 1080p30 sources (5 s of testsrc2 with light noise, H.264 High and AAC
stereo 48 kHz), then times, alternately, `ffmpeg -i IN -c:v libx264 -preset medium -crf 23
-c:a aac -b:a 128k OUT.mp4` and `transcode IN OUT.mp4` (whose defaults are those settings),
each RUNS times (default 5), and prints median and best wall times and the ratio.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "transcode")
CLI = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]


def make_source(path, size):
    subprocess.run(CLI + [
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration=5,noise=alls=8:allf=t",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=5:sample_rate=48000",
        "-c:v", "libx264", "-preset", "fast", "-crf", "18", "-c:a", "aac", "-b:a", "192k", "-ac", "2",
        path], check=True)


def timed(command):
    env = {k: v for k, v in os.environ.items() if k not in ("FFMPEG_RUNTIME_DIR", "LD_LIBRARY_PATH")}
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    if not os.path.exists(EXAMPLE) or shutil.which("ffmpeg") is None:
        sys.exit("needs the ffmpeg CLI and `cargo build --release --example transcode`")
    work = tempfile.mkdtemp(prefix="transcode-bench-")
    print(f"{RUNS} runs each, alternating; wall time in seconds")
    print("| clip | ffmpeg CLI median (best) | transcode median (best) | ratio of medians |")
    print("|---|---|---|---|")
    for name, size in (("720p", "1280x720"), ("1080p", "1920x1080")):
        source = os.path.join(work, f"{name}.mp4")
        make_source(source, size)
        out_cli, out_crate = os.path.join(work, "cli.mp4"), os.path.join(work, "crate.mp4")
        cli, crate = [], []
        for _ in range(RUNS):
            cli.append(timed(CLI + ["-i", source, "-c:v", "libx264", "-preset", "medium", "-crf", "23",
                                    "-c:a", "aac", "-b:a", "128k", out_cli]))
            crate.append(timed([EXAMPLE, source, out_crate]))
        sizes = os.path.getsize(out_cli), os.path.getsize(out_crate)
        ratio = statistics.median(crate) / statistics.median(cli)
        print(f"| {name} | {statistics.median(cli):.2f} ({min(cli):.2f}) | "
              f"{statistics.median(crate):.2f} ({min(crate):.2f}) | {ratio:.3f} |"
              f"  <!-- output bytes: CLI {sizes[0]}, crate {sizes[1]} -->")
    shutil.rmtree(work)


main()
