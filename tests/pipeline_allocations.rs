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

/// Ten seconds of H.264 with B-frames, so that no stream can end (and threads wind down)
/// inside a measured stretch.
fn ten_seconds() -> std::path::PathBuf {
    media::generated(
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
    )
}

#[test]
fn no_rust_allocation_per_frame_in_the_steady_state() {
    let _alone = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let ffmpeg = common::under_test().load();
    let path = ten_seconds();
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
    // One allocation a conversion would show 300 in every count. The counter is
    // process-wide, so the test harness reporting the other test, or that test's threads
    // winding down, may add some to one count (17 once, on a loaded machine): the least of
    // three counts is taken.
    let allocations = (0..3)
        .map(|_| {
            let before = counting::allocations();
            for round in 0..300 {
                let format = [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24][round % 3];
                drop(pool.convert(&frame, format).unwrap());
            }
            counting::allocations() - before
        })
        .min()
        .unwrap_or_default();
    assert!(
        allocations < 8,
        "{allocations} Rust allocations over 300 conversions"
    );
}

/// Nor does the many-stream scheduler: packets come back through `spare_packet`, frames
/// through each stream's pool, and the histograms were made with the stream.
#[test]
fn the_scheduler_allocates_nothing_per_frame_in_the_steady_state() {
    use ffmpeg_runtime::Packet;
    use ffmpeg_runtime::scheduler::{Scheduler, SchedulerOptions, StreamOptions};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let _alone = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let ffmpeg = common::under_test().load();
    let path = ten_seconds();
    let scheduler = Scheduler::new(&SchedulerOptions {
        workers: 2,
        ..SchedulerOptions::default()
    })
    .unwrap();
    let frames = Arc::new(AtomicU64::new(0));
    let mut streams: Vec<_> = (0..3)
        .map(|_| {
            let input = Input::open(&ffmpeg, &path).unwrap();
            let index = input.best_stream(MediaType::Video).unwrap().index();
            let counted = Arc::clone(&frames);
            let sink = move |_frame| {
                counted.fetch_add(1, Ordering::Relaxed);
            };
            let stream = input.best_stream(MediaType::Video).unwrap();
            let sender = scheduler
                .add_stream(&stream, &StreamOptions::default(), sink)
                .unwrap();
            (input, index, sender)
        })
        .collect();
    // Each stream one more packet, waiting for room: what a feeding thread does.
    let mut feed_round = || {
        for (input, index, sender) in &mut streams {
            let mut packet = sender
                .spare_packet()
                .unwrap_or_else(|| Packet::new(&ffmpeg).unwrap());
            while input.read_packet(&mut packet).unwrap() && packet.stream_index() != *index {}
            while !sender.has_room() {
                std::thread::yield_now();
            }
            sender.submit(packet).unwrap();
        }
    };
    // Warm up: the pools full, every worker has waited once.
    for _ in 0..60 {
        feed_round();
    }
    let (before, frames_before) = (counting::allocations(), frames.load(Ordering::Relaxed));
    for _ in 0..100 {
        feed_round();
    }
    let allocations = counting::allocations() - before;
    let steady = frames.load(Ordering::Relaxed) - frames_before;
    assert!(steady >= 250, "{steady} frames decoded in the stretch");
    // A per-frame allocation would show 250 or more.
    assert!(
        allocations < 8,
        "{allocations} Rust allocations over {steady} frames"
    );
    for (_, _, sender) in streams {
        assert_eq!(sender.finish().counts.dropped(), 0);
    }
}
