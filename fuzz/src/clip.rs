//! Clips made by the crate's own encoders, in memory: the seeds of both fuzz targets and the
//! input of API sequences.

use std::io::{Cursor, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, OnceLock};

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{AudioSettings, Encoder, VideoSettings};
use ffmpeg_runtime::format::Output;
use ffmpeg_runtime::subtitle::{
    Bitmap, Subtitle, SubtitleEncoder, SubtitleFormat, SubtitleRect, SubtitleSettings,
};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet};

/// A sink that several owners share, so the bytes can be read after the output is done.
#[derive(Clone, Default)]
pub(crate) struct Shared(Arc<Mutex<Cursor<Vec<u8>>>>);

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::ErrorKind::Other)?
            .write(bytes)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Shared {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.0
            .lock()
            .map_err(|_| std::io::ErrorKind::Other)?
            .seek(to)
    }
}

/// A Matroska clip made once by the crate's own encoders (see [`make_clip`]), with a SubRip
/// stream where this FFmpeg can write one; empty if it cannot make the clip.
pub fn clip(ffmpeg: &Ffmpeg) -> Vec<u8> {
    static CLIP: OnceLock<Vec<u8>> = OnceLock::new();
    CLIP.get_or_init(|| {
        let (video, audio) = (Some("mpeg4"), Some("pcm_s16le"));
        make_clip_with_subtitles(ffmpeg, "matroska", video, audio, Some("srt"))
            .or_else(|_| make_clip(ffmpeg, "matroska", video, audio))
            .unwrap_or_default()
    })
    .clone()
}

/// Ten frames (0.4 s) of the named container with a 48×32 video stream of `video` (4:2:0) and
/// a stereo 44.1 kHz audio stream of `audio`, each when named, made by the crate's encoders.
///
/// # Errors
///
/// Any error of the encoders or the muxer, such as a codec this FFmpeg lacks.
pub fn make_clip(
    ffmpeg: &Ffmpeg,
    container: &str,
    video: Option<&str>,
    audio: Option<&str>,
) -> ffmpeg_runtime::Result<Vec<u8>> {
    make_clip_with_subtitles(ffmpeg, container, video, audio, None)
}

/// As [`make_clip`], with a subtitle stream of the encoder `subtitles` when named: six
/// subtitles of styled text (SubRip, ASS, mov_text, WebVTT) or of bitmaps (dvdsub, dvbsub)
/// on a 48×32 picture.
///
/// # Errors
///
/// As for [`make_clip`].
pub fn make_clip_with_subtitles(
    ffmpeg: &Ffmpeg,
    container: &str,
    video: Option<&str>,
    audio: Option<&str>,
    subtitles: Option<&str>,
) -> ffmpeg_runtime::Result<Vec<u8>> {
    let sink = Shared::default();
    let mut output = Output::to_writer(ffmpeg, sink.clone(), container)?;
    let global_header = output.needs_global_header();
    let mut tracks = Vec::new();
    if let Some(codec) = video {
        let pixel_format = if codec == "mjpeg" {
            "yuvj420p"
        } else {
            "yuv420p"
        };
        let settings = VideoSettings {
            gop: Some(4),
            global_header,
            ..VideoSettings::new(
                48,
                32,
                ffmpeg.pixel_format(pixel_format)?,
                Rational::new(1, 25),
            )
        };
        let encoder = Encoder::video(ffmpeg, codec, &settings)?;
        tracks.push((encoder, Frame::video(ffmpeg, 48, 32, pixel_format)?));
    }
    if let Some(codec) = audio {
        let sample_format = match codec {
            "aac" => "fltp",
            "flac" => "s32",
            _ => "s16",
        };
        let settings = AudioSettings {
            global_header,
            ..AudioSettings::new(
                44100,
                ffmpeg.sample_format(sample_format)?,
                ffmpeg.default_channel_layout(2)?,
            )
        };
        let encoder = Encoder::audio(ffmpeg, codec, &settings)?;
        // The encoder's own frame size where it has one (AAC 1024, MP2 1152).
        let samples = match encoder.frame_size() {
            0 => 1764,
            size => size,
        };
        tracks.push((
            encoder,
            Frame::audio(ffmpeg, samples, sample_format, 44100, 2)?,
        ));
    }
    let streams = tracks
        .iter()
        .map(|(encoder, _)| output.add_stream(encoder))
        .collect::<ffmpeg_runtime::Result<Vec<_>>>()?;
    let mut subtitle_track = match subtitles {
        Some(codec) => {
            let settings = SubtitleSettings {
                width: 48,
                height: 32,
                ..SubtitleSettings::default()
            };
            let encoder = SubtitleEncoder::new(ffmpeg, codec, &settings)?;
            let stream = output.add_subtitle_stream(&encoder)?;
            Some((encoder, stream))
        }
        None => None,
    };
    output.write_header()?;
    if let Some((encoder, stream)) = &mut subtitle_track {
        let text = encoder.is_text();
        for index in 0..6 {
            let mut packet = encoder.encode(&subtitle(index, text))?;
            output.write_packet(&mut packet, *stream, encoder.time_base())?;
        }
    }
    let mut packet = Packet::new(ffmpeg)?;
    for ((encoder, frame), &stream) in tracks.iter_mut().zip(&streams) {
        let step = frame.samples().max(1) as i64;
        let count = if frame.samples() > 0 {
            44100 * 4 / 10 / step
        } else {
            10
        };
        for index in 0..count {
            frame.make_writable()?;
            // A moving pattern for pictures, silence for sound (patterned bytes would be
            // NaNs in float samples, which AAC refuses).
            let is_audio = frame.samples() > 0;
            for mut plane in frame.planes_mut()? {
                for (j, byte) in plane.rows_mut().flatten().enumerate() {
                    *byte = if is_audio {
                        0
                    } else {
                        (j as i64 * 7 + index * 13) as u8
                    };
                }
            }
            frame.set_pts(Some(index * step));
            encoder.send(frame)?;
            while encoder.receive(&mut packet)? {
                output.write_packet(&mut packet, stream, encoder.time_base())?;
            }
        }
        encoder.send_eof()?;
        while encoder.receive(&mut packet)? {
            output.write_packet(&mut packet, stream, encoder.time_base())?;
        }
    }
    output.finish()?;
    let bytes = sink
        .0
        .lock()
        .map(|cursor| cursor.get_ref().clone())
        .unwrap_or_default();
    Ok(bytes)
}

/// The `index`th subtitle of a clip: styled text, or a small bitmap in four colours.
fn subtitle(index: i64, text: bool) -> Subtitle {
    let (start, end) = (index * 60_000, index * 60_000 + 50_000);
    if text {
        let lines = [
            "plain",
            "{\\i1}italic{\\i0}",
            "two\nlines",
            "<b>tag</b>",
            "été",
            "{\\pos(1,2)}x",
        ];
        return Subtitle::text(start, end, lines[index as usize % lines.len()]);
    }
    let (width, height) = (16 + index as u32 * 4, 8);
    Subtitle {
        format: SubtitleFormat::Bitmap,
        pts: Some(start),
        start_display_time: 0,
        end_display_time: 50,
        rects: vec![SubtitleRect::Bitmap(Bitmap {
            x: 2,
            y: 20,
            width,
            height,
            pixels: (0..width * height).map(|i| (i % 4) as u8).collect(),
            palette: vec![0, 0xffff_ffff, 0xff00_0000, 0xff80_8080],
            forced: false,
        })],
    }
}
