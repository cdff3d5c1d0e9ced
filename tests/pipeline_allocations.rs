//! The decode pipeline allocates nothing from Rust per frame once warm: packets and frames
//! circulate through its pools. (Its own binary: the allocation counter is process-wide.)

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::media::{self, CLIPS};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::pipeline::{DecodePipeline, PipelineOptions};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn no_rust_allocation_per_frame_in_the_steady_state() {
    let ffmpeg = common::under_test().load();
    let path = media::path(CLIPS.iter().find(|c| c.name == "h264_gop10.mp4").unwrap());
    let input = Input::open(&ffmpeg, &path).unwrap();
    let index = input.best_stream(MediaType::Video).unwrap().index();
    let mut pipeline = DecodePipeline::new(input, index, &PipelineOptions::default()).unwrap();
    for _ in 0..20 {
        pipeline.next_frame().unwrap().unwrap();
    }
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut steady = 0;
    for _ in 0..25 {
        if pipeline.next_frame().unwrap().is_some() {
            steady += 1;
        }
    }
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(steady, 25);
    assert_eq!(allocations, 0, "Rust allocations over {steady} frames");
    while pipeline.next_frame().unwrap().is_some() {}
}
