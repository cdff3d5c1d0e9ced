//! `Input::auto_selected_stream` against the streams the ffmpeg CLI maps when it is given no
//! `-map` (its "Stream mapping" lines), on files where FFmpeg's `av_find_best_stream`, which
//! weighs bit rate, would choose otherwise: two pictures of one size, a mono track of high
//! bit rate beside a 5.1 one, a cover picture larger than the video, a cover alone, and a
//! video stream of unknown size marked default.

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::format::{Input, MediaType, SelectedVideo};
use ffmpeg_runtime::{Error, Library};

const KINDS: [MediaType; 3] = [MediaType::Video, MediaType::Audio, MediaType::Subtitle];

/// Each file's name and the CLI's arguments that make it; dispositions are cleared, so that
/// the muxer marks no stream default of its own accord.
const FILES: [(&str, &str); 7] = [
    (
        "selection_one_size.mkv",
        "-f lavfi -i testsrc=size=160x120:rate=25:duration=1 \
         -f lavfi -i testsrc2=size=160x120:rate=25:duration=1 -map 0 -map 1 \
         -c:v:0 libx264 -c:v:1 mpeg2video -b:v:1 4M -disposition:v:0 0 -disposition:v:1 0",
    ),
    (
        "selection_larger_second.mkv",
        "-f lavfi -i testsrc=size=160x120:rate=25:duration=1 \
         -f lavfi -i testsrc2=size=320x240:rate=25:duration=1 -map 0 -map 1 -c:v mpeg4 \
         -disposition:v:0 0 -disposition:v:1 0",
    ),
    (
        "selection_channels.mkv",
        "-f lavfi -i sine=duration=1 \
         -f lavfi -i sine=duration=1:frequency=300,aformat=channel_layouts=5.1 \
         -f lavfi -i sine=duration=1:frequency=500 -map 0 -map 1 -map 2 \
         -c:a:0 pcm_s16le -c:a:1 aac -c:a:2 aac \
         -disposition:a:0 0 -disposition:a:1 0 -disposition:a:2 0",
    ),
    (
        "selection_default_mark.mkv",
        "-f lavfi -i sine=duration=1 -f lavfi -i sine=duration=1:frequency=300 \
         -i SRT -i SRT -map 0 -map 1 -map 2 -map 3 -c:a aac -c:s srt \
         -disposition:a:0 0 -disposition:a:1 default -disposition:s:0 0 -disposition:s:1 0",
    ),
    (
        "selection_cover_beside_video.mp4",
        "-f lavfi -i testsrc=size=160x120:rate=25:duration=1 \
         -f lavfi -i testsrc2=size=320x240:rate=1:duration=1 -map 0 -map 1 \
         -c:v:0 libx264 -c:v:1 mjpeg -disposition:v:1 attached_pic",
    ),
    (
        "selection_video_first_then_aac.mkv",
        "-f lavfi -i testsrc2=size=160x120:rate=25:duration=2 \
         -f lavfi -i sine=duration=2:sample_rate=48000 -c:v libx264 -bf 2 -c:a aac",
    ),
    (
        "selection_cover_alone.mkv",
        "-f lavfi -i sine=duration=1 -f lavfi -i testsrc2=size=64x64:duration=0.04 \
         -map 0 -map 1 -c:a flac -c:v mjpeg -disposition:v attached_pic",
    ),
];

/// The file of [`FILES`] named `name`, made on first use (`SRT` in its arguments stands for
/// a SubRip source).
fn file(name: &str) -> PathBuf {
    let (_, args) = FILES
        .iter()
        .find(|(file, _)| *file == name)
        .expect("one of FILES");
    let srt = media::subtitle_source_srt();
    let srt = srt.to_str().unwrap();
    let args: Vec<&str> = args
        .split_whitespace()
        .map(|arg| if arg == "SRT" { srt } else { arg })
        .collect();
    media::generated(name, &args)
}

/// The input streams the CLI maps into a Matroska copy of `path` when given no `-map`.
fn cli_mapped(path: &Path) -> Vec<usize> {
    cli_mapped_into(path, "matroska", true)
}

/// The input streams the CLI maps into a copy of `path` in `format`, told in its "Stream
/// mapping" lines whether or not the muxer then takes the copied streams (with `succeeds`,
/// it must).
fn cli_mapped_into(path: &Path, format: &str, succeeds: bool) -> Vec<usize> {
    // The mapping is told at the `info` level, above the helper's `error`.
    let output = media::cli()
        .args(["-loglevel", "info", "-i"])
        .arg(path)
        .args(["-c", "copy", "-f", format, "-y", "/dev/null"])
        .output()
        .expect("the ffmpeg CLI");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() || !succeeds,
        "{}: {log}",
        path.display()
    );
    let mut mapped: Vec<usize> = log
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Stream #0:"))
        .filter_map(|rest| rest.split_once(" -> ")?.0.parse().ok())
        .collect();
    mapped.sort_unstable();
    mapped
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_streams_selected_are_those_the_cli_maps() {
    let ffmpeg = common::under_test().load();
    let mut differs_from_best = 0;
    for path in FILES.map(|(name, _)| file(name)) {
        let input = Input::open(&ffmpeg, &path).unwrap();
        let mut ours: Vec<usize> = KINDS
            .iter()
            .filter_map(|&kind| input.auto_selected_stream(kind).map(|s| s.index()))
            .collect();
        ours.sort_unstable();
        assert_eq!(ours, cli_mapped(&path), "{}", path.display());
        differs_from_best += KINDS
            .iter()
            .filter(|&&kind| {
                let best = input.best_stream(kind).map(|s| s.index());
                best != input.auto_selected_stream(kind).map(|s| s.index())
            })
            .count();
    }
    // The files are chosen so that FFmpeg's own choice differs somewhere.
    assert!(differs_from_best >= 2, "{differs_from_best}");
}

/// For an output, the CLI takes no kind its muxer names no codec of (video in WAV), only a
/// cover picture where the muxer stores video only as one (MP3), and the first subtitle
/// stream the muxer's subtitle encoder takes (none for MP4, which names none).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_streams_selected_for_an_output_are_those_the_cli_maps_there() {
    let ffmpeg = common::under_test().load();
    let other = common::partner().load();
    for format in ["matroska", "mp4", "mov", "mp3", "wav", "webm"] {
        let muxer = ffmpeg.muxer(format).unwrap();
        for path in FILES.map(|(name, _)| file(name)) {
            let input = Input::open(&ffmpeg, &path).unwrap();
            let mut ours = Vec::new();
            for kind in KINDS {
                let stream = input.auto_selected_stream_for(kind, &muxer).unwrap();
                ours.extend(stream.map(|s| s.index()));
            }
            ours.sort_unstable();
            let what = format!("{} into {format}", path.display());
            assert_eq!(ours, cli_mapped_into(&path, format, false), "{what}");
            for kind in [MediaType::Data, MediaType::Attachment] {
                assert!(
                    input
                        .auto_selected_stream_for(kind, &muxer)
                        .unwrap()
                        .is_none()
                );
            }
            // Without tile grids, the 8.0 CLI's choice of video is the stream's.
            let video = input.auto_selected_stream_for(MediaType::Video, &muxer);
            let video = video.unwrap().map(|s| SelectedVideo::Stream(s.index()));
            assert_eq!(
                input.auto_selected_video_for(&muxer).unwrap(),
                video,
                "{what}"
            );
            let foreign = other.muxer(format).unwrap();
            let refused = input.auto_selected_stream_for(MediaType::Video, &foreign);
            assert!(
                matches!(refused, Err(Error::ForeignObject { .. })),
                "{refused:?}"
            );
            let refused = input.auto_selected_video_for(&foreign);
            assert!(
                matches!(refused, Err(Error::ForeignObject { .. })),
                "{refused:?}"
            );
        }
    }
}

/// A copy of a MOV or MP4 whose first stream, marked default, is video of unknown size:
/// its sample entry's width and height zeroed and the media data cut off, so that no
/// picture tells the size. The MP4 also holds a cover picture, which its demuxer adds last.
fn unknown_size(name: &str) -> PathBuf {
    let path = media::media_dir().join(name);
    if !path.exists() {
        let mp4 = name.ends_with(".mp4");
        let mut args = vec![
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
        ];
        if mp4 {
            args.extend(["-f", "lavfi", "-i", "testsrc2=size=32x32:rate=1:duration=1"]);
            args.extend(["-map", "0", "-map", "1", "-map", "2"]);
            args.extend(["-disposition:v:1", "attached_pic"]);
        }
        args.extend(["-c:v", "mjpeg", "-c:a", "aac", "-movflags", "+faststart"]);
        let whole = std::fs::read(media::generated(&format!("whole_{name}"), &args)).unwrap();
        let entry: &[u8] = if mp4 { b"mp4v" } else { b"jpeg" };
        let at = whole.windows(4).position(|w| w == entry).unwrap();
        let media_data = whole.windows(4).position(|w| w == b"mdat").unwrap();
        let mut cut = whole[..media_data + 4].to_vec();
        // (Width and height follow the entry's reserved bytes, reference index and
        // predefined words.)
        cut[at + 28..at + 32].fill(0);
        media::write_whole(&path, cut);
    }
    path
}

/// The default mark only breaks ties: a video stream whose size nothing tells is not taken
/// though marked default, unless (5.1's reading) the input's last stream is a cover picture.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_default_mark_alone_does_not_take_a_stream() {
    let ffmpeg = common::under_test().load();
    for (name, video_taken) in [
        ("selection_unknown_size.mov", false),
        ("selection_unknown_size_cover_last.mp4", true),
    ] {
        let path = unknown_size(name);
        let input = Input::open(&ffmpeg, &path).unwrap();
        let video = input.stream(0).unwrap();
        assert_eq!((video.width(), video.is_default()), (0, true), "{name}");
        let taken = input
            .auto_selected_stream(MediaType::Video)
            .map(|s| s.index());
        assert_eq!(taken, video_taken.then_some(0), "{name}");
        let mut ours: Vec<usize> = KINDS
            .iter()
            .filter_map(|&kind| input.auto_selected_stream(kind).map(|s| s.index()))
            .collect();
        ours.sort_unstable();
        // (Matroska refuses the copied video of unknown size; the mapping is told first.)
        assert_eq!(ours, cli_mapped_into(&path, "matroska", false), "{name}");
    }
}

#[test]
fn kinds_the_cli_never_selects_give_none() {
    let ffmpeg = common::under_test().load();
    let clip = media::CLIPS
        .iter()
        .find(|c| c.name == "two_video.mkv")
        .unwrap();
    let input = Input::open(&ffmpeg, media::path(clip)).unwrap();
    for kind in [MediaType::Data, MediaType::Attachment, MediaType::Other] {
        assert!(input.auto_selected_stream(kind).is_none(), "{kind:?}");
    }
    assert!(input.auto_selected_stream(MediaType::Video).is_some());
}

/// `framehash` without `--stream` hashes the stream the CLI hashes without `-map`.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn framehash_hashes_the_stream_the_cli_hashes() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return; // (framehash refuses `--vf` without libavfilter, as it should.)
    }
    // The AAC decoder's samples are the 5.1 CLI's on its own major; elsewhere the times are.
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    let pictures = &file("selection_one_size.mkv");
    let sound = &file("selection_channels.mkv");
    let expected = media::cli_pts_and_md5(pictures, &[], &["-an", "-vf", "null"]);
    assert_eq!(expected.len(), 25);
    let ours = media::framehash_pts_and_md5(pictures, &["--vf", "null"]);
    assert_eq!(ours, expected, "{}", pictures.display());
    let expected = media::cli_pts_and_md5(sound, &[], &["-vn", "-af", "anull"]);
    let ours = media::framehash_pts_and_md5(sound, &["--af", "anull"]);
    media::assert_same_frames(&ours, &expected, the_clis_major, "the 5.1 track");
}

#[test]
fn a_discarded_stream_is_not_read() {
    let ffmpeg = common::under_test().load();
    let path = &file("selection_video_first_then_aac.mkv");
    let mut input = Input::open(&ffmpeg, path).unwrap();
    assert!(!input.stream(0).unwrap().is_discarded());
    input.set_discarded(0, true).unwrap();
    assert!(input.stream(0).unwrap().is_discarded());
    assert!(matches!(
        input.set_discarded(2, true),
        Err(ffmpeg_runtime::Error::StreamNotFound { .. })
    ));
    // (Packets read while opening are queued already: a seek drops them.)
    input.seek_us(0).unwrap();
    let mut packet = ffmpeg_runtime::Packet::new(&ffmpeg).unwrap();
    let mut read = [0, 0];
    while input.read_packet(&mut packet).unwrap() {
        read[packet.stream_index()] += 1;
    }
    assert_eq!(read[0], 0, "Matroska skips a discarded stream's packets");
    assert!(read[1] > 80, "{read:?}");
    input.set_discarded(0, false).unwrap();
    assert!(!input.stream(0).unwrap().is_discarded());
}

/// `framehash --seek S --af anull` hashes what `ffmpeg -ss S -i IN -vn -af anull` hashes: the
/// samples from S on, cut to the sample, decoded from the packet the CLI's seek gives once
/// the video is left unread (Matroska: the first audio packet at or after the video's
/// keyframe; MP4: the same seek as the video's).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn framehash_seeks_audio_as_the_cli_does() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return; // (framehash refuses `--af` without libavfilter, as it should.)
    }
    // The AAC decoder's samples are the 5.1 CLI's on its own major; elsewhere the times are.
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    let path = &file("selection_video_first_then_aac.mkv");
    for seconds in ["0.7", "1.3"] {
        let expected = media::cli_pts_and_md5(path, &["-ss", seconds], &["-vn", "-af", "anull"]);
        let ours = media::framehash_pts_and_md5(path, &["--af", "anull", "--seek", seconds]);
        assert!(expected.len() > 20, "{}", expected.len());
        media::assert_same_frames(&ours, &expected, the_clis_major, seconds);
    }
}
