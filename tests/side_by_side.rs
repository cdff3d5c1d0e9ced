//! Two FFmpeg releases loaded in one process, both usable at once.

mod common;

use std::thread;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Encoder, VideoSettings};
use ffmpeg_runtime::{Error, Frame, Library};

#[test]
fn two_releases_work_side_by_side() {
    let (this, other) = (common::under_test(), common::partner());
    let (a, b) = (this.load(), other.load());
    assert_ne!(a.family(), b.family());
    let handles: Vec<_> = [(a.clone(), this.clone()), (b.clone(), other.clone())]
        .into_iter()
        .map(|(ffmpeg, build)| {
            thread::spawn(move || {
                for _ in 0..1000 {
                    assert_eq!(
                        ffmpeg
                            .library(Library::AvCodec)
                            .expect("a required library")
                            .version(),
                        &build.avcodec
                    );
                    assert!(ffmpeg.cpu_flags().bits() != 0);
                    ffmpeg.set_log_level(log::LevelFilter::Error);
                    ffmpeg.set_log_level(log::LevelFilter::Warn);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    // Each library answers for its own release, not the other's.
    for library in Library::REQUIRED {
        assert_ne!(
            a.library(library).expect("a required library").path(),
            b.library(library).expect("a required library").path()
        );
    }
    // Codec numbers move between majors: an id of one is refused by the other.
    let mpeg4 = a.codec_id("mpeg4").unwrap();
    assert!(!b.has_encoder_for(&mpeg4));
    let settings = VideoSettings::new(
        64,
        48,
        b.pixel_format("yuv420p").unwrap(),
        Rational::new(1, 25),
    );
    assert!(matches!(
        Encoder::video(&b, &mpeg4, &settings),
        Err(Error::Incompatible { .. })
    ));
    assert!(Encoder::video(&b, b.codec_id("mpeg4").unwrap(), &settings).is_ok());
    // Pixel and sample formats are numbered per libavutil major too.
    let yuv420p = a.pixel_format("yuv420p").unwrap();
    let frame = Frame::video(&a, 16, 16, &yuv420p).unwrap();
    assert_eq!(frame.pixel_format().as_ref(), Some(&yuv420p));
    assert_eq!(frame.sample_format(), None);
    if a.library(Library::AvUtil)
        .expect("a required library")
        .version()
        .major
        != b.library(Library::AvUtil)
            .expect("a required library")
            .version()
            .major
    {
        assert!(matches!(
            Frame::video(&b, 16, 16, &yuv420p),
            Err(Error::Incompatible { .. })
        ));
        let s16 = a.sample_format("s16").unwrap();
        assert!(matches!(
            Frame::audio(&b, 64, &s16, 48_000, 2),
            Err(Error::Incompatible { .. })
        ));
        let theirs_with_ours = VideoSettings::new(64, 48, yuv420p.clone(), Rational::new(1, 25));
        assert!(matches!(
            Encoder::video(&b, "mpeg4", &theirs_with_ours),
            Err(Error::Incompatible { .. })
        ));
    }
    // Channel masks mean the same channels in every release: a layout crosses over.
    let surround = a.channel_layout("5.1(side)").unwrap();
    let theirs = Frame::audio(&b, 64, "fltp", 48_000, &surround).unwrap();
    assert_eq!(theirs.channel_layout().as_ref(), Some(&surround));
    // By name, each release finds its own number.
    let theirs = Frame::video(&b, 16, 16, "yuv420p").unwrap();
    assert_eq!(theirs.pixel_format().unwrap().name(), yuv420p.name());
    assert!(matches!(
        a.pixel_format("no-such-format"),
        Err(Error::UnknownName {
            kind: "pixel format",
            ..
        })
    ));
    drop(a);
    assert_eq!(
        b.library(Library::AvCodec)
            .expect("a required library")
            .version(),
        &other.avcodec,
        "dropping one leaves the other"
    );
}
