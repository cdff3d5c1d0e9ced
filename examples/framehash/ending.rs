//! Where `--duration` ends the hashes.

use ffmpeg_runtime::Rational;

use crate::recording::{EncoderLimit, PictureTrim, SampleTrim};

/// Where `--duration` ends the hashes, as the CLI's output `-t` ends framemd5: the graph's
/// last filter, a `trim` (`atrim`, which cuts audio to the sample) counting from the first
/// frame it sees, then the check before the encoder, from the output's start.
pub struct Ending {
    limit_us: Option<i64>,
    pictures: Option<PictureTrim>,
    samples: Option<SampleTrim>,
    encoder: EncoderLimit,
    /// Whether the trim has ended the stream.
    trimmed: bool,
}

impl Ending {
    pub fn new(limit_us: Option<i64>) -> Ending {
        Ending {
            limit_us,
            pictures: None,
            samples: None,
            encoder: EncoderLimit::new(limit_us),
            trimmed: false,
        }
    }

    /// Whether the trim passes the picture at `pts` in `time_base` (the graph's output's).
    pub fn picture_passes(&mut self, pts: Option<i64>, time_base: Rational) -> bool {
        let Some(limit_us) = self.limit_us else {
            return true;
        };
        let trim = (self.pictures).get_or_insert_with(|| PictureTrim::new(limit_us, time_base));
        let passes = trim.passes(pts);
        self.trimmed |= !passes;
        passes
    }

    /// How many of an audio frame's `samples`, the first at `pts` in `1/rate`, the trim
    /// passes.
    pub fn samples_passing(&mut self, pts: Option<i64>, samples: usize, rate: u32) -> usize {
        let Some(limit_us) = self.limit_us else {
            return samples;
        };
        let trim = (self.samples).get_or_insert_with(|| SampleTrim::new(limit_us, rate));
        let passing = trim.passes(pts, samples as u64) as usize;
        self.trimmed |= passing < samples;
        passing
    }

    /// Whether the encoder takes a frame at `pts` in `time_base`, from the output's start
    /// (an untimed one always).
    pub fn admits(&mut self, pts: Option<i64>, time_base: Rational) -> bool {
        pts.is_none_or(|pts| self.encoder.admits(pts, time_base))
    }

    /// Whether the encoder has taken its last frame.
    pub fn is_over(&self) -> bool {
        self.encoder.is_over()
    }

    /// Whether the trim passes no further frame (the encoder may still take copies of the
    /// last picture, where the CLI adds them at the end).
    pub fn is_trimmed(&self) -> bool {
        self.trimmed
    }
}
