"""What filters cost: the transcode example with `--vf scale=1280:720` against the ffmpeg CLI
with `-vf scale=1280:720`, on the same library (Debian's 5.1); then the filter_bench example
(decode + a `scale` filter graph against decode + the crate's Scaler).

    cargo build --release --example transcode --example filter_bench && python3 benches/filters.py [RUNS]

Makes a 1080p30 source (5 s of testsrc2 with light noise, H.264 High and AAC stereo 48 kHz),
then times, alternately, `ffmpeg -i IN -vf scale=1280:720 -c:v libx264 -preset medium -crf 23
-c:a aac -b:a 128k OUT.mp4` and `transcode IN OUT.mp4 --vf scale=1280:720` (whose defaults
are those settings), each RUNS times (default 5), and prints median and best wall times and
the ratio of medians.
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
EXAMPLES = os.path.join(ROOT, "target", "release", "examples")
CLI = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
GRAPH = "scale=1280:720"


def timed(command):
    env = {k: v for k, v in os.environ.items() if k not in ("FFMPEG_RUNTIME_DIR", "LD_LIBRARY_PATH")}
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    transcode = os.path.join(EXAMPLES, "transcode")
    bench = os.path.join(EXAMPLES, "filter_bench")
    if not (os.path.exists(transcode) and os.path.exists(bench)) or shutil.which("ffmpeg") is None:
        sys.exit("needs the ffmpeg CLI and `cargo build --release --example transcode --example filter_bench`")
    work = tempfile.mkdtemp(prefix="filters-bench-")
    source = os.path.join(work, "1080p.mp4")
    subprocess.run(CLI + [
        "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration=5,noise=alls=8:allf=t",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=5:sample_rate=48000",
        "-c:v", "libx264", "-preset", "fast", "-crf", "18", "-c:a", "aac", "-b:a", "192k", "-ac", "2",
        source], check=True)
    out_cli, out_crate = os.path.join(work, "cli.mp4"), os.path.join(work, "crate.mp4")
    cli, crate = [], []
    for _ in range(RUNS):
        cli.append(timed(CLI + ["-i", source, "-vf", GRAPH, "-c:v", "libx264", "-preset", "medium",
                                "-crf", "23", "-c:a", "aac", "-b:a", "128k", out_cli]))
        crate.append(timed([transcode, source, out_crate, "--vf", GRAPH]))
    ratio = statistics.median(crate) / statistics.median(cli)
    print(f"{RUNS} runs each, alternating; wall time in seconds")
    print("| 1080p to 720p | ffmpeg CLI median (best) | transcode median (best) | ratio of medians |")
    print("|---|---|---|---|")
    print(f"| `-vf {GRAPH}` | {statistics.median(cli):.2f} ({min(cli):.2f}) | "
          f"{statistics.median(crate):.2f} ({min(crate):.2f}) | {ratio:.3f} |"
          f"  <!-- output bytes: CLI {os.path.getsize(out_cli)}, crate {os.path.getsize(out_crate)} -->")
    print()
    subprocess.run([bench, source, "--runs", str(RUNS)], check=True)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
