//! Handing a frame's or packet's ownership out as a raw pointer and back neither leaks nor
//! double-frees: once everything is dropped, the FFmpeg it came from is unloaded. (Its own
//! process: another test holding the same build would keep it mapped.)

mod common;

use ffmpeg_runtime::{Frame, Library, Packet};

#[test]
fn raw_round_trips_release_the_ffmpeg_they_hold() {
    let ffmpeg = common::under_test().load();
    let avcodec = ffmpeg
        .library(Library::AvCodec)
        .expect("a required library")
        .path()
        .canonicalize()
        .unwrap();
    let frame = Frame::video(&ffmpeg, 16, 8, "yuv420p").unwrap();
    let packet = Packet::new(&ffmpeg).unwrap();
    let (frame, packet) = (frame.into_raw(), packet.into_raw());
    // SAFETY: both came from into_raw of this very load, and nobody else owns them.
    let (frame, packet) = unsafe {
        (
            Frame::from_raw(&ffmpeg, frame),
            Packet::from_raw(&ffmpeg, packet),
        )
    };
    assert_eq!((frame.width(), packet.pts()), (16, None));
    drop((frame, packet, ffmpeg));
    assert!(
        !common::is_loaded(&avcodec),
        "{} still mapped: a raw round trip kept its FFmpeg alive",
        avcodec.display()
    );
}
