//! The `probe` example against `ffprobe -show_format -show_streams -of json`, field by field,
//! on clips of many containers and codecs. Where the build under test is ffprobe's own
//! library every field ffprobe prints must be printed, equal and in its place; elsewhere the
//! facts no release changes are compared.

mod common;
#[path = "../examples/common/ffprobe_json.rs"]
#[expect(
    dead_code,
    reason = "its frame writer is for `probe --frame-side-data` alone"
)]
mod ffprobe_json;

use std::path::Path;
use std::process::Command;

use common::media;
use ffmpeg_runtime::Library;
use ffmpeg_runtime::format::SideDataValue;
use serde_json::{Map, Value};

/// Facts of the file itself, the same whichever release reads it.
const STABLE: [&str; 14] = [
    "index",
    "has_b_frames",
    "codec_type",
    "codec_name",
    "codec_tag_string",
    "time_base",
    "width",
    "height",
    "sample_rate",
    "channels",
    "nb_streams",
    "filename",
    "format_name",
    "size",
];

fn clips() -> Vec<std::path::PathBuf> {
    let video = "testsrc2=size=176x144:rate=25:duration=1";
    let audio = "sine=duration=1:sample_rate=48000";
    let subtitles = media::media_dir().join("probe.srt");
    std::fs::write(&subtitles, "1\n00:00:00,000 --> 00:00:00,500\nhello\n").unwrap();
    let subtitles = subtitles.to_str().unwrap().to_owned();
    let font = media::source("probe_font.ttf", "not really a font");
    let h264 = media::generated(
        "probe_h264.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            video,
            "-f",
            "lavfi",
            "-i",
            audio,
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-metadata",
            "title=T",
            "-metadata:s:a",
            "language=eng",
        ],
    );
    let cover = media::generated(
        "probe_cover.png",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x64:duration=0.04",
            "-frames:v",
            "1",
        ],
    );
    vec![
        media::generated(
            "probe_tagged.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-f",
                "lavfi",
                "-i",
                "sine=duration=1,aformat=channel_layouts=5.1",
                "-i",
                &subtitles,
                "-map",
                "0",
                "-map",
                "1",
                "-map",
                "2",
                "-c:v",
                "mpeg4",
                "-aspect",
                "16:9",
                "-color_primaries",
                "bt709",
                "-color_trc",
                "bt709",
                "-colorspace",
                "bt709",
                "-color_range",
                "tv",
                "-c:a",
                "ac3",
                "-c:s",
                "subrip",
                "-disposition:s:0",
                "forced",
                "-metadata:s:s:0",
                "language=fre",
                "-metadata",
                "comment=C",
            ],
        ),
        media::generated(
            "probe_interlaced.mpg",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-vf",
                "setfield=tff",
                "-flags",
                "+ilme+ildct",
                "-top",
                "1",
                "-c:v",
                "mpeg2video",
            ],
        ),
        media::generated(
            "probe_programs.ts",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-f",
                "lavfi",
                "-i",
                audio,
                "-c:v",
                "mpeg2video",
                "-c:a",
                "mp2",
            ],
        ),
        // AAC's bit rate in MPEG-TS is estimated from the packets read while probing, which
        // depend on `scan_all_pmts` (set by ffprobe and the CLI for every input).
        media::generated(
            "probe_aac.ts",
            &[
                "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio, "-c:v", "libx264", "-c:a",
                "aac",
            ],
        ),
        media::generated(
            "probe_raw.avi",
            &[
                "-f", "lavfi", "-i", video, "-c:v", "rawvideo", "-pix_fmt", "yuv420p",
            ],
        ),
        media::generated("probe_pcm.wav", &["-f", "lavfi", "-i", audio, "-ac", "2"]),
        media::generated("probe.flac", &["-f", "lavfi", "-i", audio]),
        // Channels in an ambisonic order: ffprobe names the layout (`ambisonic 1`).
        media::ambisonic_opus(),
        media::generated(
            "probe_hevc.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-f",
                "lavfi",
                "-i",
                audio,
                "-c:v",
                "libx265",
                "-x265-params",
                "log-level=error",
                "-c:a",
                "libopus",
            ],
        ),
        media::generated(
            "probe_vp9.webm",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-f",
                "lavfi",
                "-i",
                audio,
                "-c:v",
                "libvpx-vp9",
            ],
        ),
        media::generated(
            "probe_prores.mov",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-c:v",
                "prores_ks",
                "-profile:v",
                "2",
            ],
        ),
        media::generated(
            "probe_cover.mp4",
            &[
                "-i",
                h264.to_str().unwrap(),
                "-i",
                cover.to_str().unwrap(),
                "-map",
                "0",
                "-map",
                "1",
                "-c",
                "copy",
                "-disposition:v:1",
                "attached_pic",
            ],
        ),
        media::generated(
            "probe.nut",
            &[
                "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio, "-c:v", "libx264",
            ],
        ),
        // A QuickTime timecode track: a data stream.
        media::generated(
            "probe_timecode.mov",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-c:v",
                "mpeg4",
                "-timecode",
                "01:00:00:00",
            ],
        ),
        media::generated(
            "probe_attachment.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                video,
                "-c:v",
                "libx264",
                "-attach",
                font.to_str().unwrap(),
                "-metadata:s:t",
                "mimetype=application/x-truetype-font",
            ],
        ),
        // A phone's turn and a camera's HDR, stereo and 360° metadata: side data.
        camera_clip(),
        // A phone's spatial video: boxes 5.1 does not read, which must change nothing.
        common::mp4::spatial_clip("probe"),
        // No stream and a duration of 0, which ffprobe prints.
        common::mp4::without_tracks("probe_nothing.mp4", &h264),
        h264,
    ]
}

/// An MP4 whose video carries six kinds of side data (see `common::mp4::camera_boxes`),
/// turned 90° by its track header.
fn camera_clip() -> std::path::PathBuf {
    common::mp4::camera_clip("probe")
}

fn json_of(command: &mut Command, what: &str) -> Value {
    serde_json::from_slice(&common::stdout_bytes_of(command, what)).unwrap()
}

/// The packets of Debian 5.1's `ffprobe -show_packets`.
fn ffprobe_packets(path: &Path) -> Vec<Value> {
    list_of(&ffprobe_sections(path, &["-show_packets"]), "packets")
}

/// Debian 5.1's ffprobe's JSON of `path`, with `sections` (`-show_frames`, …).
fn ffprobe_sections(path: &Path, sections: &[&str]) -> Value {
    let mut command = Command::new("ffprobe");
    command.args(["-v", "error", "-of", "json"]).args(sections);
    json_of(command.arg(path).env_remove("LD_LIBRARY_PATH"), "ffprobe")
}

/// The `probe` example's JSON of `path`, with `flags` (`--show-frames`, …).
fn probe_sections(build: &common::Build, path: &Path, flags: &[&str]) -> Value {
    let mut probe = common::probe_command(build);
    json_of(probe.arg(path).args(flags), "probe")
}

/// The entries of a JSON report's list `name` (none where it has no such list).
fn list_of(report: &Value, name: &str) -> Vec<Value> {
    report[name].as_array().cloned().unwrap_or_default()
}

/// Asserts `ours` equals `theirs` entry by entry, each entry's fields in ffprobe's order.
fn assert_same_entries(ours: &[Value], theirs: &[Value], at: &str) {
    assert_eq!(ours.len(), theirs.len(), "{at}");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for (n, (ours, theirs)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(ours, theirs, "{at}, entry {n}");
        assert_eq!(keys(ours), keys(theirs), "{at}, entry {n}");
    }
}

/// Compares one section: `ours` against ffprobe's `theirs`.
fn compare(ours: &Map<String, Value>, theirs: &Map<String, Value>, exact: bool, at: &str) {
    for (key, value) in ours {
        if !exact && !STABLE.contains(&key.as_str()) {
            continue;
        }
        let expected = theirs.get(key);
        match (value, expected) {
            (Value::Object(ours), Some(Value::Object(theirs))) => {
                compare(ours, theirs, exact, &format!("{at}.{key}"));
            }
            _ => assert_eq!(Some(value), expected, "{at}: {key}"),
        }
    }
    for key in theirs.keys() {
        // Elsewhere the facts no release changes must be printed too.
        if exact || STABLE.contains(&key.as_str()) {
            assert!(
                ours.contains_key(key),
                "{at}: ffprobe prints {key}, the example does not"
            );
        }
    }
    if exact {
        assert!(ours.keys().eq(theirs.keys()), "{at}: the fields' order");
    }
}

fn probe_matches_ffprobe(path: &Path, build: &common::Build, exact: bool) {
    let ours = json_of(common::probe_command(build).arg(path), "probe");
    let theirs = json_of(
        Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_format",
                "-show_streams",
                "-of",
                "json",
            ])
            .arg(path)
            .env_remove("LD_LIBRARY_PATH"),
        "ffprobe",
    );
    let name = path.file_name().unwrap().to_string_lossy();
    let (ours_streams, their_streams) = (
        ours["streams"].as_array().unwrap(),
        theirs["streams"].as_array().unwrap(),
    );
    assert_eq!(ours_streams.len(), their_streams.len(), "{name}");
    for (index, (a, b)) in ours_streams.iter().zip(their_streams).enumerate() {
        let at = format!("{name} stream {index}");
        compare(a.as_object().unwrap(), b.as_object().unwrap(), exact, &at);
    }
    let (a, b) = (ours["format"].as_object(), theirs["format"].as_object());
    compare(a.unwrap(), b.unwrap(), exact, &format!("{name} format"));
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn probe_prints_what_ffprobe_prints() {
    let build = common::under_test();
    let ffmpeg = build.load();
    // ffprobe is Debian's 5.1: every field is compared on that library.
    let exact = ffmpeg
        .library(Library::AvFormat)
        .expect("a required library")
        .version()
        .major
        == 59
        && build.dir.starts_with("/usr/lib");
    for clip in clips() {
        probe_matches_ffprobe(&clip, &build, exact);
    }
}

#[test]
fn probe_refuses_what_is_not_media() {
    let build = common::under_test();
    let junk = media::media_dir().join("probe_junk.bin");
    std::fs::write(&junk, [0x5au8; 4096]).unwrap();
    let output = common::probe_command(&build).arg(&junk).output().unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("probe_junk.bin"), "{message}");
}

/// On every build: a transport stream opened plainly reads as one opened with
/// `scan_all_pmts=1`, the option ffprobe and the CLI set, and not as one opened without it
/// (AAC's bit rate is estimated from the packets read while probing).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn transport_streams_open_as_the_cli_opens_them() {
    use ffmpeg_runtime::format::{Input, MediaType, UrlOptions};
    let ffmpeg = common::under_test().load();
    let clip = clips()
        .into_iter()
        .find(|c| c.ends_with("probe_aac.ts"))
        .unwrap();
    let path = clip.to_str().unwrap();
    let audio_rate = |input: Input| input.best_stream(MediaType::Audio).unwrap().bit_rate();
    let opened = |scan: &str| {
        let options = UrlOptions::new(&["file"]).option("scan_all_pmts", scan);
        audio_rate(Input::open_url(&ffmpeg, path, &options).unwrap())
    };
    let plain = audio_rate(Input::open(&ffmpeg, &clip).unwrap());
    assert_eq!(plain, opened("1"));
    assert_ne!(opened("1"), opened("0"), "the clip tells the two apart");
}

/// On every build: a camera's stream side data reads back as the camera wrote it, in the
/// demuxer's order (spherical before mastering display, not the kinds' numeric order).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn stream_side_data_reads_as_the_camera_wrote_it() {
    use ffmpeg_runtime::format::{DolbyVisionConfig, Input, MediaType, SideDataValue, Spherical};
    let ffmpeg = common::under_test().load();
    // 7.1 (libavutil 59.39) adds the record's metadata compression and the stereo camera.
    let avutil = ffmpeg.library(Library::AvUtil).unwrap().version();
    let from_7_1 = (avutil.major, avutil.minor) >= (59, 39);
    let input = Input::open(&ffmpeg, camera_clip()).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap();
    let entries = video.side_data();
    let mut values: Vec<SideDataValue> = entries.iter().map(|e| e.value()).collect();
    // 4.3 (libavformat 58.45) reads Dolby Vision records; 4.1 does not.
    let avformat = ffmpeg.library(Library::AvFormat).unwrap().version();
    if (avformat.major, avformat.minor) >= (58, 45) {
        let dolby_vision = DolbyVisionConfig {
            version: (1, 0),
            profile: 8,
            level: 4,
            rpu_present: true,
            el_present: false,
            bl_present: true,
            bl_signal_compatibility_id: 1,
            metadata_compression: from_7_1.then_some(0),
        };
        assert_eq!(values.remove(0), SideDataValue::DolbyVision(dolby_vision));
    }
    let SideDataValue::DisplayMatrix {
        matrix,
        counterclockwise,
    } = values.remove(0)
    else {
        panic!("a display matrix first: {entries:?}");
    };
    assert_eq!(matrix, [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30]);
    assert_eq!(counterclockwise.map(f64::round), Some(-90.0));
    // No camera box: the camera's fields as FFmpeg leaves them unset.
    let unset = common::mp4::unset_stereo_camera();
    let stereo = SideDataValue::Stereo3d {
        layout: "top and bottom".to_owned(),
        inverted: false,
        view: "packed".to_owned(),
        camera: from_7_1.then_some(unset),
    };
    assert_eq!(values.remove(0), stereo);
    let spherical = Spherical {
        projection: 2,
        projection_name: "tiled equirectangular".to_owned(),
        yaw: 90 << 16,
        pitch: -45 << 16,
        roll: 30 << 16 | 1 << 15,
        bounds: [1 << 30, 0, 1 << 30, 0],
        padding: 0,
    };
    // FFmpeg's own rounding, as ffprobe prints it.
    assert_eq!(spherical.tile_bounds(160, 96), Some([81, 0, 79, 0]));
    assert_eq!(values.remove(0), SideDataValue::Spherical(spherical));
    let [mastering, light] = common::mp4::camera_hdr10();
    assert_eq!(values.remove(0), mastering);
    assert_eq!(values, [light]);
    let names: Vec<_> = entries.iter().filter_map(|e| e.name()).collect();
    assert_eq!(names.len(), entries.len());
    assert!(names.contains(&"Content light level metadata".to_owned()));
}

/// On every build: an opened decoder reports what ffprobe prints from it. H.264 in MP4 is
/// length-prefixed (`is_avc`, 4-byte lengths) whichever way the release marks the values its
/// decoder exports (4.x by no option flags, later by `AV_OPT_FLAG_EXPORT`).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn decoders_report_what_ffprobe_prints_of_them() {
    use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
    use ffmpeg_runtime::format::{Input, MediaType};
    let ffmpeg = common::under_test().load();
    let input = Input::open(&ffmpeg, camera_clip()).unwrap();
    // On one thread, as ffprobe opens it: 4.x's frame threads keep the values to themselves.
    let one_thread = DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    };
    let decoder = Decoder::new(&input.best_stream(MediaType::Video).unwrap(), &one_thread).unwrap();
    let exported = decoder.exported_values();
    let value_of = |name: &str| {
        exported
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(value_of("is_avc"), Some("true"), "{exported:?}");
    assert_eq!(value_of("nal_length_size"), Some("4"), "{exported:?}");
    assert_eq!((decoder.coded_width(), decoder.coded_height()), (160, 96));
    assert_eq!(decoder.reference_frames(), 1);
    assert_eq!(decoder.max_bit_rate(), None);
    assert_eq!(decoder.bits_per_raw_sample(), Some(8));
    assert!(!decoder.has_closed_captions() && !decoder.has_film_grain());
}

/// On every build: decoders whose codec has no options of its own (PNG, ProRes, A-law PCM)
/// export nothing, and reading what they export reads no options. A first version read
/// options through such a codec's private data, whose first member is not a class, and the
/// process died (6 of 183 sweep files, PNG and ProRes in MOV among them).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn decoders_without_options_of_their_own_export_nothing() {
    use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
    use ffmpeg_runtime::format::Input;
    let ffmpeg = common::under_test().load();
    let video = "testsrc2=size=176x144:rate=25:duration=1";
    let audio = "sine=duration=1:sample_rate=8000";
    let clips = [
        media::generated(
            "probe_png_alaw.mov",
            &[
                "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio, "-c:v", "png", "-c:a",
                "pcm_alaw",
            ],
        ),
        media::generated(
            "probe_prores.mov",
            &["-f", "lavfi", "-i", video, "-c:v", "prores"],
        ),
    ];
    let one_thread = DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    };
    for clip in &clips {
        let input = Input::open(&ffmpeg, clip).unwrap();
        for stream in input.streams() {
            let decoder = Decoder::new(&stream, &one_thread).unwrap();
            assert_eq!(decoder.exported_values(), [], "{}", stream.codec_name());
        }
    }
}

/// Packets carry the side data ffprobe's `-show_packets` lists: the samples an Opus or AAC
/// stream drops at its start and end, the MPEG-TS stream id of PES packets. On every build
/// (from 4.3 for Ogg) an Ogg Opus's first packet drops the encoder's 312 samples of delay and
/// a TS's H.264 packets are marked with stream id 0xe0; on 5.1 every packet's list equals
/// ffprobe's.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn packets_carry_the_side_data_ffprobe_lists() {
    use ffmpeg_runtime::Packet;
    use ffmpeg_runtime::format::{Input, MediaType};
    let build = common::under_test();
    let ffmpeg = build.load();
    let exact = build.name == "5.1";
    let audio = "sine=duration=1:sample_rate=48000";
    let opus = media::generated(
        "probe_opus.ogg",
        &["-f", "lavfi", "-i", audio, "-c:a", "libopus"],
    );
    let transport = clips()
        .into_iter()
        .find(|c| c.ends_with("probe_aac.ts"))
        .unwrap();
    let aac = media::generated(
        "probe_aac.mp4",
        &["-f", "lavfi", "-i", audio, "-c:a", "aac"],
    );
    for path in [&opus, &transport, &aac] {
        let mut input = Input::open(&ffmpeg, path).unwrap();
        let video = input.best_stream(MediaType::Video).map(|s| s.index());
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let (mut lists, mut video_ids) = (Vec::new(), Vec::new());
        while input.read_packet(&mut packet).unwrap() {
            let entries = packet.side_data();
            let values: Vec<_> = entries.iter().map(|e| e.value()).collect();
            // 4.1's Ogg demuxer leaves the start to the decoder.
            if path == &opus && lists.is_empty() && build.name != "4.1" {
                let skip = SideDataValue::SkipSamples {
                    skip: 312,
                    discard_padding: 0,
                    skip_reason: 0,
                    discard_reason: 0,
                };
                assert_eq!(values, [skip], "the first Opus packet");
            }
            if Some(packet.stream_index()) == video {
                video_ids.extend(values.iter().filter_map(|v| match v {
                    SideDataValue::MpegTsStreamId(id) => Some(*id),
                    _ => None,
                }));
            }
            // As the probe example writes side data, for a packet (no picture size needed).
            let described: Vec<Value> = entries
                .iter()
                .map(|entry| ffprobe_json::side_data_entry(entry, (0, 0)))
                .collect();
            lists.push(described);
        }
        // The demuxer marks some of the PES packets of each stream (28 of 73 here on 5.1).
        if path == &transport {
            assert!(!video_ids.is_empty() && video_ids.iter().all(|&id| id == 0xe0));
        }
        if exact {
            let theirs: Vec<Vec<Value>> = ffprobe_packets(path)
                .iter()
                .map(|p| p["side_data_list"].as_array().cloned().unwrap_or_default())
                .collect();
            assert_eq!(lists, theirs, "{}", path.display());
        }
    }
}

/// `probe --show-packets` prints what `ffprobe -show_packets` prints, packet by packet, on
/// 5.1: Ogg Vorbis (whose first packet carries the stream's comments), Ogg Opus, an MP4 of
/// H.264 with B-frames and AAC, and an MPEG-TS. On every build, the Vorbis comments read back
/// from the first packet: as new tags for the stream until 8.0, as the packet's own tags
/// (which ffprobe prints as `tags`) from 8.1.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn show_packets_prints_what_ffprobe_prints() {
    let build = common::under_test();
    let audio = "sine=duration=1:sample_rate=48000";
    let vorbis = media::generated(
        "probe_vorbis.ogg",
        &["-f", "lavfi", "-i", audio, "-c:a", "libvorbis"],
    );
    let opus = media::generated(
        "probe_opus.ogg",
        &["-f", "lavfi", "-i", audio, "-c:a", "libopus"],
    );
    let mut files = clips();
    files.retain(|c| c.ends_with("probe_aac.ts") || c.ends_with("probe_h264.mp4"));
    files.extend([vorbis.clone(), opus]);
    let packets_of = |path: &Path| {
        list_of(
            &probe_sections(&build, path, &["--show-packets"]),
            "packets",
        )
    };
    let first = &packets_of(&vorbis)[0];
    // From 8.1 (libavcodec 62.28 ships with it) the Ogg demuxer gives them as the packet's.
    let own_tags = build.avcodec >= semver::Version::new(62, 28, 0);
    let comments = first.get("tags").map(|tags| tags["encoder"].as_str());
    assert_eq!(comments.is_some(), own_tags, "{first}");
    let ffmpeg = build.load();
    let mut input = ffmpeg_runtime::format::Input::open(&ffmpeg, &vorbis).unwrap();
    let mut packet = ffmpeg_runtime::Packet::new(&ffmpeg).unwrap();
    assert!(input.read_packet(&mut packet).unwrap());
    let pairs = packet
        .side_data()
        .iter()
        .find_map(|entry| match entry.value() {
            SideDataValue::StringsMetadata(pairs) | SideDataValue::MetadataUpdate(pairs) => {
                Some(pairs)
            }
            _ => None,
        });
    let pairs = pairs.expect("the first packet's comments");
    let encoder = pairs
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("encoder"))
        .map(|(_, v)| v);
    let encoder = encoder.unwrap_or_else(|| panic!("{pairs:?} {first}"));
    assert!(encoder.starts_with("Lavc"), "{pairs:?} {first}");
    if let Some(comments) = comments {
        assert_eq!(comments, Some(encoder.as_str()));
    }
    if build.name != "5.1" {
        return; // ffprobe is Debian's 5.1
    }
    for path in &files {
        let at = format!("{} packets", path.display());
        assert_same_entries(&packets_of(path), &ffprobe_packets(path), &at);
    }
}

/// `probe --show-frames` prints what `ffprobe -show_frames` prints, frame by frame, on 5.1:
/// pictures with their packet, format, aspect, picture type, field order and colours (MPEG-4
/// in Matroska, interlaced MPEG-2, H.264 with B-frames), audio blocks with their layout,
/// subtitles, HDR10 side data and a PNG's text as the frame's tags. On every build a frame
/// carries its tags and its packet's position and size, and picture numbers where the
/// release keeps them.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn show_frames_prints_what_ffprobe_prints() {
    use common::side_data_media::{hdr10_hevc, png_with_text};
    let build = common::under_test();
    let frames_of =
        |path: &Path| list_of(&probe_sections(&build, path, &["--show-frames"]), "frames");
    let text = png_with_text("Comment", "made by a test");
    let picture = &frames_of(&text)[0];
    assert_eq!(picture["tags"]["Comment"], "made by a test", "{picture}");
    // Picture numbers went with 7.0 (libavcodec 61); the packet's position and size left
    // the frames with 8.0 (62), and the decoder hands them over itself.
    let numbered = build.avcodec < semver::Version::new(61, 0, 0);
    assert_eq!(picture.get("coded_picture_number").is_some(), numbered);
    assert_eq!(picture["pkt_pos"], "0", "{picture}");
    let size = std::fs::metadata(&text).unwrap().len().to_string();
    assert_eq!(picture["pkt_size"], size.as_str(), "{picture}");
    if build.name != "5.1" {
        return; // ffprobe is Debian's 5.1
    }
    let mut files = clips();
    // The RPU as 5.x reads it, without the NLQ pivots.
    let dolby_vision = common::dolby_vision_media::dolby_vision_hevc(false);
    let vivid = common::hdr_vivid_media::hdr_vivid_hevc();
    files.extend([hdr10_hevc(), dolby_vision, vivid, text]);
    for path in &files {
        let theirs = list_of(&ffprobe_sections(path, &["-show_frames"]), "frames");
        assert_same_entries(
            &frames_of(path),
            &theirs,
            &format!("{} frames", path.display()),
        );
    }
    // Both: each packet, then the frames decoded from it (the Matroska file has subtitles).
    let tagged = files
        .iter()
        .find(|f| f.ends_with("probe_tagged.mkv"))
        .unwrap();
    let ours = probe_sections(&build, tagged, &["--show-packets", "--show-frames"]);
    let theirs = ffprobe_sections(tagged, &["-show_packets", "-show_frames"]);
    let ours = list_of(&ours, "packets_and_frames");
    assert_same_entries(&ours, &list_of(&theirs, "packets_and_frames"), "both");
    assert!(ours.len() > 50);
}

/// `probe --show-chapters` prints what `ffprobe -show_chapters` prints, on 5.1: ids (MP4
/// counts from 0), time bases, times and every tag. On every build the chapters read back
/// with their ids and tags.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn show_chapters_prints_what_ffprobe_prints() {
    let build = common::under_test();
    let chapters = media::media_dir().join("probe_chapters.txt");
    std::fs::write(
        &chapters,
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=400\ntitle=Opening\n\
         artist=Someone\n[CHAPTER]\nTIMEBASE=1/90000\nSTART=36000\nEND=90000\n",
    )
    .unwrap();
    let chapters = chapters.to_str().unwrap();
    let args = |format| {
        let video = [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:duration=1",
            "-i",
            chapters,
        ];
        let rest = [
            "-map",
            "0",
            "-map_chapters",
            "1",
            "-c:v",
            "mpeg4",
            "-f",
            format,
        ];
        [&video[..], &rest].concat()
    };
    let files = [
        media::generated("probe_chapters.nut", &args("nut")),
        media::generated("probe_chapters.mp4", &args("mp4")),
        media::generated("probe_chapters.mkv", &args("matroska")),
    ];
    let ffmpeg = build.load();
    let read = ffmpeg_runtime::format::Input::open(&ffmpeg, &files[0])
        .unwrap()
        .chapters();
    assert_eq!(read.len(), 2);
    let tags = [("title", "Opening"), ("artist", "Someone")].map(|(k, v)| (k.into(), v.into()));
    assert_eq!((read[0].id, &read[0].metadata[..]), (1, &tags[..]));
    assert_eq!(read[1].title, None);
    if build.name != "5.1" {
        return; // ffprobe is Debian's 5.1
    }
    for path in &files {
        let ours = list_of(
            &probe_sections(&build, path, &["--show-chapters"]),
            "chapters",
        );
        let theirs = list_of(&ffprobe_sections(path, &["-show_chapters"]), "chapters");
        assert_same_entries(&ours, &theirs, &format!("{} chapters", path.display()));
    }
}

/// A reader that stops reading (`probe … | head`) ends the example quietly, as it ends
/// ffprobe: it had panicked on the broken pipe (exit status 101).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_reader_that_stops_reading_ends_probe_quietly() {
    use std::process::Stdio;
    let build = common::under_test();
    // Far more JSON than a pipe holds.
    let long = media::generated(
        "probe_long.ogg",
        &["-f", "lavfi", "-i", "sine=duration=20", "-c:a", "libvorbis"],
    );
    let mut probe = common::probe_command(&build);
    probe.arg(&long).args(["--show-packets", "--show-frames"]);
    let mut child = probe
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let ended = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&ended.stderr);
    assert!(ended.status.success(), "{:?}: {stderr}", ended.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A FLIC file whose header states a depth of 255 bits: the demuxer opens it, the decoder
/// refuses it. Probing it with `sections` (none: the streams) gives `probe`'s output.
fn probe_of_undecodable_flic(build: &common::Build, sections: &[&str]) -> std::process::Output {
    let mut bytes = vec![0u8; 128];
    bytes[0..4].copy_from_slice(&144u32.to_le_bytes());
    bytes[4..6].copy_from_slice(&0xaf12u16.to_le_bytes()); // FLC
    bytes[6..8].copy_from_slice(&1u16.to_le_bytes()); // frames
    bytes[8..10].copy_from_slice(&16u16.to_le_bytes()); // width
    bytes[10..12].copy_from_slice(&16u16.to_le_bytes()); // height
    bytes[12..14].copy_from_slice(&255u16.to_le_bytes()); // depth
    // One empty frame chunk.
    bytes.extend(16u32.to_le_bytes());
    bytes.extend(0xf1fau16.to_le_bytes());
    bytes.extend([0u8; 10]);
    let path = media::media_dir().join("probe_depth_255.flc");
    media::write_whole(&path, bytes);
    common::probe_command(build)
        .arg(&path)
        .args(sections)
        .output()
        .unwrap()
}

/// On every build: where a decoder the loaded FFmpeg has will not open, `probe` fails and
/// prints nothing, whatever it is asked, as ffprobe exits with "Could not open codec"
/// before it prints a section (Pillow's damaged FLIC samples; `probe` had printed them).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn probe_fails_as_ffprobe_where_a_decoder_will_not_open() {
    use ffmpeg_runtime::codec::Codec;
    let build = common::under_test();
    let ffmpeg = build.load();
    if Codec::decoder_named(&ffmpeg, "flic").is_err() {
        return;
    }
    for sections in [
        &[][..],
        &["--show-packets"],
        &["--show-frames"],
        &["--show-chapters"],
    ] {
        let output = probe_of_undecodable_flic(&build, sections);
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{sections:?}: {message}");
        assert!(output.stdout.is_empty(), "{sections:?}");
        assert!(
            message.contains("Could not open codec for input stream 0"),
            "{sections:?}: {message}"
        );
    }
    if ffmpeg.family().ffmpeg_major() == 5 {
        let path = media::media_dir().join("probe_depth_255.flc");
        let status = Command::new("ffprobe")
            .args(["-v", "quiet", "-show_streams"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(!status.success(), "ffprobe opened what the decoder refuses");
    }
}

/// `probe --count-frames --count-packets` counts as `ffprobe -count_frames -count_packets`:
/// on every build, each stream's `nb_read_packets` is the packets `--show-packets` lists of
/// it and its `nb_read_frames` the frames and subtitles `--show-frames` lists; on 5.1 the
/// whole report is ffprobe's, with either flag alone too.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn counting_prints_what_ffprobe_counts() {
    let build = common::under_test();
    let counted = ["--count-frames", "--count-packets"];
    for clip in clips() {
        let ours = probe_sections(&build, &clip, &counted);
        let name = clip.file_name().unwrap().to_string_lossy().into_owned();
        // Each list is made once per clip (probe decodes the whole clip for it).
        let packets = list_of(
            &probe_sections(&build, &clip, &["--show-packets"]),
            "packets",
        );
        let frames = list_of(&probe_sections(&build, &clip, &["--show-frames"]), "frames");
        let listed = |entries: &[Value], stream: usize, is_subtitle: bool| {
            // Subtitles, listed among the frames, name no stream: a stream of them has them.
            match is_subtitle {
                true => entries
                    .iter()
                    .filter(|e| e["media_type"] == "subtitle")
                    .count(),
                false => entries
                    .iter()
                    .filter(|e| e["stream_index"] == stream)
                    .count(),
            }
        };
        for (index, stream) in list_of(&ours, "streams").iter().enumerate() {
            let is_subtitle = stream["codec_type"] == "subtitle";
            for (key, count) in [
                ("nb_read_packets", listed(&packets, index, false)),
                ("nb_read_frames", listed(&frames, index, is_subtitle)),
            ] {
                let expected = (count > 0).then(|| Value::from(count.to_string()));
                assert_eq!(
                    stream.get(key),
                    expected.as_ref(),
                    "{name} stream {index} {key}"
                );
            }
        }
        if build.name != "5.1" {
            continue; // ffprobe is Debian's 5.1
        }
        for (ours_flags, theirs_flag) in [
            (&counted[..], &["-count_frames", "-count_packets"][..]),
            (&counted[..1], &["-count_frames"][..]),
            (&counted[1..], &["-count_packets"][..]),
        ] {
            let ours = probe_sections(&build, &clip, ours_flags);
            let mut sections = vec!["-show_format", "-show_streams"];
            sections.extend(theirs_flag);
            let theirs = ffprobe_sections(&clip, &sections);
            let at = format!("{name} {ours_flags:?}");
            let (ours, theirs) = (list_of(&ours, "streams"), list_of(&theirs, "streams"));
            assert_same_entries(&ours, &theirs, &at);
        }
    }
}

/// By default `probe` prints the loaded release's ffprobe's fields: 6.1 added audio's
/// `initial_padding`, the demuxer's exported values (MPEG-TS's `ts_packetsize`), a packet's
/// third flag and a frame's `duration` and `crop_*`; 7.0 the container's `nb_stream_groups`
/// and dropped a frame's `pkt_duration`; 8.0 dropped `closed_captions` and `film_grain`; 8.1
/// added `mime_codec_string` and a picture's `alpha_mode` (8.0 its `lossless`), and prints `refs`
/// only when frames are read. `--fields 5.1` keeps 5.1's set on every release.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_loaded_releases_ffprobe_fields_are_printed_by_default() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let clip = media::generated(
        "probe_fields.ts",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.4",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=0.4",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
        ],
    );
    let own = |flags: &[&str]| {
        let mut probe = common::example_command("probe", &build);
        json_of(probe.arg(&clip).args(flags), "probe")
    };
    let since = |version| ffmpeg.library_is_at_least(Library::AvCodec, version);
    let (since_6_1, since_8_1) = (since((60, 31)), since((62, 28)));
    let major = ffmpeg.family().ffmpeg_major();

    let report = own(&[]);
    let streams = list_of(&report, "streams");
    let (video, audio) = (&streams[0], &streams[1]);
    assert_eq!(audio.get("initial_padding").is_some(), since_6_1);
    assert_eq!(video["ts_packetsize"] == "188", since_6_1, "{video}");
    assert_eq!(
        report["format"].get("nb_stream_groups").is_some(),
        major >= 7
    );
    assert_eq!(video.get("closed_captions").is_some(), major < 8);
    assert_eq!(video.get("refs").is_some(), !since_8_1);
    let mime = video["mime_codec_string"].as_str();
    assert_eq!(
        mime.is_some_and(|m| m.starts_with("avc1.")),
        since_8_1,
        "{video}"
    );
    assert_eq!(
        audio["mime_codec_string"] == "mp4a.40.2",
        since_8_1,
        "{audio}"
    );
    let counted = list_of(&own(&["--count-frames"]), "streams");
    assert!(counted[0].get("refs").is_some(), "read frames give refs");
    let old = probe_sections(&build, &clip, &[]);
    if major == 5 {
        assert_eq!(report, old, "5.1's own set");
    }
    let old_video = &list_of(&old, "streams")[0];
    assert!(
        old_video.get("closed_captions").is_some() && old_video.get("mime_codec_string").is_none()
    );

    let packets = list_of(&own(&["--show-packets"]), "packets");
    let flags = packets[0]["flags"].as_str().unwrap();
    assert_eq!(flags.len(), if since_6_1 { 3 } else { 2 }, "{flags}");
    let frames = list_of(&own(&["--show-frames"]), "frames");
    let picture = frames.iter().find(|f| f["media_type"] == "video").unwrap();
    assert_eq!(picture.get("duration").is_some(), since_6_1, "{picture}");
    assert_eq!(picture.get("crop_top").is_some(), since_6_1, "{picture}");
    assert_eq!(
        picture.get("pkt_duration").is_some(),
        major < 7,
        "{picture}"
    );
    assert_eq!(picture.get("lossless").is_some(), major >= 8, "{picture}");
    // From 8.1 the PNG decoder states its alpha straight.
    let rgba = media::png_picture("rgba");
    let mut probe = common::example_command("probe", &build);
    let frames = list_of(
        &json_of(probe.arg(&rgba).arg("--show-frames"), "probe"),
        "frames",
    );
    let stated = frames[0]["alpha_mode"] == "straight";
    assert_eq!(stated, since_8_1, "{}", frames[0]);
}

/// ffprobe before 9.0 flushed its decoders after reading frames, and 8.x's AC-3 decoder then
/// forgets the mix levels it exports: counted, an AC-3 stream shows them 0 under 8.0's and
/// 8.1's ffprobe and as decoded under 9.0's (and under 5.1's to 7.1's, whose decoder keeps
/// them through a flush); `probe` now shows what the loaded release's ffprobe shows.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn counted_streams_show_what_the_releases_flushed_decoders_keep() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let clip = media::generated(
        "probe_surround.ac3",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=0.5,pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0",
            "-c:a",
            "ac3",
        ],
    );
    let report = probe_sections(&build, &clip, &["--count-frames"]);
    let stream = &list_of(&report, "streams")[0];
    let Some(level) = stream["loro_cmixlev"].as_str() else {
        return; // 4.x's decoder exports none
    };
    let major = ffmpeg.family().ffmpeg_major();
    assert_eq!(level == "0.000000", major == 8, "{stream}");
}
