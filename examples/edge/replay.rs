//! Replays copies of a clip as live streams into the scheduler: one feeding thread plays the
//! network for every stream, each stream's packets due at their timestamps from a staggered
//! start, the clip looping until the run's time is up. A stream reaching the end of the clip
//! after a reload reopens on the new release; its old session finishes on the old one.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::scheduler::{
    EndingStream, Scheduler, SchedulerOptions, StreamOptions, StreamReport, StreamSender,
};
use ffmpeg_runtime::{Ffmpeg, Packet, ReloadableFfmpeg};

/// What a run replays, and how.
pub struct Plan<'a> {
    pub clip: PathBuf,
    pub streams: usize,
    pub live: bool,
    /// Media time each stream plays.
    pub duration: Duration,
    /// One worker thread per stream (a scheduler each) instead of one shared scheduler.
    pub thread_per_stream: bool,
    pub scheduler: SchedulerOptions,
    pub ffmpeg: &'a ReloadableFfmpeg,
}

/// One stream's session on one release: its demuxer and the stream it feeds.
struct Session {
    input: Input,
    index: usize,
    time_base: ffmpeg_runtime::Rational,
    sender: StreamSender,
    /// Media time added to this pass of the clip (the passes before it).
    offset: f64,
    /// The end of the latest packet read, in this pass's time.
    end: f64,
    /// Packets read in this pass.
    packets: u64,
}

/// One replayed stream.
struct Lane {
    session: Option<Session>,
    /// Its own scheduler, one worker, when each stream has a thread.
    own: Option<Scheduler>,
    start: Instant,
    next: Option<(Packet, f64)>,
    ending: Vec<EndingStream>,
}

fn seconds(ticks: i64, time_base: ffmpeg_runtime::Rational) -> f64 {
    ticks as f64 * f64::from(time_base.num) / f64::from(time_base.den.max(1))
}

impl Session {
    fn open(
        ffmpeg: &Ffmpeg,
        plan: &Plan<'_>,
        scheduler: &Scheduler,
        offset: f64,
    ) -> Result<Session, String> {
        let clip = plan.clip.display();
        let input = Input::open(ffmpeg, &plan.clip).map_err(|e| format!("{clip}: {e}"))?;
        let (index, time_base, sender) = {
            let stream = input
                .best_stream(MediaType::Video)
                .ok_or_else(|| format!("{clip}: no video stream"))?;
            let sender = scheduler
                .add_stream(&stream, &StreamOptions::default(), drop)
                .map_err(|e| format!("{clip}: {e}"))?;
            (stream.index(), stream.time_base(), sender)
        };
        Ok(Session {
            input,
            index,
            time_base,
            sender,
            offset,
            end: 0.0,
            packets: 0,
        })
    }

    /// The clip again from its start, into the same stream, from media time `offset`.
    fn rewind(&mut self, plan: &Plan<'_>, offset: f64) -> Result<(), String> {
        let ffmpeg = self.sender.ffmpeg().clone();
        self.input = Input::open(&ffmpeg, &plan.clip)
            .map_err(|e| format!("{}: {e}", plan.clip.display()))?;
        self.offset = offset;
        self.end = 0.0;
        self.packets = 0;
        Ok(())
    }

    /// The next packet of the stream and its media time; `None` at the end of the clip.
    fn read(&mut self) -> Result<Option<(Packet, f64)>, String> {
        let mut packet = match self.sender.spare_packet() {
            Some(packet) => packet,
            None => Packet::new(self.input.ffmpeg()).map_err(|e| e.to_string())?,
        };
        loop {
            if !self
                .input
                .read_packet(&mut packet)
                .map_err(|e| e.to_string())?
            {
                return Ok(None);
            }
            if packet.stream_index() == self.index {
                break;
            }
        }
        self.packets += 1;
        let time = seconds(packet.dts().or(packet.pts()).unwrap_or(0), self.time_base);
        self.end = self
            .end
            .max(time + seconds(packet.duration(), self.time_base));
        Ok(Some((packet, self.offset + time)))
    }
}

impl Lane {
    fn scheduler<'s>(&'s self, shared: &'s Scheduler) -> &'s Scheduler {
        self.own.as_ref().unwrap_or(shared)
    }

    /// Reads the lane's next packet, looping the clip, and moving to the current release at
    /// a loop when it has changed.
    fn advance(&mut self, plan: &Plan<'_>, shared: &Scheduler) -> Result<(), String> {
        let session = self.session.as_mut().expect("open while advancing");
        if let Some(next) = session.read()? {
            self.next = Some(next);
            return Ok(());
        }
        if session.packets == 0 {
            return Err(format!("{}: no video packets", plan.clip.display()));
        }
        let offset = session.offset + session.end.max(0.001);
        let current = plan.ffmpeg.get();
        if current.is_same_load(session.sender.ffmpeg()) {
            session.rewind(plan, offset)?;
        } else {
            let reopened = Session::open(&current, plan, self.scheduler(shared), offset)?;
            let replaced = self.session.replace(reopened).expect("open");
            self.ending.push(replaced.sender.end());
        }
        self.advance(plan, shared)
    }
}

/// The reports of every stream of a run, one per lane (its sessions merged).
pub fn run(plan: &Plan<'_>) -> Result<Vec<StreamReport>, String> {
    let one_worker = SchedulerOptions {
        workers: 1,
        pin: false,
        ..plan.scheduler.clone()
    };
    let shared = Scheduler::new(&plan.scheduler).map_err(|e| e.to_string())?;
    let (keyframes, frame_interval) = clip_intervals(&plan.ffmpeg.get(), plan)?;
    // Over one keyframe interval and one frame interval: the streams' keyframes (the costly
    // pictures) spread out, and so do their frames within each interval, as independent live
    // streams' do. (Over the keyframe interval alone, N streams could all land on the same
    // phase of the frame interval and arrive at once.)
    let stagger = keyframes + frame_interval;
    let began = Instant::now() + Duration::from_millis(20);
    let mut lanes = Vec::with_capacity(plan.streams);
    for index in 0..plan.streams {
        let own = if plan.thread_per_stream {
            Some(Scheduler::new(&one_worker).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let mut lane = Lane {
            session: None,
            own,
            start: began + stagger.mul_f64(index as f64 / plan.streams as f64),
            next: None,
            ending: Vec::new(),
        };
        lane.session = Some(Session::open(
            &plan.ffmpeg.get(),
            plan,
            lane.scheduler(&shared),
            0.0,
        )?);
        lane.advance(plan, &shared)?;
        lanes.push(lane);
    }
    let limit = plan.duration.as_secs_f64();
    if plan.live {
        feed_live(plan, &shared, &mut lanes, limit)?;
    } else {
        feed_fast(plan, &shared, &mut lanes, limit)?;
    }
    let mut reports = Vec::with_capacity(lanes.len());
    for mut lane in lanes {
        if let Some(session) = lane.session.take() {
            lane.ending.push(session.sender.end());
        }
        let mut merged: Option<StreamReport> = None;
        for ending in lane.ending {
            let report = ending.wait();
            match &mut merged {
                Some(merged) => merged.merge(&report),
                None => merged = Some(report),
            }
        }
        reports.push(merged.expect("every lane had a session"));
    }
    Ok(reports)
}

/// The time between the clip's first two keyframes (its duration when it has one), and its
/// frame interval (40 ms when it has no frame rate).
fn clip_intervals(ffmpeg: &Ffmpeg, plan: &Plan<'_>) -> Result<(Duration, Duration), String> {
    let mut input = Input::open(ffmpeg, &plan.clip).map_err(|e| e.to_string())?;
    let (index, time_base, rate) = {
        let stream = input
            .best_stream(MediaType::Video)
            .ok_or("no video stream")?;
        (stream.index(), stream.time_base(), stream.frame_rate())
    };
    let frame_interval = rate
        .filter(|r| r.num > 0 && r.den > 0)
        .map_or(0.04, |r| f64::from(r.den) / f64::from(r.num));
    let frame_interval = Duration::from_secs_f64(frame_interval);
    let mut packet = Packet::new(ffmpeg).map_err(|e| e.to_string())?;
    let (mut first, mut last) = (None, 0.0_f64);
    while input.read_packet(&mut packet).map_err(|e| e.to_string())? {
        if packet.stream_index() != index {
            continue;
        }
        let time = seconds(packet.dts().or(packet.pts()).unwrap_or(0), time_base);
        last = last.max(time);
        if packet.is_key() {
            match first {
                None => first = Some(time),
                Some(first) if time > first => {
                    return Ok((Duration::from_secs_f64(time - first), frame_interval));
                }
                Some(_) => {}
            }
        }
    }
    let span = (last - first.unwrap_or(0.0)).clamp(0.0, 3600.0);
    Ok((Duration::from_secs_f64(span), frame_interval))
}

/// Each packet submitted at its time: lanes in a heap by their next packet's due time.
fn feed_live(
    plan: &Plan<'_>,
    shared: &Scheduler,
    lanes: &mut [Lane],
    limit: f64,
) -> Result<(), String> {
    let due = |lane: &Lane| {
        lane.next
            .as_ref()
            .map(|(_, time)| lane.start + Duration::from_secs_f64(time.max(0.0)))
    };
    let mut heap: BinaryHeap<Reverse<(Instant, usize)>> = lanes
        .iter()
        .enumerate()
        .filter_map(|(index, lane)| due(lane).map(|at| Reverse((at, index))))
        .collect();
    while let Some(Reverse((at, index))) = heap.pop() {
        let lane = &mut lanes[index];
        let Some((packet, time)) = lane.next.take() else {
            continue;
        };
        if time >= limit {
            continue;
        }
        let wait = at.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        submit(lane, packet)?;
        lane.advance(plan, shared)?;
        if let Some(at) = due(lane) {
            heap.push(Reverse((at, index)));
        }
    }
    Ok(())
}

/// As fast as the queues take packets: each lane fed while its queue has room.
fn feed_fast(
    plan: &Plan<'_>,
    shared: &Scheduler,
    lanes: &mut [Lane],
    limit: f64,
) -> Result<(), String> {
    loop {
        let mut fed = false;
        let mut open = false;
        for lane in lanes.iter_mut() {
            let Some((_, time)) = &lane.next else {
                continue;
            };
            if *time >= limit {
                continue;
            }
            open = true;
            let session = lane.session.as_ref().expect("open");
            if session.sender.has_room() {
                let (packet, _) = lane.next.take().expect("present");
                submit(lane, packet)?;
                lane.advance(plan, shared)?;
                fed = true;
            }
        }
        if !open {
            return Ok(());
        }
        if !fed {
            std::thread::sleep(Duration::from_micros(100));
        }
    }
}

fn submit(lane: &mut Lane, packet: Packet) -> Result<(), String> {
    let session = lane.session.as_ref().expect("open");
    session.sender.submit(packet).map_err(|e| e.to_string())?;
    Ok(())
}
