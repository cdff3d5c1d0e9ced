//! Decodes one video stream and prints an MD5 per frame, comparable with FFmpeg's `framemd5`.
//!
//! ```text
//! cargo run --release --example framehash -- INPUT [--lib-dir DIR] [--stream INDEX] [--threads N] [--count-only]
//! ```
//!
//! `INPUT` may be `-`: standard input, read as a stream (`cat clip.ts | framehash -`), or a
//! URL, reached only through the protocols `--protocols` names and waiting at most
//! `--timeout` seconds in any one call (`framehash http://host/clip.ts --protocols http,tcp
//! --timeout 5`).
//!
//! One line per decoded frame in output order, `<n>,<pts>,<W>x<H>,<pix_fmt>,<md5>`, the MD5
//! taken over the planes packed with no padding; then `frames: N`. Decode errors inside the
//! stream are counted and reported on stderr, as the ffmpeg CLI does; an input that cannot be
//! opened, or has no video stream, exits non-zero with one line.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType, UrlOptions};
use ffmpeg_runtime::{Error, Frame, Packet};
use md5::{Digest, Md5};

#[derive(Parser)]
#[command(about = "MD5 of every decoded frame of one video stream")]
struct Args {
    /// The media file, or `-` for standard input.
    input: PathBuf,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// The absolute index of the stream to decode (default: the best video stream).
    #[arg(long)]
    stream: Option<usize>,
    /// Decoding threads (0: FFmpeg's choice).
    #[arg(long, default_value_t = 0)]
    threads: u32,
    /// Only count the frames.
    #[arg(long)]
    count_only: bool,
    /// The protocols a URL may use, comma-separated (`http,tcp`); a plain path uses `file`.
    #[arg(long, value_delimiter = ',')]
    protocols: Vec<String>,
    /// The longest any one call may wait on a URL, in seconds.
    #[arg(long)]
    timeout: Option<f64>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("framehash: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let text = args.input.to_string_lossy();
    let input = if text == "-" {
        Input::from_stream(&ffmpeg, std::io::stdin())
    } else if text.contains("://") {
        let protocols: Vec<&str> = args.protocols.iter().map(String::as_str).collect();
        let mut options = UrlOptions::new(&protocols);
        if let Some(seconds) = args.timeout {
            let timeout = Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())?;
            options = options.timeout(timeout);
        }
        Input::open_url(&ffmpeg, &text, &options)
    } else {
        Input::open(&ffmpeg, &args.input)
    };
    let mut input = input.map_err(|e| format!("{}: {e}", args.input.display()))?;
    let stream = match args.stream {
        Some(index) => input
            .stream(index)
            .ok_or_else(|| format!("no stream {index}"))?,
        None => input
            .best_stream(MediaType::Video)
            .ok_or("no video stream")?,
    };
    if stream.media_type() != MediaType::Video {
        return Err(format!(
            "stream {} is {}, not video",
            stream.index(),
            stream.media_type()
        ));
    }
    let index = stream.index();
    let mut decoder = Decoder::new(
        &stream,
        &DecoderOptions {
            threads: args.threads,
            ..DecoderOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let mut hasher = FrameHasher {
        count: 0,
        count_only: args.count_only,
        packed: Vec::new(),
    };
    let mut packet = Packet::new(&ffmpeg).map_err(|e| e.to_string())?;
    let mut frame = Frame::new(&ffmpeg).map_err(|e| e.to_string())?;
    let mut errors = 0usize;
    loop {
        match input.read_packet(&mut packet) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("framehash: reading stopped: {e}");
                break;
            }
        }
        if packet.stream_index() != index {
            continue;
        }
        if let Err(e) = decoder.send(&packet) {
            errors += 1;
            eprintln!("framehash: decoding error: {e}");
        }
        errors += hasher.drain(&mut decoder, &mut frame);
    }
    decoder.send_eof().map_err(|e| e.to_string())?;
    errors += hasher.drain(&mut decoder, &mut frame);
    println!("frames: {}", hasher.count);
    if errors > 0 {
        eprintln!("framehash: {errors} decoding errors");
    }
    Ok(())
}

struct FrameHasher {
    count: usize,
    count_only: bool,
    packed: Vec<u8>,
}

impl FrameHasher {
    /// Receives every frame the decoder has ready; returns the errors met.
    fn drain(&mut self, decoder: &mut Decoder, frame: &mut Frame) -> usize {
        let mut errors = 0;
        loop {
            match decoder.receive(frame) {
                Ok(true) => self.emit(frame),
                Ok(false) => return errors,
                Err(Error::InvalidData { .. }) | Err(Error::Ffmpeg { .. }) if errors < 1000 => {
                    errors += 1;
                }
                Err(e) => {
                    eprintln!("framehash: decoding error: {e}");
                    return errors + 1;
                }
            }
        }
    }

    fn emit(&mut self, frame: &Frame) {
        let n = self.count;
        self.count += 1;
        if self.count_only {
            return;
        }
        let pts = frame
            .best_effort_timestamp()
            .map_or("NOPTS".to_owned(), |t| t.to_string());
        let format = frame.format_name().unwrap_or_else(|| "none".into());
        let digest = match frame.copy_packed(&mut self.packed) {
            Ok(()) => format!("{:x}", Md5::digest(&self.packed)),
            Err(e) => format!("error: {e}"),
        };
        println!(
            "{n},{pts},{}x{},{format},{digest}",
            frame.width(),
            frame.height()
        );
    }
}
