//! One shared `Ffmpeg` used from many threads at once: decoding different files, opening and
//! closing codecs, each thread getting exactly what a lone thread gets.

mod common;

use std::thread;

use common::media::{self, CLIPS};
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions, Encoder, VideoSettings};
use ffmpeg_runtime::format::{Input, MediaType};

#[test]
fn eight_threads_decode_different_files_as_one_thread_does() {
    let ffmpeg = common::under_test().load();
    let clips: Vec<_> = CLIPS.iter().take(8).collect();
    let alone: Vec<Vec<String>> = clips
        .iter()
        .map(|clip| media::decode_md5s(&ffmpeg, &media::path(clip), clip.stream).unwrap())
        .collect();
    let together: Vec<Vec<String>> = thread::scope(|scope| {
        let handles: Vec<_> = clips
            .iter()
            .map(|clip| {
                let ffmpeg = ffmpeg.clone();
                scope.spawn(move || {
                    media::decode_md5s(&ffmpeg, &media::path(clip), clip.stream).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((clip, alone), together) in clips.iter().zip(&alone).zip(&together) {
        assert!(!alone.is_empty(), "{}", clip.name);
        assert_eq!(alone, together, "{}", clip.name);
    }
}

#[test]
fn codecs_open_and_close_concurrently() {
    let ffmpeg = common::under_test().load();
    let clip = &CLIPS[0];
    thread::scope(|scope| {
        for worker in 0..8u32 {
            let ffmpeg = ffmpeg.clone();
            scope.spawn(move || {
                let input = Input::open(&ffmpeg, media::path(clip)).unwrap();
                let stream = input.best_stream(MediaType::Video).unwrap();
                for round in 0..25u32 {
                    let decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
                    let settings = VideoSettings::new(
                        64 + 16 * worker,
                        48 + 16 * (round % 4),
                        ffmpeg.pixel_format("yuv420p").unwrap(),
                        Rational::new(1, 25),
                    );
                    let encoder = Encoder::video(&ffmpeg, "mpeg4", &settings).unwrap();
                    // Dropped in either order.
                    if round % 2 == 0 {
                        drop(decoder);
                        drop(encoder);
                    } else {
                        drop(encoder);
                        drop(decoder);
                    }
                }
            });
        }
    });
}
