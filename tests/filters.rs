//! Filter graphs against the ffmpeg CLI (Debian's 5.1, on every build of the matrix):
//! `framehash --vf/--af` equals `ffmpeg -i IN -vf/-af GRAPH -f framemd5 -` frame for frame,
//! timestamps included; a size change mid-stream is rebuilt as the CLI rebuilds; graphs of
//! several inputs through the API equal the CLI's `-filter_complex`; bad graphs are typed
//! errors. A build without libavfilter (4.4) refuses every graph with `LibraryMissing`.

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::filter::{
    AudioInput, FilterGraph, FilterInput, FilterOptions, NegotiatedColor, VideoInput,
};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Error, Ffmpeg, FilterError, Frame, Library, Packet, Range, Rational};
use md5::{Digest, Md5};

/// 2 s of 320x240 H.264 at 25 fps with a stereo PCM tone (decoded bit-exactly by every
/// release), in Matroska (millisecond timestamps, which the CLI times audio across).
fn clip() -> PathBuf {
    media::generated(
        "filters.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=2,aformat=channel_layouts=stereo",
            "-c:v",
            "libx264",
            "-c:a",
            "pcm_s16le",
        ],
    )
}

/// A second picture source for two-input graphs: 160x120 MPEG-4 at 25 fps.
fn logo() -> PathBuf {
    media::generated(
        "filters_logo.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=1000:sample_rate=44100:duration=1.5,aformat=channel_layouts=stereo",
            "-c:v",
            "mpeg4",
            "-c:a",
            "pcm_s16le",
        ],
    )
}

fn size_change() -> PathBuf {
    let clip = media::CLIPS
        .iter()
        .find(|clip| clip.name == "size_change.ts")
        .expect("the corpus has a size change");
    media::path(clip)
}

/// `(pts, md5)` of every frame the CLI writes for `args` (its framemd5 lines).
fn cli_framemd5(input: &Path, args: &[&str]) -> Vec<(String, String)> {
    media::cli_pts_and_md5(input, &[], args)
}

/// `(pts, md5)` of every frame framehash prints for `args`.
fn framehash(input: &Path, args: &[&str]) -> Vec<(String, String)> {
    media::framehash_pts_and_md5(input, args)
}

fn has_filters(ffmpeg: &Ffmpeg) -> bool {
    ffmpeg.library(Library::AvFilter).is_some()
}

/// The CLI's own library decides how `setpts` output is timed for `framemd5`; libavfilter 10
/// (7.0, 7.1) gives its output another frame rate than 5.1 does, so there every frame is
/// compared without the CLI's dropping.
fn same_timing_as_the_cli(ffmpeg: &Ffmpeg) -> bool {
    ffmpeg.family().major(Library::AvFilter) != 10
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn video_filters_equal_the_cli_frame_for_frame() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let clip = clip();
    for graph in [
        "scale=320:-2",
        "scale=160:120",
        "fps=10",
        "crop=iw/2:ih/2",
        "format=gray",
        "transpose=1",
        "split[a][b];[b]hflip[c];[a][c]overlay",
        "fps=7,scale=100:-2",
        "hflip,vflip,pad=400:300:40:30",
        "vflip",
        "format=rgb24,vflip",
    ] {
        let expected = cli_framemd5(&clip, &["-map", "0:v:0", "-vf", graph]);
        assert!(!expected.is_empty(), "{graph}");
        assert_eq!(framehash(&clip, &["--vf", graph]), expected, "{graph}");
    }
    let speed_up = "setpts=0.5*PTS";
    if same_timing_as_the_cli(&ffmpeg) {
        let expected = cli_framemd5(&clip, &["-map", "0:v:0", "-vf", speed_up]);
        assert_eq!(framehash(&clip, &["--vf", speed_up]), expected);
    }
    let every = ["-map", "0:v:0", "-vf", speed_up, "-fps_mode", "passthrough"];
    let expected: Vec<String> = cli_framemd5(&clip, &every)
        .into_iter()
        .map(|f| f.1)
        .collect();
    let ours: Vec<String> = framehash(&clip, &["--vf", speed_up, "--fps-mode", "passthrough"])
        .into_iter()
        .map(|f| f.1)
        .collect();
    assert_eq!(ours, expected);
}

/// `--fps-mode cfr` gives one picture per frame interval as the CLI's `-fps_mode cfr` does:
/// the last picture copied into gaps, pictures beyond an interval's dropped, through graphs
/// that keep or change the rate (`setpts` where its output has 5.1's rate); and without a graph, where the CLI trusts each picture's
/// own duration (compared up to 7.1: decoders since 8.0 state the durations otherwise than
/// 5.1's, which the installed CLI sees), from the file's start as the CLI counts.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_constant_rate_is_made_as_the_clis_cfr_makes_it() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let variable = media::variable_rate_mp4();
    for graph in ["null", "fps=10", "setpts=0.8*PTS"] {
        if graph.starts_with("setpts") && !same_timing_as_the_cli(&ffmpeg) {
            continue;
        }
        let expected = cli_framemd5(&variable, &["-vf", graph, "-fps_mode", "cfr"]);
        assert!(expected.len() >= 40, "{graph}: {}", expected.len());
        let ours = framehash(&variable, &["--vf", graph, "--fps-mode", "cfr"]);
        assert_eq!(ours, expected, "{graph}");
    }
    if ffmpeg.family().major(Library::AvCodec) <= 61 {
        for clip in [variable, clip()] {
            let expected = cli_framemd5(&clip, &["-map", "0:v:0", "-fps_mode", "cfr"]);
            let ours = framehash(&clip, &["--fps-mode", "cfr"]);
            assert_eq!(ours, expected, "{}", clip.display());
        }
    }
}

/// A container that states another pixel shape than the codec's (Matroska's display size,
/// MP4's `pasp`, here both set by `-aspect` on a copy): the graph sees the container's, as
/// the CLI gives it to every picture, so `scale=iw*sar:ih` widens the pictures alike.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_pixel_shape_the_container_states_is_the_graphs_as_the_cli_gives_it() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let clip = clip();
    let clip_path = clip.to_str().unwrap();
    for name in ["filters_aspect.mkv", "filters_aspect.mp4"] {
        let copy = ["-i", clip_path, "-map", "0:v", "-c", "copy", "-t", "0.4"];
        let stated = media::generated(name, &[&copy[..], &["-aspect", "16:9"]].concat());
        let input = Input::open(&ffmpeg, &stated).unwrap();
        let video = input.best_stream(MediaType::Video).unwrap();
        assert_eq!(
            video.container_aspect_ratio(),
            Some(Rational::new(4, 3)),
            "{name}"
        );
        drop(input);
        for graph in ["scale=iw*sar:ih", "setsar=sar*2,scale=iw*sar:ih"] {
            let expected = cli_framemd5(&stated, &["-map", "0:v:0", "-vf", graph]);
            assert!(!expected.is_empty(), "{name} {graph}");
            assert_eq!(
                framehash(&stated, &["--vf", graph]),
                expected,
                "{name} {graph}"
            );
        }
    }
    // MPEG-TS has no place for it.
    let unstated = Input::open(&ffmpeg, size_change()).unwrap();
    let video = unstated.best_stream(MediaType::Video).unwrap();
    assert_eq!(video.container_aspect_ratio(), None, "MPEG-TS");
}

/// A picture's shape set by the caller is what a graph built from the picture takes; `None`
/// or a shape that is not positive leaves it unknown.
#[test]
fn a_pictures_shape_is_set_and_cleared_by_the_caller() {
    let ffmpeg = common::under_test().load();
    let mut frame = Frame::video(&ffmpeg, 16, 16, "yuv420p").unwrap();
    assert_eq!(frame.sample_aspect_ratio(), None);
    frame.set_sample_aspect_ratio(Some(Rational::new(16, 11)));
    assert_eq!(frame.sample_aspect_ratio(), Some(Rational::new(16, 11)));
    let input = FilterInput::from_frame(&frame, Rational::new(1, 25)).unwrap();
    let FilterInput::Video(video) = input else {
        panic!("a picture's input is video");
    };
    assert_eq!(video.sample_aspect_ratio, Rational::new(16, 11));
    for unknown in [None, Some(Rational::new(-4, 3)), Some(Rational::new(1, 0))] {
        frame.set_sample_aspect_ratio(Some(Rational::new(4, 3)));
        frame.set_sample_aspect_ratio(unknown);
        assert_eq!(frame.sample_aspect_ratio(), None, "{unknown:?}");
    }
}

/// From 7.0 a graph's output states the matrix and range libavfilter settled on: those the
/// input states stay; an unstated range stays unstated, but becomes limited from 7.1 where
/// the graph asks for limited (`format`'s `color_ranges`, as the CLI ends a graph for MPEG's
/// encoders). Before 7.0, whose libavfilter negotiates no colour, none is stated.
#[test]
fn a_graphs_output_states_the_colours_libavfilter_settled_on() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let yuv420p = ffmpeg.pixel_format("yuv420p").unwrap();
    let unstated = VideoInput::new(16, 16, yuv420p, Rational::new(1, 25));
    let stated = VideoInput {
        color_matrix: Some("bt709".into()),
        color_range: Some(Range::Full),
        ..unstated.clone()
    };
    let settled = |description: &str, input: &VideoInput| {
        let input = FilterInput::Video(input.clone());
        let graph = FilterGraph::simple(&ffmpeg, description, input).unwrap();
        graph.output(0).unwrap().negotiated_color
    };
    let avfilter = ffmpeg.library(Library::AvFilter).unwrap().version();
    if avfilter.major < 10 {
        assert_eq!(settled("null", &stated), None);
        return;
    }
    let full_709 = NegotiatedColor {
        matrix: Some("bt709".into()),
        range: Some(Range::Full),
    };
    assert_eq!(settled("null", &stated), Some(full_709));
    assert_eq!(settled("null", &unstated), Some(NegotiatedColor::default()));
    if (avfilter.major, avfilter.minor) >= (10, 4) {
        let limited = settled("format=pix_fmts=yuv420p:color_ranges=tv", &unstated);
        assert_eq!(limited.and_then(|color| color.range), Some(Range::Limited));
    }
}

/// A graph lists the filters it runs: those described, its source and sink, and the `scale`
/// libavfilter inserts where the pictures must be converted (none where they need not).
#[test]
fn a_graph_lists_the_filters_it_runs_with_those_libavfilter_inserted() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let yuv420p = ffmpeg.pixel_format("yuv420p").unwrap();
    let input = FilterInput::Video(VideoInput::new(16, 16, yuv420p, Rational::new(1, 25)));
    let sorted = |description: &str| {
        let graph = FilterGraph::simple(&ffmpeg, description, input.clone()).unwrap();
        let mut filters = graph.filters();
        filters.sort();
        filters
    };
    assert_eq!(sorted("null"), ["buffer", "buffersink", "null"]);
    assert_eq!(
        sorted("null,format=pix_fmts=gray"),
        ["buffer", "buffersink", "format", "null", "scale"]
    );
}

/// A graph rebuilt for pictures of a new size keeps the shape the container states, as the
/// CLI gives it to every picture: the rebuilt graph had taken the codec's 1:1, so the
/// pictures after the change were not widened.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_graph_rebuilt_for_a_new_size_keeps_the_shape_the_container_states() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    for container in ["mkv", "mp4"] {
        let stated = media::size_change_stating_a_shape(container);
        // The output keeps the first graph's size: what the shape changes after the size
        // change is what is cropped, and so the pictures' hashes.
        for graph in [
            "scale=iw*sar:ih,crop=96:64:0:0",
            "setsar=sar*2,scale=iw*sar:ih",
        ] {
            let expected = cli_framemd5(&stated, &["-map", "0:v:0", "-vf", graph]);
            assert_eq!(expected.len(), 50, "{container} {graph}");
            assert_eq!(
                framehash(&stated, &["--vf", graph]),
                expected,
                "{container} {graph}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_meant_to_be_turned_are_turned_first_as_the_cli_does() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    for degrees in [90, 180, 270] {
        let clip = media::turned_mp4(&format!("filters_turned_{degrees}.mp4"), degrees);
        let turn = media::turn_of(&ffmpeg, &clip);
        assert_eq!(turn, Some(degrees as i32), "the clip is turned");
        let expected = cli_framemd5(&clip, &["-map", "0:v:0", "-vf", "scale=80:-2"]);
        assert_eq!(
            framehash(&clip, &["--vf", "scale=80:-2"]),
            expected,
            "{degrees}"
        );
        // Without `--vf` too, as the CLI turns them without `-vf` (timed as decoded).
        assert_eq!(
            md5s(framehash(&clip, &[])),
            md5s(cli_framemd5(&clip, &["-map", "0:v:0"])),
            "{degrees} without --vf"
        );
        // (The pictures' own hashes: under an emulator the comparable ones are masked.)
        let hashes = |args: &[&str]| -> Vec<String> {
            let frames = media::framehash_fields(&clip, args).into_iter();
            frames.map(|fields| fields[4].clone()).collect()
        };
        assert_ne!(
            hashes(&["--noautorotate"]),
            hashes(&[]),
            "{degrees} left as stored"
        );
    }
}

/// The MD5s of `(pts, md5)` frames.
fn md5s(frames: Vec<(String, String)>) -> Vec<String> {
    frames.into_iter().map(|(_, md5)| md5).collect()
}

/// A JPEG of EXIF orientation `orientation`: one 64x48 picture, the orientation in an APP1
/// segment after the start of the image, where cameras write it.
fn jpeg_of_orientation(orientation: u16) -> PathBuf {
    let path = media::media_dir().join(format!("filters_exif_{orientation}.jpg"));
    if !path.exists() {
        let plain = media::generated(
            "filters_exif_plain.jpg",
            &["-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1"],
        );
        let picture = std::fs::read(plain).unwrap();
        // A little-endian TIFF header, then one IFD of one entry: Orientation, a SHORT.
        let mut exif = b"Exif\0\0II*\0".to_vec();
        exif.extend(8u32.to_le_bytes());
        exif.extend(1u16.to_le_bytes());
        exif.extend([0x12, 0x01, 3, 0]);
        exif.extend(1u32.to_le_bytes());
        exif.extend(u32::from(orientation).to_le_bytes());
        exif.extend(0u32.to_le_bytes());
        let mut bytes = picture[..2].to_vec();
        bytes.extend([0xff, 0xe1]);
        bytes.extend((exif.len() as u16 + 2).to_be_bytes());
        bytes.extend(exif);
        bytes.extend(&picture[2..]);
        media::write_whole(&path, bytes);
    }
    path
}

/// Each of EXIF's eight orientations of a JPEG, which the decoder gives as a display matrix
/// of the picture (the stream has none), is turned and mirrored upright as the 5.1 CLI
/// turns it. `framehash` had turned by the stream's matrix alone, so left every one as
/// stored (7 of Pillow's 8 samples differed from the CLI); and had no filters for a matrix
/// that mirrors.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_are_turned_by_their_own_display_matrix_as_the_cli_turns_them() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let mut turned = Vec::new();
    for orientation in 1..=8 {
        let path = jpeg_of_orientation(orientation);
        let picture = media::first_frame(&ffmpeg, &path);
        let hashes = framehash(&path, &["--vf", "null"]);
        // The pictures' own hashes (under the emulator `framehash` gives no comparable ones).
        turned.push(media::framehash_fields(&path, &["--vf", "null"]));
        if picture.display_matrix().is_none() {
            // A release whose decoder reads no orientation: shown as stored.
            assert_eq!(
                hashes,
                framehash(&path, &["--vf", "null", "--noautorotate"])
            );
            continue;
        }
        let expected = cli_framemd5(&path, &["-vf", "null"]);
        assert_eq!(hashes, expected, "orientation {orientation}");
        // Without `--vf` too, as the CLI turns them without `-vf`.
        assert_eq!(
            framehash(&path, &[]),
            cli_framemd5(&path, &[]),
            "{orientation}"
        );
    }
    if media::first_frame(&ffmpeg, &jpeg_of_orientation(2))
        .display_matrix()
        .is_some()
    {
        turned.dedup();
        assert_eq!(turned.len(), 8, "each orientation shows otherwise");
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_size_change_mid_stream_rebuilds_the_graph_as_the_cli_does() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let clip = size_change();
    // The first graph's output size is kept (scaled to) after the change, as the CLI keeps
    // its encoder's; `scale=W:H` gives one size throughout anyway.
    for graph in [
        "scale=320:240",
        "null",
        "crop=64:48",
        "fps=10",
        "scale=160:-2",
    ] {
        let expected = cli_framemd5(&clip, &["-map", "0:v:0", "-vf", graph]);
        assert_eq!(framehash(&clip, &["--vf", graph]), expected, "{graph}");
    }
    // Without `--vf` too, as the CLI's graph without `-vf` scales them (timed as decoded),
    // and from a seek, which claims the CLI's times.
    let cli = md5s(cli_framemd5(&clip, &["-map", "0:v:0"]));
    assert_eq!(md5s(framehash(&clip, &[])), cli, "without --vf");
    let sought = media::cli_pts_and_md5(&clip, &["-ss", "0.5"], &["-map", "0:v:0"]);
    assert_eq!(framehash(&clip, &["--seek", "0.5"]), sought, "from 0.5 s");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_filters_equal_the_cli() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let clip = clip();
    for graph in ["volume=0.5", "atempo=1.25", "pan=mono|c0=c0", "anull"] {
        let expected = cli_framemd5(&clip, &["-map", "0:a:0", "-af", graph]);
        assert!(!expected.is_empty(), "{graph}");
        assert_eq!(framehash(&clip, &["--af", graph]), expected, "{graph}");
    }
}

/// `--cli-timing 6.1` times decoded audio as FFmpeg 6.1 and later CLIs do (checked here
/// against 7.1's and 9.0's): a frame is pulled onto the end of the last unless it starts
/// after it, so the PCM of millisecond-timed Matroska is gapless, where 5.1's CLI (the
/// default) opens a gap wherever a packet starts more than its duration after the last.
/// The samples are the same either way.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_is_timed_as_the_release_chosen_times_it() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let clip = clip();
    let debian12 = framehash(&clip, &["--af", "anull"]);
    let newer = framehash(&clip, &["--af", "anull", "--cli-timing", "6.1"]);
    let samples = |frames: &[Vec<String>]| -> Vec<i64> {
        frames.iter().map(|f| f[2].parse().unwrap()).collect()
    };
    let fields = media::framehash_fields(&clip, &["--af", "anull", "--cli-timing", "6.1"]);
    let lengths = samples(&fields);
    let starts: Vec<i64> = newer.iter().map(|f| f.0.parse().unwrap()).collect();
    assert_eq!(starts.len(), lengths.len());
    assert!(starts.len() > 40);
    for n in 1..starts.len() {
        assert_eq!(
            starts[n],
            starts[n - 1] + lengths[n - 1],
            "frame {n} of {starts:?}"
        );
    }
    let gaps = debian12
        .windows(2)
        .zip(&lengths)
        .filter(|(pair, length)| {
            pair[1].0.parse::<i64>().unwrap() != pair[0].0.parse::<i64>().unwrap() + **length
        })
        .count();
    assert!(gaps > 0, "5.1's CLI opens gaps in this clip");
    assert_eq!(debian12[0].0, newer[0].0);
    let hashes =
        |frames: &[(String, String)]| frames.iter().map(|f| f.1.clone()).collect::<Vec<_>>();
    assert_eq!(hashes(&debian12), hashes(&newer));
    let loaded = framehash(&clip, &["--af", "anull", "--cli-timing", "loaded"]);
    let expected = match ffmpeg.library(Library::AvCodec).unwrap().version() {
        v if v.major > 60 || (v.major == 60 && v.minor >= 31) => &newer,
        _ => &debian12,
    };
    assert_eq!(&loaded, expected);
}

/// Audio whose rate and layout change mid-stream (joined ADTS AAC, joined MP3): the graph is
/// rebuilt for the new rate and resamples to the first, and each frame is timed in samples
/// of the rate the decoder had when it gave it, as the CLI times it (the MP3 decoder gives
/// one frame where the parts meet at the new layout and the old rate); sought, as the CLI
/// seeks.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sample_rate_change_mid_stream_is_timed_as_the_cli_times_it() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    // The decoders' and resampler's samples are the 5.1 CLI's on its own major; elsewhere
    // the times are.
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    for clip in [
        media::rate_change("aac", "aac", "44100", "48000"),
        media::rate_change("mp3", "libmp3lame", "44100", "22050"),
    ] {
        for graph in ["anull", "volume=0.5"] {
            let expected = cli_framemd5(&clip, &["-map", "0:a:0", "-af", graph]);
            let what = format!("{} {graph}", clip.display());
            assert!(expected.len() > 40, "{what}");
            let ours = framehash(&clip, &["--af", graph]);
            media::assert_same_frames(&ours, &expected, the_clis_major, &what);
        }
        // Sought into the first part: as the CLI, the decoder is set up after the seek, at
        // the rate the demuxer's parser then states (it had been set up at the stream's, the
        // second part's, and the joined MP3's frames were resampled to it).
        let after = ["-map", "0:a:0", "-af", "anull", "-frames:a", "5"];
        let expected = media::cli_pts_and_md5(&clip, &["-ss", "0.7"], &after);
        let ours = framehash(&clip, &["--af", "anull", "--seek", "0.7", "--frames", "5"]);
        let what = format!("{} sought", clip.display());
        media::assert_same_frames(&ours, &expected, the_clis_major, &what);
    }
}

/// Audio in an ambisonic order goes into the graph in that order, as the CLI gives it: the
/// buffer source is declared with FFmpeg's name of the layout (it had been declared with a
/// count only, and refused the frames: "Changing audio frame properties on the fly is not
/// supported"); a graph that must convert the order is refused as the CLI's is.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_in_an_ambisonic_order_is_filtered_in_that_order_as_the_cli_does() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) || ffmpeg.family().major(Library::AvUtil) < 57 {
        return;
    }
    let clip = media::ambisonic_opus();
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    for graph in ["anull", "pan=mono|c0=c0+c1", "aresample=8000"] {
        let expected = cli_framemd5(&clip, &["-map", "0:a:0", "-af", graph]);
        assert!(expected.len() > 20, "{graph}");
        let ours = framehash(&clip, &["--af", graph]);
        media::assert_same_frames(&ours, &expected, the_clis_major, graph);
    }
    // The resampler takes no ambisonic order, under the CLI either.
    let build = common::under_test();
    let mut command = common::example_command("framehash", &build);
    command
        .arg(&clip)
        .args(["--af", "aformat=channel_layouts=stereo"]);
    let refused = command.output().unwrap();
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("ambisonic 1"), "{message}");
}

/// A graph rebuilt for audio of a new rate keeps the input's time base, or with
/// `audio_timed_in_samples` (the CLI's timing) takes the new rate's samples: either way what
/// it gives continues where the first rate's frame ended.
#[test]
fn audio_of_a_new_rate_is_timed_as_the_options_say() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    // 1024 samples at 22050 Hz, then 2048 at 44100 Hz starting where they end: at 1024 in
    // 1/22050, 2048 in 1/44100.
    for (in_samples, second_pts, second_time_base) in [
        (false, 1024, Rational::new(1, 22050)),
        (true, 2048, Rational::new(1, 44100)),
    ] {
        let format = ffmpeg.sample_format("s16").unwrap();
        let mono = ffmpeg.channel_layout("mono").unwrap();
        let input = FilterInput::Audio(AudioInput::new(22050, format, mono));
        let options = FilterOptions {
            audio_timed_in_samples: in_samples,
            ..FilterOptions::default()
        };
        let mut graph =
            FilterGraph::simple_with_options(&ffmpeg, "anull", input, &options).unwrap();
        let mut first = Frame::audio(&ffmpeg, 1024, "s16", 22050, "mono").unwrap();
        first.set_pts(Some(0));
        graph.send(0, &first).unwrap();
        let mut second = Frame::audio(&ffmpeg, 2048, "s16", 44100, "mono").unwrap();
        second.set_pts(Some(second_pts));
        graph.send(0, &second).unwrap();
        assert_eq!(graph.input(0).unwrap().time_base(), second_time_base);
        graph.send_eof(0).unwrap();
        let mut out = Frame::new(&ffmpeg).unwrap();
        let mut starts = Vec::new();
        while graph.receive(0, &mut out).unwrap() {
            assert_eq!(out.sample_rate(), 22050, "the first rate is kept");
            starts.push(out.pts().unwrap());
        }
        assert_eq!(graph.output(0).unwrap().time_base, Rational::new(1, 22050));
        assert_eq!(starts[..2], [0, 1024], "{in_samples}: {starts:?}");
    }
}

/// Streams whose decoder leaves pictures or samples untimed: raw H.264 (no timestamps at
/// all), an MP3's cover picture, MPEG-4 with B-frames in AVI and WMA (their last picture or
/// frame, drained after the last packet, has none). The CLI times them by its own clock of
/// the input, and so does framehash. Raw H.264 whose only rate is its own (1000 pictures a
/// second, the container guessing none) leaves the clock stopped until the decoder, its
/// threads busy, reports that rate; the CLI's clock then starts again where it stopped
/// (framehash's had stayed stopped, so every picture came untimed and none was written:
/// mp4parser's `count.h264`).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn what_the_decoder_leaves_untimed_is_timed_as_the_cli_times_it() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let pictures = "testsrc=size=160x96:rate=25:duration=1";
    let raw = media::generated(
        "filters_untimed.h264",
        &["-f", "lavfi", "-i", pictures, "-c:v", "libx264", "-bf", "3"],
    );
    let cover = media::generated(
        "filters_cover.mp3",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:duration=0.04",
            "-map",
            "0",
            "-map",
            "1",
            "-c:v",
            "png",
            "-frames:v",
            "1",
            "-disposition:v",
            "attached_pic",
        ],
    );
    let b_frames = media::generated(
        "filters_b_frames.avi",
        &["-f", "lavfi", "-i", pictures, "-c:v", "mpeg4", "-bf", "2"],
    );
    let own_rate = media::generated(
        "filters_untimed_own_rate.h264",
        &[
            "-f",
            "lavfi",
            "-i",
            pictures,
            "-c:v",
            "libx264",
            "-bf",
            "3",
            "-x264-params",
            "fps=1000",
            "-bsf:v",
            "h264_metadata=tick_rate=2000",
        ],
    );
    let wma = media::generated(
        "filters_wma.asf",
        &["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "wmav2"],
    );
    // Other releases guess other rates (raw H.264's field rate from 6.1 on) and 4.1's WMA
    // decoder gives two more frames first: there every frame must be timed, in order.
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    for (clip, graph) in [
        (&raw, "--vf"),
        (&own_rate, "--vf"),
        (&cover, "--vf"),
        (&b_frames, "--vf"),
        (&wma, "--af"),
    ] {
        if clip == &own_rate && !the_clis_major {
            // From 6.1 the demuxer guesses 25 pictures a second, so the CLI of 5.1 that
            // framehash follows never meets its 1000 in those releases.
            continue;
        }
        let (map, cli_graph) = match graph {
            "--vf" => ("0:v:0", "-vf"),
            _ => ("0:a:0", "-af"),
        };
        let null = if graph == "--vf" { "null" } else { "anull" };
        let expected = cli_framemd5(clip, &["-map", map, cli_graph, null]);
        assert!(!expected.is_empty(), "{}", clip.display());
        assert!(expected.iter().all(|(pts, _)| pts != "NOPTS"));
        let ours = framehash(clip, &[graph, null]);
        if the_clis_major {
            assert_eq!(ours, expected, "{}", clip.display());
        } else {
            if graph == "--vf" {
                assert_eq!(ours.len(), expected.len(), "{}", clip.display());
            }
            let times: Vec<i64> = ours.iter().map(|(pts, _)| pts.parse().unwrap()).collect();
            assert!(
                !times.is_empty() && times.is_sorted(),
                "{}: {times:?}",
                clip.display()
            );
        }
    }
}

/// In MPEG-PS (and MPEG-TS) the audio starts 10 ms before the video here. The CLI, using
/// only the video, counts its timeline from the video's start (`Input::start_time_us_for`),
/// not the file's; `fps=10` then picks the same pictures.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_stream_that_starts_late_starts_at_zero_as_the_cli_starts_it() {
    let ffmpeg = common::under_test().load();
    let clip = media::generated(
        "filters_late_video.mpg",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x96:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1:sample_rate=48000",
            "-c:v",
            "mpeg1video",
            "-c:a",
            "mp2",
        ],
    );
    let input = Input::open(&ffmpeg, &clip).unwrap();
    assert!(input.demuxer().has_discontinuous_timestamps());
    let video = input.best_stream(MediaType::Video).unwrap().index();
    let (file, video_start) = (input.start_time_us(), input.start_time_us_for(&[video]));
    assert!(video_start > file, "{video_start:?} after {file:?}");
    let every: Vec<usize> = (0..input.streams().count()).collect();
    assert_eq!(input.start_time_us_for(&every), file);
    if !has_filters(&ffmpeg) {
        return;
    }
    let expected = cli_framemd5(&clip, &["-map", "0:v:0", "-vf", "fps=10"]);
    assert_eq!(framehash(&clip, &["--vf", "fps=10"]), expected);
}

/// libswresample's resampling filter changed in 6.0: later builds give the same samples as
/// the 5.1 CLI within 60 dB of PSNR, earlier ones exactly.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn resampling_equals_the_cli_exactly_or_within_psnr() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let clip = clip();
    let graph = "aresample=16000";
    let expected = cli_framemd5(&clip, &["-map", "0:a:0", "-af", graph]);
    let ours = framehash(&clip, &["--af", graph]);
    let timestamps =
        |frames: &[(String, String)]| frames.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(timestamps(&ours), timestamps(&expected));
    if ffmpeg.family().major(Library::SwResample) < 4 || ffmpeg.family().ffmpeg_major() == 5 {
        assert_eq!(ours, expected);
    }
    let theirs = cli_samples(&clip, graph);
    let mine = filtered_samples(&ffmpeg, &clip, graph);
    assert_eq!(mine.len(), theirs.len());
    let psnr = psnr(&mine, &theirs);
    assert!(psnr >= 60.0, "PSNR {psnr:.1} dB");
}

/// The CLI's filtered audio as 16-bit samples.
fn cli_samples(input: &Path, graph: &str) -> Vec<i16> {
    let output = media::cli()
        .arg("-i")
        .arg(input)
        .args(["-map", "0:a:0", "-af", graph, "-f", "s16le", "-"])
        .output()
        .unwrap();
    assert!(output.status.success());
    output
        .stdout
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The crate's filtered audio as 16-bit samples, through the API.
fn filtered_samples(ffmpeg: &Ffmpeg, path: &Path, graph: &str) -> Vec<i16> {
    let mut samples = Vec::new();
    let description = format!("{graph},aformat=sample_fmts=s16");
    run_graph(ffmpeg, path, MediaType::Audio, &description, |frame| {
        let plane = frame.plane(0).unwrap();
        let bytes = plane.row(0).unwrap();
        samples.extend(
            bytes
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]])),
        );
    });
    samples
}

fn psnr(a: &[i16], b: &[i16]) -> f64 {
    let error: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        / a.len().max(1) as f64;
    if error == 0.0 {
        return f64::INFINITY;
    }
    10.0 * (f64::from(i16::MAX).powi(2) / error).log10()
}

/// Decodes the best stream of `kind` through a simple graph, handing each filtered frame on.
fn run_graph(
    ffmpeg: &Ffmpeg,
    path: &Path,
    kind: MediaType,
    description: &str,
    mut each: impl FnMut(&Frame),
) {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(kind).unwrap();
    let index = stream.index();
    let mut graph = FilterGraph::simple(
        ffmpeg,
        description,
        FilterInput::from_stream(&stream).unwrap(),
    )
    .unwrap();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let (mut packet, mut frame, mut out) = (
        Packet::new(ffmpeg).unwrap(),
        Frame::new(ffmpeg).unwrap(),
        Frame::new(ffmpeg).unwrap(),
    );
    let mut pump = |decoder: &mut Decoder, graph: &mut FilterGraph| {
        while decoder.receive(&mut frame).unwrap() {
            graph.send(0, &frame).unwrap();
            while graph.receive(0, &mut out).unwrap() {
                each(&out);
            }
        }
    };
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            pump(&mut decoder, &mut graph);
        }
    }
    decoder.send_eof().unwrap();
    pump(&mut decoder, &mut graph);
    graph.send_eof(0).unwrap();
    while graph.receive(0, &mut out).unwrap() {
        each(&out);
    }
    assert!(graph.is_finished(0));
}

/// Every frame of the best stream of `kind` of each file, decoded.
fn decoded(ffmpeg: &Ffmpeg, path: &Path, kind: MediaType) -> (FilterInput, Vec<Frame>) {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(kind).unwrap();
    let (index, described) = (stream.index(), FilterInput::from_stream(&stream).unwrap());
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut frames = Vec::new();
    let mut frame = Frame::new(ffmpeg).unwrap();
    let mut drain = |decoder: &mut Decoder, frames: &mut Vec<Frame>| {
        while decoder.receive(&mut frame).unwrap() {
            let mut kept = frame.try_clone().unwrap();
            kept.set_pts(frame.best_effort_timestamp());
            frames.push(kept);
        }
    };
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            drain(&mut decoder, &mut frames);
        }
    }
    decoder.send_eof().unwrap();
    drain(&mut decoder, &mut frames);
    (described, frames)
}

/// Feeds two inputs and returns the one output's frames.
fn two_inputs(ffmpeg: &Ffmpeg, description: &str, kind: MediaType) -> Vec<Frame> {
    let (main, main_frames) = decoded(ffmpeg, &clip(), kind);
    let (second, second_frames) = decoded(ffmpeg, &logo(), kind);
    let mut graph = FilterGraph::complex(
        ffmpeg,
        description,
        [("main", main), ("second", second)],
        &FilterOptions::default(),
    )
    .unwrap();
    assert_eq!(graph.output_names().collect::<Vec<_>>(), ["out"]);
    let mut out = Frame::new(ffmpeg).unwrap();
    let mut frames = Vec::new();
    let mut take = |graph: &mut FilterGraph, frames: &mut Vec<Frame>| {
        while graph.receive(0, &mut out).unwrap() {
            frames.push(out.try_clone().unwrap());
        }
    };
    // Interleaved by position, as a demuxer gives them, each input ended after its last
    // frame (amix drops what its first input still holds once that input ends).
    let longest = main_frames.len().max(second_frames.len());
    for i in 0..longest {
        for (input, frames_of) in [&main_frames, &second_frames].into_iter().enumerate() {
            if let Some(frame) = frames_of.get(i) {
                graph.send(input, frame).unwrap();
            }
            if i + 1 == frames_of.len() {
                graph.send_eof(input).unwrap();
            }
        }
        take(&mut graph, &mut frames);
    }
    take(&mut graph, &mut frames);
    assert!(graph.is_finished(0));
    frames
}

fn md5_of_picture(frame: &Frame) -> String {
    let mut packed = Vec::new();
    frame.copy_packed(&mut packed).unwrap();
    format!("{:x}", Md5::digest(&packed))
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn two_input_graphs_equal_the_cli_filter_complex() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let overlay = two_inputs(
        &ffmpeg,
        "[main][second]overlay=10:20[out]",
        MediaType::Video,
    );
    let expected: Vec<String> = cli_framemd5_complex("[0:v][1:v]overlay=10:20[out]")
        .into_iter()
        .map(|frame| frame.1)
        .collect();
    let ours: Vec<String> = overlay
        .iter()
        .map(|frame| media::comparable_md5(&md5_of_picture(frame)))
        .collect();
    assert_eq!(ours, expected);

    let mixed = two_inputs(
        &ffmpeg,
        "[main][second]amix=inputs=2,aformat=sample_fmts=s16[out]",
        MediaType::Audio,
    );
    let mut ours = Md5::new();
    for frame in &mixed {
        ours.update(frame.plane(0).unwrap().row(0).unwrap());
    }
    let output = media::cli()
        .arg("-i")
        .arg(clip())
        .arg("-i")
        .arg(logo())
        .args([
            "-filter_complex",
            "[0:a][1:a]amix=inputs=2[out]",
            "-map",
            "[out]",
            "-f",
            "s16le",
            "-",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let cli_samples = output.stdout;
    let ours_len: usize = mixed.iter().map(|f| f.samples() * 4).sum();
    assert_eq!(ours_len, cli_samples.len());
    if ffmpeg.family().ffmpeg_major() == 5 {
        assert_eq!(
            format!("{:x}", ours.finalize()),
            format!("{:x}", Md5::digest(&cli_samples))
        );
    }
}

fn cli_framemd5_complex(graph: &str) -> Vec<(String, String)> {
    let logo = logo();
    let second = logo.to_str().expect("a UTF-8 cache path");
    let args = ["-i", second, "-filter_complex", graph, "-map", "[out]"];
    let args = [&args[..], &["-fps_mode", "passthrough"]].concat();
    media::cli_pts_and_md5(&clip(), &[], &args)
}

fn video_input(ffmpeg: &Ffmpeg) -> FilterInput {
    let input = Input::open(ffmpeg, clip()).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    FilterInput::from_stream(&stream).unwrap()
}

fn filter_error(result: Result<FilterGraph, Error>) -> FilterError {
    match result {
        Err(Error::Filter(error)) => error,
        Err(other) => panic!("not a filter error: {other}"),
        Ok(_) => panic!("the graph was accepted"),
    }
}

#[test]
fn bad_graphs_are_typed_errors_naming_the_culprit() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let video = video_input(&ffmpeg);
    let simple = |description: &str| FilterGraph::simple(&ffmpeg, description, video.clone());
    assert_eq!(
        filter_error(simple("scale=320:240,nosuchfilter")),
        FilterError::UnknownFilter {
            name: "nosuchfilter".into()
        }
    );
    match filter_error(simple("scale=w=320:nosuchoption=1")) {
        FilterError::UnknownOption { filter, option } => {
            assert_eq!(option, "nosuchoption");
            assert!(filter.contains("scale"), "{filter}");
        }
        other => panic!("{other:?}"),
    }
    match filter_error(simple("hflip,scale=w=320:h=240:interl=7")) {
        FilterError::InvalidArguments { filter, message } => {
            assert!(filter.contains("scale"), "{filter}: {message}");
        }
        other => panic!("{other:?}"),
    }
    // An expression is evaluated when the graph is joined.
    assert!(matches!(
        filter_error(simple("crop=w=abc")),
        FilterError::Configuration { .. } | FilterError::InvalidArguments { .. }
    ));
    assert!(matches!(
        filter_error(simple("volume=0.5")),
        FilterError::MediaTypeMismatch {
            expected: "audio",
            found: "video",
            ..
        }
    ));
    assert_eq!(filter_error(simple("nullsink")), FilterError::NoOutputs);
    assert!(matches!(
        filter_error(simple("[a][b]overlay")),
        FilterError::UnconnectedPad {
            direction: "input",
            ..
        }
    ));
    assert!(matches!(
        filter_error(simple("scale=320:240[")),
        FilterError::Syntax { .. }
    ));
    let complex = |description: &str| {
        FilterGraph::complex(
            &ffmpeg,
            description,
            [("main", video.clone())],
            &FilterOptions::default(),
        )
    };
    assert_eq!(
        filter_error(complex("[other]null[out]")),
        FilterError::UnknownLabel {
            label: "main".into()
        }
    );
    assert!(matches!(
        filter_error(complex("[main][extra]overlay[out]")),
        FilterError::UnconnectedPad { direction: "input", ref pad } if pad == "[extra]"
    ));
    // A chain that needs audio where video flows: caught when the graph is joined.
    assert_eq!(
        filter_error(simple("scale=100:100,aresample=8000")),
        FilterError::MediaTypeMismatch {
            pad: "Parsed_aresample_1:0".into(),
            expected: "audio",
            found: "video"
        }
    );
    assert!(matches!(
        FilterGraph::simple(&ffmpeg, "null\0", video.clone()),
        Err(Error::InvalidText { .. })
    ));
}

#[test]
fn graphs_refuse_misuse_without_reaching_ffmpeg() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let mut graph = FilterGraph::simple(&ffmpeg, "null", video_input(&ffmpeg)).unwrap();
    let mut frame = Frame::new(&ffmpeg).unwrap();
    assert!(matches!(
        graph.send(0, &frame),
        Err(Error::Incompatible { .. })
    ));
    assert!(matches!(
        graph.send(1, &frame),
        Err(Error::OutOfRange { .. })
    ));
    assert!(matches!(
        graph.receive(3, &mut frame),
        Err(Error::OutOfRange { .. })
    ));
    let audio = Frame::audio(&ffmpeg, 1024, "s16", 44100, "stereo").unwrap();
    assert!(matches!(
        graph.send(0, &audio),
        Err(Error::Filter(FilterError::MediaTypeMismatch { .. }))
    ));
    assert!(!graph.receive(0, &mut frame).unwrap());
    graph.send_eof(0).unwrap();
    graph.send_eof(0).unwrap();
    assert!(!graph.receive(0, &mut frame).unwrap());
    assert!(graph.is_finished(0));
    let picture = Frame::video(&ffmpeg, 320, 240, "yuv420p").unwrap();
    assert!(matches!(
        graph.send(0, &picture),
        Err(Error::OutOfOrder { .. })
    ));
    let other = common::partner().load();
    let foreign = Frame::new(&other).unwrap();
    assert!(matches!(
        graph.send(0, &foreign),
        Err(Error::ForeignObject { .. })
    ));
}

#[test]
fn a_build_without_libavfilter_loads_and_says_so() {
    let ffmpeg = common::under_test().load();
    if has_filters(&ffmpeg) {
        assert!(ffmpeg.unavailable_reason(Library::AvFilter).is_none());
        let info = ffmpeg.library(Library::AvFilter).unwrap();
        assert_eq!(
            info.version().major,
            ffmpeg.family().major(Library::AvFilter)
        );
        return;
    }
    match FilterGraph::simple(&ffmpeg, "null", video_input(&ffmpeg)) {
        Err(Error::LibraryMissing {
            library: Library::AvFilter,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

/// A libavfilter that cannot be opened (here its libpostproc is missing) leaves filters out,
/// with the reason, and the FFmpeg loads. In a child process: in this one another test may
/// have loaded the build, libpostproc with it, which the loader then rightly takes.
#[test]
fn a_libavfilter_that_cannot_open_leaves_only_filters_out() {
    let output = common::command(&common::this_executable())
        .args([
            "--ignored",
            "--exact",
            "without_libpostproc_in_a_child_process",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[ignore = "the child process of a_libavfilter_that_cannot_open_leaves_only_filters_out"]
fn without_libpostproc_in_a_child_process() {
    let build = common::under_test();
    if !build.loadable_here() {
        return;
    }
    let files: Vec<PathBuf> = std::fs::read_dir(&build.dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    let is_postproc = |path: &PathBuf| {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("libpostproc") || n.starts_with("postproc-"))
    };
    // Wheels and Debian closures of 4.x to 7.0 link libavfilter to libpostproc.
    if build.dir.starts_with("/usr") || !files.iter().any(is_postproc) {
        return;
    }
    let dir = common::scratch_dir("no-postproc");
    for file in files.iter().filter(|f| !is_postproc(f)) {
        common::link_file(file, &dir.join(file.file_name().unwrap()));
    }
    // SAFETY: the build's own files, less one.
    let ffmpeg = unsafe { Ffmpeg::load_from(&dir) }.unwrap_or_else(|e| panic!("{}", e.report()));
    assert!(ffmpeg.library(Library::AvFilter).is_none());
    let reason = ffmpeg
        .unavailable_reason(Library::AvFilter)
        .expect("a reason");
    assert!(reason.contains("postproc"), "{reason}");
    match FilterGraph::simple(&ffmpeg, "null", video_input(&ffmpeg)) {
        Err(Error::LibraryMissing {
            library: Library::AvFilter,
            reason: Some(reason),
            ..
        }) => assert!(reason.contains("postproc"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

/// Graphs built and run on several threads at once, each its own.
#[test]
fn graphs_run_on_several_threads_at_once() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let yuv420p = ffmpeg.pixel_format("yuv420p").unwrap();
    let input = FilterInput::Video(VideoInput::new(320, 240, yuv420p, Rational::new(1, 25)));
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = [
            "scale=160:-2",
            "fps=10",
            "split[a][b];[a][b]hstack",
            "transpose=1",
        ]
        .into_iter()
        .map(|description| {
            let (ffmpeg, input) = (ffmpeg.clone(), input.clone());
            scope.spawn(move || {
                let mut graph = FilterGraph::simple(&ffmpeg, description, input).unwrap();
                let mut picture = Frame::video(&ffmpeg, 320, 240, "yuv420p").unwrap();
                let mut out = Frame::new(&ffmpeg).unwrap();
                let mut count = 0;
                for index in 0..50 {
                    picture.set_pts(Some(index));
                    graph.send(0, &picture).unwrap();
                    while graph.receive(0, &mut out).unwrap() {
                        count += 1;
                    }
                }
                graph.send_eof(0).unwrap();
                while graph.receive(0, &mut out).unwrap() {
                    count += 1;
                }
                count
            })
        })
        .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(counts, [50, 20, 50, 50]);
}

/// A decoder describes the input; a flush starts the graph anew (as after a seek), so that
/// filters that hold frames (`fps`) give the same again.
#[test]
fn a_decoder_describes_the_input_and_a_flush_starts_anew() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let input = Input::open(&ffmpeg, clip()).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let described = FilterInput::from_decoder(&decoder).unwrap();
    let FilterInput::Video(video) = &described else {
        panic!("{described:?}");
    };
    assert_eq!((video.width, video.height), (320, 240));
    assert_eq!(video.time_base, stream.time_base());
    assert_eq!(
        Some(video.pixel_format.name()),
        stream.pixel_format().as_ref().map(|f| f.name())
    );
    let (_, frames) = decoded(&ffmpeg, &clip(), MediaType::Video);
    let mut graph = FilterGraph::simple(&ffmpeg, "fps=10", described).unwrap();
    let mut out = Frame::new(&ffmpeg).unwrap();
    let mut run = |graph: &mut FilterGraph, frames: &[Frame]| {
        let mut hashes = Vec::new();
        for frame in frames {
            graph.send(0, frame).unwrap();
            while graph.receive(0, &mut out).unwrap() {
                hashes.push(md5_of_picture(&out));
            }
        }
        graph.send_eof(0).unwrap();
        while graph.receive(0, &mut out).unwrap() {
            hashes.push(md5_of_picture(&out));
        }
        hashes
    };
    let first = run(&mut graph, &frames);
    assert_eq!(first.len(), 20);
    // Half way, then a flush: what the first half left in the graph is gone.
    let mut graph_again = FilterGraph::simple(
        &ffmpeg,
        "fps=10",
        FilterInput::from_decoder(&decoder).unwrap(),
    )
    .unwrap();
    for frame in &frames[..25] {
        graph_again.send(0, frame).unwrap();
    }
    graph_again.flush().unwrap();
    let mut nothing = Frame::new(&ffmpeg).unwrap();
    assert!(!graph_again.receive(0, &mut nothing).unwrap());
    assert_eq!(run(&mut graph_again, &frames), first);
    let audio = decoded(&ffmpeg, &clip(), MediaType::Audio).0;
    assert!(
        matches!(audio, FilterInput::Audio(ref a) if a.sample_rate == 44_100 && a.channel_layout.channels() == 2)
    );
}

/// On every build with libavfilter: a simple graph's `output_ending` ends its first build
/// (here a conversion to gray), and a rebuild for pictures of a new size ends with the first
/// size and format instead, as the CLI ends its rebuilt graph.
#[test]
fn a_graphs_ending_gives_way_to_its_first_size_and_format_when_rebuilt() {
    let ffmpeg = common::under_test().load();
    if !has_filters(&ffmpeg) {
        return;
    }
    let picture = |width, height| {
        let mut frame = Frame::video(&ffmpeg, width, height, "rgb24").unwrap();
        frame.set_pts(Some(0));
        frame
    };
    let first = picture(64, 48);
    let input = FilterInput::from_frame(&first, Rational::new(1, 25)).unwrap();
    let options = FilterOptions {
        output_ending: Some("format=pix_fmts=gray".into()),
        ..FilterOptions::default()
    };
    let mut graph = FilterGraph::simple_with_options(&ffmpeg, "null", input, &options).unwrap();
    let facts = graph.output(0).unwrap();
    assert_eq!(
        facts.pixel_format.map(|f| f.name().to_owned()).as_deref(),
        Some("gray")
    );
    let mut out = Frame::new(&ffmpeg).unwrap();
    for (n, mut frame) in [first, picture(32, 40)].into_iter().enumerate() {
        frame.set_pts(Some(n as i64));
        graph.send(0, &frame).unwrap();
        assert!(graph.receive(0, &mut out).unwrap(), "picture {n}");
        assert_eq!((out.width(), out.height()), (64, 48), "picture {n}");
        assert_eq!(
            out.pixel_format().map(|f| f.name().to_owned()).as_deref(),
            Some("gray")
        );
    }
}
