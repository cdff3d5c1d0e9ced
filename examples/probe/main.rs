//! Prints what `ffprobe -show_format -show_streams -of json FILE` prints, from the crate's
//! API alone.
//!
//! ```text
//! cargo run --release --example probe -- FILE [--lib-dir DIR]
//!     [--show-packets | --show-frames | --frame-side-data | --show-chapters]
//!     [--count-frames] [--count-packets] [--show-programs] [--show-stream-groups]
//! ```
//!
//! Every field printed has ffprobe's name, type and formatting; where ffprobe omits a field
//! (an unknown value), so does this. Like ffprobe, it opens each video and audio stream's
//! decoder for the fields decoders report (`coded_width`, `refs`, H.264's `is_avc`, …), and
//! prints each stream's side data in ffprobe's words (`side_data_list`); as ffprobe, it
//! fails, printing nothing, when a decoder this FFmpeg has will not open (a FLIC of a depth
//! its decoder does not know, say), whatever is asked. With `--frame-side-data` it prints
//! instead what `ffprobe -select_streams v:0 -show_entries frame_side_data_list` prints:
//! each decoded picture's side data (HDR10, HDR10+ and HDR Vivid metadata, Dolby Vision
//! RPUs, GOP timecodes, SEI messages). With `--show-packets` it prints instead what `ffprobe
//! -show_packets` prints: every packet as the demuxer reads it, with its timestamps, size,
//! position, flags and side data; with `--show-frames`, what `ffprobe -show_frames` prints:
//! every picture, block of samples and subtitle each stream's decoder gives, with its
//! timestamps, packet, format, picture type, colours, tags and side data. From 7.0 frames
//! carry no picture numbers and from 8.0 no packet position or size: those fields are left
//! out there. With both, each packet comes before the frames decoded from it, as ffprobe's
//! `packets_and_frames`. With `--show-chapters`, what `ffprobe -show_chapters` prints.
//! `--count-frames` and `--count-packets` read the whole file first (decoding it, for the
//! frames), as ffprobe's `-count_frames` and `-count_packets` do, and give each stream the
//! numbers counted (`nb_read_frames`, `nb_read_packets`); its decoders' fields are then what
//! the decoding left, as ffprobe's. `--show-programs` prints the programs (MPEG-TS services)
//! before the streams, each with its streams, as `-show_programs` does;
//! `--show-stream-groups` the stream groups (7.0 on: a HEIF or AVIF picture's tile grid, an
//! IAMF stream's elements and presentations) as `-show_stream_groups` does, a tile grid with
//! its tiles (an IAMF group's own parameters are not printed).
//!
//! The fields are the loaded release's ffprobe's (`--fields 5.1` prints 5.1's, Debian 12's,
//! whichever release is loaded); the values are the loaded release's, and equal its own
//! ffprobe's (compared on 4.3, 5.1, 6.1, 7.1, 8.0, 8.1 and 9.0). After 5.1, 6.1 added
//! audio's `initial_padding`, the demuxer's exported values with every stream (MPEG-TS's
//! `ts_packetsize`, from 7.1 its `ts_id`), a packet's third flag (`C`, corrupt) and a
//! frame's `duration` and `crop_*`; 7.0 the container's `nb_stream_groups`, and dropped a
//! frame's `pkt_duration`; 8.0 dropped `closed_captions` and `film_grain` (printed only with
//! `-analyze_frames`) and added a picture's `lossless`; 8.1 added `mime_codec_string` and
//! a picture's `alpha_mode` (where its decoder states one), and prints `refs` only when
//! frames are read (`--count-frames`).
//! Side data that only later releases give are printed as 7.1's and later ffprobe print
//! them: a stereo pair's view and camera, the ambient viewing environment, the container's
//! cropping, Dolby Vision's metadata compression and a picture's view id; a packet's HDR10+
//! metadata (Matroska's, from 6.1) as a picture's; a block of samples' IAMF parameters (from
//! 9.0) as 9.0's ffprobe prints them. Two kinds every release gives are printed
//! as the loaded release's ffprobe prints them: a Matroska block addition's id from 8.1, and
//! AC-3's downmix levels from 9.0.
//! 4.x's ffprobe prints another set still: it adds `codec_time_base`, lacks
//! `extradata_size`, `film_grain` and five dispositions, names only the kind of CPB
//! properties and audio service types, and takes `coded_width`, `coded_height`,
//! `closed_captions` and `max_bit_rate` from the demuxer's probing context rather than a
//! fresh decoder (a coded size rounded up to whole macroblocks, say); `--fields loaded`
//! prints 5.1's set there.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/ffprobe_json.rs"]
mod ffprobe_json;
mod frames;
mod packets;
mod stream_groups;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Chapter, FieldOrder, Input, MediaType, Program, Stream};
use ffmpeg_runtime::subtitle::SubtitleDecoder;
use ffprobe_json::{ratio, side_data_entry};
use frames::Met;
use serde_json::{Map, Value, json};

#[derive(Parser)]
#[command(about = "Show a file's container and streams as ffprobe's JSON does")]
struct Args {
    /// The file to probe.
    input: PathBuf,
    /// Load FFmpeg from this directory (or libavcodec file) instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// Print each picture's side data, of the first video stream, instead.
    #[arg(long, conflicts_with = "show_packets")]
    frame_side_data: bool,
    /// Print every packet instead, as `ffprobe -show_packets` does.
    #[arg(long)]
    show_packets: bool,
    /// Print every decoded frame and subtitle instead, as `ffprobe -show_frames` does; with
    /// `--show-packets`, each packet and then the frames decoded from it.
    #[arg(long, conflicts_with = "frame_side_data")]
    show_frames: bool,
    /// Print the chapters instead, as `ffprobe -show_chapters` does.
    #[arg(long, conflicts_with_all = ["frame_side_data", "show_packets", "show_frames"])]
    show_chapters: bool,
    /// Decode every stream first, and give each stream the number of frames decoded
    /// (`nb_read_frames`), as `ffprobe -count_frames` does.
    #[arg(long)]
    count_frames: bool,
    /// Read every packet first, and give each stream the number read (`nb_read_packets`),
    /// as `ffprobe -count_packets` does.
    #[arg(long)]
    count_packets: bool,
    /// Print the programs (MPEG-TS services) too, each with its streams, before the
    /// streams, as `ffprobe -show_programs` does.
    #[arg(long, conflicts_with_all = ["frame_side_data", "show_packets", "show_frames", "show_chapters"])]
    show_programs: bool,
    /// Print the stream groups too (7.0 on: HEIF tile grids, IAMF elements), each with its
    /// streams, before the streams, as `ffprobe -show_stream_groups` does.
    #[arg(long, conflicts_with_all = ["frame_side_data", "show_packets", "show_frames", "show_chapters"])]
    show_stream_groups: bool,
    /// Whose ffprobe's set of fields to print: the loaded release's own, or 5.1's (Debian
    /// 12's) whichever release is loaded. Fields the loaded libraries no longer keep (a
    /// frame's picture numbers from 7.0, its packet's position from 8.0) are left out
    /// either way.
    #[arg(long, value_enum, default_value_t = FieldSet::Loaded)]
    fields: FieldSet,
}

/// Whose ffprobe's fields `--fields` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FieldSet {
    /// FFmpeg 5.1's (Debian 12's).
    #[value(name = "5.1")]
    Debian12,
    /// The loaded release's ffprobe's.
    Loaded,
}

/// Which ffprobe's fields to print: those of a release (major, minor), 5.1's or the loaded
/// one's. Releases after 5.1 added some and left out others, or print them only when asked
/// to read frames.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    release: (u8, u8),
}

impl Fields {
    fn of(ffmpeg: &ffmpeg_runtime::Ffmpeg, set: FieldSet) -> Fields {
        let release = match set {
            FieldSet::Debian12 => (5, 1),
            FieldSet::Loaded => ffmpeg.release_version(),
        };
        Fields { release }
    }

    /// Whether the chosen ffprobe is `release`'s or a later one's.
    pub fn since(self, release: (u8, u8)) -> bool {
        self.release >= release
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("probe: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let mut input =
        Input::open(&ffmpeg, &args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let mut decoders = open_decoders(&input)?;
    let fields = Fields::of(&ffmpeg, args.fields);
    if args.frame_side_data {
        let frames = frames::frames_side_data(&ffmpeg, input).map_err(|e| e.to_string())?;
        return print(&json!({ "frames": frames }));
    }
    if args.show_chapters {
        let chapters: Vec<Value> = input.chapters().iter().map(chapter).collect();
        return print(&json!({ "chapters": chapters }));
    }
    if args.show_frames {
        let both = args.show_packets;
        let list = frames::show_frames(&ffmpeg, &mut input, &mut decoders, both, fields);
        let list = list.map_err(|e| e.to_string())?;
        let name = if both { "packets_and_frames" } else { "frames" };
        return print(&json!({ name: list }));
    }
    if args.show_packets {
        let list = packets::packets(&ffmpeg, &mut input, fields).map_err(|e| e.to_string())?;
        return print(&json!({ "packets": list }));
    }
    // As ffprobe, the streams are described after the counting, by the decoders that did it.
    let mut counts = vec![ReadCounts::default(); input.stream_count()];
    if args.count_frames || args.count_packets {
        let decoding = args.count_frames;
        frames::read_all(
            &ffmpeg,
            &mut input,
            &mut decoders,
            decoding,
            |stream, met| {
                // Frames come only where counted (decoding); packets always.
                let count = &mut counts[stream.index()];
                match met {
                    Met::Packet(_) => count.packets += u64::from(args.count_packets),
                    Met::Frame(_) | Met::Subtitle(_) => count.frames += 1,
                }
            },
        )
        .map_err(|e| e.to_string())?;
        // As ffprobe before 9.0, which flushed the decoders after reading when it had
        // decoded: 8.x's AC-3 decoder then forgets the mix levels it exports.
        // A value, not a field: the loaded release's, whichever fields are printed.
        if decoding && ffmpeg.release_version() < (9, 0) {
            decoders.iter_mut().flatten().for_each(Decoder::flush);
        }
    }
    let shown = Shown {
        ids: input.demuxer().shows_ids(),
        demuxer_values: match fields.since((6, 1)) {
            true => input.exported_values(),
            false => Vec::new(),
        },
        frames_read: args.count_frames,
        fields,
    };
    let streams = input.streams().zip(&decoders).zip(&counts);
    let streams = streams.map(|((s, d), counts)| stream(&s, d, &shown, *counts));
    let streams: Vec<Value> = streams.collect();
    let size = std::fs::metadata(&args.input).map(|m| m.len()).ok();
    let mut report = Map::new();
    if args.show_programs {
        let programs = input
            .programs()
            .iter()
            .map(|p| program(p, &streams))
            .collect();
        report.insert("programs".into(), Value::Array(programs));
    }
    if args.show_stream_groups {
        let groups = input.stream_groups();
        let groups = groups
            .iter()
            .map(|g| stream_groups::stream_group(&ffmpeg, g, &streams, shown.ids))
            .collect();
        report.insert("stream_groups".into(), Value::Array(groups));
    }
    report.insert("streams".into(), Value::Array(streams));
    report.insert("format".into(), format(&input, args, size, fields));
    print(&Value::Object(report))
}

/// One program as ffprobe 5.1's `show_program` prints it, with its streams as `streams`
/// describes them.
fn program(program: &Program, streams: &[Value]) -> Value {
    let mut m = Map::new();
    m.insert("program_id".into(), json!(program.id));
    m.insert("program_num".into(), json!(program.number));
    m.insert("nb_streams".into(), json!(program.streams.len()));
    m.insert("pmt_pid".into(), json!(program.pmt_pid));
    m.insert("pcr_pid".into(), json!(program.pcr_pid));
    if let Some(tags) = tags(program.metadata.clone()) {
        m.insert("tags".into(), tags);
    }
    let own = program
        .streams
        .iter()
        .filter_map(|&index| streams.get(index));
    m.insert("streams".into(), Value::Array(own.cloned().collect()));
    Value::Object(m)
}

/// The frames decoded and packets read of one stream, where counted (ffprobe prints no
/// count of zero).
#[derive(Clone, Copy, Default)]
struct ReadCounts {
    frames: u64,
    packets: u64,
}

/// ffprobe opens the decoder of every stream, on one thread, before it prints anything, and
/// stops when one that this FFmpeg has will not open; a stream without one is printed all
/// the same. Each stream's decoder, or why it has none, for the fields decoders report.
fn open_decoders(input: &Input) -> Result<Vec<ffmpeg_runtime::Result<Decoder>>, String> {
    use ffmpeg_runtime::Error;
    let mut decoders = Vec::new();
    for s in input.streams() {
        // No decoder, or subtitles this FFmpeg's structs could not be proven for: ffprobe
        // goes on without a decoder.
        let refused = |e: &Error| match e {
            Error::DecoderNotFound { .. } | Error::Unsupported { .. } => None,
            other => Some(other.to_string()),
        };
        let decoder = Decoder::new(&s, &one_thread());
        let refusal = match s.media_type() {
            MediaType::Video | MediaType::Audio => decoder.as_ref().err().and_then(refused),
            MediaType::Subtitle => SubtitleDecoder::new(&s).err().as_ref().and_then(refused),
            _ => None,
        };
        if let Some(e) = refusal {
            let index = s.index();
            return Err(format!(
                "Could not open codec for input stream {index}: {e}"
            ));
        }
        decoders.push(decoder);
    }
    Ok(decoders)
}

/// Decoders as ffprobe opens them: on one thread.
fn one_thread() -> DecoderOptions {
    DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    }
}

/// Writes `report` to standard output; a reader that stops reading (`| head`) ends it
/// quietly, as it ends ffprobe.
fn print(report: &Value) -> Result<(), String> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

/// ffprobe's `%f` of a time in seconds.
pub fn seconds(value: i64, base: Rational) -> Value {
    json!(format!(
        "{:.6}",
        value as f64 * base.to_f64().unwrap_or(0.0)
    ))
}

/// `av_fourcc_make_string`: printable characters as they are, others as `[n]`.
fn fourcc(tag: u32) -> String {
    tag.to_le_bytes()
        .iter()
        .map(|&c| {
            if c.is_ascii_alphanumeric() || b". -_".contains(&c) {
                char::from(c).to_string()
            } else {
                format!("[{c}]")
            }
        })
        .collect()
}

/// ffprobe's `disposition` object: each disposition the release names, 1 or 0.
pub fn dispositions(named: Vec<(&str, bool)>) -> Value {
    let flags = named.into_iter();
    Value::Object(
        flags
            .map(|(name, set)| (name.to_owned(), json!(u8::from(set))))
            .collect(),
    )
}

pub fn tags(entries: Vec<(String, String)>) -> Option<Value> {
    (!entries.is_empty()).then(|| {
        Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key, json!(value)))
                .collect(),
        )
    })
}

/// What every stream's description takes from the input and the fields chosen.
struct Shown {
    /// Whether the demuxer shows the streams' ids (`AVFMT_SHOW_IDS`).
    ids: bool,
    /// The demuxer's exported values, printed with every stream.
    demuxer_values: Vec<(String, String)>,
    /// Whether frames were read (`--count-frames`).
    frames_read: bool,
    fields: Fields,
}

fn stream(
    s: &Stream<'_>,
    decoder: &ffmpeg_runtime::Result<Decoder>,
    shown: &Shown,
    read: ReadCounts,
) -> Value {
    let fields = shown.fields;
    let found = !matches!(decoder, Err(ffmpeg_runtime::Error::DecoderNotFound { .. }));
    let decoder = decoder.as_ref().ok();
    let mut m = Map::new();
    let mut put = |key: &str, value: Value| {
        m.insert(key.to_owned(), value);
    };
    put("index", json!(s.index()));
    if let Some(long_name) = s.codec_long_name() {
        put("codec_name", json!(s.codec_name()));
        put("codec_long_name", json!(long_name));
    }
    match (s.profile_name(), s.profile()) {
        (Some(name), _) => put("profile", json!(name)),
        (None, Some(number)) => put("profile", json!(number.to_string())),
        _ => {}
    }
    let kind = s.media_type();
    if kind != MediaType::Other {
        put("codec_type", json!(kind.to_string()));
    }
    put("codec_tag_string", json!(fourcc(s.codec_tag())));
    put("codec_tag", json!(format!("0x{:04x}", s.codec_tag())));
    if let Some(name) = s.mime_codec_string().filter(|_| fields.since((8, 1))) {
        put("mime_codec_string", json!(name));
    }
    match kind {
        MediaType::Video => {
            put("width", json!(s.width()));
            put("height", json!(s.height()));
            if let Some(d) = &decoder {
                put("coded_width", json!(d.coded_width()));
                put("coded_height", json!(d.coded_height()));
                // From 8.0 only with `-analyze_frames`.
                if !fields.since((8, 0)) {
                    put("closed_captions", json!(u8::from(d.has_closed_captions())));
                    put("film_grain", json!(u8::from(d.has_film_grain())));
                }
            }
            put("has_b_frames", json!(s.video_delay()));
            if let Some(sar) = s.pixel_aspect_ratio() {
                let (w, h) = (i64::from(s.width()), i64::from(s.height()));
                let dar =
                    Rational::reduce(w * i64::from(sar.num), h * i64::from(sar.den), 1024 * 1024);
                put("sample_aspect_ratio", ratio(sar, ':'));
                put("display_aspect_ratio", ratio(dar, ':'));
            }
            if let Some(format) = s.pixel_format() {
                put("pix_fmt", json!(format.name()));
            }
            put("level", json!(s.level().unwrap_or(-99)));
            let color = s.color();
            if let Some(range) = color.range {
                put("color_range", json!(range.name()));
            }
            for (key, value) in [
                ("color_space", color.matrix),
                ("color_transfer", color.transfer),
                ("color_primaries", color.primaries),
                ("chroma_location", s.chroma_location()),
            ] {
                if let Some(value) = value {
                    put(key, json!(value));
                }
            }
            if s.field_order() != FieldOrder::Unknown {
                put("field_order", json!(s.field_order().name()));
            }
            // From 8.1 only where frames were read.
            if let Some(d) = decoder.filter(|_| !fields.since((8, 1)) || shown.frames_read) {
                put("refs", json!(d.reference_frames()));
            }
        }
        MediaType::Audio => {
            if let Some(format) = s.sample_format() {
                put("sample_fmt", json!(format.name()));
            }
            put("sample_rate", json!(s.sample_rate().to_string()));
            put("channels", json!(s.channels().unwrap_or(0)));
            // ffprobe describes layouts of known order only, not "2 channels".
            if let Some(layout) = s.channel_layout().filter(|l| !l.is_unspecified()) {
                put("channel_layout", json!(layout.name()));
            }
            put("bits_per_sample", json!(s.bits_per_sample()));
            if fields.since((6, 1)) {
                put("initial_padding", json!(s.initial_padding()));
            }
        }
        MediaType::Subtitle => {
            if s.width() > 0 {
                put("width", json!(s.width()));
            }
            if s.height() > 0 {
                put("height", json!(s.height()));
            }
        }
        _ => {}
    }
    for (name, value) in decoder.into_iter().flat_map(Decoder::exported_values) {
        put(&name, json!(value));
    }
    for (name, value) in &shown.demuxer_values {
        put(name, json!(value));
    }
    if shown.ids {
        put("id", json!(format!("0x{:x}", s.id())));
    }
    put("r_frame_rate", ratio(s.real_frame_rate(), '/'));
    put("avg_frame_rate", ratio(s.average_frame_rate(), '/'));
    put("time_base", ratio(s.time_base(), '/'));
    if let Some(start) = s.start_time() {
        put("start_pts", json!(start));
        put("start_time", seconds(start, s.time_base()));
    }
    if let Some(duration) = s.duration() {
        put("duration_ts", json!(duration));
        put("duration", seconds(duration, s.time_base()));
    }
    if let Some(rate) = s.bit_rate() {
        put("bit_rate", json!(rate.to_string()));
    }
    if let Some(rate) = decoder.and_then(Decoder::max_bit_rate) {
        put("max_bit_rate", json!(rate.to_string()));
    }
    // ffprobe prints the decoder's; without a decoder, nothing.
    let bits = match &decoder {
        Some(d) => d.bits_per_raw_sample(),
        None => s.bits_per_raw_sample().filter(|_| found),
    };
    if let Some(bits) = bits {
        put("bits_per_raw_sample", json!(bits.to_string()));
    }
    if let Some(count) = s.frame_count() {
        put("nb_frames", json!(count.to_string()));
    }
    for (key, count) in [
        ("nb_read_frames", read.frames),
        ("nb_read_packets", read.packets),
    ] {
        if count > 0 {
            put(key, json!(count.to_string()));
        }
    }
    if s.extradata_size() > 0 {
        put("extradata_size", json!(s.extradata_size()));
    }
    put("disposition", dispositions(s.dispositions()));
    if let Some(tags) = tags(s.metadata()) {
        put("tags", tags);
    }
    let side_data = s.side_data();
    if !side_data.is_empty() {
        let list = side_data
            .iter()
            .map(|entry| side_data_entry(entry, (s.width(), s.height())))
            .collect();
        put("side_data_list", Value::Array(list));
    }
    Value::Object(m)
}

/// One chapter as ffprobe's `-show_chapters` prints it.
fn chapter(chapter: &Chapter) -> Value {
    let base = chapter.time_base;
    let mut m = Map::new();
    m.insert("id".into(), json!(chapter.id));
    m.insert("time_base".into(), ratio(base, '/'));
    m.insert("start".into(), json!(chapter.start));
    m.insert("start_time".into(), seconds(chapter.start, base));
    m.insert("end".into(), json!(chapter.end));
    m.insert("end_time".into(), seconds(chapter.end, base));
    if let Some(tags) = tags(chapter.metadata.clone()) {
        m.insert("tags".into(), tags);
    }
    Value::Object(m)
}

fn format(input: &Input, args: &Args, size: Option<u64>, fields: Fields) -> Value {
    let mut m = Map::new();
    let mut put = |key: &str, value: Value| {
        m.insert(key.to_owned(), value);
    };
    put("filename", json!(args.input.to_string_lossy()));
    put("nb_streams", json!(input.stream_count()));
    put("nb_programs", json!(input.program_count()));
    if fields.since((7, 0)) {
        put("nb_stream_groups", json!(input.stream_groups().len()));
    }
    let demuxer = input.demuxer();
    put("format_name", json!(demuxer.name()));
    put("format_long_name", json!(demuxer.long_name()));
    if let Some(start) = input.start_time_us() {
        put("start_time", seconds(start, Rational::MICROSECONDS));
    }
    if let Some(duration) = input.duration_us() {
        put("duration", seconds(duration, Rational::MICROSECONDS));
    }
    if let Some(size) = size {
        put("size", json!(size.to_string()));
    }
    if let Some(rate) = input.bit_rate() {
        put("bit_rate", json!(rate.to_string()));
    }
    put("probe_score", json!(input.probe_score()));
    if let Some(tags) = tags(input.metadata()) {
        put("tags", tags);
    }
    Value::Object(m)
}
