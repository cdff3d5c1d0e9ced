//! The decode pipeline: the same frames as the plain Decoder, latency counted for every
//! frame (the warm-up's one by one), pinning, and stopping early.

mod common;

use common::media::{self, CLIPS};
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::DecoderOptions;
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::pipeline::{DecodePipeline, PipelineOptions};
use md5::{Digest, Md5};

fn best_video(input: &Input) -> usize {
    input.best_stream(MediaType::Video).unwrap().index()
}

#[test]
fn the_pipeline_gives_the_plain_decoders_frames_and_counts_every_one() {
    let ffmpeg = common::under_test().load();
    for name in [
        "h264_gop10.mp4",
        "hevc_10bit.mkv",
        "vp9_profile2.webm",
        "vfr.mkv",
    ] {
        let path = media::path(CLIPS.iter().find(|c| c.name == name).unwrap());
        for options in [
            PipelineOptions::default(),
            PipelineOptions {
                decoder: DecoderOptions {
                    threads: 2,
                    ..DecoderOptions::default()
                },
                queue_depth: 2,
                ..PipelineOptions::default()
            },
            PipelineOptions {
                spin: true,
                warm_up_frames: 5,
                ..PipelineOptions::default()
            },
        ] {
            let input = Input::open(&ffmpeg, &path).unwrap();
            let expected = media::decode_md5s_with(&ffmpeg, input, None, &options.decoder).unwrap();
            let input = Input::open(&ffmpeg, &path).unwrap();
            let index = best_video(&input);
            let mut pipeline = DecodePipeline::new(input, index, &options).unwrap();
            let mut md5s = Vec::new();
            let mut packed = Vec::new();
            while let Some(frame) = pipeline.next_frame().unwrap() {
                frame.copy_packed(&mut packed).unwrap();
                md5s.push(format!("{:x}", Md5::digest(&packed)));
            }
            assert_eq!(md5s, expected, "{name}");
            let report = pipeline.report();
            assert_eq!(report.frames as usize, md5s.len(), "{name}");
            let counted: u64 = report.types.iter().map(|t| t.count).sum();
            let warm_up = options.warm_up_frames.min(md5s.len());
            assert_eq!(report.warm_up.len(), warm_up, "{name}");
            assert_eq!(
                counted + warm_up as u64,
                report.frames,
                "{name}: every frame in the warm-up or one picture type"
            );
            for frame in &report.warm_up {
                // Both threads' stages of the same frame, merged.
                assert!(frame.decode_ms > 0.0 && frame.deliver_ms > 0.0, "{frame:?}");
            }
            if let Some(first) = report.warm_up.first() {
                assert_eq!(
                    first.picture_type, "I",
                    "{name}: a stream starts on a key frame"
                );
            }
            for kind in &report.types {
                for stage in [kind.queue, kind.decode, kind.deliver] {
                    assert_eq!(stage.count, kind.count, "{name} {}", kind.picture_type);
                    assert!(stage.p50_ms <= stage.p99_ms && stage.p99_ms <= stage.max_ms);
                }
            }
            assert!(pipeline.next_frame().unwrap().is_none(), "stays finished");
        }
    }
}

#[test]
fn the_decoding_thread_can_be_pinned_and_the_pipeline_dropped_midway() {
    let ffmpeg = common::under_test().load();
    let path = media::path(CLIPS.iter().find(|c| c.name == "h264_gop10.mp4").unwrap());
    let input = Input::open(&ffmpeg, &path).unwrap();
    let index = best_video(&input);
    let options = PipelineOptions {
        pin_to_core: Some(0),
        queue_depth: 1,
        ..PipelineOptions::default()
    };
    let mut pipeline = DecodePipeline::new(input, index, &options).unwrap();
    let held: Vec<_> = (0..3)
        .map(|_| pipeline.next_frame().unwrap().unwrap())
        .collect();
    // Frames outlive the pipeline; dropping it mid-stream stops its threads.
    drop(pipeline);
    assert!(held.iter().all(|frame| frame.width() == 176));

    let input = Input::open(&ffmpeg, &path).unwrap();
    let mut pipeline = DecodePipeline::new(input, index, &options).unwrap();
    while pipeline.next_frame().unwrap().is_some() {}
    assert!(pipeline.report().pinned, "core 0 exists");
    assert!(matches!(
        DecodePipeline::new(Input::open(&ffmpeg, &path).unwrap(), 9, &options),
        Err(ffmpeg_runtime::Error::StreamNotFound { .. })
    ));
}

#[test]
fn live_pacing_delivers_at_the_streams_rate() {
    let ffmpeg = common::under_test().load();
    // One second at 25 fps.
    let path = media::path(CLIPS.iter().find(|c| c.name == "h264_8bit.mp4").unwrap());
    let input = Input::open(&ffmpeg, &path).unwrap();
    let index = best_video(&input);
    let options = PipelineOptions {
        live: true,
        ..PipelineOptions::default()
    };
    let mut pipeline = DecodePipeline::new(input, index, &options).unwrap();
    let mut frames = 0;
    while pipeline.next_frame().unwrap().is_some() {
        frames += 1;
    }
    // Not a timing assertion: pacing cannot be faster than the stream's own span.
    let report = pipeline.report();
    assert_eq!(report.frames, frames);
    assert!(
        report.wall.as_secs_f64() >= (frames - 1) as f64 / 25.0 * 0.9,
        "{report:?}"
    );
}

/// Mpeg4 pictures at these timestamps (time base 1/25), as a Matroska file in memory.
fn clip_at(ffmpeg: &ffmpeg_runtime::Ffmpeg, timestamps: impl Iterator<Item = i64>) -> Vec<u8> {
    use ffmpeg_runtime::codec::{Encoder, VideoSettings};
    use ffmpeg_runtime::format::Output;
    use ffmpeg_runtime::{Frame, Packet};
    let path = common::scratch_dir("pipeline-clip").join("clip.mkv");
    let mut output = Output::create(ffmpeg, &path).unwrap();
    let settings = VideoSettings {
        gop: Some(12),
        threads: 1,
        ..VideoSettings::new(
            64,
            48,
            ffmpeg.pixel_format("yuv420p").unwrap(),
            Rational::new(1, 25),
        )
    };
    let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings).unwrap();
    let stream = output.add_stream(&encoder).unwrap();
    output.write_header().unwrap();
    let (mut frame, mut packet) = (
        Frame::video(ffmpeg, 64, 48, "yuv420p").unwrap(),
        Packet::new(ffmpeg).unwrap(),
    );
    for (index, pts) in timestamps.enumerate() {
        frame
            .planes_mut()
            .unwrap()
            .next()
            .unwrap()
            .fill(index as u8);
        frame.set_pts(Some(pts));
        encoder.send(&frame).unwrap();
        common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    }
    encoder.send_eof().unwrap();
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    output.finish().unwrap();
    std::fs::read(&path).unwrap()
}

/// A live pipeline whose next packet is due in an hour stops when dropped, rather than
/// after the hour (issue 15, finding 9). The bound only keeps a regression from hanging the
/// suite: dropping takes milliseconds.
#[test]
fn dropping_a_live_pipeline_does_not_wait_for_the_next_packets_time() {
    let ffmpeg = common::under_test().load();
    let clip = clip_at(&ffmpeg, [0, 3600 * 25].into_iter());
    let input = Input::from_reader(&ffmpeg, std::io::Cursor::new(clip)).unwrap();
    let index = best_video(&input);
    let options = PipelineOptions {
        live: true,
        ..PipelineOptions::default()
    };
    let mut pipeline = DecodePipeline::new(input, index, &options).unwrap();
    assert!(pipeline.next_frame().unwrap().is_some());
    let (done, dropped) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(pipeline);
        let _ = done.send(());
    });
    assert!(
        dropped
            .recv_timeout(std::time::Duration::from_secs(300))
            .is_ok(),
        "the pipeline waited for a packet an hour away"
    );
}

/// Fails every read from `limit` bytes on.
struct FailingFrom {
    inner: std::io::Cursor<Vec<u8>>,
    limit: u64,
}

impl std::io::Read for FailingFrom {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.inner.position() >= self.limit {
            return Err(std::io::Error::other("network gone"));
        }
        let room = (self.limit - self.inner.position()) as usize;
        let end = room.min(buffer.len());
        self.inner.read(&mut buffer[..end])
    }
}

impl std::io::Seek for FailingFrom {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

/// A read error half way is reported after the frames read before it, never taken for the
/// end of the stream (issue 15, finding 13).
#[test]
fn a_read_error_half_way_is_reported_not_taken_for_the_end() {
    let ffmpeg = common::under_test().load();
    let clip = clip_at(&ffmpeg, 0..200);
    let limit = clip.len() as u64 / 2;
    let source = FailingFrom {
        inner: std::io::Cursor::new(clip),
        limit,
    };
    let input = Input::from_reader(&ffmpeg, source).unwrap();
    let index = best_video(&input);
    let mut pipeline = DecodePipeline::new(input, index, &PipelineOptions::default()).unwrap();
    let mut frames = 0;
    let error = loop {
        match pipeline.next_frame() {
            Ok(Some(_)) => frames += 1,
            Ok(None) => panic!("a clean end after {frames} frames"),
            Err(error) => break error,
        }
    };
    assert!(
        matches!(&error, ffmpeg_runtime::Error::Io { source, .. } if source.to_string().contains("network gone")),
        "{error:?}"
    );
    assert!(
        (50..200).contains(&frames),
        "{frames} frames before the error"
    );
    assert!(pipeline.next_frame().unwrap().is_none(), "stays finished");
}
