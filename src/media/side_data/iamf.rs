//! IAMF parameters (`AVIAMFParamDefinition` and its subblocks): the mix gains, demixing
//! modes and reconstruction gains an IAMF stream's parameter blocks carry, given with its
//! packets from 7.0 and with its blocks of samples from 9.0. The structs are the same in
//! every release that has them, on LP64 and 64-bit Windows alike.

use super::Bytes;
use crate::sys::Rational;

/// A block of IAMF parameters for a span of the stream (`AVIAMFParamDefinition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamfParameters {
    /// What the subblocks hold (`enum AVIAMFParamDefinitionType`): 0 mix gains, 1 demixing
    /// info, 2 reconstruction gains.
    pub kind: u32,
    /// The parameter substream's id.
    pub parameter_id: u32,
    /// The parameter substream's rate: the unit of the durations.
    pub parameter_rate: u32,
    /// The block's duration.
    pub duration: u32,
    /// Each subblock's duration where they are all alike; 0 where each says its own.
    pub constant_subblock_duration: u32,
    /// The subblocks, of the kind `kind` says.
    pub subblocks: Vec<IamfSubblock>,
}

/// One subblock of [`IamfParameters`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IamfSubblock {
    /// A gain to apply to a mix over the subblock (`AVIAMFMixGain`).
    MixGain {
        /// The subblock's duration, in the parameter rate.
        duration: u32,
        /// How the gain moves: 0 step, 1 linear, 2 Bézier.
        animation_type: u32,
        /// The gain at the start, in dB.
        start_point_value: Rational,
        /// The gain at the end, in dB (linear and Bézier).
        end_point_value: Rational,
        /// The Bézier curve's control point, in dB.
        control_point_value: Rational,
        /// Where the control point lies in the subblock, from 0 to 1.
        control_point_relative_time: Rational,
    },
    /// Which pre-defined demixing to use (`AVIAMFDemixingInfo`).
    Demixing {
        /// The subblock's duration, in the parameter rate.
        duration: u32,
        /// `dmixp_mode`.
        mode: u32,
    },
    /// Reconstruction gains of each layer's channels (`AVIAMFReconGain`).
    ReconGain {
        /// The subblock's duration, in the parameter rate.
        duration: u32,
        /// Six layers of twelve channels' gains.
        gains: [[u8; 12]; 6],
    },
}

/// `sizeof(AVIAMFParamDefinition)`, and the subblocks' own sizes, the least FFmpeg gives.
const HEADER: usize = 48;
const SUBBLOCK_SIZES: [usize; 3] = [48, 16, 84];

/// Reads an `AVIAMFParamDefinition` and its subblocks; `None` for bytes too short, a kind
/// this crate does not know, or subblocks beyond the bytes.
pub(crate) fn decode(bytes: &[u8]) -> Option<IamfParameters> {
    let b = Bytes(bytes);
    if bytes.len() < HEADER {
        return None;
    }
    let offset = usize::try_from(b.u64(8)?).ok()?;
    let stride = usize::try_from(b.u64(16)?).ok()?;
    let count = b.u32(24)? as usize;
    let kind = b.u32(28)?;
    let least = *SUBBLOCK_SIZES.get(kind as usize)?;
    if count > 0 && stride < least {
        return None;
    }
    let subblocks = (0..count)
        .map(|i| {
            let at = offset.checked_add(i.checked_mul(stride)?)?;
            bytes.get(at..at.checked_add(least)?)?;
            subblock(&b, at, kind)
        })
        .collect::<Option<Vec<_>>>()?;
    Some(IamfParameters {
        kind,
        parameter_id: b.u32(32)?,
        parameter_rate: b.u32(36)?,
        duration: b.u32(40)?,
        constant_subblock_duration: b.u32(44)?,
        subblocks,
    })
}

/// The subblock of `kind` at `at` (its first field, the class pointer, skipped).
fn subblock(b: &Bytes<'_>, at: usize, kind: u32) -> Option<IamfSubblock> {
    let duration = b.u32(at + 8)?;
    Some(match kind {
        0 => IamfSubblock::MixGain {
            duration,
            animation_type: b.u32(at + 12)?,
            start_point_value: b.rational(at + 16)?,
            end_point_value: b.rational(at + 24)?,
            control_point_value: b.rational(at + 32)?,
            control_point_relative_time: b.rational(at + 40)?,
        },
        1 => IamfSubblock::Demixing {
            duration,
            mode: b.u32(at + 12)?,
        },
        _ => IamfSubblock::ReconGain {
            duration,
            gains: std::array::from_fn(|layer| {
                std::array::from_fn(|channel| b.u8(at + 12 + layer * 12 + channel).unwrap_or(0))
            }),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of a block of `count` subblocks of `kind`, `stride` bytes apart, right
    /// after it, as `av_iamf_param_definition_alloc` lays them out.
    fn header(kind: u32, count: u32, stride: u64) -> Vec<u8> {
        let mut bytes = vec![0u8; 8]; // the class pointer
        bytes.extend(48u64.to_ne_bytes());
        bytes.extend(stride.to_ne_bytes());
        for value in [count, kind, 100, 16_000, 64, 64] {
            bytes.extend(value.to_ne_bytes());
        }
        bytes
    }

    #[test]
    fn a_mix_gain_block_reads_back() {
        let mut bytes = header(0, 1, 48);
        bytes.extend([0u8; 8]);
        for value in [64i32, 0, 0, 256, 0, 0, 0, 0, 0, 0] {
            bytes.extend(value.to_ne_bytes());
        }
        let parameters = decode(&bytes).unwrap();
        assert_eq!((parameters.kind, parameters.parameter_id), (0, 100));
        assert_eq!(parameters.parameter_rate, 16_000);
        assert_eq!(
            parameters.subblocks,
            vec![IamfSubblock::MixGain {
                duration: 64,
                animation_type: 0,
                start_point_value: Rational::new(0, 256),
                end_point_value: Rational::new(0, 0),
                control_point_value: Rational::new(0, 0),
                control_point_relative_time: Rational::new(0, 0),
            }]
        );
    }

    #[test]
    fn subblocks_past_the_bytes_or_too_close_are_refused() {
        let mut bytes = header(1, 2, 16);
        bytes.extend([0u8; 16]);
        assert_eq!(decode(&bytes), None, "the second subblock is missing");
        bytes.extend([0u8; 16]);
        assert_eq!(decode(&bytes).unwrap().subblocks.len(), 2);
        assert_eq!(decode(&header(1, 2, 8)), None, "a stride under the struct");
        assert_eq!(decode(&header(7, 0, 0)), None, "an unknown kind");
        assert_eq!(decode(&header(2, 0, 0)).unwrap().subblocks, vec![]);
    }
}
