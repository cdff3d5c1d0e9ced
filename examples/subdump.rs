//! Prints a file's subtitles: as SubRip, what `ffmpeg -i FILE -map 0:s:N -f srt -` writes
//! (text subtitles), or with `--json` one entry per decoded subtitle with what
//! `ffprobe -show_frames -select_streams s:N -of json` reports (`pts`, `pts_time`, `format`,
//! `start_display_time`, `end_display_time`, `num_rects`) and each rectangle's kind and size.
//!
//! ```text
//! cargo run --example subdump -- FILE [--stream N] [--json] [--sub-charenc ENCODING]
//!     [--lib-dir DIR]
//! ```
//!
//! N counts subtitle streams only, from 0, as `0:s:N` does. Packets the decoder refuses are
//! reported on standard error and skipped, as the CLI does.

#[path = "common/mod.rs"]
mod common;
#[path = "common/error_rate.rs"]
mod error_rate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use error_rate::DecodeTally;
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::subtitle::{
    Subtitle, SubtitleDecoder, SubtitleEncoder, SubtitleFormat, SubtitleRect, SubtitleSettings,
};
use ffmpeg_runtime::{Packet, Rational};
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "Print a file's subtitles as SubRip, or as ffprobe's frames with --json")]
struct Args {
    /// The file to read.
    input: PathBuf,
    /// Which subtitle stream, counting subtitle streams only (as `-map 0:s:N`).
    #[arg(long, default_value_t = 0)]
    stream: usize,
    /// Print ffprobe's subtitle frames as JSON instead of SubRip.
    #[arg(long)]
    json: bool,
    /// The character encoding of a text file that is not UTF-8 (`cp1252`, `latin1`…), as the
    /// CLI's `-sub_charenc`.
    #[arg(long)]
    sub_charenc: Option<String>,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(tally) => tally.exit_code("subdump"),
        Err(message) => {
            eprintln!("subdump: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the subtitles; what decoding met, which ends the run as it ends the CLI's (ffprobe,
/// whose frames `--json` prints, has no such rule).
fn run(args: &Args) -> Result<DecodeTally, String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let mut input =
        Input::open(&ffmpeg, &args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let stream = input
        .streams()
        .filter(|s| s.media_type() == MediaType::Subtitle)
        .nth(args.stream)
        .ok_or_else(|| {
            format!(
                "{}: no subtitle stream {}",
                args.input.display(),
                args.stream
            )
        })?;
    let index = stream.index();
    let options: Vec<(&str, &str)> = args
        .sub_charenc
        .as_deref()
        .map(|encoding| ("sub_charenc", encoding))
        .into_iter()
        .collect();
    let mut decoder =
        SubtitleDecoder::with_options(&stream, &options).map_err(|e| e.to_string())?;
    if !args.json && !decoder.is_text() {
        return Err(format!(
            "{}: subtitle stream {} is bitmaps ({}), which SubRip cannot hold; --json lists them",
            args.input.display(),
            args.stream,
            stream.codec_id().name()
        ));
    }
    // The CLI starts the file's timeline at zero; ffprobe shows the stream's own times.
    let shift_us = if args.json {
        0
    } else {
        input.start_time_us().unwrap_or(0)
    };
    let mut sink: Box<dyn Sink> = if args.json {
        Box::new(JsonFrames::default())
    } else {
        Box::new(SubRip::new(&decoder)?)
    };
    let mut packet = Packet::new(&ffmpeg).map_err(|e| e.to_string())?;
    let mut tally = DecodeTally::default();
    while input.read_packet(&mut packet).map_err(|e| e.to_string())? {
        if packet.stream_index() != index {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(Some(subtitle)) => {
                tally.frames += 1;
                sink.take(shifted(subtitle, shift_us))?
            }
            Ok(None) => {}
            // As the CLI, any error of the decoder's own skips the packet (SAMI's decoder
            // refuses a blank cue with EPERM).
            Err(error) if error.is_bad_data() => {
                tally.errors += 1;
                eprintln!("subdump: skipped: {error}")
            }
            Err(error) => return Err(error.to_string()),
        }
    }
    while let Some(subtitle) = decoder.drain().map_err(|e| e.to_string())? {
        tally.frames += 1;
        sink.take(shifted(subtitle, shift_us))?;
    }
    sink.finish()?;
    Ok(if args.json {
        DecodeTally::default()
    } else {
        tally
    })
}

fn shifted(mut subtitle: Subtitle, shift_us: i64) -> Subtitle {
    subtitle.pts = subtitle.pts.map(|pts| pts - shift_us);
    subtitle
}

/// Where decoded subtitles go.
trait Sink {
    fn take(&mut self, subtitle: Subtitle) -> Result<(), String>;
    fn finish(self: Box<Self>) -> Result<(), String>;
}

/// SubRip on standard output, through FFmpeg's own encoder and muxer, as the CLI writes it.
struct SubRip {
    encoder: SubtitleEncoder,
    output: Output,
    stream: usize,
}

impl SubRip {
    fn new(decoder: &SubtitleDecoder) -> Result<SubRip, String> {
        let ffmpeg = decoder.ffmpeg();
        let settings = SubtitleSettings::from_decoder(decoder);
        let encoder = SubtitleEncoder::new(ffmpeg, "srt", &settings).map_err(|e| e.to_string())?;
        let mut output =
            Output::to_stream(ffmpeg, std::io::stdout(), "srt").map_err(|e| e.to_string())?;
        let stream = output
            .add_subtitle_stream(&encoder)
            .map_err(|e| e.to_string())?;
        output.write_header().map_err(|e| e.to_string())?;
        Ok(SubRip {
            encoder,
            output,
            stream,
        })
    }
}

impl Sink for SubRip {
    fn take(&mut self, subtitle: Subtitle) -> Result<(), String> {
        // As the CLI: a subtitle that clears the screen, or has no time, is not written.
        if subtitle.rects.is_empty() || subtitle.pts.is_none() {
            return Ok(());
        }
        let mut packet = match self.encoder.encode(&subtitle) {
            Ok(packet) => packet,
            Err(error) => return Err(format!("cannot write as SubRip: {error}")),
        };
        let time_base: Rational = self.encoder.time_base();
        self.output
            .write_packet(&mut packet, self.stream, time_base)
            .map_err(|e| e.to_string())
    }

    fn finish(self: Box<Self>) -> Result<(), String> {
        self.output.finish().map_err(|e| e.to_string())
    }
}

/// ffprobe's subtitle frames, with each rectangle described.
#[derive(Default)]
struct JsonFrames {
    frames: Vec<Value>,
}

impl Sink for JsonFrames {
    fn take(&mut self, subtitle: Subtitle) -> Result<(), String> {
        let rects: Vec<Value> = subtitle.rects.iter().map(describe).collect();
        let mut frame = json!({ "media_type": "subtitle" });
        if let Some(pts) = subtitle.pts {
            frame["pts"] = json!(pts);
            frame["pts_time"] = json!(format!("{:.6}", pts as f64 / 1e6));
        }
        frame["format"] = json!(match subtitle.format {
            SubtitleFormat::Bitmap => 0,
            SubtitleFormat::Text => 1,
        });
        frame["start_display_time"] = json!(subtitle.start_display_time);
        frame["end_display_time"] = json!(subtitle.end_display_time);
        frame["num_rects"] = json!(subtitle.rects.len());
        frame["rects"] = Value::Array(rects);
        self.frames.push(frame);
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), String> {
        let document = json!({ "frames": self.frames });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &document).map_err(|e| e.to_string())?;
        writeln!(out).map_err(|e| e.to_string())
    }
}

fn describe(rect: &SubtitleRect) -> Value {
    match rect {
        SubtitleRect::Bitmap(bitmap) => json!({
            "type": "bitmap",
            "x": bitmap.x,
            "y": bitmap.y,
            "width": bitmap.width,
            "height": bitmap.height,
            "colors": bitmap.palette.len(),
            "forced": bitmap.forced,
        }),
        SubtitleRect::Text(text) => json!({ "type": "text", "text": text }),
        SubtitleRect::Ass(event) => json!({
            "type": "ass",
            "ass": event,
            "text": rect.plain_text(),
        }),
        _ => json!({ "type": "none" }),
    }
}
