//! What encoders take (formats, rates, layouts, frame sizes), and the audio queue that cuts
//! frames to an encoder's size.

mod common;

use ffmpeg_runtime::codec::{Codec, Supported};
use ffmpeg_runtime::format::MediaType;
use ffmpeg_runtime::{AudioFifo, Error, Frame, Library, Rational};

#[test]
fn encoders_list_what_they_take() {
    let ffmpeg = common::under_test().load();
    let mpeg4 = Codec::encoder(&ffmpeg, "mpeg4").unwrap();
    assert_eq!(
        (mpeg4.name(), mpeg4.media_type()),
        ("mpeg4", MediaType::Video)
    );
    assert_eq!(mpeg4.id(), ffmpeg.codec_id("mpeg4").unwrap());
    assert_eq!(
        mpeg4.pixel_formats(),
        Supported::Only(vec![ffmpeg.pixel_format("yuv420p").unwrap()])
    );
    assert_eq!(mpeg4.best_pixel_format("rgba").unwrap(), "yuv420p");

    let aac = Codec::encoder(&ffmpeg, "aac").unwrap();
    assert_eq!(
        aac.sample_formats(),
        Supported::Only(vec![ffmpeg.sample_format("fltp").unwrap()])
    );
    assert!(aac.sample_rates().contains(&48_000) && !aac.sample_rates().contains(&1234));
    assert!(!aac.has_variable_frame_size());
    let pcm = Codec::encoder(&ffmpeg, "pcm_s16le").unwrap();
    assert!(pcm.has_variable_frame_size());
    assert_eq!(pcm.sample_rates(), Supported::Any);

    // FFV1 keeps alpha when the source has it, and does not add it when not.
    let ffv1 = Codec::encoder(&ffmpeg, "ffv1").unwrap();
    assert_eq!(ffv1.best_pixel_format("yuva420p").unwrap(), "yuva420p");
    assert_eq!(ffv1.best_pixel_format("yuv420p").unwrap(), "yuv420p");
    assert!(ffv1.best_pixel_format("no-such-format").is_err());
    // A palette's alpha is no component, as libavfilter counts it for the CLI: RGB without
    // alpha, as the CLI's own transcodes of a PAL8 source choose ("picking bgr0 out of 53").
    assert_eq!(ffv1.best_pixel_format("pal8").unwrap(), "bgr0");
    let huffyuv = Codec::encoder(&ffmpeg, "huffyuv").unwrap();
    assert_eq!(huffyuv.best_pixel_format("pal8").unwrap(), "rgb24");
    if let Ok(vp9) = Codec::encoder(&ffmpeg, "libvpx-vp9")
        && vp9
            .pixel_formats()
            .contains(&ffmpeg.pixel_format("gbrp").unwrap())
    {
        assert_eq!(vp9.best_pixel_format("pal8").unwrap(), "gbrp");
    }

    if let Ok(mp3) = Codec::encoder(&ffmpeg, "libmp3lame") {
        assert_eq!(mp3.channel_counts(), Supported::Only(vec![1, 2]));
    }
    if let Ok(x264) = Codec::encoder(&ffmpeg, "libx264") {
        assert_eq!(x264.id().name(), "h264");
        assert_eq!(x264.best_pixel_format("yuv420p").unwrap(), "yuv420p");
        let from_palette = x264.best_pixel_format("pal8").unwrap();
        assert!(
            x264.pixel_formats().contains(&from_palette),
            "{from_palette}"
        );
    }
    assert!(matches!(
        Codec::encoder(&ffmpeg, "no-such-encoder"),
        Err(Error::EncoderNotFound { .. })
    ));
}

/// From 7.1 (libavcodec 61.13's `avcodec_get_supported_config`) an encoder states the YUV
/// ranges it takes: MPEG-4 Part 2 and MPEG-2 only limited, rawvideo and audio encoders
/// nothing; before 7.1 none states any.
#[test]
fn encoders_state_the_ranges_they_take_from_7_1() {
    use ffmpeg_runtime::Range;
    let ffmpeg = common::under_test().load();
    let avcodec = ffmpeg.library(Library::AvCodec).unwrap().version();
    let states = (avcodec.major, avcodec.minor) >= (61, 13);
    let ranges = |name: &str| Codec::encoder(&ffmpeg, name).unwrap().color_ranges();
    let limited = match states {
        true => Supported::Only(vec![Range::Limited]),
        false => Supported::Any,
    };
    assert_eq!(ranges("mpeg4"), limited);
    assert_eq!(ranges("mpeg2video"), limited);
    assert_eq!(ranges("rawvideo"), Supported::Any);
    assert_eq!(ranges("aac"), Supported::Any);
}

/// The format and rate an encoder is given are those libavfilter settles on for the CLI:
/// the planar or interleaved twin, else the nearest size (larger first); the nearest rate.
#[test]
fn encoders_take_the_sample_format_and_rate_the_clis_filters_settle_on() {
    let ffmpeg = common::under_test().load();
    let s16 = ffmpeg.sample_format("s16").unwrap();
    let s16p = ffmpeg.sample_format("s16p").unwrap();
    assert_eq!((s16.bytes_per_sample(), s16.is_planar()), (2, false));
    assert_eq!((s16p.bytes_per_sample(), s16p.is_planar()), (2, true));
    assert!(s16.holds_same_samples_as(&s16p) && s16p.holds_same_samples_as(&s16));
    assert!(!s16.holds_same_samples_as(&ffmpeg.sample_format("s32").unwrap()));

    let flac = Codec::encoder(&ffmpeg, "flac").unwrap();
    for (source, best) in [
        ("fltp", "s32"),
        ("s16p", "s16"),
        ("u8", "s16"),
        ("dbl", "s32"),
    ] {
        assert_eq!(flac.best_sample_format(source).unwrap(), best, "{source}");
    }
    assert!(flac.best_sample_format("no-such-format").is_err());
    let aac = Codec::encoder(&ffmpeg, "aac").unwrap();
    assert_eq!(aac.best_sample_format("s16").unwrap(), "fltp");
    let pcm = Codec::encoder(&ffmpeg, "pcm_s16le").unwrap();
    assert_eq!(pcm.best_sample_format("fltp").unwrap(), "s16");
    assert_eq!(pcm.best_sample_rate(12_345), 12_345);
    // 4.1's AC-3 encoder lists no rates (it checks them when opened).
    if let Ok(ac3) = Codec::encoder(&ffmpeg, "ac3")
        && ac3.sample_rates() != Supported::Any
    {
        // 48, 44.1 and 32 kHz, in that order: the first of two as near wins.
        for (wanted, best) in [
            (46_000, 44_100),
            (46_050, 48_000),
            (96_000, 48_000),
            (8_000, 32_000),
        ] {
            assert_eq!(ac3.best_sample_rate(wanted), best, "{wanted}");
        }
    }
    // A format of another libavutil major (the partner build's) is refused, not compared.
    let other = common::partner().load();
    let their_s16 = other.sample_format("s16").unwrap();
    if other.family().major(Library::AvUtil) != ffmpeg.family().major(Library::AvUtil) {
        assert!(matches!(
            flac.best_sample_format(&their_s16),
            Err(Error::Incompatible { .. })
        ));
        assert!(!s16.holds_same_samples_as(&their_s16));
    }
    if let Ok(opus) = Codec::encoder(&ffmpeg, "libopus") {
        assert_eq!(opus.best_sample_format("fltp").unwrap(), "flt");
        assert_eq!(opus.best_sample_rate(32_000), 24_000);
    }
}

/// Interleaved s16 stereo whose samples count up from `first`.
/// MPEG-2 video takes its standard rates only (and, from 5.x, their multiples the
/// extension codes), and the CLI gives it the nearest of them (`av_find_nearest_q_idx`): a
/// cover picture's 90 000 a second becomes the fastest listed.
#[test]
fn encoders_take_the_frame_rate_nearest_the_one_asked_for() {
    let ffmpeg = common::under_test().load();
    let mpeg2 = Codec::encoder(&ffmpeg, "mpeg2video").unwrap();
    let Supported::Only(rates) = mpeg2.frame_rates() else {
        panic!("MPEG-2 lists its rates");
    };
    for rate in [(24000, 1001), (25, 1), (30000, 1001), (60, 1)] {
        assert!(rates.contains(&Rational::new(rate.0, rate.1)), "{rate:?}");
    }
    let as_f64 = |r: &Rational| f64::from(r.num) / f64::from(r.den);
    let fastest = *rates
        .iter()
        .max_by(|a, b| as_f64(a).total_cmp(&as_f64(b)))
        .unwrap();
    for (wanted, nearest) in [
        (Rational::new(90000, 1), fastest),
        (Rational::new(25, 1), Rational::new(25, 1)),
        (Rational::new(2997, 100), Rational::new(30000, 1001)),
        (Rational::new(24, 1), Rational::new(24, 1)),
    ] {
        assert_eq!(mpeg2.nearest_frame_rate(wanted), nearest, "{wanted:?}");
    }
    let ffv1 = Codec::encoder(&ffmpeg, "ffv1").unwrap();
    assert_eq!(ffv1.frame_rates(), Supported::Any);
    assert_eq!(
        ffv1.nearest_frame_rate(Rational::new(90000, 1)),
        Rational::new(90000, 1)
    );
}

fn ramp(ffmpeg: &ffmpeg_runtime::Ffmpeg, first: usize, samples: usize) -> Frame {
    let mut frame = Frame::audio(ffmpeg, samples, "s16", 48_000, 2).unwrap();
    {
        let mut plane = frame.planes_mut().unwrap().next().unwrap();
        let bytes = plane.contiguous_mut().unwrap();
        for (i, sample) in bytes.chunks_exact_mut(2).take(samples * 2).enumerate() {
            sample.copy_from_slice(&((first + i / 2) as i16).to_le_bytes());
        }
    }
    frame
}

#[test]
fn the_audio_queue_cuts_frames_to_size_and_keeps_every_sample() {
    let ffmpeg = common::under_test().load();
    let mut fifo = AudioFifo::new(&ffmpeg, "s16", 48_000, 2).unwrap();
    for chunk in 0..3 {
        fifo.push(&ramp(&ffmpeg, chunk * 1000, 1000)).unwrap();
    }
    assert_eq!(fifo.len(), 3000);
    let mut frame = Frame::new(&ffmpeg).unwrap();
    let mut values = Vec::new();
    let mut sizes = Vec::new();
    while fifo.pop(1024, &mut frame).unwrap() {
        assert_eq!((frame.channels(), frame.sample_rate()), (Some(2), 48_000));
        sizes.push(frame.samples());
        let plane = frame.plane(0).unwrap();
        values.extend(
            plane
                .contiguous()
                .unwrap()
                .chunks_exact(4)
                .map(|pair| i16::from_le_bytes([pair[0], pair[1]]) as usize),
        );
    }
    assert_eq!(sizes, [1024, 1024, 952]);
    assert_eq!(values, (0..3000).collect::<Vec<_>>());
    assert!(fifo.is_empty());

    let planar = Frame::audio(&ffmpeg, 10, "fltp", 48_000, 2).unwrap();
    assert!(matches!(
        fifo.push(&planar),
        Err(Error::Incompatible { .. })
    ));
}
