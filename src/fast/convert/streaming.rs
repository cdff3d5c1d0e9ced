//! Streaming stores for the hand-written kernels: whole cache lines written straight to
//! memory, without first reading each line into the cache and without evicting what is there.
//!
//! A picture bigger than the caches is evicted before anyone reads it, and decoding the next
//! frame evicts it too. Ordinary stores then read every line of the output from memory before
//! writing it (write-allocate). Streaming stores save that read. In a 1080p decode loop they
//! take about 40% off what converting to RGBA adds to decoding (BENCHMARKS.md).
//!
//! This module holds the crate's only `unsafe` outside the FFI wrappers: `std` offers these
//! instructions only as `unsafe` functions on raw pointers. Each store checks that its 64 or
//! 32 bytes are in bounds, borrowed exclusively and aligned, and the [`Streaming`] guard
//! fences them when the conversion ends.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;
use std::marker::PhantomData;

/// Proof that the conversion in progress may use streaming stores, and ends with a fence.
///
/// Streaming stores are weakly ordered: until a store fence, neither this thread nor another
/// is guaranteed to see them (`_mm_sfence` in `std::arch` says so). The stores below take a
/// `&Streaming`, so they can only happen while one is alive. It is made at the start of one
/// conversion and dropped at its end, fencing before the output is handed back. It is not
/// `Send`: the fence must run on the thread that stored.
pub(super) struct Streaming {
    _same_thread: PhantomData<*const ()>,
}

impl Streaming {
    pub(super) fn begin() -> Streaming {
        Streaming {
            _same_thread: PhantomData,
        }
    }
}

impl Drop for Streaming {
    fn drop(&mut self) {
        // Elsewhere nothing streams (there are no hand-written kernels), so nothing to fence.
        // SAFETY: `sfence` is SSE, which every x86-64 CPU has.
        #[cfg(target_arch = "x86_64")]
        unsafe {
            _mm_sfence()
        };
    }
}

/// `streaming` where every row of `rows` starts on a `boundary`-byte boundary, so that every
/// whole-vector store of a kernel whose vectors are that wide is aligned; `None` otherwise.
#[cfg(target_arch = "x86_64")]
pub(super) fn where_aligned<'a>(
    streaming: Option<&'a Streaming>,
    rows: &[&mut [u8]],
    boundary: usize,
) -> Option<&'a Streaming> {
    let aligned = rows
        .iter()
        .all(|row| row.as_ptr().addr().is_multiple_of(boundary));
    streaming.filter(|_| aligned)
}

/// Writes `value` to the first 64 bytes of `out`: streamed when `streaming` is given and
/// `out` starts on a 64-byte boundary, through the cache otherwise.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn store64(out: &mut [u8], value: __m512i, streaming: Option<&Streaming>) {
    let out = &mut out[..64];
    if streaming.is_some() && out.as_ptr().addr().is_multiple_of(64) {
        // SAFETY: `out` is 64 bytes borrowed exclusively, so the store stays in bounds and
        // races with nothing; it starts on the 64-byte boundary the instruction requires. The
        // `Streaming` borrowed here fences before the conversion returns `out`'s memory.
        unsafe { _mm512_stream_si512(out.as_mut_ptr().cast(), value) }
    } else {
        out.copy_from_slice(bytemuck::bytes_of(&value));
    }
}

/// Writes `value` to the first 32 bytes of `out`, as [`store64`] does, on a 32-byte boundary.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn store32(out: &mut [u8], value: __m256i, streaming: Option<&Streaming>) {
    let out = &mut out[..32];
    if streaming.is_some() && out.as_ptr().addr().is_multiple_of(32) {
        // SAFETY: as in `store64`, for 32 bytes on a 32-byte boundary.
        unsafe { _mm256_stream_si256(out.as_mut_ptr().cast(), value) }
    } else {
        out.copy_from_slice(bytemuck::bytes_of(&value));
    }
}
