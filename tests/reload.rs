//! Replacing the FFmpeg a running program uses (`ReloadableFfmpeg`): streams that started on a
//! release finish on it, new ones take the new one, a failed reload changes nothing, and a
//! replaced release unloads when its last object drops.

mod common;

#[allow(dead_code, unused_imports)] // the fuzz targets use the rest
#[path = "../fuzz/src/lib.rs"]
mod workloads;

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::scheduler::{ScheduledFrame, Scheduler, SchedulerOptions, StreamOptions};
use ffmpeg_runtime::{Ffmpeg, Frame, Library, Packet, ReloadableFfmpeg};

/// The presentation times of every frame of `clip`, decoded with `ffmpeg`.
fn decode(ffmpeg: &Ffmpeg, clip: &[u8]) -> Vec<Option<i64>> {
    let mut input = Input::from_reader(ffmpeg, Cursor::new(clip.to_vec())).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let index = stream.index();
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    let mut times = Vec::new();
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() != index {
            continue;
        }
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            times.push(frame.pts());
        }
    }
    decoder.send_eof().unwrap();
    while decoder.receive(&mut frame).unwrap() {
        times.push(frame.pts());
    }
    times
}

/// Up to three builds of different families, none of them the build under test (which other
/// tests of this binary keep loaded), that this process can load; wheels first, whose
/// dependencies carry hashed names and never collide.
fn other_releases() -> Vec<common::Build> {
    let this = common::under_test();
    let mut chosen: Vec<common::Build> = Vec::new();
    let mut candidates = common::matrix();
    candidates.sort_by_key(|b| b.dir.starts_with("/usr"));
    for build in candidates {
        let family = build.avcodec.major;
        if build.name != this.name
            && build.avcodec.major != this.avcodec.major
            && build.loadable_here()
            && chosen.iter().all(|c| c.avcodec.major != family)
            && chosen.len() < 3
        {
            chosen.push(build);
        }
    }
    chosen
}

fn avcodec_path(ffmpeg: &Ffmpeg) -> PathBuf {
    let info = ffmpeg
        .library(Library::AvCodec)
        .expect("a required library");
    info.path().canonicalize().unwrap()
}

#[test]
fn a_failed_reload_leaves_the_current_release_serving() {
    let ffmpeg = common::under_test().load();
    let current = ReloadableFfmpeg::new(ffmpeg.clone());
    for broken in [
        common::scratch_dir("reload-empty"),
        common::scratch_dir("reload-missing").join("nothing"),
        common::other_architecture_fixture().0,
    ] {
        // SAFETY: directories with no FFmpeg, or one of another architecture (refused before
        // anything is opened).
        let error = unsafe { current.reload(&broken) }.expect_err("nothing to load there");
        assert!(!error.attempts().is_empty());
        assert!(current.get().is_same_load(&ffmpeg));
    }
    assert_eq!(current.reloads(), 0);
    let clip = workloads::make_clip(&ffmpeg, "matroska", Some("mpeg4"), None).unwrap();
    assert_eq!(decode(&current.get(), &clip).len(), 10);
}

#[test]
fn streams_finish_on_their_release_while_reloads_swap_it() {
    swap_while_four_streams_decode(&decode);
}

/// The same on the many-stream scheduler: four streams at a time on two workers, each session
/// a stream of its own on the release `get()` gave.
#[test]
fn scheduled_streams_finish_on_their_release_while_reloads_swap_it() {
    let scheduler = Scheduler::new(&SchedulerOptions {
        workers: 2,
        queue_depth: 4,
        ..SchedulerOptions::default()
    })
    .unwrap();
    swap_while_four_streams_decode(&|ffmpeg: &Ffmpeg, clip: &[u8]| {
        let mut input = Input::from_reader(ffmpeg, Cursor::new(clip.to_vec())).unwrap();
        let times = Arc::new(Mutex::new(Vec::new()));
        let (sender, index) = {
            let stream = input.best_stream(MediaType::Video).unwrap();
            let times = Arc::clone(&times);
            let sink = move |frame: ScheduledFrame| times.lock().unwrap().push(frame.pts());
            let sender = scheduler
                .add_stream(&stream, &StreamOptions::default(), sink)
                .unwrap();
            (sender, stream.index())
        };
        loop {
            let mut packet = sender
                .spare_packet()
                .unwrap_or_else(|| Packet::new(ffmpeg).unwrap());
            if !input.read_packet(&mut packet).unwrap() {
                break;
            }
            if packet.stream_index() != index {
                continue;
            }
            while !sender.has_room() {
                std::thread::yield_now();
            }
            sender.submit(packet).unwrap();
        }
        let report = sender.finish();
        assert!(
            report.completed && report.counts.dropped() == 0,
            "{report:?}"
        );
        times.lock().unwrap().clone()
    });
}

/// Decodes a clip with a release: every frame's presentation time.
type DecodeSession<'a> = dyn Fn(&Ffmpeg, &[u8]) -> Vec<Option<i64>> + Sync + 'a;

/// Four threads decode `clip` session after session with `decode_session`, each session on
/// the release `get()` gives, while the releases swap; see the tests above.
fn swap_while_four_streams_decode(decode_session: &DecodeSession) {
    // One swapping test at a time: each checks at its end that the releases it loaded are
    // gone, which the other's would not be.
    static SWAPPING: Mutex<()> = Mutex::new(());
    let _alone = SWAPPING.lock().unwrap_or_else(|e| e.into_inner());
    let releases = other_releases();
    if releases.len() < 2 {
        eprintln!("skipped: fewer than two other families in this matrix");
        return;
    }
    let first = releases[0].load();
    let clip = workloads::make_clip(&first, "matroska", Some("mpeg4"), None).unwrap();
    let expected = decode(&first, &clip);
    assert_eq!(expected.len(), 10);
    let current = ReloadableFfmpeg::new(first);
    let stop = AtomicBool::new(false);
    let sessions: [AtomicU64; 4] = Default::default();
    // (stream, release) of every session, to show that each stream ran on every release.
    let ran: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
    let mut mapped = Vec::new();
    std::thread::scope(|scope| {
        for (stream, count) in sessions.iter().enumerate() {
            let (current, stop, ran, clip, expected) = (&current, &stop, &ran, &clip, &expected);
            scope.spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    let ffmpeg = current.get();
                    // No frame lost or repeated, whichever release took the session.
                    assert_eq!(
                        &decode_session(&ffmpeg, clip),
                        expected,
                        "{}",
                        ffmpeg.release()
                    );
                    ran.lock()
                        .unwrap()
                        .push((stream, ffmpeg.release().to_owned()));
                    count.fetch_add(1, Ordering::AcqRel);
                }
            });
        }
        // Twice round the releases; after each swap, every stream finishes a session that
        // began on the new release before the next swap.
        for build in releases.iter().cycle().skip(1).take(releases.len() * 2) {
            // SAFETY: a genuine FFmpeg build provisioned by ci/.
            let previous =
                unsafe { current.reload(&build.dir) }.unwrap_or_else(|e| panic!("{}", e.report()));
            mapped.push(avcodec_path(&previous));
            drop(previous);
            // Counted once the new release serves: of the next two sessions a stream ends,
            // the first may have begun on the old one, the second began on the new. (Counted
            // before the reload, both could end while the release loads, on the old one.)
            let seen: Vec<u64> = sessions.iter().map(|s| s.load(Ordering::Acquire)).collect();
            while sessions
                .iter()
                .zip(&seen)
                .any(|(now, before)| now.load(Ordering::Acquire) < before + 2)
            {
                std::thread::yield_now();
            }
        }
        stop.store(true, Ordering::Release);
    });
    assert_eq!(current.reloads(), releases.len() as u64 * 2);
    let ran = ran.into_inner().unwrap();
    for stream in 0..sessions.len() {
        for build in &releases {
            assert!(
                ran.iter()
                    .any(|(s, release)| *s == stream && *release == build.load().release()),
                "stream {stream} never decoded on {}",
                build.name
            );
        }
    }
    let last = avcodec_path(&current.get());
    assert!(common::is_loaded(&last), "the current release is loaded");
    drop(current);
    mapped.push(last);
    // Every release is unloaded once nothing of it is left.
    for avcodec in &mapped {
        assert!(
            !common::is_loaded(avcodec),
            "{} still loaded after everything was dropped",
            avcodec.display()
        );
    }
}
