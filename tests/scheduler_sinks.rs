//! What a sink may do, on its worker, with its own stream and its scheduler: read its stream's
//! counts, drop its stream while the scheduler stops, drop the scheduler, and wait for a
//! stream of its scheduler, which panics in the sink instead of holding the worker forever.
//! And what a hostile sink may do to its worker: panic with a payload that panics again when
//! dropped, panic when dropped itself, or hold its own stream, which goes when it is dropped.
//! Each runs on a thread of its own, bounded: a hang fails the test instead of stalling it.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::PanicsWhenDropped;
use common::scheduling::{feed, h264_clip, video_packets};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::scheduler::{
    EndingStream, ScheduledFrame, Scheduler, SchedulerOptions, StreamOptions, StreamReport,
    StreamSender,
};
use ffmpeg_runtime::{Ffmpeg, Packet};

/// Runs `body` on a thread of its own; fails if it has not returned within two minutes.
fn bounded<T: Send + 'static>(what: &str, body: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = channel();
    std::thread::spawn(move || {
        let _ = done.send(catch_unwind(AssertUnwindSafe(body)));
    });
    match result.recv_timeout(Duration::from_secs(120)) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{what}: still running after two minutes, deadlocked"),
    }
}

fn scheduler(workers: usize) -> Scheduler {
    Scheduler::new(&SchedulerOptions {
        workers,
        ..SchedulerOptions::default()
    })
    .unwrap()
}

/// A stream of the clip on `scheduler`, with `sink`.
fn add(
    scheduler: &Scheduler,
    ffmpeg: &Ffmpeg,
    path: &PathBuf,
    sink: impl FnMut(ScheduledFrame) + Send + 'static,
) -> StreamSender {
    let input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    scheduler
        .add_stream(&stream, &StreamOptions::default(), sink)
        .unwrap()
}

/// The report of a new stream on `scheduler` given `packet` alone: whether its workers
/// still serve.
fn report_of_one_packet(
    scheduler: &Scheduler,
    ffmpeg: &Ffmpeg,
    path: &PathBuf,
    packet: Packet,
) -> StreamReport {
    let sender = add(scheduler, ffmpeg, path, drop);
    sender.submit(packet).unwrap();
    sender.finish()
}

/// Submits every packet of the clip to the sender in `shared`, waiting for room (so none is
/// dropped), taking the lock for each try only; returns how many were submitted.
fn feed_shared(shared: &Mutex<Option<StreamSender>>, ffmpeg: &Ffmpeg, path: &PathBuf) -> u64 {
    let packets = video_packets(ffmpeg, path);
    let count = packets.len() as u64;
    for packet in packets {
        loop {
            let guard = shared.lock().unwrap();
            let sender = guard.as_ref().unwrap();
            if sender.has_room() {
                sender.submit(packet).unwrap();
                break;
            }
            drop(guard);
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    count
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sink_reads_its_own_streams_counts() {
    let (ffmpeg, path) = (common::under_test().load(), h264_clip(0));
    bounded("StreamSender::counts in the stream's sink", move || {
        let scheduler = scheduler(1);
        let own = Arc::new(Mutex::new(None::<StreamSender>));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sender = add(&scheduler, &ffmpeg, &path, {
            let (own, seen) = (Arc::clone(&own), Arc::clone(&seen));
            move |_frame| {
                let decoded = own.lock().unwrap().as_ref().map(|s| s.counts().decoded);
                seen.lock().unwrap().extend(decoded);
            }
        });
        *own.lock().unwrap() = Some(sender);
        let submitted = feed_shared(&own, &ffmpeg, &path);
        // Out of the mutex first: the sink takes it.
        let sender = own.lock().unwrap().take().unwrap();
        let report = sender.finish();
        assert!(report.completed, "{report:?}");
        assert_eq!(report.counts.decoded, submitted);
        // Each frame saw the frames handed over before it.
        let seen = seen.lock().unwrap();
        assert!(!seen.is_empty());
        assert!(seen.iter().copied().eq(0..seen.len() as u64), "{seen:?}");
    });
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sink_drops_its_own_stream_while_the_scheduler_stops() {
    let (ffmpeg, path) = (common::under_test().load(), h264_clip(0));
    bounded("dropping a StreamSender in its sink", move || {
        let scheduler = scheduler(1);
        let own = Arc::new(Mutex::new(None::<StreamSender>));
        let packets = video_packets(&ffmpeg, &path);
        let keyframe = packets[0].try_clone().unwrap();
        let (inside, inside_rx) = channel();
        let sender = add(&scheduler, &ffmpeg, &path, {
            let own = Arc::clone(&own);
            move |_frame| {
                let _ = inside.send(());
                // Until the scheduler stops, the stream takes packets; then the sink lets its
                // stream go, in the middle of the stream's turn.
                loop {
                    let packet = keyframe.try_clone().unwrap();
                    let refused = match own.lock().unwrap().as_ref() {
                        Some(sender) => sender.submit(packet).is_err(),
                        None => return,
                    };
                    if refused {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                let taken = own.lock().unwrap().take();
                drop(taken);
            }
        });
        let first = packets[0].try_clone().unwrap();
        own.lock().unwrap().insert(sender).submit(first).unwrap();
        inside_rx.recv().unwrap();
        drop(scheduler);
        assert!(own.lock().unwrap().is_none());
    });
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sink_drops_the_scheduler() {
    let (ffmpeg, path) = (common::under_test().load(), h264_clip(0));
    bounded("dropping the Scheduler in a sink", move || {
        let shared = Arc::new(Mutex::new(Some(scheduler(2))));
        let sink = {
            let shared = Arc::clone(&shared);
            move |_frame: ScheduledFrame| {
                let taken = shared.lock().unwrap().take();
                drop(taken);
            }
        };
        let sender = add(
            shared.lock().unwrap().as_ref().unwrap(),
            &ffmpeg,
            &path,
            sink,
        );
        let mut taken = 0;
        for packet in video_packets(&ffmpeg, &path) {
            // Room comes while the scheduler runs; once the sink has dropped it, none comes
            // and the packet is refused.
            while !sender.has_room() && shared.lock().unwrap().is_some() {
                std::thread::sleep(Duration::from_micros(200));
            }
            if sender.submit(packet).is_err() {
                break;
            }
            taken += 1;
        }
        let report = sender.finish();
        // The scheduler stopped without its sink failing: what was queued is abandoned.
        assert!(shared.lock().unwrap().is_none(), "{report:?}");
        assert_eq!(report.error, None, "{report:?}");
        let counts = report.counts;
        assert!(counts.decoded >= 1);
        assert_eq!(counts.submitted, taken);
        let lost = counts.dropped() + counts.abandoned;
        assert_eq!(counts.decoded + lost, taken, "{counts:?}");
    });
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sink_that_waits_for_a_stream_of_its_scheduler_panics_instead_of_hanging() {
    let (ffmpeg, path) = (common::under_test().load(), h264_clip(0));
    bounded("waiting in a sink", move || {
        // One worker: stream B's sink waiting for stream A would hold the worker A needs.
        let scheduler = scheduler(1);
        let a_ending = Arc::new(Mutex::new(None::<EndingStream>));
        let b_own = Arc::new(Mutex::new(None::<StreamSender>));
        let messages = Arc::new(Mutex::new(Vec::new()));
        let a = add(&scheduler, &ffmpeg, &path, drop);
        let b = add(&scheduler, &ffmpeg, &path, {
            let (a_ending, b_own) = (Arc::clone(&a_ending), Arc::clone(&b_own));
            let messages = Arc::clone(&messages);
            move |_frame| {
                // First another stream of the scheduler, then its own.
                let a = a_ending.lock().unwrap().take();
                let b = b_own.lock().unwrap().take();
                let waits: [Option<Box<dyn FnOnce()>>; 2] = [
                    a.map(|a| Box::new(move || drop(a.wait())) as Box<dyn FnOnce()>),
                    b.map(|b| Box::new(move || drop(b.finish())) as Box<dyn FnOnce()>),
                ];
                for wait in waits.into_iter().flatten() {
                    if let Err(payload) = catch_unwind(AssertUnwindSafe(wait)) {
                        messages.lock().unwrap().push(panic_message(&*payload));
                    }
                }
            }
        });
        let packets = video_packets(&ffmpeg, &path);
        for packet in &packets[..4] {
            a.submit(packet.try_clone().unwrap()).unwrap();
        }
        *a_ending.lock().unwrap() = Some(a.end());
        let first = packets[0].try_clone().unwrap();
        b_own.lock().unwrap().insert(b).submit(first).unwrap();
        // Both waits refused in the sink, which went on; the scheduler still serves.
        while messages.lock().unwrap().len() < 2 {
            std::thread::sleep(Duration::from_millis(1));
        }
        for message in messages.lock().unwrap().iter() {
            assert!(message.contains("worker of its own scheduler"), "{message}");
        }
        let first = packets[0].try_clone().unwrap();
        let report = report_of_one_packet(&scheduler, &ffmpeg, &path, first);
        assert!(report.completed && report.counts.decoded == 1, "{report:?}");
    });
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sink_panicking_with_a_payload_that_panics_when_dropped_ends_only_its_stream() {
    let (ffmpeg, path) = (common::under_test().load(), h264_clip(0));
    bounded("a panic whose payload panics when dropped", move || {
        // One worker: it must live on to decode the next stream.
        let scheduler = scheduler(1);
        let drops = Arc::new(AtomicUsize::new(0));
        let failing = add(&scheduler, &ffmpeg, &path, {
            let drops = Arc::clone(&drops);
            move |_frame| std::panic::panic_any(PanicsWhenDropped(Arc::clone(&drops)))
        });
        failing
            .submit(video_packets(&ffmpeg, &path).remove(0))
            .unwrap();
        let report = failing.finish();
        assert_eq!(
            report.error.as_deref(),
            Some("callback panicked: the stream's sink: a panic without a message"),
            "{report:?}"
        );
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the payload dropped once");
        let healthy = add(&scheduler, &ffmpeg, &path, drop);
        let packets = video_packets(&ffmpeg, &path);
        let submitted = packets.len() as u64;
        feed(&healthy, packets);
        let report = healthy.finish();
        assert!(
            report.completed && report.counts.decoded == submitted,
            "{report:?}"
        );
    });
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sink_that_panics_when_dropped_is_dropped_before_its_report() {
    let (ffmpeg, path) = (common::under_test().load(), h264_clip(0));
    bounded("a sink that panics when dropped", move || {
        let scheduler = scheduler(1);
        let drops = Arc::new(AtomicUsize::new(0));
        let held = PanicsWhenDropped(Arc::clone(&drops));
        let sender = add(&scheduler, &ffmpeg, &path, move |_frame| {
            let _ = &held;
        });
        let packets = video_packets(&ffmpeg, &path);
        let submitted = packets.len() as u64;
        feed(&sender, packets);
        let report = sender.finish();
        assert!(
            report.completed && report.counts.decoded == submitted,
            "{report:?}"
        );
        // Released, as the decoder is, before the report was ready.
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        let first = video_packets(&ffmpeg, &path).remove(0);
        let report = report_of_one_packet(&scheduler, &ffmpeg, &path, first);
        assert_eq!(report.counts.decoded, 1, "the worker lives on");
    });
}

#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_sink_holding_its_own_stream_lets_it_go_when_dropped() {
    let (ffmpeg, path) = (common::under_test().load(), h264_clip(0));
    bounded(
        "a sink dropping its own stream as it is dropped",
        move || {
            let scheduler = scheduler(1);
            let own = Arc::new(Mutex::new(None::<StreamSender>));
            let (alive, gone) = channel::<()>();
            let sender = add(&scheduler, &ffmpeg, &path, {
                let own = Arc::clone(&own);
                move |_frame| {
                    // Not before the test has let go: the sink then holds its stream last.
                    while Arc::strong_count(&own) > 1 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    let _ = &alive;
                    panic!("the sink gives up, and is dropped with the stream it holds");
                }
            });
            own.lock()
                .unwrap()
                .insert(sender)
                .submit(video_packets(&ffmpeg, &path).remove(0))
                .unwrap();
            drop(own);
            // The sink held the last reference to its stream's sender: the stream ended (its
            // sink panicked), the sink was dropped, and with it the sender.
            assert!(gone.recv().is_err());
            let first = video_packets(&ffmpeg, &path).remove(0);
            let report = report_of_one_packet(&scheduler, &ffmpeg, &path, first);
            assert_eq!(report.counts.decoded, 1, "the worker lives on");
            drop(scheduler);
        },
    );
}
