//! The input made when none is given: a few seconds of moving pictures and a tone, encoded
//! with the loaded FFmpeg (MPEG-4 part 2 and PCM, which every build has).

use std::f64::consts::TAU;
use std::path::Path;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{AudioSettings, Encoder, VideoSettings};
use ffmpeg_runtime::format::Output;
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Packet};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
const FPS: i32 = 25;
const SAMPLE_RATE: u32 = 48_000;
const TONE_HZ: f64 = 440.0;

/// Writes `seconds` of 720p25 video with a 440 Hz stereo tone to `path` (Matroska).
pub fn make(ffmpeg: &Ffmpeg, path: &Path, seconds: u32) -> Result<(), Error> {
    let mut output = Output::create_as(ffmpeg, path, Some("matroska"))?;
    let video_settings = VideoSettings {
        frame_rate: Some(Rational::new(FPS, 1)),
        gop: Some(FPS as u32),
        // A fine fixed quantiser: the source should not be the weak link.
        options: vec![
            ("flags".into(), "+qscale".into()),
            ("global_quality".into(), "236".into()),
        ],
        global_header: output.needs_global_header(),
        ..VideoSettings::new(
            WIDTH,
            HEIGHT,
            ffmpeg.pixel_format("yuv420p")?,
            Rational::new(1, FPS),
        )
    };
    let mut video = Encoder::video(ffmpeg, "mpeg4", &video_settings)?;
    let audio_settings = AudioSettings {
        global_header: output.needs_global_header(),
        ..AudioSettings::new(
            SAMPLE_RATE,
            ffmpeg.sample_format("s16")?,
            ffmpeg.default_channel_layout(2)?,
        )
    };
    let mut audio = Encoder::audio(ffmpeg, "pcm_s16le", &audio_settings)?;
    let video_stream = output.add_stream(&video)?;
    let audio_stream = output.add_stream(&audio)?;
    output.write_header()?;

    let mut packet = Packet::new(ffmpeg)?;
    let mut picture = Frame::video(ffmpeg, WIDTH, HEIGHT, "yuv420p")?;
    let samples_per_frame = (SAMPLE_RATE / FPS as u32) as usize;
    for index in 0..i64::from(seconds) * i64::from(FPS) {
        paint(&mut picture, index)?;
        video.send(&picture)?;
        while video.receive(&mut packet)? {
            output.write_packet(&mut packet, video_stream, video.time_base())?;
        }
        let mut sound = tone(
            ffmpeg,
            index as usize * samples_per_frame,
            samples_per_frame,
        )?;
        sound.set_pts(Some(index * samples_per_frame as i64));
        audio.send(&sound)?;
        while audio.receive(&mut packet)? {
            output.write_packet(&mut packet, audio_stream, audio.time_base())?;
        }
    }
    for (encoder, stream) in [(&mut video, video_stream), (&mut audio, audio_stream)] {
        encoder.send_eof()?;
        while encoder.receive(&mut packet)? {
            output.write_packet(&mut packet, stream, encoder.time_base())?;
        }
    }
    output.finish()
}

/// Diagonal bands sliding right, a bright square bouncing across, colours drifting.
fn paint(frame: &mut Frame, index: i64) -> Result<(), Error> {
    frame.make_writable()?;
    let t = index as usize;
    let square_x = (t * 23) % (WIDTH as usize - 160);
    let square_y = (t * 11) % (HEIGHT as usize - 160);
    for (plane_index, mut plane) in frame.planes_mut()?.enumerate() {
        let scale = if plane_index == 0 { 1 } else { 2 };
        for (y, row) in plane.rows_mut().enumerate() {
            for (x, byte) in row.iter_mut().enumerate() {
                let (px, py) = (x * scale, y * scale);
                let inside = (square_x..square_x + 160).contains(&px)
                    && (square_y..square_y + 160).contains(&py);
                *byte = match (plane_index, inside) {
                    (0, true) => 235,
                    (0, false) => (((px + py + t * 4) / 3) % 200 + 16) as u8,
                    (_, true) => 128,
                    (p, false) => ((px / 5 + p * 40 + t) % 224 + 16) as u8,
                };
            }
        }
    }
    frame.set_pts(Some(index));
    Ok(())
}

/// Interleaved stereo s16 of a sine, starting at sample `first`.
fn tone(ffmpeg: &Ffmpeg, first: usize, samples: usize) -> Result<Frame, Error> {
    let mut frame = Frame::audio(ffmpeg, samples, "s16", SAMPLE_RATE, 2)?;
    {
        let mut plane = frame
            .planes_mut()?
            .next()
            .expect("interleaved audio has one plane");
        let samples_bytes = plane.row_mut(0).unwrap_or_default();
        for (i, pair) in samples_bytes.chunks_exact_mut(4).take(samples).enumerate() {
            let phase = TAU * TONE_HZ * (first + i) as f64 / f64::from(SAMPLE_RATE);
            let value = ((phase.sin() * 0.3) * f64::from(i16::MAX)) as i16;
            pair[..2].copy_from_slice(&value.to_le_bytes());
            pair[2..].copy_from_slice(&value.to_le_bytes());
        }
    }
    Ok(frame)
}
