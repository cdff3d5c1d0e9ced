//! Converts a decoded yuv420p frame (1080p unless `--size` says) to RGBA, RGB24 and BGRA
//! with the crate's SIMD path and with swscale, and prints the speed of each and the crate's
//! error.
//!
//! ```text
//! cargo run --release --example convert_bench -- [--lib-dir DIR] [--json] [--stores auto|cached|streaming]
//!     [--simd widest|avx2|sse4.1] [--chroma nearest|bicubic] [--size WIDTHxHEIGHT]
//! ```
//!
//! One thread; swscale with its default flags (bicubic) and its context reused. Each figure
//! is the median of seven batches, the methods alternating; `best ratio` (`crate_best_mpix_s`,
//! `swscale_best_mpix_s`) divides each method's fastest batch, which a machine whose memory
//! slows now and then (a shared host's) disturbs less. The frame is
//! a synthetic picture encoded as one MPEG-4 intra frame and decoded, converted as BT.601
//! limited range (swscale's default). `max_abs_err` compares the SIMD output with the crate's
//! exact scalar reference. (The reference itself is checked against swscale at full precision
//! by `tests/rgb.rs`.) The crate writes as `--stores` says, `auto` by default, which streams
//! at this size (`convert::Stores`); it is also timed through the cache (`crate cached`,
//! `crate_cached_mpix_s`), as swscale writes, which is faster here because the same buffer
//! is written over and over and stays in the cache. `--simd` caps the crate's instruction set
//! (`convert::SimdLimit`: `avx2` runs what a CPU without AVX-512 runs; swscale keeps its own
//! choice, which on x86 is the same SSSE3/AVX2 code either way). `--chroma bicubic`
//! interpolates chroma (`convert::ChromaUpsampling::Bicubic`) and compares with swscale's
//! accurate full-chroma path (`ScaleQuality::BitExactFullChroma`), which it matches.
//! `--size` sets the picture's size (1920x1080 by default): a small one, such as 640x96,
//! whose output stays in the L2 cache, times the arithmetic apart from memory, which on a
//! shared host slows now and then.

mod common;
#[path = "common/stdout.rs"]
mod stdout;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions, Encoder, VideoSettings};
use ffmpeg_runtime::convert::{Backend, ChromaUpsampling, RgbFormat, RgbPool, SimdLimit, Stores};
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{Colorimetry, Matrix, Range};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet, ScaleQuality, Scaler};
use serde_json::{Map, Value, json};

const BT601_LIMITED: Colorimetry = Colorimetry {
    matrix: Matrix::Bt601,
    range: Range::Limited,
};

#[derive(Parser)]
#[command(about = "YUV to RGB: the crate's SIMD path against swscale")]
struct Args {
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Conversions timed per method and format.
    #[arg(long, default_value_t = 300)]
    rounds: u32,
    /// How the crate writes its output.
    #[arg(long, value_enum, default_value_t = StoresArg::Auto)]
    stores: StoresArg,
    /// The widest instructions the crate may use.
    #[arg(long, value_enum, default_value_t = SimdArg::Widest)]
    simd: SimdArg,
    /// How chroma reaches each pixel (and the swscale path compared with).
    #[arg(long, value_enum, default_value_t = ChromaArg::Nearest)]
    chroma: ChromaArg,
    /// The picture's size, WIDTHxHEIGHT (even numbers).
    #[arg(long, value_parser = parse_size, default_value = "1920x1080")]
    size: Size,
}

/// A picture's width and height.
#[derive(Clone, Copy)]
struct Size {
    width: u32,
    height: u32,
}

impl Size {
    fn pixels(self) -> f64 {
        f64::from(self.width) * f64::from(self.height)
    }
}

fn parse_size(text: &str) -> Result<Size, String> {
    let even = |part: &str| match part.parse::<u32>() {
        Ok(n) if n > 0 && n % 2 == 0 => Ok(n),
        _ => Err(format!("{part:?} is not an even number above 0")),
    };
    let (width, height) = text
        .split_once('x')
        .ok_or_else(|| format!("{text:?} is not WIDTHxHEIGHT"))?;
    Ok(Size {
        width: even(width)?,
        height: even(height)?,
    })
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SimdArg {
    Widest,
    Avx2,
    #[value(name = "sse4.1")]
    Sse41,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ChromaArg {
    Nearest,
    Bicubic,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum StoresArg {
    Auto,
    Cached,
    Streaming,
}

impl From<StoresArg> for Stores {
    fn from(arg: StoresArg) -> Stores {
        match arg {
            StoresArg::Auto => Stores::Auto,
            StoresArg::Cached => Stores::Cached,
            StoresArg::Streaming => Stores::Streaming,
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("convert_bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let size = args.size;
    let frame = decoded_frame(&ffmpeg, size).map_err(|e| format!("making the test frame: {e}"))?;
    let limit = match args.simd {
        SimdArg::Widest => SimdLimit::Widest,
        SimdArg::Avx2 => SimdLimit::Avx2,
        SimdArg::Sse41 => SimdLimit::Sse41,
    };
    let (upsampling, quality) = match args.chroma {
        ChromaArg::Nearest => (ChromaUpsampling::Nearest, ScaleQuality::Bicubic),
        ChromaArg::Bicubic => (ChromaUpsampling::Bicubic, ScaleQuality::BitExactFullChroma),
    };
    let base = RgbPool::new()
        .with_simd_limit(limit)
        .with_chroma_upsampling(upsampling);
    let pool = base.clone().with_stores(args.stores.into());
    let cached_pool = base.with_stores(Stores::Cached);
    let mut results = Map::new();
    for (name, format, sws_name) in [
        ("rgba", RgbFormat::Rgba, "rgba"),
        ("rgb24", RgbFormat::Rgb24, "rgb24"),
        ("bgra", RgbFormat::Bgra, "bgra"),
    ] {
        let convert = |backend| pool.convert_with(&frame, format, BT601_LIMITED, backend);
        let convert_cached = || {
            cached_pool
                .convert_with(&frame, format, BT601_LIMITED, Backend::Simd)
                .expect("converts")
        };
        let mut fast = Scaler::new(&ffmpeg, quality);
        let mut target =
            Frame::video(&ffmpeg, size.width, size.height, sws_name).map_err(|e| e.to_string())?;
        // Batches alternate between the two so that a busy moment of the machine falls on
        // both; each figure is the median of its batches.
        let (mut crate_rates, mut cached_rates, mut sws_rates) =
            (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..BATCHES {
            let batch = args.rounds.div_ceil(BATCHES);
            crate_rates.push(rate(size, batch, || {
                drop(convert(Backend::Simd).expect("converts"))
            }));
            cached_rates.push(rate(size, batch, || drop(convert_cached())));
            sws_rates.push(rate(size, batch, || {
                fast.scale(&frame, &mut target).expect("scales")
            }));
        }
        let best = |rates: &[f64]| rates.iter().copied().fold(0.0, f64::max);
        let (crate_best, sws_best) = (best(&crate_rates), best(&sws_rates));
        let (crate_rate, sws_rate) = (median(crate_rates), median(sws_rates));
        let cached_rate = median(cached_rates);
        let simd = convert(Backend::Simd).map_err(|e| e.to_string())?;
        let exact = convert(Backend::Scalar).map_err(|e| e.to_string())?;
        results.insert(
            name.into(),
            json!({
                "crate_mpix_s": crate_rate,
                "crate_cached_mpix_s": cached_rate,
                "swscale_mpix_s": sws_rate,
                "crate_best_mpix_s": crate_best,
                "swscale_best_mpix_s": sws_best,
                "max_abs_err": max_difference(simd.data(), exact.data()),
            }),
        );
    }
    let report = Value::Object(results);
    if args.json {
        stdout::line(format_args!("{report}"));
    } else {
        stdout::line(format_args!(
            "{}x{} yuv420p → RGB, one thread, {} rounds; SIMD: {} at most {limit:?}; stores: \
             {:?}; chroma: {upsampling:?}, swscale {quality:?}",
            size.width,
            size.height,
            args.rounds,
            ffmpeg_runtime::convert::simd_level(),
            Stores::from(args.stores)
        ));
        stdout::line(format_args!(
            "format  crate Mpix/s  swscale Mpix/s  ratio  max_abs_err  crate cached  ratio  best ratio"
        ));
        for (name, entry) in report.as_object().expect("an object") {
            let number = |key: &str| entry[key].as_f64().unwrap_or(0.0);
            stdout::line(format_args!(
                "{name:<6} {:>13.0} {:>15.0} {:>6.2} {:>12} {:>13.0} {:>6.2} {:>11.2}",
                number("crate_mpix_s"),
                number("swscale_mpix_s"),
                number("crate_mpix_s") / number("swscale_mpix_s"),
                entry["max_abs_err"],
                number("crate_cached_mpix_s"),
                number("crate_cached_mpix_s") / number("swscale_mpix_s"),
                number("crate_best_mpix_s") / number("swscale_best_mpix_s"),
            ));
        }
    }
    Ok(())
}

/// Batches of conversions per method and format.
const BATCHES: u32 = 7;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Megapixels a second over `rounds` calls, after a few to warm up.
fn rate(size: Size, rounds: u32, mut call: impl FnMut()) -> f64 {
    for _ in 0..5 {
        call();
    }
    let start = Instant::now();
    for _ in 0..rounds {
        call();
    }
    size.pixels() * f64::from(rounds) / start.elapsed().as_secs_f64() / 1e6
}

fn max_difference(a: &[u8], b: &[u8]) -> u8 {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

/// A picture with gradients, edges and fine detail, encoded as one intra frame and decoded
/// again.
fn decoded_frame(ffmpeg: &Ffmpeg, size: Size) -> Result<Frame, ffmpeg_runtime::Error> {
    let path = std::env::temp_dir().join(format!("convert-bench-{}.mkv", std::process::id()));
    let result = encode_one(ffmpeg, &path, size).and_then(|()| decode_first(ffmpeg, &path));
    let _ = std::fs::remove_file(&path);
    result
}

fn encode_one(ffmpeg: &Ffmpeg, path: &Path, size: Size) -> Result<(), ffmpeg_runtime::Error> {
    let mut output = Output::create(ffmpeg, path)?;
    let settings = VideoSettings {
        options: vec![
            ("flags".into(), "+qscale".into()),
            ("global_quality".into(), "118".into()),
        ],
        global_header: output.needs_global_header(),
        ..VideoSettings::new(
            size.width,
            size.height,
            ffmpeg.pixel_format("yuv420p")?,
            Rational::new(1, 25),
        )
    };
    let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings)?;
    let stream = output.add_stream(&encoder)?;
    output.write_header()?;
    let mut picture = Frame::video(ffmpeg, size.width, size.height, "yuv420p")?;
    for (index, mut plane) in picture.planes_mut()?.enumerate() {
        for (y, row) in plane.rows_mut().enumerate() {
            for (x, byte) in row.iter_mut().enumerate() {
                let ripple = ((x * 7 + y * 13) ^ (x * y / 64)) % 40;
                *byte = ((x + y * 2 + index * 60) / 9 % 200 + ripple + 16) as u8;
            }
        }
    }
    picture.set_pts(Some(0));
    let mut packet = Packet::new(ffmpeg)?;
    encoder.send(&picture)?;
    encoder.send_eof()?;
    while encoder.receive(&mut packet)? {
        output.write_packet(&mut packet, stream, encoder.time_base())?;
    }
    output.finish()
}

fn decode_first(ffmpeg: &Ffmpeg, path: &Path) -> Result<Frame, ffmpeg_runtime::Error> {
    let mut input = Input::open(ffmpeg, path)?;
    let stream = input
        .best_stream(MediaType::Video)
        .expect("the stream just written");
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default())?;
    let (mut packet, mut frame) = (Packet::new(ffmpeg)?, Frame::new(ffmpeg)?);
    while input.read_packet(&mut packet)? {
        decoder.send(&packet)?;
        if decoder.receive(&mut frame)? {
            return Ok(frame);
        }
    }
    decoder.send_eof()?;
    decoder.receive(&mut frame)?;
    Ok(frame)
}
