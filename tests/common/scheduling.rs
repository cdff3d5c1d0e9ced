//! What the scheduler's tests feed it: a small live-style H.264 clip and its video packets,
//! submitted without a drop.

use std::path::PathBuf;

use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Ffmpeg, Packet};

use super::media;

/// H.264 at 25 fps for 4 s, a keyframe every 25 frames; `b_frames` non-reference B-frames
/// between references (no pyramid: no B-frame is referred to).
pub fn h264_clip(b_frames: u32) -> PathBuf {
    let bf = b_frames.to_string();
    media::generated(
        &format!("scheduler_h264_bf{b_frames}.mp4"),
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=4",
            "-c:v",
            "libx264",
            "-g",
            "25",
            "-bf",
            &bf,
            "-x264-params",
            "b-pyramid=none",
            "-pix_fmt",
            "yuv420p",
        ],
    )
}

/// The clip's video packets, in order.
pub fn video_packets(ffmpeg: &Ffmpeg, path: &PathBuf) -> Vec<Packet> {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let index = input.best_stream(MediaType::Video).unwrap().index();
    let mut packets = Vec::new();
    loop {
        let mut packet = Packet::new(ffmpeg).unwrap();
        if !input.read_packet(&mut packet).unwrap() {
            return packets;
        }
        if packet.stream_index() == index {
            packets.push(packet);
        }
    }
}

/// Submits every packet, waiting for room: none is dropped.
#[cfg(feature = "pipeline")]
pub fn feed(sender: &ffmpeg_runtime::scheduler::StreamSender, packets: Vec<Packet>) {
    use ffmpeg_runtime::scheduler::Admission;
    for packet in packets {
        while !sender.has_room() {
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        assert_eq!(
            sender.submit(packet).unwrap(),
            Admission::Queued { dropped: 0 }
        );
    }
}
