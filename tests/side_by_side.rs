//! Two FFmpeg releases loaded in one process, both usable at once.

mod common;

use std::thread;

use ffmpeg_runtime::Library;

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
    drop(a);
    assert_eq!(
        b.library(Library::AvCodec).version(),
        &other.avcodec,
        "dropping one leaves the other"
    );
}
