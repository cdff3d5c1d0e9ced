//! The baseline for `benches/decode.rs`: the same decode through ffmpeg-next, linked to the
//! system's FFmpeg at build time. Needs `--features baseline-ffmpeg-next` (and FFmpeg's -dev
//! packages, pkg-config and libclang to build).
//!
//! ```text
//! cargo bench --features baseline-ffmpeg-next --bench decode_ffmpeg_next -- FILE [THREADS]
//! ```

use std::time::Instant;

use ffmpeg_next as ffmpeg;

fn decode(path: &str, threads: usize) -> (usize, f64) {
    let start = Instant::now();
    let mut input = ffmpeg::format::input(path).unwrap();
    let stream = input.streams().best(ffmpeg::media::Type::Video).unwrap();
    let index = stream.index();
    let mut context =
        ffmpeg::codec::context::Context::from_parameters(stream.parameters()).unwrap();
    context.set_threading(ffmpeg::threading::Config {
        kind: ffmpeg::threading::Type::Frame,
        count: threads,
        ..Default::default()
    });
    let mut decoder = context.decoder().video().unwrap();
    let mut frame = ffmpeg::frame::Video::empty();
    let mut frames = 0;
    for (stream, packet) in input.packets() {
        if stream.index() == index {
            decoder.send_packet(&packet).unwrap();
            while decoder.receive_frame(&mut frame).is_ok() {
                frames += 1;
            }
        }
    }
    decoder.send_eof().unwrap();
    while decoder.receive_frame(&mut frame).is_ok() {
        frames += 1;
    }
    (frames, start.elapsed().as_secs_f64())
}

fn main() {
    ffmpeg::init().unwrap();
    let args: Vec<String> = std::env::args().filter(|a| a != "--bench").collect();
    let path = args.get(1).expect("a video file");
    for threads in args.get(2).map_or(vec![1, 0], |t| vec![t.parse().unwrap()]) {
        let (frames, best) = (0..3)
            .map(|_| decode(path, threads))
            .fold((0, f64::MAX), |(_, b), (f, s)| (f, b.min(s)));
        println!(
            "ffmpeg-next, threads {threads}: {frames} frames, {:.0} fps",
            frames as f64 / best
        );
    }
}
