//! Objects of two loaded FFmpegs never meet inside FFmpeg (issue 15, findings 1 and 2): every
//! call that takes two objects refuses one made by another load with
//! `Error::ForeignObject`, before any FFmpeg call, and the objects work on afterwards. Before,
//! 13 of 20 such pairings crashed (another release's packet is another size, its pixel format
//! numbers mean other formats) and a buffer could outlive the library that had to free it.

mod common;

#[allow(dead_code, unused_imports)] // the fuzz targets use the rest
#[path = "../fuzz/src/lib.rs"]
mod workloads;

use std::io::Cursor;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{
    AudioSettings, Codec, Decoder, DecoderOptions, Encoder, VideoSettings,
};
use ffmpeg_runtime::convert::{RgbFormat, RgbPool};
use ffmpeg_runtime::format::{Input, MediaType, Output, SideDataValue};
use ffmpeg_runtime::pipeline::{DecodePipeline, PipelineOptions};
use ffmpeg_runtime::scheduler::{Scheduler, SchedulerOptions, StreamOptions};
use ffmpeg_runtime::{
    AudioFifo, AudioFormat, Error, Ffmpeg, Frame, Packet, Resampler, ScaleQuality, Scaler,
};

/// An input of a clip the FFmpeg made itself: mpeg4 video, then 16-bit stereo audio.
fn clip(ffmpeg: &Ffmpeg) -> Input {
    let bytes = workloads::make_clip(ffmpeg, "matroska", Some("mpeg4"), Some("pcm_s16le"))
        .expect("every build makes the clip");
    Input::from_reader(ffmpeg, Cursor::new(bytes)).unwrap()
}

fn video_decoder(input: &Input) -> Decoder {
    let stream = input.best_stream(MediaType::Video).unwrap();
    Decoder::new(&stream, &DecoderOptions::default()).unwrap()
}

/// The first video packet of `input`.
fn video_packet(ffmpeg: &Ffmpeg, input: &mut Input) -> Packet {
    let index = input.best_stream(MediaType::Video).unwrap().index();
    let mut packet = Packet::new(ffmpeg).unwrap();
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            return packet;
        }
    }
    panic!("no video packet")
}

fn video_encoder(ffmpeg: &Ffmpeg) -> Encoder {
    let settings = VideoSettings {
        threads: 1,
        ..VideoSettings::new(
            48,
            32,
            ffmpeg.pixel_format("yuv420p").unwrap(),
            Rational::new(1, 25),
        )
    };
    Encoder::video(ffmpeg, "mpeg4", &settings).unwrap()
}

#[track_caller]
fn assert_foreign<T: std::fmt::Debug>(result: Result<T, Error>, object: &str) {
    match result {
        Err(Error::ForeignObject {
            object: refused, ..
        }) if refused.contains(object) => {}
        other => panic!("{object}: expected ForeignObject, got {other:?}"),
    }
}

/// Every call of `mine` that takes an object of `theirs` refuses it.
fn refuses_the_objects_of(mine: &Ffmpeg, theirs: &Ffmpeg) {
    let (mut input, mut their_input) = (clip(mine), clip(theirs));
    let mut decoder = video_decoder(&input);
    let their_packet = video_packet(theirs, &mut their_input);
    let mut their_frame = Frame::new(theirs).unwrap();
    let mut empty_packet = Packet::new(theirs).unwrap();
    assert_foreign(input.read_packet(&mut empty_packet), "packet");
    assert_foreign(decoder.send(&their_packet), "packet");
    assert_foreign(decoder.receive(&mut their_frame), "frame");

    let mut encoder = video_encoder(mine);
    let their_picture = Frame::video(theirs, 48, 32, "yuv420p").unwrap();
    let my_stream = input.best_stream(MediaType::Video).unwrap();
    assert_foreign(my_stream.frame_aspect_ratio(&their_picture), "frame");
    assert_foreign(encoder.send(&their_picture), "frame");
    assert_foreign(encoder.receive(&mut empty_packet), "packet");

    let dir = common::scratch_dir("foreign");
    let mut output = Output::create(mine, dir.join("out.mkv")).unwrap();
    assert_foreign(output.add_stream(&video_encoder(theirs)), "encoder");
    let their_stream = their_input.best_stream(MediaType::Video).unwrap();
    assert_foreign(output.add_copy_stream(&their_stream), "stream");
    let stream = output.add_stream(&encoder).unwrap();
    let mut their_lit = Frame::video(theirs, 16, 16, "yuv420p").unwrap();
    let light = SideDataValue::ContentLightLevel {
        max_content: 1000,
        max_average: 400,
    };
    their_lit.add_side_data(&light).unwrap();
    let their_entry = &their_lit.side_data()[0];
    assert_foreign(
        output.copy_frame_side_data(stream, their_entry),
        "frame side data",
    );
    output.write_header().unwrap();
    let mut their_packet_to_write = video_packet(theirs, &mut clip(theirs));
    assert_foreign(
        output.write_packet(&mut their_packet_to_write, stream, Rational::new(1, 25)),
        "packet",
    );

    let mut scaler = Scaler::new(mine, ScaleQuality::Bicubic);
    let mut my_picture = Frame::video(mine, 48, 32, "yuv420p").unwrap();
    let mut their_target = Frame::video(theirs, 24, 16, "rgb24").unwrap();
    assert_foreign(
        scaler.scale(&their_picture, &mut my_picture),
        "source frame",
    );
    assert_foreign(scaler.scale(&my_picture, &mut their_target), "target frame");

    let target = AudioFormat {
        sample_format: mine.sample_format("s16").unwrap(),
        sample_rate: 48_000,
        channel_layout: mine.default_channel_layout(2).unwrap(),
    };
    let mut resampler = Resampler::new(mine, target).unwrap();
    let their_audio = Frame::audio(theirs, 480, "fltp", 48_000, 2).unwrap();
    let my_audio = Frame::audio(mine, 480, "fltp", 48_000, 2).unwrap();
    let mut my_out = Frame::new(mine).unwrap();
    assert_foreign(
        resampler.convert(Some(&their_audio), &mut my_out),
        "input frame",
    );
    assert_foreign(
        resampler.convert(Some(&my_audio), &mut their_frame),
        "output frame",
    );
    assert_foreign(resampler.convert(None, &mut their_frame), "output frame");

    let mut fifo = AudioFifo::new(mine, "fltp", 48_000, 2).unwrap();
    assert_foreign(fifo.push(&their_audio), "frame");
    fifo.push(&my_audio).unwrap();
    assert_foreign(fifo.pop(100, &mut their_frame), "frame");

    // An encoder found in one FFmpeg cannot open in the other.
    let their_codec = Codec::encoder(theirs, "mpeg4").unwrap();
    let settings = AudioSettings::new(
        44_100,
        mine.sample_format("s16").unwrap(),
        mine.default_channel_layout(2).unwrap(),
    );
    assert_foreign(Encoder::audio(mine, &their_codec, &settings), "encoder");

    // A scheduled stream takes only its own release's packets (one scheduler serves streams
    // of several releases while a reload is under way, so the check is per stream).
    let scheduler = Scheduler::new(&SchedulerOptions::default()).unwrap();
    let scheduled = {
        let (mut fresh, their_key) = (clip(mine), video_packet(theirs, &mut clip(theirs)));
        let stream = fresh.best_stream(MediaType::Video).unwrap();
        let sender = scheduler
            .add_stream(&stream, &StreamOptions::default(), drop)
            .unwrap();
        assert_foreign(sender.submit(their_key), "packet");
        sender.submit(video_packet(mine, &mut fresh)).unwrap();
        sender.finish()
    };
    assert_eq!(scheduled.counts.submitted, 1);
    assert_eq!(scheduled.counts.decoded, 1);

    // Refused calls left everything usable: the same calls with their own objects work.
    let my_stream = input.best_stream(MediaType::Video).unwrap();
    let shape = my_stream.frame_aspect_ratio(&Frame::video(mine, 48, 32, "yuv420p").unwrap());
    assert!(shape.is_ok(), "{shape:?}");
    let mut packet = video_packet(mine, &mut input);
    decoder.send(&packet).unwrap();
    encoder.send(&my_picture).unwrap();
    scaler
        .scale(
            &my_picture,
            &mut Frame::video(mine, 24, 16, "rgb24").unwrap(),
        )
        .unwrap();
    resampler.convert(Some(&my_audio), &mut my_out).unwrap();
    assert_eq!(my_out.sample_rate(), 48_000);
    // FFmpeg 4.x's encoders hold a packet back until it is received.
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    encoder.send_eof().unwrap();
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    output.finish().unwrap();
}

#[test]
fn calls_taking_two_objects_refuse_another_loads_objects() {
    let (this, other) = (common::under_test().load(), common::partner().load());
    refuses_the_objects_of(&this, &other);
    refuses_the_objects_of(&other, &this);
}

/// Two loads of the same family (7.0 and 7.1 have the same ABI, so nothing but the check
/// tells their objects apart): a frame of one never receives the other's buffers, so dropping
/// one release never leaves a buffer that must be freed by its unmapped code.
#[test]
fn a_buffer_never_outlives_the_release_that_frees_it() {
    let matrix = common::matrix();
    let build = |name: &str| matrix.iter().find(|b| b.name == name).unwrap().clone();
    let (first, second) = (build("7.0").load(), build("7.1").load());
    assert_eq!(first.family(), second.family());
    let mut first_input = clip(&first);
    let first_packet = video_packet(&first, &mut first_input);
    let mut first_frame = Frame::new(&first).unwrap();

    let mut second_input = clip(&second);
    let mut decoder = video_decoder(&second_input);
    assert_foreign(decoder.send(&first_packet), "packet");
    let second_packet = video_packet(&second, &mut second_input);
    decoder.send(&second_packet).unwrap();
    decoder.send_eof().unwrap();
    assert_foreign(decoder.receive(&mut first_frame), "frame");
    // The first release goes, all of it: its handle, input, packet and frame.
    drop((first_input, first_packet, first_frame, first));
    let mut frame = Frame::new(&second).unwrap();
    let mut frames = 0;
    while decoder.receive(&mut frame).unwrap() {
        frames += 1;
    }
    assert_eq!(frames, 1);
    drop(frame);

    // An object keeps its own release loaded after every handle to it is gone.
    let third = build("7.0").load();
    let mut input = clip(&third);
    let packet = video_packet(&third, &mut input);
    drop((input, third));
    assert!(!packet.data().is_empty());
    drop(packet);
}

/// Calls that take one object read it with its own release, whichever loaded FFmpeg the
/// caller holds: converting to RGB and the decode pipeline.
#[test]
fn single_object_calls_use_the_objects_own_release() {
    let (this, other) = (common::under_test().load(), common::partner().load());
    let pool = RgbPool::new();
    for ffmpeg in [&this, &other] {
        let input = clip(ffmpeg);
        let index = input.best_stream(MediaType::Video).unwrap().index();
        let mut pipeline = DecodePipeline::new(input, index, &PipelineOptions::default()).unwrap();
        let frame = pipeline.next_frame().unwrap().unwrap();
        let image = pool.convert(&frame, RgbFormat::Rgba).unwrap();
        assert_eq!((image.width(), image.height()), (48, 32));
        // The pipeline's frames are frames of their own release, like any other.
        let elsewhere = if *ffmpeg == this { &other } else { &this };
        let mut scaler = Scaler::new(elsewhere, ScaleQuality::Fast);
        let mut target = Frame::video(elsewhere, 8, 8, "gray").unwrap();
        assert_foreign(scaler.scale(&frame, &mut target), "source frame");
    }
}

/// `Packet::add_side_data` takes a packet and side data: side data of another load (a
/// stream's stereo layout, whose bytes are that release's struct) is refused before any
/// FFmpeg call, and the packet takes its own release's afterwards.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_packet_refuses_side_data_of_another_load() {
    let (this, other) = (common::under_test().load(), common::partner().load());
    let stereo = common::media::generated(
        "foreign_stereo.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x32:rate=25:duration=0.2",
            "-c:v",
            "ffv1",
            "-metadata:s:v",
            "stereo_mode=left_right",
        ],
    );
    for (mine, theirs) in [(&this, &other), (&other, &this)] {
        let (my_input, their_input) = (
            Input::open(mine, &stereo).unwrap(),
            Input::open(theirs, &stereo).unwrap(),
        );
        let (my_stream, their_stream) =
            (my_input.stream(0).unwrap(), their_input.stream(0).unwrap());
        let (mine_said, theirs_said) = (my_stream.side_data(), their_stream.side_data());
        let mut packet = Packet::from_bytes(mine, &[0; 8]).unwrap();
        assert_foreign(packet.add_side_data(&theirs_said[0]), "side data");
        assert!(packet.side_data().is_empty());
        assert!(packet.add_side_data(&mine_said[0]).unwrap());
        assert_eq!(packet.side_data().len(), 1);
    }
}
