//! Subtitles against the ffmpeg CLI and ffprobe (Debian's 5.1): `subdump` writes what
//! `ffmpeg -i FILE -map 0:s:N -f srt -` writes, and `subdump --json` gives each subtitle's
//! time, format, display times and rectangle count as `ffprobe -show_frames` does, for text
//! (SubRip, ASS, mov_text, WebVTT) and bitmaps (DVD, DVB, PGS); encoding round-trips; bad
//! data and misuse are typed errors.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::media;
use ffmpeg_runtime::codec::Codec;
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::subtitle::{
    Bitmap, Subtitle, SubtitleDecoder, SubtitleEncoder, SubtitleFormat, SubtitleRect,
    SubtitleSettings,
};
use ffmpeg_runtime::{Error, Ffmpeg, Packet};
use serde_json::Value;

fn with_video(name: &str, subtitles: &[(&Path, &str)], video: &[&str]) -> PathBuf {
    let mut args: Vec<String> = [
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=160x120:rate=10:duration=6",
    ]
    .map(String::from)
    .to_vec();
    for (path, _) in subtitles {
        args.extend(["-i".to_owned(), path.to_str().unwrap().to_owned()]);
    }
    args.extend(["-map", "0"].map(String::from));
    for (i, (_, codec)) in subtitles.iter().enumerate() {
        args.extend(["-map".to_owned(), format!("{}", i + 1)]);
        args.extend([format!("-c:s:{i}"), (*codec).to_owned()]);
    }
    args.extend(video.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    media::generated(name, &args)
}

/// Every text clip: (file, subtitle streams in it).
fn text_clips() -> Vec<(PathBuf, usize)> {
    let srt = media::subtitle_source_srt();
    let ass = media::subtitle_source_ass();
    let converted = |name: &str, from: &Path, codec: &str| {
        media::generated(name, &["-i", from.to_str().unwrap(), "-c:s", codec])
    };
    // Formats FFmpeg reads but does not write. SAMI's decoder refuses its blank cues
    // (`&nbsp;`, which end the one before) with EPERM: the CLI skips them.
    let read_only = [
        (
            "subs.smi",
            "<SAMI>\n<HEAD><TITLE>t</TITLE></HEAD><BODY>\n\
             <SYNC Start=500><P Class=ENCC>Hello <i>world</i>\n\
             <SYNC Start=2000><P Class=ENCC>&nbsp;\n\
             <SYNC Start=2500><P Class=ENCC>Second line<br>with break\n\
             <SYNC Start=4000><P Class=ENCC>&nbsp;\n</BODY></SAMI>\n",
        ),
        (
            "subs_microdvd.sub",
            "{50}{100}Hello|world\n{125}{200}Second line\n{175}{262}Overlap\n",
        ),
        (
            "subs.mpl",
            "[5][20]Hello\n[25][40]Second|line\n[35][52]/Overlap\n",
        ),
        (
            "subs.jss",
            "#TIMERES 100\n0:00:00.50 0:00:02.00 D Hello world\n0:00:02.50 0:00:04.00 D Second\\nline\n",
        ),
        ("subs.pjs", "5,20,\"Hello|world\"\n25,40,\"Second line\"\n"),
        (
            "subs.stl",
            "$FontName = Arial\n00:00:00:12 , 00:00:02:00 , Hello world\n00:00:02:12 , 00:00:04:00 , Second|line\n",
        ),
        (
            "subs.rt",
            "<window duration=\"10\" type=\"generic\"><time begin=\"0.50\"/>Hello world\
             <time begin=\"2.50\"/><clear/>Second line<br/>break</window>\n",
        ),
    ];
    let read_only = read_only
        .into_iter()
        .map(|(name, text)| (media::source(name, text), 1));
    vec![
        (srt.clone(), 1),
        (ass.clone(), 1),
        (converted("subs_from_srt.ass", &srt, "ass"), 1),
        (converted("subs_from_ass.srt", &ass, "srt"), 1),
        (converted("subs.vtt", &srt, "webvtt"), 1),
        (
            with_video("subs_srt.mkv", &[(&srt, "srt")], &["-c:v", "mpeg4"]),
            1,
        ),
        (
            with_video(
                "subs_movtext.mp4",
                &[(&srt, "mov_text")],
                &["-c:v", "mpeg4"],
            ),
            1,
        ),
        (
            with_video(
                "subs_two.mkv",
                &[(&srt, "srt"), (&ass, "ass")],
                &["-c:v", "mpeg4"],
            ),
            2,
        ),
        (
            with_video("subs_webvtt.webm", &[(&srt, "webvtt")], &["-c:v", "libvpx"]),
            1,
        ),
        (
            // A file whose timeline starts at 2 s: the CLI starts its output at zero.
            with_video(
                "subs_late.mkv",
                &[(&srt, "srt")],
                &["-c:v", "mpeg4", "-output_ts_offset", "2"],
            ),
            1,
        ),
    ]
    .into_iter()
    .chain(read_only)
    .collect()
}

fn subdump(file: &Path, args: &[&str]) -> String {
    let build = common::under_test();
    let mut command = common::example_command("subdump", &build);
    command.arg(file).args(args);
    common::stdout_of(
        &mut command,
        &format!("subdump {} {args:?}", file.display()),
    )
}

/// The fields ffprobe shows of each subtitle frame.
const FRAME_FIELDS: [&str; 6] = [
    "pts",
    "pts_time",
    "format",
    "start_display_time",
    "end_display_time",
    "num_rects",
];

fn frame_fields(document: &str) -> Vec<Vec<Value>> {
    let document: Value = serde_json::from_str(document).unwrap();
    document["frames"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|frame| FRAME_FIELDS.iter().map(|k| frame[k].clone()).collect())
        .collect()
}

fn ffprobe_frames(file: &Path, stream: usize) -> Vec<Vec<Value>> {
    let mut command = Command::new("ffprobe");
    command
        .env_remove("LD_LIBRARY_PATH")
        .args(["-v", "error", "-show_frames", "-of", "json"])
        .args(["-select_streams", &format!("s:{stream}")])
        .arg(file);
    frame_fields(&common::stdout_of(&mut command, "ffprobe -show_frames"))
}

/// Where a release's own subtitle codecs write other text than 5.1's for the same cue: 4.1's
/// mov_text decoder adds the style's font tags (4.2 stopped), and from 7.1 on the WebVTT
/// decoder escapes braces and backslashes its own way.
fn release_writes_other_text(ffmpeg: &Ffmpeg, file: &Path) -> bool {
    let version = ffmpeg
        .library(ffmpeg_runtime::Library::AvCodec)
        .unwrap()
        .version();
    let extension = file.extension().unwrap().to_str().unwrap();
    (version.major == 58 && version.minor < 54 && extension == "mp4")
        || ((version.major, version.minor) >= (61, 19) && matches!(extension, "vtt" | "webm"))
}

/// Where a release's demuxer times the cues otherwise than 5.1's: 4.1's JACOsub demuxer
/// reads each cue's end as a duration added to its start (0.5 s to 2 s became 0.5 s to 3 s).
fn release_times_other_cues(ffmpeg: &Ffmpeg, file: &Path) -> bool {
    let version = ffmpeg
        .library(ffmpeg_runtime::Library::AvFormat)
        .unwrap()
        .version();
    version.major == 58 && version.minor < 29 && file.extension().is_some_and(|e| e == "jss")
}

/// Exact on 5.1, the CLI's own library. Other releases must give the same cues at the same
/// times; their text may differ where their codecs do: 8.0's SubRip encoder ends lines with
/// `\n` rather than `\r\n`, and [`release_writes_other_text`].
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn text_subtitles_are_written_as_the_cli_writes_srt() {
    let ffmpeg = common::under_test().load();
    let exact = common::under_test().name == "5.1";
    let mut differences = Vec::new();
    for (file, streams) in text_clips() {
        if release_times_other_cues(&ffmpeg, &file) {
            continue;
        }
        for stream in 0..streams {
            let ours = subdump(&file, &["--stream", &stream.to_string()]);
            let cli = media::cli_srt(&file, stream);
            assert!(!cli.is_empty(), "{}", file.display());
            let same = if exact {
                ours == cli
            } else if release_writes_other_text(&ffmpeg, &file) {
                let timings = |d: &str| {
                    media::srt_cues(d)
                        .into_iter()
                        .map(|c| c.0)
                        .collect::<Vec<_>>()
                };
                timings(&ours) == timings(&cli)
            } else {
                media::srt_cues(&ours) == media::srt_cues(&cli)
            };
            if !same {
                differences.push(format!(
                    "{} stream {stream}:\n{ours}\n--- CLI:\n{cli}",
                    file.display()
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn json_gives_what_ffprobe_shows_of_each_subtitle() {
    let ffmpeg = common::under_test().load();
    let mut clips = text_clips();
    clips.extend(bitmap_clips());
    for (file, streams) in clips {
        if release_times_other_cues(&ffmpeg, &file) {
            continue;
        }
        for stream in 0..streams {
            let ours = frame_fields(&subdump(
                &file,
                &["--json", "--stream", &stream.to_string()],
            ));
            let probe = ffprobe_frames(&file, stream);
            assert!(!probe.is_empty(), "{}", file.display());
            assert_eq!(ours, probe, "{} stream {stream}", file.display());
        }
    }
}

/// A bitmap of `width`×`height` in three colours: a frame of 1, a filling of 2, 0 outside.
fn bitmap(x: i32, y: i32, width: u32, height: u32) -> Bitmap {
    let pixels = (0..height)
        .flat_map(|row| {
            (0..width).map(move |column| {
                let edge = row == 0 || column == 0 || row + 1 == height || column + 1 == width;
                if edge {
                    1
                } else if (row + column) % 7 < 3 {
                    2
                } else {
                    0
                }
            })
        })
        .collect();
    Bitmap {
        x,
        y,
        width,
        height,
        pixels,
        palette: vec![0x0000_0000, 0xffff_ffff, 0xff20_40c0],
        forced: false,
    }
}

fn bitmap_subtitles() -> Vec<Subtitle> {
    (0..4)
        .map(|i| Subtitle {
            format: SubtitleFormat::Bitmap,
            pts: Some(i64::from(i) * 1_200_000 + 300_000),
            start_display_time: 0,
            end_display_time: 900,
            rects: vec![SubtitleRect::Bitmap(bitmap(
                20 + 10 * i,
                150,
                64 + 16 * i as u32,
                24,
            ))],
        })
        .collect()
}

/// Writes `subtitles` with the build under test's `encoder` into `file` (muxer `format`).
fn write_bitmaps(ffmpeg: &Ffmpeg, file: &Path, format: &str, encoder: &str) {
    let settings = SubtitleSettings {
        width: 320,
        height: 240,
        ..SubtitleSettings::default()
    };
    let mut encoder = SubtitleEncoder::new(ffmpeg, encoder, &settings).unwrap();
    let mut output = Output::create_as(ffmpeg, file, Some(format)).unwrap();
    let index = output.add_subtitle_stream(&encoder).unwrap();
    output.write_header().unwrap();
    for subtitle in bitmap_subtitles() {
        let mut packet = encoder.encode(&subtitle).unwrap();
        output
            .write_packet(&mut packet, index, encoder.time_base())
            .unwrap();
    }
    output.finish().unwrap();
}

/// Bitmap clips: DVD subtitles in Matroska and DVB subtitles in MPEG-TS (written by the
/// build under test's encoders), and a Blu-ray PGS stream written here byte by byte.
fn bitmap_clips() -> Vec<(PathBuf, usize)> {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("bitmaps");
    let dvd = dir.join("dvdsub.mkv");
    write_bitmaps(&ffmpeg, &dvd, "matroska", "dvdsub");
    let dvb = dir.join("dvbsub.ts");
    write_bitmaps(&ffmpeg, &dvb, "mpegts", "dvbsub");
    let pgs = dir.join("pgs.sup");
    std::fs::write(&pgs, pgs::stream(&bitmap_subtitles())).unwrap();
    vec![(dvd, 1), (dvb, 1), (pgs, 1)]
}

/// Every subtitle of the first subtitle stream of `file`, decoded by the build under test.
fn decoded(ffmpeg: &Ffmpeg, file: &Path) -> Vec<Subtitle> {
    let mut input = Input::open(ffmpeg, file).unwrap();
    let stream = input.best_stream(MediaType::Subtitle).unwrap();
    let index = stream.index();
    let mut decoder = SubtitleDecoder::new(&stream).unwrap();
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut subtitles = Vec::new();
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            subtitles.extend(decoder.decode(&packet).unwrap());
        }
    }
    while let Some(subtitle) = decoder.drain().unwrap() {
        subtitles.push(subtitle);
    }
    subtitles
}

#[test]
fn bitmaps_come_back_where_and_as_they_were_drawn() {
    let ffmpeg = common::under_test().load();
    let written = bitmap_subtitles();
    for (file, _) in bitmap_clips() {
        let shown: Vec<Subtitle> = decoded(&ffmpeg, &file)
            .into_iter()
            .filter(|s| !s.rects.is_empty())
            .collect();
        assert_eq!(shown.len(), written.len(), "{}", file.display());
        for (got, want) in shown.iter().zip(&written) {
            let (SubtitleRect::Bitmap(got_bitmap), SubtitleRect::Bitmap(want_bitmap)) =
                (&got.rects[0], &want.rects[0])
            else {
                panic!("{}: {:?}", file.display(), got.rects);
            };
            assert_eq!(got.format, SubtitleFormat::Bitmap);
            // Times from the first subtitle (an MPEG-TS muxer starts its clock late).
            let since_first =
                |s: &Subtitle, first: &Subtitle| s.start_us().unwrap() - first.start_us().unwrap();
            assert_eq!(
                since_first(got, &shown[0]),
                since_first(want, &written[0]),
                "{}",
                file.display()
            );
            // Each pixel keeps its colour (encoders may renumber the palette and round alpha
            // and colour to their own precision).
            let colour = |b: &Bitmap, i: usize| b.palette[usize::from(b.pixels[i])];
            let (gx, gy) = (got_bitmap.x, got_bitmap.y);
            let (wx, wy) = (want_bitmap.x, want_bitmap.y);
            for row in 0..want_bitmap.height as i32 {
                for column in 0..want_bitmap.width as i32 {
                    let want = colour(
                        want_bitmap,
                        (row * want_bitmap.width as i32 + column) as usize,
                    );
                    let (x, y) = (wx + column - gx, wy + row - gy);
                    let inside = x >= 0
                        && y >= 0
                        && x < got_bitmap.width as i32
                        && y < got_bitmap.height as i32;
                    let got = if inside {
                        colour(got_bitmap, (y * got_bitmap.width as i32 + x) as usize)
                    } else {
                        0
                    };
                    let opaque = |c: u32| c >> 24 >= 0x80;
                    assert_eq!(
                        opaque(got),
                        opaque(want),
                        "{} at {column},{row}",
                        file.display()
                    );
                    // The DVD encoder maps colours to its own 16-colour palette.
                    if opaque(want) && !file.ends_with("dvdsub.mkv") {
                        let close = (0..3).all(|k| {
                            let channel = |c: u32| i32::from((c >> (8 * k)) as u8);
                            (channel(got) - channel(want)).abs() <= 24
                        });
                        assert!(close, "{}: {got:08x} for {want:08x}", file.display());
                    }
                }
            }
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn text_encoders_round_trip_through_their_containers() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("text_round_trip");
    let cues = [
        Subtitle::text(500_000, 1_700_000, "One line"),
        Subtitle::text(2_000_000, 3_250_000, "Two\nlines, - and & more"),
        Subtitle::text(4_000_000, 4_400_000, "Été 日本"),
    ];
    for (encoder, format, extension) in [
        ("srt", "srt", "srt"),
        ("ass", "ass", "ass"),
        ("webvtt", "webvtt", "vtt"),
        ("mov_text", "mp4", "mp4"),
        ("srt", "matroska", "mkv"),
    ] {
        let file = dir.join(format!("{encoder}.{extension}"));
        let mut encoder_ = SubtitleEncoder::new(&ffmpeg, encoder, &SubtitleSettings::default())
            .unwrap_or_else(|e| panic!("{encoder}: {e}"));
        let mut output = Output::create_as(&ffmpeg, &file, Some(format)).unwrap();
        let index = output.add_subtitle_stream(&encoder_).unwrap();
        output.write_header().unwrap();
        for cue in &cues {
            let mut packet = encoder_.encode(cue).unwrap();
            output
                .write_packet(&mut packet, index, encoder_.time_base())
                .unwrap();
        }
        output.finish().unwrap();
        let back: Vec<Subtitle> = decoded(&ffmpeg, &file)
            .into_iter()
            .filter(|s| !s.rects.is_empty())
            .collect();
        assert_eq!(back.len(), cues.len(), "{encoder} in {format}");
        for (got, want) in back.iter().zip(&cues) {
            assert_eq!(got.start_us(), want.start_us(), "{encoder} in {format}");
            assert_eq!(got.end_us(), want.end_us(), "{encoder} in {format}");
            let text = got.rects[0].plain_text().unwrap();
            assert_eq!(
                text.trim_end(),
                want.rects[0].plain_text().unwrap(),
                "{encoder} in {format}"
            );
        }
        // And the CLI reads what was written.
        let cli = media::cli_srt(&file, 0);
        assert!(cli.contains("Été 日本"), "{encoder} in {format}: {cli}");
    }
}

#[test]
fn misuse_and_bad_subtitles_are_typed_errors() {
    let ffmpeg = common::under_test().load();
    let (file, _) = &text_clips()[5];
    let input = Input::open(&ffmpeg, file).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap();
    let subtitles = input.best_stream(MediaType::Subtitle).unwrap();
    assert!(matches!(
        SubtitleDecoder::new(&video),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(
        ffmpeg_runtime::codec::Decoder::new(&subtitles, &Default::default()),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(
        SubtitleDecoder::with_options(&subtitles, &[("no_such_option", "1")]),
        Err(Error::OptionNotFound { .. })
    ));
    let settings = SubtitleSettings::default();
    assert!(matches!(
        SubtitleEncoder::new(&ffmpeg, "mpeg4", &settings),
        Err(Error::Unsupported { .. })
    ));
    let header_with_nul = SubtitleSettings {
        header: Some("[Script Info]\0".into()),
        ..SubtitleSettings::default()
    };
    assert!(matches!(
        SubtitleEncoder::new(&ffmpeg, "srt", &header_with_nul),
        Err(Error::InvalidText { .. })
    ));

    // Bitmaps to a text encoder, text to a bitmap one, bitmaps that disagree with themselves.
    let mut srt = SubtitleEncoder::new(&ffmpeg, "srt", &settings).unwrap();
    let drawn = &bitmap_subtitles()[0];
    assert!(srt.encode(drawn).is_err());
    let sized = SubtitleSettings {
        width: 320,
        height: 240,
        ..SubtitleSettings::default()
    };
    let mut dvd = SubtitleEncoder::new(&ffmpeg, "dvdsub", &sized).unwrap();
    assert!(dvd.encode(&Subtitle::text(0, 1_000_000, "text")).is_err());
    // The drawn subtitle with its bitmap spoilt by `spoil`.
    let spoilt = |spoil: fn(&mut Bitmap)| {
        let mut subtitle = drawn.clone();
        let SubtitleRect::Bitmap(bitmap) = &mut subtitle.rects[0] else {
            unreachable!()
        };
        spoil(bitmap);
        subtitle
    };
    let short = spoilt(|bitmap| bitmap.pixels.truncate(bitmap.pixels.len() - 1));
    assert!(matches!(
        dvd.encode(&short),
        Err(Error::Incompatible { .. })
    ));
    let beyond = spoilt(|bitmap| bitmap.pixels[5] = 200);
    assert!(matches!(
        dvd.encode(&beyond),
        Err(Error::Incompatible { .. })
    ));
    let no_palette = spoilt(|bitmap| bitmap.palette.clear());
    assert!(matches!(
        dvd.encode(&no_palette),
        Err(Error::OutOfRange { .. })
    ));
    assert!(matches!(
        srt.encode(&Subtitle::text(0, 1, "nul\0inside")),
        Err(Error::InvalidText { .. })
    ));

    // A packet of another loaded FFmpeg, and packets of garbage.
    let mut decoder = SubtitleDecoder::new(&subtitles).unwrap();
    let other = common::partner().load();
    let foreign = Packet::from_bytes(&other, b"text").unwrap();
    assert!(matches!(
        decoder.decode(&foreign),
        Err(Error::ForeignObject { .. })
    ));
    let foreign_encoder = SubtitleEncoder::new(&other, "srt", &settings).unwrap();
    let mut output = Output::to_writer(&ffmpeg, std::io::Cursor::new(Vec::new()), "srt").unwrap();
    assert!(matches!(
        output.add_subtitle_stream(&foreign_encoder),
        Err(Error::ForeignObject { .. })
    ));
    let valid_utf8_or_error = Packet::from_bytes(&ffmpeg, &[0xff, 0xfe, 0x80, b'a']).unwrap();
    match decoder.decode(&valid_utf8_or_error) {
        Ok(_) | Err(Error::InvalidData { .. }) => {}
        Err(other) => panic!("{other:?}"),
    }
    decoder.flush();
    assert!(
        decoder
            .decode(&Packet::from_bytes(&ffmpeg, b"after a flush").unwrap())
            .is_ok()
    );
}

#[test]
fn corrupted_subtitle_packets_never_crash_a_decoder() {
    let ffmpeg = common::under_test().load();
    let mut clips = text_clips();
    clips.extend(bitmap_clips());
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (file, _) in clips {
        let mut input = Input::open(&ffmpeg, &file).unwrap();
        let stream = input.best_stream(MediaType::Subtitle).unwrap();
        let index = stream.index();
        let mut decoder = SubtitleDecoder::new(&stream).unwrap();
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let mut packets = Vec::new();
        while input.read_packet(&mut packet).unwrap() {
            if packet.stream_index() == index {
                packets.push(packet.try_clone().unwrap());
            }
        }
        for round in 0..200 {
            let mut damaged = packets[round % packets.len()].try_clone().unwrap();
            let bytes = damaged.data_mut().unwrap();
            for _ in 0..1 + next() % 6 {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            match decoder.decode(&damaged) {
                Ok(_) | Err(Error::InvalidData { .. }) => {}
                Err(other) => {
                    // Some decoders answer other codes (ENOMEM for an absurd size, EINVAL);
                    // what matters is a typed error, not a crash.
                    let _ = other.to_string();
                }
            }
        }
    }
}

/// Of a bitmap stream and a text one, the CLI maps the one its output's subtitle encoder
/// takes: text for Matroska (ASS), WebM (WebVTT) and SubRip, none for MP4, which names no
/// subtitle codec; `Input::auto_selected_stream_for` takes the same.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_subtitle_stream_selected_for_an_output_is_the_kind_its_encoder_takes() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("subtitle-selection");
    let bitmaps = dir.join("dvdsub.mkv");
    write_bitmaps(&ffmpeg, &bitmaps, "matroska", "dvdsub");
    let mixed = dir.join("bitmaps_then_text.mkv");
    let mut make = media::cli();
    make.arg("-i")
        .arg(&bitmaps)
        .arg("-i")
        .arg(media::subtitle_source_srt());
    make.args(["-map", "0", "-map", "1", "-c", "copy", "-y"])
        .arg(&mixed);
    common::stdout_bytes_of(&mut make, "a file of both kinds");
    let input = Input::open(&ffmpeg, &mixed).unwrap();
    // No release's CLI maps bitmaps of its own accord: only `sup` names a bitmap codec
    // (PGS), which no release here can encode.
    let pgs_encoder = Codec::encoder(&ffmpeg, "hdmv_pgs_subtitle").is_ok();
    for (format, expected) in [
        ("matroska", Some(1)),
        ("webm", Some(1)),
        ("srt", Some(1)),
        ("sup", pgs_encoder.then_some(0)),
        ("mp4", None),
    ] {
        let muxer = ffmpeg.muxer(format).unwrap();
        let ours = input
            .auto_selected_stream_for(MediaType::Subtitle, &muxer)
            .unwrap();
        assert_eq!(ours.map(|s| s.index()), expected, "{format}");
        let mapping = media::cli()
            .args(["-loglevel", "info", "-i"])
            .arg(&mixed)
            .args(["-c", "copy", "-f", format, "-y", "/dev/null"])
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&mapping.stderr);
        let theirs = log
            .lines()
            .filter_map(|line| line.trim().strip_prefix("Stream #0:"))
            .find_map(|rest| rest.split_once(" -> ")?.0.parse::<usize>().ok());
        assert_eq!(theirs, expected, "{format}: {log}");
    }
}

/// A Blu-ray PGS (`.sup`) writer, enough for the decoder: each subtitle is a display set
/// (presentation, window, palette, object, end), and a clearing set follows it.
mod pgs {
    use ffmpeg_runtime::subtitle::{Subtitle, SubtitleRect};

    fn segment(out: &mut Vec<u8>, pts_90k: u32, kind: u8, payload: &[u8]) {
        out.extend_from_slice(b"PG");
        out.extend_from_slice(&pts_90k.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        out.push(kind);
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        out.extend_from_slice(payload);
    }

    /// BT.601 limited-range YCbCr of an `0xAARRGGBB` colour, as PGS palettes hold them.
    fn ycbcr(argb: u32) -> [u8; 4] {
        let [a, r, g, b] = argb.to_be_bytes().map(f64::from);
        let y = 16.0 + 0.257 * r + 0.504 * g + 0.098 * b;
        let cb = 128.0 - 0.148 * r - 0.291 * g + 0.439 * b;
        let cr = 128.0 + 0.439 * r - 0.368 * g - 0.071 * b;
        [y, cr, cb, a].map(|v| v.round().clamp(0.0, 255.0) as u8)
    }

    /// PGS run-length coding of one line of palette indices.
    fn rle_line(out: &mut Vec<u8>, line: &[u8]) {
        let mut i = 0;
        while i < line.len() {
            let colour = line[i];
            let run = line[i..]
                .iter()
                .take_while(|&&c| c == colour)
                .count()
                .min(16383);
            match (colour, run) {
                (c, 1) if c != 0 => out.push(c),
                (0, n) if n < 64 => out.extend([0, n as u8]),
                (0, n) => out.extend([0, 0x40 | (n >> 8) as u8, n as u8]),
                (c, n) if n < 64 => out.extend([0, 0x80 | n as u8, c]),
                (c, n) => out.extend([0, 0xc0 | (n >> 8) as u8, n as u8, c]),
            }
            i += run;
        }
        out.extend([0, 0]);
    }

    pub fn stream(subtitles: &[Subtitle]) -> Vec<u8> {
        let mut out = Vec::new();
        for (number, subtitle) in subtitles.iter().enumerate() {
            let SubtitleRect::Bitmap(bitmap) = &subtitle.rects[0] else {
                unreachable!()
            };
            let start = (subtitle.start_us().unwrap() * 9 / 100) as u32;
            let end = (subtitle.end_us().unwrap() * 9 / 100) as u32;
            let (x, y) = (bitmap.x as u16, bitmap.y as u16);
            let (w, h) = (bitmap.width as u16, bitmap.height as u16);
            let composition = |state: u8, objects: &[u8]| {
                let mut p = Vec::new();
                p.extend(320u16.to_be_bytes());
                p.extend(240u16.to_be_bytes());
                p.push(0x10);
                p.extend((number as u16 * 2 + u16::from(objects.is_empty())).to_be_bytes());
                p.extend([state, 0, 0]);
                p.extend_from_slice(objects);
                p
            };
            let mut object = vec![1, 0, 0, 0, 0];
            object.extend(x.to_be_bytes());
            object.extend(y.to_be_bytes());
            let mut window = vec![1, 0];
            for v in [x, y, w, h] {
                window.extend(v.to_be_bytes());
            }
            segment(&mut out, start, 0x16, &composition(0x80, &object));
            segment(&mut out, start, 0x17, &window);
            let mut palette = vec![0, 0];
            for (i, &argb) in bitmap.palette.iter().enumerate() {
                palette.push(i as u8);
                palette.extend(ycbcr(argb));
            }
            segment(&mut out, start, 0x14, &palette);
            let mut rle = Vec::new();
            for line in bitmap.pixels.chunks(usize::from(w)) {
                rle_line(&mut rle, line);
            }
            let mut ods = vec![0, 0, 0, 0xc0];
            ods.extend(&((rle.len() + 4) as u32).to_be_bytes()[1..]);
            ods.extend(w.to_be_bytes());
            ods.extend(h.to_be_bytes());
            ods.extend(rle);
            segment(&mut out, start, 0x15, &ods);
            segment(&mut out, start, 0x80, &[]);
            // The clearing set: no object.
            segment(&mut out, end, 0x16, &composition(0x00, &[0]));
            segment(&mut out, end, 0x17, &window);
            segment(&mut out, end, 0x80, &[]);
        }
        out
    }
}

/// A SubRip file in Latin-1: without `--sub-charenc` the cue that is not UTF-8 is skipped, as
/// the CLI skips it; with it, the cue is converted as the CLI's `-sub_charenc` converts it
/// (where the build has iconv; 5.1 has).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn text_in_another_encoding_is_skipped_or_converted_as_the_cli_does() {
    let latin1 = media::source(
        "subs_latin1.srt",
        b"1\r\n00:00:01,000 --> 00:00:02,000\r\nCaf\xe9 cr\xe8me\r\n\r\n\
2\r\n00:00:03,000 --> 00:00:04,000\r\nplain\r\n",
    );
    let skipped = subdump(&latin1, &[]);
    assert_eq!(
        media::srt_cues(&skipped),
        media::srt_cues(&media::cli_srt(&latin1, 0))
    );
    assert_eq!(media::srt_cues(&skipped).len(), 1);

    let build = common::under_test();
    let converted = common::example_command("subdump", &build)
        .arg(&latin1)
        .args(["--sub-charenc", "latin1"])
        .output()
        .unwrap();
    if !converted.status.success() {
        let message = String::from_utf8_lossy(&converted.stderr);
        assert!(
            build.name != "5.1" && message.contains("avcodec_open2"),
            "{message}"
        );
        return;
    }
    let output = media::cli()
        .args(["-sub_charenc", "latin1", "-i"])
        .arg(&latin1)
        .args(["-f", "srt", "-"])
        .output()
        .unwrap();
    let ours = String::from_utf8(converted.stdout).unwrap();
    assert!(ours.contains("Café crème"), "{ours}");
    assert_eq!(
        media::srt_cues(&ours),
        media::srt_cues(&String::from_utf8(output.stdout).unwrap())
    );
}
