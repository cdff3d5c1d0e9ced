//! Decoding matches FFmpeg's own `framemd5`, frame for frame: every clip of the corpus on
//! Debian's 5.1 (the CLI's own library), and the bit-exact codecs on every build of the matrix.

mod common;

use common::media::{self, CLIPS};

/// Clips whose decoding differs from the CLI's `framemd5` (made with Debian 5.1's CLI).
fn mismatches(
    ffmpeg: &ffmpeg_runtime::Ffmpeg,
    clips: impl Iterator<Item = &'static media::Clip>,
) -> Vec<String> {
    let mut failures = Vec::new();
    for clip in clips {
        let path = media::path(clip);
        let expected = media::reference_md5s(&path, clip.stream);
        match media::decode_md5s(ffmpeg, &path, clip.stream) {
            Ok(md5s) if md5s == expected => {}
            Ok(md5s) => failures.push(format!(
                "{}: {} frames vs the CLI's {}",
                clip.name,
                md5s.len(),
                expected.len()
            )),
            Err(e) => failures.push(format!("{}: {e}", clip.name)),
        }
    }
    failures
}

/// Debian 5.1 ships the CLI: the crate's frames must equal the CLI's, for every clip.
#[test]
fn every_clip_decodes_like_the_cli_on_its_own_library() {
    let build = common::under_test();
    if build.name != "5.1" {
        return; // the CLI's library is 5.1; other builds are compared on bit-exact codecs below
    }
    let failures = mismatches(&build.load(), CLIPS.iter());
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Bit-exact codecs decode identically on every FFmpeg 4.x–9.x: this proves every struct field
/// the decode path reads is at the right offset in every family.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn bit_exact_codecs_decode_identically_on_every_build() {
    let failures = mismatches(
        &common::under_test().load(),
        CLIPS.iter().filter(|c| c.bit_exact),
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn colour_properties_are_read() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("colour");
    let path = dir.join("bt709.mkv");
    let status = media::cli()
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:duration=0.2",
            "-c:v",
            "ffv1",
        ])
        .args([
            "-color_range",
            "tv",
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-y",
        ])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let mut input = ffmpeg_runtime::format::Input::open(&ffmpeg, &path).unwrap();
    let stream = input
        .best_stream(ffmpeg_runtime::format::MediaType::Video)
        .unwrap();
    let mut decoder = ffmpeg_runtime::codec::Decoder::new(&stream, &Default::default()).unwrap();
    let (mut packet, mut frame) = (
        ffmpeg_runtime::Packet::new(&ffmpeg).unwrap(),
        ffmpeg_runtime::Frame::new(&ffmpeg).unwrap(),
    );
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
        if decoder.receive(&mut frame).unwrap() {
            break;
        }
    }
    let color = frame.color();
    assert_eq!(color.range, Some(ffmpeg_runtime::Range::Limited));
    assert_eq!(color.matrix.as_deref(), Some("bt709"));
    assert_eq!(color.primaries.as_deref(), Some("bt709"));
    assert_eq!(color.transfer.as_deref(), Some("bt709"));
}
