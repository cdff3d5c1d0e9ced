//! The decode pipeline allocates nothing from Rust per frame once warm: packets and frames
//! circulate through its pools; nor does RGB conversion. (Its own binary: the allocation
//! counter is process-wide.)
//! Runs here measure 0 most times, 1 or 2 at most (see below).

mod common;

use common::media;
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::pipeline::{DecodePipeline, PipelineOptions};

#[path = "common/counting.rs"]
mod counting;

/// The counter is process-wide: one test counts at a time.
static COUNTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn no_rust_allocation_per_frame_in_the_steady_state() {
    let _alone = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let ffmpeg = common::under_test().load();
    // Ten seconds, so that the stream cannot end (and the threads wind down) inside the
    // measured stretch.
    let path = media::generated(
        "pipeline_10s.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=10",
            "-c:v",
            "libx264",
            "-bf",
            "2",
        ],
    );
    let input = Input::open(&ffmpeg, &path).unwrap();
    let index = input.best_stream(MediaType::Video).unwrap().index();
    let mut pipeline = DecodePipeline::new(input, index, &PipelineOptions::default()).unwrap();
    // Warm up: every thread has blocked on its channels once (std's channels set up a
    // thread's waiting state on first use) and the pools are full.
    for _ in 0..60 {
        pipeline.next_frame().unwrap().unwrap();
    }
    let before = counting::allocations();
    let mut steady = 0;
    for _ in 0..100 {
        if pipeline.next_frame().unwrap().is_some() {
            steady += 1;
        }
    }
    let allocations = counting::allocations() - before;
    assert_eq!(steady, 100);
    // A per-frame allocation would show 100 or more. What may show is std's channels setting
    // up a thread's waiting state (an Arc and a waiter list) the first time that thread
    // blocks on a channel, if that first block falls in this stretch: once per thread and
    // channel, never per frame.
    assert!(
        allocations < 8,
        "{allocations} Rust allocations over {steady} frames"
    );
    while pipeline.next_frame().unwrap().is_some() {}
}

/// Converting decoded frames to RGB allocates nothing once warm either: the output buffer
/// comes back to the pool, and the frame's format and colour names are borrowed.
#[test]
fn no_rust_allocation_per_rgb_conversion_in_the_steady_state() {
    use ffmpeg_runtime::Frame;
    use ffmpeg_runtime::convert::{RgbFormat, RgbPool};
    let _alone = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let ffmpeg = common::under_test().load();
    let mut frame = Frame::video(&ffmpeg, 176, 144, "yuv420p").unwrap();
    frame.make_writable().unwrap();
    let pool = RgbPool::new();
    for format in [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24] {
        drop(pool.convert(&frame, format).unwrap());
    }
    let before = counting::allocations();
    for round in 0..300 {
        let format = [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24][round % 3];
        drop(pool.convert(&frame, format).unwrap());
    }
    // One allocation a conversion would show 300. The counter is process-wide, so the test
    // harness reporting the other test, or that test's threads winding down, may add a few.
    let allocations = counting::allocations() - before;
    assert!(
        allocations < 8,
        "{allocations} Rust allocations over 300 conversions"
    );
}
