//! The many-stream scheduler: each stream's frames are the plain decoder's, in order; streams
//! take turns packet by packet; a stream that falls behind drops non-reference pictures, then
//! skips to a keyframe, counting every packet; a panicking sink ends only its stream; dropping
//! the scheduler or a stream mid-flight returns and abandons what was queued.

mod common;

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::media::{self, CLIPS};
use common::scheduling::{feed, h264_clip, video_packets};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::scheduler::{
    Admission, ScheduledFrame, ScheduledStage, Scheduler, SchedulerOptions, StreamOptions,
    StreamSender,
};
use ffmpeg_runtime::{Error, Ffmpeg, Packet};
use md5::{Digest, Md5};

/// A stream of `path` on `scheduler`, its frames' MD5s collected.
fn add(
    scheduler: &Scheduler,
    ffmpeg: &Ffmpeg,
    path: &PathBuf,
) -> (StreamSender, Arc<Mutex<Vec<String>>>) {
    let input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let md5s = Arc::new(Mutex::new(Vec::new()));
    let collected = Arc::clone(&md5s);
    let mut packed = Vec::new();
    let sender = scheduler
        .add_stream(&stream, &StreamOptions::default(), move |frame| {
            frame.copy_packed(&mut packed).unwrap();
            collected
                .lock()
                .unwrap()
                .push(format!("{:x}", Md5::digest(&packed)));
        })
        .unwrap();
    (sender, md5s)
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn every_stream_gets_the_plain_decoders_frames_in_order() {
    let ffmpeg = common::under_test().load();
    let options = SchedulerOptions {
        workers: 2,
        queue_depth: 3,
        ..SchedulerOptions::default()
    };
    let mut paths: Vec<PathBuf> = ["h264_gop10.mp4", "hevc_10bit.mkv", "vp9_profile2.webm"]
        .iter()
        .map(|name| media::path(CLIPS.iter().find(|c| c.name == *name).unwrap()))
        .collect();
    paths.push(h264_clip(2));
    paths.push(h264_clip(0));
    let scheduler = Scheduler::new(&options).unwrap();
    std::thread::scope(|scope| {
        // Two streams of each clip, fed by threads of their own at once.
        for path in paths.iter().chain(&paths) {
            let (ffmpeg, scheduler, decoder) = (&ffmpeg, &scheduler, &options.decoder);
            scope.spawn(move || {
                let input = Input::open(ffmpeg, path).unwrap();
                let expected = media::decode_md5s_with(ffmpeg, input, None, decoder).unwrap();
                let (sender, md5s) = add(scheduler, ffmpeg, path);
                feed(&sender, video_packets(ffmpeg, path));
                let report = sender.finish();
                assert_eq!(*md5s.lock().unwrap(), expected, "{}", path.display());
                assert!(report.completed, "{report:?}");
                assert_eq!(report.counts.decoded as usize, expected.len());
                assert_eq!(report.counts.dropped(), 0);
                assert_eq!(
                    report.stage(ScheduledStage::Total).count as usize,
                    expected.len()
                );
            });
        }
    });
    assert_eq!(scheduler.workers(), 2);
}

/// A sink that labels each frame with its stream into a shared log; the first frame of a
/// stream with a gate says so and waits for the gate to open.
fn labelled(
    label: char,
    log: &Arc<Mutex<Vec<char>>>,
    gate: Option<(std::sync::mpsc::Sender<()>, Receiver<()>)>,
) -> impl FnMut(ScheduledFrame) + Send + 'static {
    let log = Arc::clone(log);
    let mut gate = gate;
    move |_frame| {
        log.lock().unwrap().push(label);
        if let Some((started, open)) = gate.take() {
            started.send(()).unwrap();
            open.recv().unwrap();
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn streams_take_turns_packet_by_packet() {
    let ffmpeg = common::under_test().load();
    let path = h264_clip(0);
    let input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let scheduler = Scheduler::new(&SchedulerOptions {
        workers: 1,
        ..SchedulerOptions::default()
    })
    .unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (started, started_rx) = channel();
    let (open, open_rx) = channel();
    let options = StreamOptions::default();
    let a = scheduler
        .add_stream(
            &stream,
            &options,
            labelled('A', &log, Some((started, open_rx))),
        )
        .unwrap();
    let b = scheduler
        .add_stream(&stream, &options, labelled('B', &log, None))
        .unwrap();
    let c = scheduler
        .add_stream(&stream, &options, labelled('C', &log, None))
        .unwrap();
    // Each stream its own copy of the clip from the start.
    let mut a_packets = video_packets(&ffmpeg, &path).into_iter();
    // A's first frame holds the one worker while A queues four more packets, then B and C
    // three each.
    a.submit(a_packets.next().unwrap()).unwrap();
    started_rx.recv().unwrap();
    let more = |sender: &StreamSender, packets: &mut dyn Iterator<Item = Packet>, count| {
        for packet in packets.take(count) {
            assert_eq!(
                sender.submit(packet).unwrap(),
                Admission::Queued { dropped: 0 }
            );
        }
    };
    more(&a, &mut a_packets, 4);
    more(&b, &mut video_packets(&ffmpeg, &path).into_iter(), 3);
    more(&c, &mut video_packets(&ffmpeg, &path).into_iter(), 3);
    let ending = [a.end(), b.end(), c.end()];
    open.send(()).unwrap();
    let reports: Vec<_> = ending.into_iter().map(|e| e.wait()).collect();
    // One packet a turn, in the order the streams became ready: the busy stream A waits its
    // turn behind B and C each time.
    let order: String = log.lock().unwrap().iter().collect();
    assert_eq!(order, "ABCABCABCAA");
    for (report, frames) in reports.iter().zip([5, 3, 3]) {
        assert_eq!(report.counts.decoded, frames);
        assert!(report.completed);
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_stream_behind_drops_non_reference_pictures_then_skips_to_a_keyframe() {
    let ffmpeg = common::under_test().load();
    let path = h264_clip(2);
    let input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let scheduler = Scheduler::new(&SchedulerOptions {
        workers: 1,
        queue_depth: 4,
        ..SchedulerOptions::default()
    })
    .unwrap();
    let frames = Arc::new(Mutex::new(Vec::new()));
    let (started, started_rx) = channel();
    let (open, open_rx) = channel::<()>();
    let sender = {
        let frames = Arc::clone(&frames);
        let mut gate = Some((started, open_rx));
        scheduler
            .add_stream(&stream, &StreamOptions::default(), move |frame| {
                frames.lock().unwrap().push((frame.pts(), frame.is_key()));
                if let Some((started, open)) = gate.take() {
                    started.send(()).unwrap();
                    open.recv().unwrap();
                }
            })
            .unwrap()
    };
    let mut packets = video_packets(&ffmpeg, &path);
    let total = packets.len() as u64;
    // The last second starts at a keyframe; it comes after the stream has caught up.
    let last_second = packets.split_off(75);
    assert!(last_second[0].is_key());
    let mut packets = packets.into_iter();
    // Until the first frame holds the worker, the stream keeps up.
    loop {
        sender.submit(packets.next().unwrap()).unwrap();
        if started_rx.recv_timeout(Duration::from_millis(200)).is_ok() {
            break;
        }
    }
    // Then it falls behind by the next two seconds.
    let mut admissions = Vec::new();
    let mut keys = Vec::new();
    for packet in packets {
        keys.push(packet.is_key());
        admissions.push(sender.submit(packet).unwrap());
    }
    open.send(()).unwrap();
    // Caught up, it takes the last second whole once its keyframe comes, whatever state
    // the skipping left.
    let decoded_before = frames.lock().unwrap().len();
    while sender.queued() > 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    feed(&sender, last_second);
    let report = sender.finish();
    let counts = report.counts;
    assert!(counts.dropped_non_reference > 0, "{counts:?}");
    assert!(counts.skips > 0, "{counts:?}");
    assert!(counts.dropped_skipping > 0, "{counts:?}");
    assert!(admissions.contains(&Admission::Dropped));
    assert!(
        admissions
            .iter()
            .any(|a| matches!(a, Admission::Queued { dropped } if *dropped > 0))
    );
    // A skip ends at a keyframe: every packet dropped while skipping precedes one that is.
    let after_skip = admissions
        .iter()
        .zip(&keys)
        .position(|(a, _)| matches!(a, Admission::Queued { dropped } if *dropped > 1));
    if let Some(at) = after_skip {
        assert!(keys[at], "a skip resumed on a packet that is no keyframe");
    }
    // Counted, never silent: every packet was decoded or counted as dropped, and what was
    // decoded decoded cleanly.
    assert_eq!(counts.submitted, total);
    assert_eq!(counts.decoded, total - counts.dropped(), "{counts:?}");
    assert_eq!(counts.decode_errors, 0);
    assert!(report.completed);
    let frames = frames.lock().unwrap();
    assert_eq!(frames.len() as u64, counts.decoded);
    assert!(frames[decoded_before..].iter().any(|(_, key)| *key));
    assert!(
        frames.len() - decoded_before >= 25,
        "the last second is decoded whole"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_panicking_sink_ends_only_its_own_stream() {
    let ffmpeg = common::under_test().load();
    let path = h264_clip(0);
    let input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let scheduler = Scheduler::new(&SchedulerOptions {
        workers: 1,
        ..SchedulerOptions::default()
    })
    .unwrap();
    let mut seen = 0;
    let failing = scheduler
        .add_stream(&stream, &StreamOptions::default(), move |_| {
            seen += 1;
            assert!(seen < 3, "the sink gives up");
        })
        .unwrap();
    let (healthy, md5s) = add(&scheduler, &ffmpeg, &path);
    let packets = video_packets(&ffmpeg, &path);
    let count = packets.len();
    for packet in video_packets(&ffmpeg, &path) {
        while !failing.has_room() {
            std::thread::sleep(Duration::from_micros(200));
        }
        if let Err(error) = failing.submit(packet) {
            assert!(matches!(error, Error::OutOfOrder { .. }), "{error}");
            break;
        }
    }
    feed(&healthy, packets);
    let failed = failing.finish();
    assert!(!failed.completed);
    let error = failed.error.as_deref().unwrap();
    assert!(
        error.contains("panicked") && error.contains("the sink gives up"),
        "the panic's message: {failed:?}"
    );
    assert_eq!(failed.counts.decoded, 2);
    let report = healthy.finish();
    assert!(report.completed);
    assert_eq!(md5s.lock().unwrap().len(), count);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn dropping_the_scheduler_or_a_stream_mid_flight_abandons_what_is_queued() {
    let ffmpeg = common::under_test().load();
    // No B-frames: every packet decoded is a frame handed over at once, so the counts add up
    // exactly whenever the stream stops.
    let path = h264_clip(0);
    let input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let scheduler = Scheduler::new(&SchedulerOptions {
        workers: 2,
        queue_depth: 16,
        ..SchedulerOptions::default()
    })
    .unwrap();
    // Slow sinks, so that the queues are still full when the scheduler goes.
    let slow = || move |_frame: ScheduledFrame| std::thread::sleep(Duration::from_millis(5));
    let senders: Vec<StreamSender> = (0..6)
        .map(|_| {
            scheduler
                .add_stream(&stream, &StreamOptions::default(), slow())
                .unwrap()
        })
        .collect();
    let packets = video_packets(&ffmpeg, &path);
    for sender in &senders {
        for packet in &packets[..16] {
            sender.submit(packet.try_clone().unwrap()).unwrap();
        }
    }
    // One stream abandoned mid-flight while the others decode, then the scheduler dropped.
    let mut senders = senders.into_iter();
    drop(senders.next());
    let ending: Vec<_> = senders.map(StreamSender::end).collect();
    drop(scheduler);
    let reports: Vec<_> = ending.into_iter().map(|e| e.wait()).collect();
    let abandoned: u64 = reports.iter().map(|r| r.counts.abandoned).sum();
    assert!(abandoned > 0, "{reports:?}");
    for report in &reports {
        let counts = report.counts;
        assert_eq!(counts.submitted, 16);
        assert_eq!(counts.decoded + counts.abandoned, 16, "{report:?}");
        assert_eq!(report.completed, counts.abandoned == 0, "{report:?}");
    }
    // Once the scheduler is gone, a packet is refused, not lost silently.
    let scheduler = Scheduler::new(&SchedulerOptions::default()).unwrap();
    let late = scheduler
        .add_stream(&stream, &StreamOptions::default(), drop)
        .unwrap();
    drop(scheduler);
    let packet = packets[0].try_clone().unwrap();
    assert!(matches!(late.submit(packet), Err(Error::OutOfOrder { .. })));
    assert_eq!(late.finish().counts.submitted, 0);
}
