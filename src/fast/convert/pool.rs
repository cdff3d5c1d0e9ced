//! Pooled RGB images: [`RgbPool`] and the [`RgbImage`]s it lends.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{
    Backend, ChromaUpsampling, Colorimetry, Options, RgbFormat, SimdLimit, Stores, YuvPlanes,
    convert_planes,
};
use crate::ffmpeg::error::Result;
use crate::media::frame::Frame;

/// Where the pixels of an [`RgbImage`] start: a cache line, the widest vector.
pub(super) const ALIGNMENT: usize = 64;

/// How recently a buffer must have been written for [`Stores::Auto`] to take it as still in
/// the cache, if it fits there: too short a time for much else to have gone through the
/// cache since.
const RECENTLY: Duration = Duration::from_millis(1);

/// Buffers back from their images, each with when it was last written.
type FreeList = Arc<Mutex<Vec<(Vec<u8>, Instant)>>>;

/// A pool of RGB buffers: images taken from it go back when dropped.
#[derive(Debug, Clone, Default)]
pub struct RgbPool {
    free: FreeList,
    stores: Stores,
    upsampling: ChromaUpsampling,
    limit: SimdLimit,
}

/// An RGB picture, its buffer borrowed from an [`RgbPool`].
#[derive(Debug)]
pub struct RgbImage {
    /// The buffer; the pixels start at `offset`, the first 64-byte boundary in it.
    data: Vec<u8>,
    offset: usize,
    width: usize,
    height: usize,
    format: RgbFormat,
    written: Instant,
    pool: FreeList,
}

impl RgbImage {
    /// The pixels, row after row with no padding (`width × bytes_per_pixel` a row). They
    /// start on a 64-byte boundary.
    pub fn data(&self) -> &[u8] {
        &self.data[self.offset..][..self.stride() * self.height]
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Bytes a row.
    pub fn stride(&self) -> usize {
        self.width * self.format.bytes_per_pixel()
    }

    /// Its layout.
    pub fn format(&self) -> RgbFormat {
        self.format
    }
}

impl Drop for RgbImage {
    fn drop(&mut self) {
        if let Ok(mut free) = self.pool.lock() {
            free.push((std::mem::take(&mut self.data), self.written));
        }
    }
}

impl RgbPool {
    /// An empty pool.
    pub fn new() -> RgbPool {
        RgbPool::default()
    }

    /// The same pool, writing its images as `stores` says ([`Stores::Auto`] by default).
    pub fn with_stores(self, stores: Stores) -> RgbPool {
        RgbPool { stores, ..self }
    }

    /// The same pool, bringing chroma to each pixel as `upsampling` says
    /// ([`ChromaUpsampling::Nearest`] by default). Interpolated chroma is written through
    /// the cache whatever the [`Stores`].
    pub fn with_chroma_upsampling(self, upsampling: ChromaUpsampling) -> RgbPool {
        RgbPool { upsampling, ..self }
    }

    /// The same pool, its SIMD code using at most the instructions `limit` names
    /// ([`SimdLimit::Widest`] by default).
    pub fn with_simd_limit(self, limit: SimdLimit) -> RgbPool {
        RgbPool { limit, ..self }
    }

    /// Converts `frame` to `format` with the frame's own colorimetry.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) for a source format other
    /// than those listed in the [module](super) docs.
    pub fn convert(&self, frame: &Frame, format: RgbFormat) -> Result<RgbImage> {
        self.convert_with(frame, format, Colorimetry::of(frame), Backend::Simd)
    }

    /// Converts `frame` to `format` as `colorimetry` says, with the chosen backend.
    ///
    /// # Errors
    ///
    /// As for [`RgbPool::convert`].
    pub fn convert_with(
        &self,
        frame: &Frame,
        format: RgbFormat,
        colorimetry: Colorimetry,
        backend: Backend,
    ) -> Result<RgbImage> {
        let planes = YuvPlanes::of(frame)?;
        let stride = planes.width * format.bytes_per_pixel();
        let size = stride * planes.height;
        let (mut data, written) = self
            .free
            .lock()
            .ok()
            .and_then(|mut free| free.pop())
            .map_or((Vec::new(), None), |(data, written)| (data, Some(written)));
        // Aligned so that each 64-byte store fills one cache line rather than straddling two.
        data.resize(size + ALIGNMENT - 1, 0);
        let offset = data.as_ptr().align_offset(ALIGNMENT);
        let out = (&mut data[offset..offset + size], stride);
        let recently = written.is_some_and(|at| at.elapsed() < RECENTLY);
        let streamed = self.stores.streams(size, recently);
        let options = Options {
            upsampling: self.upsampling,
            streamed,
            limit: self.limit,
        };
        convert_planes(&planes, (format, colorimetry), out, backend, options);
        Ok(RgbImage {
            data,
            offset,
            width: planes.width,
            height: planes.height,
            format,
            written: Instant::now(),
            pool: self.free.clone(),
        })
    }
}
