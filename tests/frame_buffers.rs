//! Frame buffers from safe code (issue 15, findings 3 and 4): writing a frame's planes never
//! reaches a buffer someone else holds (the packet a raw picture came from, a decoder's
//! reference pictures, an encoder still working), and reading them never reaches bytes nobody
//! wrote (row padding, a new palette). `ci/memcheck.sh` runs this file under Valgrind, which
//! reports any branch on uninitialised bytes.

mod common;

#[allow(dead_code, unused_imports)] // the fuzz targets use the rest
#[path = "../fuzz/src/lib.rs"]
mod workloads;

use std::io::Cursor;

use common::media::{self, CLIPS};
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions, Encoder, VideoSettings};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet, ScaleQuality, Scaler};
use md5::{Digest, Md5};

fn open(ffmpeg: &Ffmpeg, bytes: Vec<u8>) -> (Input, Decoder, usize) {
    let input = Input::from_reader(ffmpeg, Cursor::new(bytes)).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let index = stream.index();
    let options = DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    };
    let decoder = Decoder::new(&stream, &options).unwrap();
    (input, decoder, index)
}

/// Every row of every plane, hashed: reads each byte the planes expose.
fn rows_md5(frame: &Frame) -> String {
    let mut md5 = Md5::new();
    for plane in frame.planes() {
        for row in plane.rows() {
            md5.update(row);
        }
    }
    format!("{:x}", md5.finalize())
}

#[test]
fn writing_a_raw_frame_leaves_the_packet_it_came_from_alone() {
    let ffmpeg = common::under_test().load();
    let clip = workloads::make_clip(&ffmpeg, "avi", Some("rawvideo"), None).unwrap();
    let (mut input, mut decoder, index) = open(&ffmpeg, clip);
    let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
    let mut checked = 0;
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() != index {
            continue;
        }
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            let before = packet.data().to_vec();
            let decoded = rows_md5(&frame);
            for mut plane in frame.planes_mut().unwrap() {
                plane.fill(0xee);
            }
            assert_eq!(
                packet.data(),
                &before[..],
                "the packet changed under a shared borrow"
            );
            assert_ne!(rows_md5(&frame), decoded, "the frame took the write");
            checked += 1;
        }
    }
    assert!(checked >= 5, "{checked} frames");
}

/// MD5s of every frame of the crate's own mpeg4 clip (P-frames predicted from the frames
/// before), with `scribble` run on each frame as it comes out of the decoder.
fn decode_scribbling(ffmpeg: &Ffmpeg, scribble: bool) -> Vec<String> {
    let clip = workloads::make_clip(ffmpeg, "matroska", Some("mpeg4"), None).unwrap();
    let input = Input::from_reader(ffmpeg, Cursor::new(clip)).unwrap();
    let mut md5s = Vec::new();
    common::media::each_picture(ffmpeg, input, |frame| {
        md5s.push(rows_md5(frame));
        if scribble {
            for mut plane in frame.planes_mut().unwrap() {
                plane.fill(0);
            }
        }
    });
    md5s
}

#[test]
fn writing_a_decoded_frame_leaves_the_decoders_reference_pictures_alone() {
    let ffmpeg = common::under_test().load();
    let clean = decode_scribbling(&ffmpeg, false);
    assert_eq!(clean.len(), 10);
    assert_eq!(decode_scribbling(&ffmpeg, true), clean);
}

/// One frame sent again and again to a frame-threaded encoder, and scribbled on right after
/// each send: the encoder must still see the frame as it was sent.
#[test]
fn writing_a_frame_just_sent_leaves_the_encoders_copy_alone() {
    let ffmpeg = common::under_test().load();
    let settings = VideoSettings {
        threads: 4,
        ..VideoSettings::new(
            320,
            240,
            ffmpeg.pixel_format("yuv422p").unwrap(),
            Rational::new(1, 25),
        )
    };
    let mut encoder = Encoder::video(&ffmpeg, "ffvhuff", &settings).unwrap();
    let mut frame = Frame::video(&ffmpeg, 320, 240, "yuv422p").unwrap();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let mut sizes = Vec::new();
    let mut noise = 1u32;
    for index in 0..40 {
        for (plane_index, mut plane) in frame.planes_mut().unwrap().enumerate() {
            plane.fill(if plane_index == 0 { 16 } else { 128 });
        }
        frame.set_pts(Some(index));
        encoder.send(&frame).unwrap();
        for mut plane in frame.planes_mut().unwrap() {
            for byte in plane.rows_mut().flatten() {
                noise = noise.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                *byte = (noise >> 16) as u8;
            }
        }
        while encoder.receive(&mut packet).unwrap() {
            sizes.push(packet.data().len());
        }
    }
    encoder.send_eof().unwrap();
    while encoder.receive(&mut packet).unwrap() {
        sizes.push(packet.data().len());
    }
    assert_eq!(sizes.len(), 40);
    assert!(sizes.iter().all(|&size| size == sizes[0]), "{sizes:?}");
}

/// Rows end at the last pixel: decoders leave the padding after it uninitialised.
#[test]
fn planes_of_decoded_frames_give_rows_without_their_padding() {
    let ffmpeg = common::under_test().load();
    let pal8 = media::generated(
        "pal8_33x17.nut",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=33x17:rate=25:duration=0.2",
            "-pix_fmt",
            "pal8",
            "-c:v",
            "rawvideo",
        ],
    );
    let mut clips = vec![(pal8, "pal8", 33)];
    let av1 = CLIPS.iter().find(|c| c.name == "av1.mkv").unwrap();
    if ffmpeg.has_decoder("libdav1d") {
        clips.push((media::path(av1), "yuv420p", 176));
    }
    for (path, format, width) in clips {
        let bytes = std::fs::read(&path).unwrap();
        let (mut input, mut decoder, index) = open(&ffmpeg, bytes);
        let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
        let mut frames = 0;
        let mut packed = Vec::new();
        while input.read_packet(&mut packet).unwrap() {
            if packet.stream_index() != index {
                continue;
            }
            decoder.send(&packet).unwrap();
            while decoder.receive(&mut frame).unwrap() {
                assert_eq!(frame.format_name().as_deref(), Some(format));
                let luma = frame.plane(0).unwrap();
                assert_eq!(luma.row_len(), width);
                assert_eq!(luma.row_count(), frame.height() as usize);
                assert!(luma.stride().unsigned_abs() >= width);
                // Every byte the rows give is a pixel: they are what FFmpeg packs, less the
                // palette it appends for pal8.
                frame.copy_packed(&mut packed).unwrap();
                let rows: Vec<u8> = frame
                    .planes()
                    .flat_map(|p| p.rows())
                    .flatten()
                    .copied()
                    .collect();
                assert_eq!(rows, packed[..rows.len()], "{format}");
                frames += 1;
            }
        }
        assert!(frames >= 5, "{format}: {frames} frames");
    }
}

/// A new paletted picture has a defined palette (zeroes), even where the allocator hands back
/// memory that held other bytes.
#[test]
fn a_new_paletted_picture_has_a_zeroed_palette() {
    let ffmpeg = common::under_test().load();
    // Leave 1 KiB blocks full of bytes behind, where a palette's allocation may land.
    for _ in 0..64 {
        let mut audio = Frame::audio(&ffmpeg, 512, "s16", 48_000, 1).unwrap();
        audio.planes_mut().unwrap().next().unwrap().fill(0xa5);
    }
    let mut packed = Vec::new();
    for _ in 0..16 {
        let frame = Frame::video(&ffmpeg, 7, 3, "pal8").unwrap();
        frame.copy_packed(&mut packed).unwrap();
        let palette = &packed[packed.len() - 1024..];
        assert!(palette.iter().all(|&b| b == 0), "an uninitialised palette");
        let mut rgb = Frame::video(&ffmpeg, 7, 3, "rgb24").unwrap();
        Scaler::new(&ffmpeg, ScaleQuality::Bicubic)
            .scale(&frame, &mut rgb)
            .unwrap();
        assert!(rgb.plane(0).unwrap().rows().flatten().all(|&b| b == 0));
    }
}

#[test]
fn raw_pointers_hand_ownership_out_and_back() {
    let ffmpeg = common::under_test().load();
    let frame = Frame::video(&ffmpeg, 16, 8, "yuv420p").unwrap();
    let seen = frame.as_ptr();
    let raw = frame.into_raw();
    assert_eq!(raw.as_ptr().cast_const(), seen);
    // SAFETY: the frame came from into_raw of this very load and nobody else owns it.
    let frame = unsafe { Frame::from_raw(&ffmpeg, raw) };
    assert_eq!(
        (frame.width(), frame.height(), frame.plane_count()),
        (16, 8, 3)
    );

    let packet = Packet::new(&ffmpeg).unwrap();
    let raw = packet.into_raw();
    // SAFETY: as above, for the packet.
    let packet = unsafe { Packet::from_raw(&ffmpeg, raw) };
    assert_eq!((packet.pts(), packet.data().len()), (None, 0));
}
