//! The ffmpeg CLI's `-max_error_rate`: a run whose decoders failed more than twice for every
//! frame they gave ends with status 69, its output written all the same.

use std::process::ExitCode;

/// Decoding's outcome over every stream a run decodes: frames given and errors met (a packet
/// refused, a frame failed), as the CLI counts them.
#[derive(Debug, Default, Clone, Copy)]
pub struct DecodeTally {
    pub frames: u64,
    pub errors: u64,
}

impl DecodeTally {
    /// The CLI's status for a run that failed decoding too often.
    pub const STATUS: u8 = 69;

    /// Whether the errors pass the CLI's default `-max_error_rate` of 2/3, reckoned as the
    /// 5.1 CLI reckons it: over all the streams decoded together, in `f32`.
    pub fn exceeded(&self) -> bool {
        const MAX_ERROR_RATE: f32 = 2.0 / 3.0;
        (self.frames + self.errors) as f32 * MAX_ERROR_RATE < self.errors as f32
    }

    /// How a run that otherwise succeeded ends: success, or (with a line on stderr naming
    /// `program`) the CLI's status 69.
    pub fn exit_code(&self, program: &str) -> ExitCode {
        if !self.exceeded() {
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{program}: {} decoding errors for {} frames decoded, more than the CLI's \
             -max_error_rate of 2/3; the output is complete",
            self.errors, self.frames
        );
        ExitCode::from(Self::STATUS)
    }
}
