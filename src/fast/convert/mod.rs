//! Decoded YUV pictures to RGB, fast: `yuv420p`, `yuvj420p` and `nv12` (8-bit) and
//! `yuv420p10le` and `p010le` (10-bit) to RGBA, BGRA or RGB24, in BT.601 or BT.709, limited or
//! full range.
//!
//! The fast path is the crate's own 16-bit fixed-point code, compiled for AVX-512, AVX2,
//! SSE4.1 and NEON with the best chosen at run time (`multiversion`; [`SimdLimit`] caps the
//! choice), with hand-written AVX-512 (where the CPU has VBMI), AVX2 and SSE4.1 for 8-bit
//! sources. The only `unsafe` in it is the streaming store of a cache line ([`Stores`]),
//! which `std` offers only on raw pointers. On every input, including samples outside the
//! legal range, odd sizes and padded rows, it is within one step of [`Backend::Scalar`], the
//! exact conversion in double precision, and that reference is within one step of swscale
//! computing at full precision. Chroma is taken from the sample covering each pixel, as
//! swscale's fast path does, unless [`ChromaUpsampling::Bicubic`] interpolates it as
//! swscale's accurate full-chroma path does. Output
//! buffers come from an [`RgbPool`] and go back to it when dropped, so a stream of frames
//! allocates nothing for pixels once warm. Pictures of [`STREAMING_FROM`] bytes and more are
//! written with streaming stores, which skip reading each output line into the cache first
//! ([`Stores`] says when).

mod reference;

use crate::ffmpeg::error::{Error, Result};
use crate::media::color::{Colorimetry, Matrix, Range};
use crate::media::frame::{Frame, Plane};

/// The RGB layouts produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RgbFormat {
    /// R, G, B, A (A = 255), four bytes a pixel.
    Rgba,
    /// B, G, R, A (A = 255).
    Bgra,
    /// R, G, B, three bytes a pixel.
    Rgb24,
}

impl RgbFormat {
    /// Bytes a pixel.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            RgbFormat::Rgba | RgbFormat::Bgra => 4,
            RgbFormat::Rgb24 => 3,
        }
    }
}

/// Which code converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// The SIMD code for this CPU.
    #[default]
    Simd,
    /// The exact scalar reference (slow; for checking and comparison).
    Scalar,
}

/// How converted pixels are written to memory.
///
/// # Platform-specific behaviour
///
/// Only the hand-written x86-64 code streams: 8-bit sources to any layout with AVX-512, and
/// to RGBA or BGRA with AVX2, on rows that start on a 64-byte (AVX-512) or 32-byte (AVX2)
/// boundary, as [`RgbImage`]s do. Everything else is written through the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stores {
    /// Streaming for pictures of [`STREAMING_FROM`] bytes or more, through the cache below,
    /// and through the cache too for a pooled buffer of up to 12 MiB written less than a
    /// millisecond before, which is likely still in the cache. In a decode loop, streaming
    /// took about 40% off what converting 1080p RGBA adds to decoding. Converting frame after
    /// frame into a buffer that stays in the cache, it is 10–15% slower than
    /// [`Stores::Cached`].
    #[default]
    Auto,
    /// Through the cache. Best when the picture is small enough to stay there and is read
    /// again at once.
    Cached,
    /// Streaming stores: whole cache lines written straight to memory, saving the read of each
    /// line that ordinary stores make first, and leaving the cache to the decoder. Best for
    /// pictures bigger than the cache (1080p RGBA is 8.3 MB), and for write-combined memory
    /// such as a mapped GPU upload buffer.
    Streaming,
}

/// The picture size, in output bytes, from which [`Stores::Auto`] streams (4 MiB). A
/// smaller picture is likely still in the last-level cache when it is read straight after
/// converting, which streaming would forgo. A bigger one is not, and streaming pays even then:
/// in a decode loop that reads each picture back, 1080p RGBA (8.3 MB) was faster streamed, and
/// 720p RGBA (3.7 MB) slightly slower (BENCHMARKS.md).
pub const STREAMING_FROM: usize = 4 << 20;

/// The picture size, in output bytes, up to which a buffer written over and over stays in
/// the cache (12 MiB): converting one frame again and again, 1080p RGBA (8.3 MB) was faster
/// through the cache, and 1440p (14.7 MB) and 4K (33 MB) faster streamed (through the cache
/// they took 13% and 68% longer).
const STAYS_CACHED_BELOW: usize = 12 << 20;

impl Stores {
    /// Whether a picture of `bytes` output bytes is streamed into a buffer that was, or was
    /// not, `recently_written`.
    fn streams(self, bytes: usize, recently_written: bool) -> bool {
        let still_cached = recently_written && bytes < STAYS_CACHED_BELOW;
        match self {
            Stores::Auto => bytes >= STREAMING_FROM && !still_cached,
            Stores::Cached => false,
            Stores::Streaming => true,
        }
    }
}

/// The widest instructions the SIMD backend may use: a cap on what the CPU offers.
///
/// # Platform-specific behaviour
///
/// Only x86-64 has choices: elsewhere every limit gives the same code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum SimdLimit {
    /// The widest this CPU has.
    #[default]
    Widest,
    /// AVX2 at most, the code a CPU without AVX-512 runs: for comparing, or for a host where
    /// AVX-512 slows the clock of everything else.
    Avx2,
    /// SSE4.1 at most (the portable code, compiled for it).
    Sse41,
}

/// How a conversion runs, past its format and colours.
#[derive(Debug, Clone, Copy)]
struct Options {
    upsampling: ChromaUpsampling,
    /// Streaming stores asked for (the SIMD code, nearest chroma).
    streamed: bool,
    limit: SimdLimit,
}

/// The instruction set the fast path uses on this CPU: `avx512vbmi`, `avx512`, `avx2`,
/// `sse4.1`, `neon` or `scalar`. (8-bit sources take the hand-written AVX-512 code on the
/// first, the AVX2 code on the next two and the SSE4.1 code on `sse4.1`.)
pub fn simd_level() -> &'static str {
    fast::simd_level()
}

/// The planes of a supported source picture, checked to hold every row the conversion reads.
pub(crate) struct YuvPlanes<'a> {
    width: usize,
    height: usize,
    bits: u32,
    luma: Samples<'a>,
    chroma: Chroma<'a>,
}

/// A plane of 8-bit samples, or of 16-bit words (10-bit samples).
#[derive(Clone, Copy)]
enum Samples<'a> {
    Bytes(Plane<'a>),
    Words(Plane<'a>),
}

enum Chroma<'a> {
    /// U and V planes.
    Planar(Samples<'a>, Samples<'a>),
    /// One plane of U, V pairs.
    Interleaved(Samples<'a>),
}

impl<'a> Samples<'a> {
    fn plane(&self) -> Plane<'a> {
        match self {
            Samples::Bytes(plane) | Samples::Words(plane) => *plane,
        }
    }

    fn unit(&self) -> usize {
        match self {
            Samples::Bytes(_) => 1,
            Samples::Words(_) => 2,
        }
    }

    /// Whether the plane has `rows` rows of at least `samples` samples, and words are aligned.
    fn holds(&self, samples: usize, rows: usize) -> bool {
        let plane = self.plane();
        let aligned = match self {
            Samples::Bytes(_) => true,
            Samples::Words(_) => {
                plane.stride().unsigned_abs().is_multiple_of(2)
                    && plane
                        .row(0)
                        .is_some_and(|row| row.as_ptr().addr().is_multiple_of(2))
            }
        };
        aligned && plane.row_count() >= rows && plane.row_len() >= samples * self.unit()
    }

    /// The sample at (x, y), in its bit depth (10-bit `p010` keeps its high bits).
    fn at(&self, x: usize, y: usize, shift: u32) -> u16 {
        let row = self.plane().row(y).unwrap_or_default();
        match self {
            Samples::Bytes(_) => u16::from(row[x]),
            Samples::Words(_) => u16::from_le_bytes([row[2 * x], row[2 * x + 1]]) >> shift,
        }
    }
}

impl<'a> YuvPlanes<'a> {
    fn of(frame: &'a Frame) -> Result<YuvPlanes<'a>> {
        let name = frame.format_name_in_library().unwrap_or_default();
        let mut planes = [None; 3];
        let mut count = 0;
        for plane in frame.planes() {
            if let Some(slot) = planes.get_mut(count) {
                *slot = Some(plane);
            }
            count += 1;
        }
        let plane = |i: usize| planes[i].expect("counted");
        let bytes = |i: usize| Samples::Bytes(plane(i));
        let words = |i: usize| Samples::Words(plane(i));
        let (bits, luma, chroma) = match (name, count) {
            ("yuv420p" | "yuvj420p", 3) => (8, bytes(0), Chroma::Planar(bytes(1), bytes(2))),
            ("nv12", 2) => (8, bytes(0), Chroma::Interleaved(bytes(1))),
            ("yuv420p10le", 3) => (10, words(0), Chroma::Planar(words(1), words(2))),
            ("p010le", 2) => (10, words(0), Chroma::Interleaved(words(1))),
            _ => {
                return Err(Error::unsupported(
                    "RgbPool::convert",
                    format!(
                        "no RGB conversion from {name:?} (yuv420p, yuvj420p, nv12, yuv420p10le, p010le)"
                    ),
                ));
            }
        };
        YuvPlanes::new(
            (frame.width() as usize, frame.height() as usize),
            bits,
            luma,
            chroma,
        )
        .ok_or_else(|| {
            Error::incompatible(
                "RgbPool::convert",
                format!("{name} planes too small for the picture"),
            )
        })
    }

    /// The planes of a `width × height` picture, or `None` when one lacks rows or samples
    /// the conversion reads (or 16-bit samples are not aligned).
    fn new(
        (width, height): (usize, usize),
        bits: u32,
        luma: Samples<'a>,
        chroma: Chroma<'a>,
    ) -> Option<YuvPlanes<'a>> {
        let (chroma_width, chroma_height) = (width.div_ceil(2), height.div_ceil(2));
        let fits = luma.holds(width, height)
            && match &chroma {
                Chroma::Planar(u, v) => {
                    u.holds(chroma_width, chroma_height) && v.holds(chroma_width, chroma_height)
                }
                Chroma::Interleaved(uv) => uv.holds(2 * chroma_width, chroma_height),
            };
        fits.then_some(YuvPlanes {
            width,
            height,
            bits,
            luma,
            chroma,
        })
    }

    /// How far a sample's bits are shifted up in its word: p010 stores its 10 bits at the
    /// top.
    fn shift(&self) -> u32 {
        if matches!(self.chroma, Chroma::Interleaved(Samples::Words(..))) {
            6
        } else {
            0
        }
    }

    /// (Y, U, V) at a pixel, chroma from the sample covering it.
    fn sample(&self, x: usize, y: usize) -> (u16, u16, u16) {
        let (u, v) = self.chroma_at(x / 2, y / 2);
        (self.luma.at(x, y, self.shift()), u, v)
    }

    /// (U, V) of chroma sample (x, y).
    fn chroma_at(&self, x: usize, y: usize) -> (u16, u16) {
        let shift = self.shift();
        match &self.chroma {
            Chroma::Planar(u, v) => (u.at(x, y, shift), v.at(x, y, shift)),
            Chroma::Interleaved(uv) => (uv.at(2 * x, y, shift), uv.at(2 * x + 1, y, shift)),
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod fast;
mod pool;
#[cfg(target_arch = "x86_64")]
mod sse41;
mod streaming;
mod upsample;

pub use pool::{RgbImage, RgbPool};
pub use upsample::ChromaUpsampling;

/// Converts `frame` into a buffer of the caller's, with rows `stride` bytes apart: a mapped
/// GPU staging buffer, say, or an array another library owns, which saves copying out of an
/// [`RgbImage`]. The bytes between the end of a row and the next row are left as they are.
/// Pictures of [`STREAMING_FROM`] bytes or more are written with streaming stores, fastest on
/// rows that start on a 64-byte boundary.
///
/// # Errors
///
/// [`Error::Unsupported`] for a source format other than those listed in the
/// [module](self) docs; [`Error::Incompatible`] for a `stride` shorter than a row, or an `out` shorter than
/// `stride × (height - 1)` plus one row. Nothing is written then.
pub fn convert_into(
    frame: &Frame,
    format: RgbFormat,
    colorimetry: Colorimetry,
    out: &mut [u8],
    stride: usize,
) -> Result<()> {
    let planes = YuvPlanes::of(frame)?;
    let row = planes.width * format.bytes_per_pixel();
    // Checked: a stride near usize::MAX would wrap.
    let needed = match planes.height {
        0 => Some(0),
        height => stride
            .checked_mul(height - 1)
            .and_then(|rows| rows.checked_add(row)),
    };
    if stride < row || needed.is_none_or(|needed| out.len() < needed) {
        let needed = needed.map_or("more than usize::MAX".into(), |n| n.to_string());
        return Err(Error::incompatible(
            "convert_into",
            format!(
                "{format:?} of {}x{} needs a stride of at least {row} bytes, and {needed} bytes at \
             stride {stride}; got {} bytes",
                planes.width,
                planes.height,
                out.len()
            ),
        ));
    }
    let options = Options {
        upsampling: ChromaUpsampling::Nearest,
        streamed: Stores::Auto.streams(row.saturating_mul(planes.height), false),
        limit: SimdLimit::Widest,
    };
    convert_planes(
        &planes,
        (format, colorimetry),
        (out, stride),
        Backend::Simd,
        options,
    );
    Ok(())
}

/// Converts with `backend` as `options` say (the exact reference, and interpolated chroma,
/// always write through the cache).
fn convert_planes(
    planes: &YuvPlanes<'_>,
    (format, colorimetry): (RgbFormat, Colorimetry),
    out: (&mut [u8], usize),
    backend: Backend,
    options: Options,
) {
    match backend {
        Backend::Simd => fast::convert(planes, format, colorimetry, out, options),
        Backend::Scalar => reference::convert(planes, format, colorimetry, out, options.upsampling),
    }
}

#[cfg(test)]
mod tests;
