//! Media the tests make themselves with the ffmpeg CLI (Debian 5.1's, installed by
//! ci/provision.sh), cached in `$FFMPEG_RUNTIME_CACHE/media`, and FFmpeg's own `framemd5` of
//! each as the reference.

use std::path::{Path, PathBuf};
use std::process::Command;

use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType, Output, Stream};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet};
use md5::{Digest, Md5};

/// One generated clip.
pub struct Clip {
    pub name: &'static str,
    /// ffmpeg CLI arguments between the inputs and the output file.
    args: &'static [&'static str],
    /// Absolute index of the video stream to decode, when not the best one.
    pub stream: Option<usize>,
    /// Decoded identically by every conforming decoder (the codec's specification is bit-exact).
    pub bit_exact: bool,
}

const SRC: &str = "testsrc2=size=176x144:rate=25:duration=1";

pub const CLIPS: &[Clip] = &[
    Clip {
        name: "size_change.ts",
        // Made in two segments joined by the concat protocol (see `path`).
        args: &[],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "h264_gop10.mp4",
        args: &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=2",
            "-c:v",
            "libx264",
            "-g",
            "10",
            "-bf",
            "2",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "h264_8bit.mp4",
        args: &[
            "-f", "lavfi", "-i", SRC, "-c:v", "libx264", "-bf", "2", "-pix_fmt", "yuv420p",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "h264_10bit.mkv",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p10le",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "h264_422.mkv",
        args: &[
            "-f", "lavfi", "-i", SRC, "-c:v", "libx264", "-pix_fmt", "yuv422p",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "h264_444.mov",
        args: &[
            "-f", "lavfi", "-i", SRC, "-c:v", "libx264", "-pix_fmt", "yuv444p",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "h264_interlaced.ts",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-c:v",
            "libx264",
            "-flags",
            "+ildct+ilme",
            "-x264opts",
            "interlaced=1",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "h264_raw.h264",
        args: &["-f", "lavfi", "-i", SRC, "-c:v", "libx264"],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "hevc_10bit.mkv",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-c:v",
            "libx265",
            "-pix_fmt",
            "yuv420p10le",
            "-x265-params",
            "log-level=error",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "vp8.webm",
        args: &["-f", "lavfi", "-i", SRC, "-c:v", "libvpx", "-b:v", "200k"],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "vp9_profile2.webm",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-c:v",
            "libvpx-vp9",
            "-pix_fmt",
            "yuv420p10le",
            "-b:v",
            "200k",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "av1.mkv",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-c:v",
            "libsvtav1",
            "-preset",
            "12",
        ],
        stream: None,
        bit_exact: false,
    },
    Clip {
        name: "mpeg2.ts",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-c:v",
            "mpeg2video",
            "-b:v",
            "500k",
        ],
        stream: None,
        bit_exact: false,
    },
    Clip {
        name: "mpeg4.avi",
        args: &["-f", "lavfi", "-i", SRC, "-c:v", "mpeg4", "-q:v", "4"],
        stream: None,
        bit_exact: false,
    },
    Clip {
        name: "mjpeg.avi",
        args: &[
            "-f", "lavfi", "-i", SRC, "-c:v", "mjpeg", "-pix_fmt", "yuvj420p",
        ],
        stream: None,
        bit_exact: false,
    },
    Clip {
        name: "prores.mov",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-c:v",
            "prores_ks",
            "-profile:v",
            "2",
        ],
        stream: None,
        bit_exact: false,
    },
    Clip {
        name: "ffv1_odd_size.mkv",
        args: &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=175x143:rate=25:duration=1",
            "-c:v",
            "ffv1",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "png.mkv",
        args: &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=5:duration=1",
            "-c:v",
            "png",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "gif.gif",
        args: &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=5:duration=1",
            "-c:v",
            "gif",
        ],
        stream: None,
        bit_exact: false,
    },
    Clip {
        name: "vfr.mkv",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-vf",
            "select='not(eq(mod(n\\,4)\\,1))'",
            "-fps_mode",
            "passthrough",
            "-c:v",
            "libx264",
        ],
        stream: None,
        bit_exact: true,
    },
    Clip {
        name: "two_video.mkv",
        args: &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-f",
            "lavfi",
            "-i",
            "mandelbrot=size=96x64:rate=10",
            "-t",
            "1",
            "-map",
            "0:v",
            "-map",
            "1:v",
            "-c:v",
            "libx264",
        ],
        stream: Some(1),
        bit_exact: true,
    },
];

pub fn media_dir() -> PathBuf {
    let cache = std::env::var_os("FFMPEG_RUNTIME_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/ffmpeg-runtime")
        });
    let dir = cache.join("media");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The ffmpeg CLI, which the matrix installs with Debian's FFmpeg 5.1.
pub fn cli() -> Command {
    let mut command = Command::new("ffmpeg");
    command
        .args(["-hide_banner", "-loglevel", "error", "-nostdin"])
        .env_remove("LD_LIBRARY_PATH");
    command
}

/// The first picture of `path` as the CLI converts it to packed `pixel_format` (`rgba`,
/// `rgb24`) with swscale's exact full-chroma path: its raw bytes, row after row.
pub fn cli_first_picture(path: &Path, pixel_format: &str) -> Vec<u8> {
    let mut command = cli();
    command
        .arg("-i")
        .arg(path)
        .args([
            "-frames:v",
            "1",
            "-sws_flags",
            "bitexact+full_chroma_int+accurate_rnd",
        ])
        .args(["-pix_fmt", pixel_format, "-f", "rawvideo", "-"]);
    super::stdout_bytes_of(&mut command, "the CLI's first picture")
}

/// The clip's file, made on first use (atomically, so parallel tests can share it).
pub fn path(clip: &Clip) -> PathBuf {
    let path = media_dir().join(clip.name);
    if !path.exists() && clip.name == "size_change.ts" {
        make_size_change(&path);
    }
    generated(clip.name, clip.args)
}

/// Four channels of Opus in Ogg in first-order ambisonic order (channel mapping family 2),
/// which FFmpeg names `ambisonic 1`.
pub fn ambisonic_opus() -> PathBuf {
    let tone = "sine=duration=0.5,pan=4c|c0=c0|c1=0.5*c0|c2=0.25*c0|c3=0.1*c0";
    let encoder = ["-c:a", "libopus", "-mapping_family", "2"];
    generated(
        "ambisonic_first_order.ogg",
        &[&["-f", "lavfi", "-i", tone][..], &encoder[..]].concat(),
    )
}

/// The size-change clip (`size_change.ts`) copied into `container` (`mkv`, `mp4`), which
/// states a 16:9 picture: pixels of 16:11 at its first size, 176x144. The CLI gives that
/// shape to the pictures of its second size, 96x64, too.
pub fn size_change_stating_a_shape(container: &str) -> PathBuf {
    let clip = CLIPS
        .iter()
        .find(|clip| clip.name == "size_change.ts")
        .expect("the corpus has a size change");
    let source = path(clip);
    let copy = ["-map", "0:v", "-c", "copy", "-aspect", "16:9"];
    let input = ["-i", source.to_str().unwrap()];
    generated(
        &format!("size_change_16x9.{container}"),
        &[&input[..], &copy[..]].concat(),
    )
}

/// Two seconds of H.264 in MP4 at a variable rate: 25 pictures a second, then 12.5 (the
/// second second's 25 pictures spread over two seconds), as a phone's drops its rate.
pub fn variable_rate_mp4() -> PathBuf {
    generated(
        "variable_rate.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=2,setpts='if(lt(N,25),PTS,PTS*2)'",
            "-c:v",
            "libx264",
            "-fps_mode",
            "vfr",
        ],
    )
}

/// Four seconds of H.264 (25 fps, B-frames) and MP2 in MPEG-TS, in the media cache: the
/// video starts at 1.4 s, after the audio (1.389 s), as the muxer's delay puts it.
pub fn late_video_ts() -> PathBuf {
    generated(
        "late_video.ts",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x96:rate=25:duration=4",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=4",
            "-c:v",
            "libx264",
            "-g",
            "25",
            "-bf",
            "3",
            "-c:a",
            "mp2",
        ],
    )
}

/// `name` in the media cache: 1 s of H.264 in MP4 whose track header turns it by
/// `degrees` (90, 180 or 270) clockwise for display, as phones write it. Debian 5.1's CLI
/// has no option for it (its `rotate` tag is not written), so the track header's 3×3 matrix,
/// 44 bytes after the box type, is set afterwards.
pub fn turned_mp4(name: &str, degrees: u32) -> PathBuf {
    let path = media_dir().join(name);
    if !path.exists() {
        let plain = generated(
            &format!("unturned_for_{name}"),
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=160x96:rate=25:duration=1",
                "-c:v",
                "libx264",
            ],
        );
        let (a, b) = match degrees {
            90 => ([0, 0x10000], [-0x10000, 0]),
            180 => ([-0x10000, 0], [0, -0x10000]),
            270 => ([0, -0x10000], [0x10000, 0]),
            other => panic!("a quarter turn: {other}"),
        };
        let matrix: [i32; 9] = [a[0], a[1], 0, b[0], b[1], 0, 0, 0, 0x4000_0000];
        let mut bytes = std::fs::read(plain).unwrap();
        let tkhd = bytes.windows(4).position(|w| w == b"tkhd").unwrap();
        let encoded: Vec<u8> = matrix.iter().flat_map(|v| v.to_be_bytes()).collect();
        bytes[tkhd + 44..tkhd + 80].copy_from_slice(&encoded);
        write_whole(&path, bytes);
    }
    path
}

/// The clockwise turn `path`'s video stream asks for display ([`turned_mp4`]'s, say).
pub fn turn_of(ffmpeg: &Ffmpeg, path: &Path) -> Option<i32> {
    let input = Input::open(ffmpeg, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    input.best_stream(MediaType::Video).unwrap().rotation()
}

/// The file `name` in the media cache, made on first use by the CLI with `args` between the
/// inputs and the output (the muxer named by the extension).
pub fn generated(name: &str, args: &[&str]) -> PathBuf {
    let path = media_dir().join(name);
    if !path.exists() {
        let partial = media_dir().join(format!(
            "{}.{}.partial.{name}",
            std::process::id(),
            rand_suffix(),
        ));
        let format = Path::new(name).extension().unwrap().to_str().unwrap();
        let mut command = cli();
        command.args(args).args(["-f", muxer(format)]);
        let status = command
            .arg("-y")
            .arg(&partial)
            .status()
            .expect("the ffmpeg CLI");
        assert!(status.success(), "ffmpeg could not make {name}");
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

/// A 64x48 test picture in a PNG of `pixel_format` (`gray`, `rgba`), made by the CLI.
pub fn png_picture(pixel_format: &str) -> PathBuf {
    generated(
        &format!("picture_{pixel_format}.png"),
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48",
            "-frames:v",
            "1",
            "-pix_fmt",
            pixel_format,
        ],
    )
}

/// Writes `bytes` at `path` whole or not at all: through a file of this thread's own, so
/// that two tests making the same file at once (threads of one process, or two processes)
/// each rename a complete one into place.
pub fn write_whole(path: &Path, bytes: impl AsRef<[u8]>) {
    let name = path.file_name().unwrap().to_string_lossy();
    let partial = path.with_file_name(format!(
        "{}.{}.partial.{name}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::write(&partial, bytes).unwrap();
    std::fs::rename(&partial, path).unwrap();
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::thread::current().id())
}

fn muxer(extension: &str) -> &'static str {
    match extension {
        "mp4" => "mp4",
        "mkv" => "matroska",
        "mov" => "mov",
        "ts" => "mpegts",
        "avi" => "avi",
        "webm" => "webm",
        "gif" => "gif",
        "h264" => "h264",
        "m4v" => "m4v",
        "nut" => "nut",
        "wav" => "wav",
        "hevc" => "hevc",
        "aac" => "adts",
        "flv" => "flv",
        "mpg" => "mpeg",
        "m2v" => "mpeg2video",
        "m1v" => "mpeg1video",
        "flac" => "flac",
        "mp3" => "mp3",
        "asf" => "asf",
        "roq" => "roq",
        "y4m" => "yuv4mpegpipe",
        "png" | "jpg" | "jls" => "image2",
        "srt" => "srt",
        "ass" => "ass",
        "vtt" => "webvtt",
        "ogg" => "ogg",
        "ac3" => "ac3",
        "gxf" => "gxf",
        "vob" => "dvd",
        other => panic!("no muxer for .{other}"),
    }
}

/// FFmpeg CLI's `framemd5` of the stream: one MD5 per frame, in output order.
pub fn reference_md5s(path: &Path, stream: Option<usize>) -> Vec<String> {
    let map = stream.map_or("0:v:0".to_owned(), |index| format!("0:{index}"));
    let mut command = cli();
    command.arg("-noautorotate").arg("-i").arg(path).args([
        "-map",
        &map,
        "-autoscale",
        "0",
        "-fps_mode",
        "passthrough",
        "-f",
        "framemd5",
        "-",
    ]);
    super::stdout_of(&mut command, &format!("framemd5 of {}", path.display()))
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit(',').next().map(|md5| md5.trim().to_owned()))
        .collect()
}

/// Decodes the stream with the crate, one MD5 per frame of its planes packed.
pub fn decode_md5s(
    ffmpeg: &Ffmpeg,
    path: &Path,
    stream: Option<usize>,
) -> Result<Vec<String>, ffmpeg_runtime::Error> {
    decode_input_md5s(ffmpeg, Input::open(ffmpeg, path)?, stream)
}

/// Decodes every packet of `input`'s best video stream (on one thread), handing each picture
/// to `each` as it comes, the decoder drained at the end.
pub fn each_picture(ffmpeg: &Ffmpeg, mut input: Input, mut each: impl FnMut(&mut Frame)) {
    let stream = input.best_stream(MediaType::Video).unwrap();
    let index = stream.index();
    let options = DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    };
    let mut decoder = Decoder::new(&stream, &options).unwrap();
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    let mut take = |decoder: &mut Decoder, frame: &mut Frame| {
        while decoder.receive(frame).unwrap() {
            each(frame);
        }
    };
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            take(&mut decoder, &mut frame);
        }
    }
    decoder.send_eof().unwrap();
    take(&mut decoder, &mut frame);
}

/// As [`decode_md5s`], from an input already open.
pub fn decode_input_md5s(
    ffmpeg: &Ffmpeg,
    input: Input,
    stream: Option<usize>,
) -> Result<Vec<String>, ffmpeg_runtime::Error> {
    let one_thread = DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    };
    decode_md5s_with(ffmpeg, input, stream, &one_thread)
}

/// As [`decode_input_md5s`], with the decoder set up by `options`.
pub fn decode_md5s_with(
    ffmpeg: &Ffmpeg,
    mut input: Input,
    stream: Option<usize>,
    options: &DecoderOptions,
) -> Result<Vec<String>, ffmpeg_runtime::Error> {
    // A damaged file may have lost the stream: a typed error, as for any other damage.
    let missing = |kind: String| ffmpeg_runtime::Error::StreamNotFound { kind };
    let chosen = match stream {
        Some(index) => input
            .stream(index)
            .ok_or_else(|| missing(index.to_string()))?,
        None => input
            .best_stream(MediaType::Video)
            .ok_or_else(|| missing("video".into()))?,
    };
    let index = chosen.index();
    let mut decoder = Decoder::new(&chosen, options)?;
    let (mut packet, mut frame) = (Packet::new(ffmpeg)?, Frame::new(ffmpeg)?);
    let mut md5s = Vec::new();
    let mut packed = Vec::new();
    let mut take = |decoder: &mut Decoder,
                    frame: &mut Frame,
                    md5s: &mut Vec<String>|
     -> Result<(), ffmpeg_runtime::Error> {
        while decoder.receive(frame)? {
            frame.copy_packed(&mut packed)?;
            md5s.push(format!("{:x}", Md5::digest(&packed)));
        }
        Ok(())
    };
    while input.read_packet(&mut packet)? {
        if packet.stream_index() == index {
            decoder.send(&packet)?;
            take(&mut decoder, &mut frame, &mut md5s)?;
        }
    }
    decoder.send_eof()?;
    take(&mut decoder, &mut frame, &mut md5s)?;
    Ok(md5s)
}

/// H.264 in MPEG-TS whose resolution changes mid-stream: two segments of different sizes,
/// joined without re-encoding.
fn make_size_change(path: &Path) {
    let dir = media_dir().join(format!(
        "size-change-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut parts = Vec::new();
    for (index, size) in ["176x144", "96x64"].iter().enumerate() {
        let part = dir.join(format!("{index}.ts"));
        let source = format!("testsrc2=size={size}:rate=25:duration=1");
        let status = cli()
            .args([
                "-f", "lavfi", "-i", &source, "-c:v", "libx264", "-bf", "0", "-f", "mpegts", "-y",
            ])
            .arg(&part)
            .status()
            .unwrap();
        assert!(status.success());
        parts.push(part.display().to_string());
    }
    let joined = dir.join("joined.ts");
    let status = cli()
        .arg("-i")
        .arg(format!("concat:{}", parts.join("|")))
        .args(["-c", "copy", "-f", "mpegts", "-y"])
        .arg(&joined)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::rename(&joined, path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The first decoded picture of the file's best video stream.
pub fn first_frame(ffmpeg: &Ffmpeg, path: &Path) -> Frame {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let index = stream.index();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            if decoder.receive(&mut frame).unwrap() {
                return frame;
            }
        }
    }
    decoder.send_eof().unwrap();
    assert!(
        decoder.receive(&mut frame).unwrap(),
        "no picture in {}",
        path.display()
    );
    frame
}

/// Runs `command`, a CLI command ending in `-f framemd5 -`, and returns the fields of each
/// frame line (stream, dts, pts, duration, size, hash), trimmed; `what` names it on failure.
pub fn framemd5_fields(mut command: Command, what: &str) -> Vec<Vec<String>> {
    super::stdout_of(&mut command, what)
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split(',').map(|f| f.trim().to_owned()).collect())
        .collect()
}

/// Runs the `framehash` example on the build under test and returns the fields of each frame
/// line (number, pts, shape, format, md5).
pub fn framehash_fields(input: &Path, args: &[&str]) -> Vec<Vec<String>> {
    let build = super::under_test();
    let mut command = super::example_command("framehash", &build);
    command.arg(input).args(args);
    super::stdout_of(&mut command, &format!("framehash {args:?}"))
        .lines()
        .filter(|line| !line.starts_with("frames:"))
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

/// `(pts, md5)` of every frame the CLI writes to `framemd5` for `ffmpeg [seek] -i input
/// args`, `seek` being what comes before the input (`-ss S`, or nothing).
pub fn cli_pts_and_md5(input: &Path, seek: &[&str], args: &[&str]) -> Vec<(String, String)> {
    let mut command = cli();
    command
        .args(seek)
        .arg("-i")
        .arg(input)
        .args(args)
        .args(["-f", "framemd5", "-"]);
    framemd5_fields(command, &format!("{seek:?} {args:?}"))
        .into_iter()
        .map(|fields| (fields[2].clone(), comparable_md5(&fields[5])))
        .collect()
}

/// `(pts, md5)` of every frame `framehash` prints for `args`.
pub fn framehash_pts_and_md5(input: &Path, args: &[&str]) -> Vec<(String, String)> {
    framehash_fields(input, args)
        .into_iter()
        .map(|fields| (fields[1].clone(), comparable_md5(&fields[4])))
        .collect()
}

/// Asserts that framehash's `(pts, md5)` frames are the CLI's; where `compare_samples` is
/// false (a decoder of another release than the CLI's, whose float code rounds otherwise),
/// only their times.
pub fn assert_same_frames(
    ours: &[(String, String)],
    expected: &[(String, String)],
    compare_samples: bool,
    what: &str,
) {
    if compare_samples {
        assert_eq!(ours, expected, "{what}");
    } else {
        let times = |frames: &[(String, String)]| -> Vec<String> {
            frames.iter().map(|(pts, _)| pts.clone()).collect()
        };
        assert_eq!(times(ours), times(expected), "{what}");
    }
}

/// A frame's MD5 where it can equal the CLI's: under the emulator (aarch64) FFmpeg's own
/// code for the architecture (swscale's, the AAC decoder's) gives other bits than the x86_64
/// CLI's, so there the frames and their timestamps are compared, not their bytes.
pub fn comparable_md5(md5: &str) -> String {
    if super::emulated() {
        "(another architecture)".to_owned()
    } else {
        md5.to_owned()
    }
}

/// A SubRip source with what real files have: markup, accents and other scripts, a line
/// break, overlapping cues, a cue at zero and one of a single frame's length.
const SRT: &str = "1\n00:00:00,000 --> 00:00:01,200\nFirst <i>cue</i> at zero\n\n\
2\n00:00:01,500 --> 00:00:02,750\nÉté, naïve café\n日本語の字幕\n\n\
3\n00:00:02,500 --> 00:00:03,100\n<b>Overlapping</b> {braces} and \\ back\n\n\
4\n00:00:03,400 --> 00:00:03,440\nA flash\n\n\
5\n00:00:04,000 --> 00:00:05,900\n<font color=\"#ff0000\">Red</font> - dash\n- dialogue\n";

/// An ASS source: two styles, override tags, a hard break, a comment line.
const ASS: &str = "[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 480\n\n\
[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1\n\
Style: Top,Arial,18,&H0000FFFF,&H000000FF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,2,0,8,10,10,10,1\n\n\
[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,0,,{\\i1}Italic{\\i0} then plain\n\
Comment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,not shown\n\
Dialogue: 0,0:00:01.00,0:00:03.00,Top,,0,0,0,,On top\\Nsecond line\n\
Dialogue: 1,0:00:03.20,0:00:04.80,Default,Speaker,0,0,0,,{\\b1}Bold{\\b0} and {\\pos(10,20)}placed\n";

/// A source file written into the media cache on first use.
pub fn source(name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = media_dir().join(name);
    if !path.exists() {
        write_whole(&path, text.as_ref());
    }
    path
}

/// The SubRip source ([`SRT`]), in the media cache.
pub fn subtitle_source_srt() -> PathBuf {
    source("subs_source.srt", SRT)
}

/// The ASS source ([`ASS`]), in the media cache.
pub fn subtitle_source_ass() -> PathBuf {
    source("subs_source.ass", ASS)
}

/// What the CLI writes for subtitle stream `stream` of `file` as SubRip
/// (`ffmpeg -i FILE -map 0:s:N -f srt -`).
pub fn cli_srt(file: &Path, stream: usize) -> String {
    let mut command = cli();
    command
        .arg("-i")
        .arg(file)
        .args(["-map", &format!("0:s:{stream}"), "-f", "srt", "-"]);
    super::stdout_of(&mut command, "the CLI's SubRip")
}

/// `(timing line, text)` of each cue of a SubRip document, line endings made `\n`.
pub fn srt_cues(document: &str) -> Vec<(String, String)> {
    document
        .replace("\r\n", "\n")
        .split("\n\n")
        .filter(|cue| !cue.trim().is_empty())
        .map(|cue| {
            let mut lines = cue.lines().skip(1);
            let timing = lines.next().unwrap_or_default().to_owned();
            (timing, lines.collect::<Vec<_>>().join("\n"))
        })
        .collect()
}

/// Two audio files of `extension` one after the other in one file (`cat a b`): 1 s of mono
/// at `first` Hz, then 1 s of stereo at `second` Hz, each encoded by `codec`.
pub fn rate_change(extension: &str, codec: &str, first: &str, second: &str) -> PathBuf {
    let part = |rate: &str, channels: &str| {
        let tone = format!("sine=frequency=440:sample_rate={rate}:duration=1");
        let name = format!("rate_{rate}_{channels}ch_{codec}.{extension}");
        let args = ["-f", "lavfi", "-i", &tone, "-ac", channels, "-c:a", codec];
        std::fs::read(generated(&name, &args)).unwrap()
    };
    let joined = [part(first, "1"), part(second, "2")].concat();
    source(&format!("rate_change_{first}_{second}.{extension}"), joined)
}

/// `source`'s streams that `keep` takes copied into `target`, packet for packet as read;
/// `configure` is given the output and the output index of each stream kept, in order,
/// before the header.
pub fn copy_streams(
    ffmpeg: &Ffmpeg,
    source: &Path,
    target: &Path,
    keep: impl Fn(&Stream<'_>) -> bool,
    configure: impl FnOnce(&mut Output, &[usize]),
) {
    let mut input = Input::open(ffmpeg, source).unwrap();
    let mut output = Output::create(ffmpeg, target).unwrap();
    // For each input stream, its output stream and time base where it is kept.
    let mut kept = Vec::new();
    for stream in input.streams() {
        let copy = keep(&stream).then(|| output.add_copy_stream(&stream).unwrap());
        kept.push(copy.map(|index| (index, stream.time_base())));
    }
    let indexes: Vec<usize> = kept.iter().flatten().map(|(index, _)| *index).collect();
    configure(&mut output, &indexes);
    output.write_header().unwrap();
    let mut packet = Packet::new(ffmpeg).unwrap();
    while input.read_packet(&mut packet).unwrap() {
        if let Some(Some((index, time_base))) = kept.get(packet.stream_index()) {
            output
                .write_packet(&mut packet, *index, *time_base)
                .unwrap();
        }
    }
    output.finish().unwrap();
}
