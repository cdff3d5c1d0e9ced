//! The fast paths, built only on the media API: the low-latency decode [`pipeline`], the
//! many-stream [`scheduler`] and the SIMD YUV→RGB [`convert`]er.

pub mod convert;
#[cfg(feature = "pipeline")]
pub mod pipeline;
#[cfg(feature = "pipeline")]
pub mod scheduler;
