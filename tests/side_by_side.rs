//! Two FFmpeg releases loaded in one process, both usable at once.

mod common;

use std::thread;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Encoder, VideoSettings};
use ffmpeg_runtime::{Error, Library};

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
                    assert_eq!(ffmpeg.library(Library::AvCodec).version(), &build.avcodec);
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
    for library in Library::ALL {
        assert_ne!(a.library(library).path(), b.library(library).path());
    }
    // Codec numbers move between majors: an id of one is refused by the other.
    let mpeg4 = a.codec_id("mpeg4").unwrap();
    assert!(!b.has_encoder_for(&mpeg4));
    let settings = VideoSettings {
        width: 64,
        height: 48,
        pixel_format: "yuv420p".into(),
        time_base: Rational::new(1, 25),
        ..VideoSettings::default()
    };
    assert!(matches!(
        Encoder::video(&b, &mpeg4, &settings),
        Err(Error::Incompatible { .. })
    ));
    assert!(Encoder::video(&b, b.codec_id("mpeg4").unwrap(), &settings).is_ok());
    drop(a);
    assert_eq!(
        b.library(Library::AvCodec).version(),
        &other.avcodec,
        "dropping one leaves the other"
    );
}
