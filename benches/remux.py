"""The remux example against `ffmpeg -c copy` on the same library (Debian's 5.1), and the
same remux reading its input through a pipe rather than from disk.

    cargo build --release --example remux && python3 benches/remux.py [RUNS] [SECONDS]

Makes a 1080p30 H.264 + AAC Matroska source (SECONDS long, default 60, about 10 Mbit/s),
then times, alternately and RUNS times each (default 7): `ffmpeg -i IN -map 0 -c copy
OUT.mp4`, `remux IN OUT.mp4`, and `cat IN | remux - OUT.mp4`. Prints median and best wall
times, the ratios, and checks that both tools wrote the same packets (`-c copy -f framemd5`).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
SECONDS = int(sys.argv[2]) if len(sys.argv) > 2 else 60
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "remux")
CLI = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
ENV = {k: v for k, v in os.environ.items() if k not in ("FFMPEG_RUNTIME_DIR", "LD_LIBRARY_PATH")}


def timed(command, stdin=None):
    start = time.perf_counter()
    subprocess.run(command, check=True, env=ENV, stdin=stdin, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def piped(source, out):
    start = time.perf_counter()
    cat = subprocess.Popen(["cat", source], stdout=subprocess.PIPE)
    subprocess.run([EXAMPLE, "-", out], check=True, env=ENV, stdin=cat.stdout,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cat.stdout.close()
    cat.wait()
    return time.perf_counter() - start


def framemd5(path):
    return subprocess.run(CLI + ["-i", path, "-map", "0", "-c", "copy", "-f", "framemd5", "-"],
                          check=True, capture_output=True, env=ENV).stdout


def row(name, times, reference):
    ratio = statistics.median(times) / statistics.median(reference)
    return f"| {name} | {statistics.median(times):.3f} | {min(times):.3f} | {ratio:.3f} |"


def main():
    if not os.path.exists(EXAMPLE) or shutil.which("ffmpeg") is None:
        sys.exit("needs the ffmpeg CLI and `cargo build --release --example remux`")
    work = tempfile.mkdtemp(prefix="remux-bench-")
    source = os.path.join(work, "source.mkv")
    subprocess.run(CLI + [
        "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={SECONDS},noise=alls=6:allf=t",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "10M", "-c:a", "aac", "-ac", "2",
        source], check=True)
    outs = {k: os.path.join(work, f"{k}.mp4") for k in ("cli", "disk", "pipe")}
    cli, disk, pipe = [], [], []
    for _ in range(RUNS):
        cli.append(timed(CLI + ["-i", source, "-map", "0", "-c", "copy", outs["cli"]]))
        disk.append(timed([EXAMPLE, source, outs["disk"]]))
        pipe.append(piped(source, outs["pipe"]))
    same = framemd5(outs["cli"]) == framemd5(outs["disk"]) == framemd5(outs["pipe"])
    size = os.path.getsize(source) / 1e6
    print(f"source: {size:.0f} MB, {SECONDS} s of 1080p30 H.264 + AAC; {RUNS} runs each, "
          f"alternating; same packets in all three outputs: {same}")
    print("| run | median s | best s | ratio to the CLI |")
    print("|---|---|---|---|")
    print(row("ffmpeg -map 0 -c copy", cli, cli))
    print(row("remux IN OUT (disk)", disk, cli))
    print(row("cat IN \\| remux - OUT (pipe)", pipe, cli))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
