//! Which packets hold only non-reference pictures, the ones a stream that falls behind can
//! lose without damaging the pictures after them: FFmpeg's `AV_PKT_FLAG_DISPOSABLE` where the
//! demuxer set it, and for H.264 the slices' `nal_ref_idc` (zero: no picture refers to it).

/// H.264 NAL unit types of coded slices (non-IDR, and IDR).
const H264_SLICE: u8 = 1;
const H264_IDR_SLICE: u8 = 5;

/// Whether an H.264 packet's slices are all non-reference: only then, and only when the
/// whole packet parses (Annex B start codes, or 4-byte lengths as MP4 and Matroska carry
/// them), is it `true`. Anything unclear counts as a reference.
pub(crate) fn h264_non_reference(data: &[u8]) -> bool {
    let mut slices = 0;
    let mut all_non_reference = true;
    let mut inspect = |nal: &[u8]| {
        let Some(&header) = nal.first() else { return };
        let (ref_idc, kind) = (header >> 5 & 3, header & 0x1f);
        if kind == H264_SLICE || kind == H264_IDR_SLICE {
            slices += 1;
            all_non_reference &= ref_idc == 0 && kind != H264_IDR_SLICE;
        }
    };
    let parsed = if data.starts_with(&[0, 0, 1]) || data.starts_with(&[0, 0, 0, 1]) {
        annex_b_units(data).for_each(&mut inspect);
        true
    } else {
        length_prefixed_units(data, &mut inspect)
    };
    parsed && slices > 0 && all_non_reference
}

/// The NAL units between Annex B start codes.
fn annex_b_units(data: &[u8]) -> AnnexB<'_> {
    AnnexB { rest: data }
}

struct AnnexB<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for AnnexB<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = find_start_code(self.rest)? + 3;
        let body = &self.rest[start..];
        let end = find_start_code(body).unwrap_or(body.len());
        self.rest = &body[end..];
        // A four-byte start code leaves its leading zero at the end of the unit before.
        let unit = &body[..end];
        Some(unit.strip_suffix(&[0]).unwrap_or(unit))
    }
}

fn find_start_code(data: &[u8]) -> Option<usize> {
    data.windows(3).position(|window| window == [0, 0, 1])
}

/// Calls `inspect` on each unit of 4-byte big-endian lengths; `false` unless the lengths
/// cover the packet exactly.
fn length_prefixed_units(mut data: &[u8], inspect: &mut impl FnMut(&[u8])) -> bool {
    while !data.is_empty() {
        let Some((length, rest)) = data.split_first_chunk::<4>() else {
            return false;
        };
        let length = u32::from_be_bytes(*length) as usize;
        if length == 0 || length > rest.len() {
            return false;
        }
        inspect(&rest[..length]);
        data = &rest[length..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::h264_non_reference;

    #[test]
    fn slices_are_judged_by_nal_ref_idc_in_both_framings() {
        // nal_ref_idc 0, type 1: a non-reference slice; 0x41: ref_idc 2, type 1; 0x65: IDR.
        let length_prefixed = |units: &[&[u8]]| -> Vec<u8> {
            units
                .iter()
                .flat_map(|unit| {
                    (unit.len() as u32)
                        .to_be_bytes()
                        .into_iter()
                        .chain(unit.iter().copied())
                })
                .collect()
        };
        assert!(h264_non_reference(&length_prefixed(&[&[0x01, 0x9a, 0x00]])));
        assert!(h264_non_reference(&length_prefixed(&[
            &[0x09, 0x10],
            &[0x01, 0x9a]
        ])));
        assert!(!h264_non_reference(&length_prefixed(&[&[0x41, 0x9a]])));
        assert!(!h264_non_reference(&length_prefixed(&[&[0x65, 0x88]])));
        assert!(!h264_non_reference(&length_prefixed(&[
            &[0x01, 0x9a],
            &[0x41, 0x9a]
        ])));
        assert!(h264_non_reference(&[
            0, 0, 0, 1, 0x09, 0x10, 0, 0, 1, 0x01, 0x9a, 0x00
        ]));
        assert!(!h264_non_reference(&[
            0, 0, 1, 0x21, 0x9a, 0, 0, 0, 1, 0x01, 0x9a
        ]));
        // No slice, a length past the end, nothing: a reference, to be safe.
        assert!(!h264_non_reference(&length_prefixed(&[&[0x09, 0x10]])));
        assert!(!h264_non_reference(&[0, 0, 0, 9, 0x01]));
        assert!(!h264_non_reference(&[]));
    }
}
