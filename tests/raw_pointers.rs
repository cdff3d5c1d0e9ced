//! The escape hatches of the contexts: their pointers serve FFmpeg calls the crate does not
//! wrap, reached through the very library files the `Ffmpeg` loaded.

mod common;

use std::ffi::{c_char, c_int, c_void};

use ffmpeg_runtime::codec::{Codec, Encoder, VideoSettings};
use ffmpeg_runtime::format::Input;
use ffmpeg_runtime::{Library, Rational};

/// `av_opt_get_int`, found in the same libavutil file the Ffmpeg loaded.
type OptGetInt = unsafe extern "C" fn(*mut c_void, *const c_char, c_int, *mut i64) -> c_int;

#[test]
fn raw_pointers_reach_calls_the_crate_does_not_wrap() {
    let ffmpeg = common::under_test().load();
    // SAFETY: the very files this Ffmpeg loaded, already mapped: opening them again only adds
    // a reference, and their initialisers have run.
    let (avutil, avcodec) = unsafe {
        (
            libloading::Library::new(
                ffmpeg
                    .library(Library::AvUtil)
                    .expect("a required library")
                    .path(),
            )
            .unwrap(),
            libloading::Library::new(
                ffmpeg
                    .library(Library::AvCodec)
                    .expect("a required library")
                    .path(),
            )
            .unwrap(),
        )
    };
    // SAFETY: the C signatures of these functions in every supported release.
    let (opt_get_int, is_encoder) = unsafe {
        (
            *avutil.get::<OptGetInt>(b"av_opt_get_int\0").unwrap(),
            *avcodec
                .get::<unsafe extern "C" fn(*const c_void) -> c_int>(b"av_codec_is_encoder\0")
                .unwrap(),
        )
    };
    let settings = VideoSettings {
        bit_rate: Some(123_456),
        ..VideoSettings::new(
            64,
            48,
            ffmpeg.pixel_format("yuv420p").unwrap(),
            Rational::new(1, 25),
        )
    };
    let encoder = Encoder::video(&ffmpeg, "mpeg4", &settings).unwrap();
    let codec = Codec::encoder(&ffmpeg, "mpeg4").unwrap();
    let path = common::media::generated(
        "raw_pointers.nut",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=0.2:size=64x48",
            "-c:v",
            "ffv1",
        ],
    );
    let input = Input::open(&ffmpeg, &path).unwrap();
    let (mut bit_rate, mut probe_size) = (0i64, 0i64);
    // SAFETY: live contexts and a codec of this load, given to its own libavutil/libavcodec;
    // the option reads change nothing.
    unsafe {
        let context = encoder.as_ptr().cast_mut().cast();
        assert_eq!(opt_get_int(context, c"b".as_ptr(), 0, &mut bit_rate), 0);
        let context = input.as_ptr().cast_mut().cast();
        assert_eq!(
            opt_get_int(context, c"probesize".as_ptr(), 0, &mut probe_size),
            0
        );
        assert_eq!(is_encoder(codec.as_ptr().cast()), 1);
    }
    assert_eq!((bit_rate, probe_size), (123_456, 5_000_000));
}
