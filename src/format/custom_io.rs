//! Custom I/O: FFmpeg reads an [`Input`](super::Input) through any `Read + Seek`, and writes
//! an [`Output`](super::Output) through any `Write + Seek`.
//!
//! The callbacks catch panics and I/O errors: a panic never unwinds into C, and both come
//! back as typed errors at the next call into the input.

use std::ffi::{c_int, c_void};
use std::io::{Read, Seek, SeekFrom, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::ffmpeg::Ffmpeg;
use crate::media_error::{AVERROR_EOF, Error, Result};
use crate::packet::out_of_memory;

const BUFFER_SIZE: usize = 64 * 1024;
/// `AVSEEK_SIZE`: asks for the stream's size instead of seeking.
const AVSEEK_SIZE: c_int = 0x10000;
/// `AVSEEK_FORCE`: a hint FFmpeg may add to `whence`.
const AVSEEK_FORCE: c_int = 0x20000;

/// Something FFmpeg can read and seek.
pub(crate) trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// Something FFmpeg can write and seek.
pub(crate) trait Sink: Write + Seek + Send {}
impl<T: Write + Seek + Send> Sink for T {}

/// The Rust side of a custom I/O context.
pub(crate) enum Endpoint {
    Read(Box<dyn Source>),
    Write(Box<dyn Sink>),
}

impl Endpoint {
    fn seeker(&mut self) -> &mut dyn Seek {
        match self {
            Endpoint::Read(source) => source,
            Endpoint::Write(sink) => sink,
        }
    }
}

/// What the callbacks see through FFmpeg's opaque pointer.
struct State {
    endpoint: Endpoint,
    /// The first failure of the source, reported at the next call into the input.
    failure: Option<Error>,
}

/// An `AVIOContext` reading from a Rust source, and that source.
pub(crate) struct CustomIo {
    ffmpeg: Ffmpeg,
    context: *mut c_void,
    state: *mut State,
}

// SAFETY: the context and state are used only by the thread that owns the `Input` or
// `Output` holding them, and the source or sink is `Send`.
unsafe impl Send for CustomIo {}

impl CustomIo {
    pub(crate) fn new(ffmpeg: &Ffmpeg, endpoint: Endpoint) -> Result<CustomIo> {
        let f = ffmpeg.functions();
        let writing = matches!(endpoint, Endpoint::Write(_));
        let state = Box::into_raw(Box::new(State {
            endpoint,
            failure: None,
        }));
        // SAFETY: a buffer from FFmpeg's allocator, handed to the context (which may replace
        // it); callbacks with FFmpeg's signatures; `state` lives until `drop`.
        unsafe {
            let buffer = (f.av_malloc)(BUFFER_SIZE) as *mut u8;
            if buffer.is_null() {
                drop(Box::from_raw(state));
                return Err(out_of_memory(ffmpeg, "av_malloc"));
            }
            let read = read_packet as unsafe extern "C" fn(*mut c_void, *mut u8, c_int) -> c_int;
            let write =
                write_packet as unsafe extern "C" fn(*mut c_void, *const u8, c_int) -> c_int;
            let seek = seek as unsafe extern "C" fn(*mut c_void, i64, c_int) -> i64;
            let (read, write) = if writing {
                (std::ptr::null(), write as *const c_void)
            } else {
                (read as *const c_void, std::ptr::null())
            };
            let context = (f.avio_alloc_context)(
                buffer,
                BUFFER_SIZE as c_int,
                c_int::from(writing),
                state as *mut c_void,
                read,
                write,
                seek as *const c_void,
            );
            if context.is_null() {
                (f.av_free)(buffer as *mut c_void);
                drop(Box::from_raw(state));
                return Err(out_of_memory(ffmpeg, "avio_alloc_context"));
            }
            Ok(CustomIo {
                ffmpeg: ffmpeg.clone(),
                context,
                state,
            })
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut c_void {
        self.context
    }

    /// The source's failure since the last call, if any (a panic or an I/O error).
    pub(crate) fn take_failure(&self) -> Option<Error> {
        // SAFETY: the state is ours; callbacks run only inside calls made by this thread.
        unsafe { (*self.state).failure.take() }
    }
}

impl Drop for CustomIo {
    fn drop(&mut self) {
        let layout = &self.ffmpeg.layout().io_context;
        let f = self.ffmpeg.functions();
        // SAFETY: the format context no longer uses this I/O context (it is closed first, and
        // was opened with AVFMT_FLAG_CUSTOM_IO); the buffer may have been replaced by FFmpeg,
        // so the current one is freed, then the context, then our state.
        unsafe {
            (f.av_free)(layout.buffer.read(self.context) as *mut c_void);
            (f.avio_context_free)(&mut self.context);
            drop(Box::from_raw(self.state));
        }
    }
}

fn record(state: &mut State, error: Error) -> c_int {
    state.failure.get_or_insert(error);
    -libc::EIO
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// FFmpeg's read callback.
unsafe extern "C" fn read_packet(opaque: *mut c_void, buffer: *mut u8, size: c_int) -> c_int {
    // SAFETY: `opaque` is the State this context was made with, alive while it is.
    let state = unsafe { &mut *(opaque as *mut State) };
    if state.failure.is_some() || size <= 0 {
        return -libc::EIO;
    }
    // SAFETY: FFmpeg gives a writable buffer of `size` bytes.
    let out = unsafe { std::slice::from_raw_parts_mut(buffer, size as usize) };
    let Endpoint::Read(source) = &mut state.endpoint else {
        return -libc::EIO;
    };
    match catch_unwind(AssertUnwindSafe(|| source.read(out))) {
        Ok(Ok(0)) => AVERROR_EOF,
        Ok(Ok(read)) => read as c_int,
        Ok(Err(error)) => record(state, Error::Io(error.to_string())),
        Err(payload) => record(state, Error::Panicked(panic_message(payload))),
    }
}

/// FFmpeg's write callback.
unsafe extern "C" fn write_packet(opaque: *mut c_void, buffer: *const u8, size: c_int) -> c_int {
    // SAFETY: as in read_packet.
    let state = unsafe { &mut *(opaque as *mut State) };
    if state.failure.is_some() || size < 0 {
        return -libc::EIO;
    }
    // SAFETY: FFmpeg gives `size` readable bytes.
    let data = unsafe { std::slice::from_raw_parts(buffer, size as usize) };
    let Endpoint::Write(sink) = &mut state.endpoint else {
        return -libc::EIO;
    };
    match catch_unwind(AssertUnwindSafe(|| sink.write_all(data))) {
        Ok(Ok(())) => size,
        Ok(Err(error)) => record(state, Error::Io(error.to_string())),
        Err(payload) => record(state, Error::Panicked(panic_message(payload))),
    }
}

/// FFmpeg's seek callback.
unsafe extern "C" fn seek(opaque: *mut c_void, offset: i64, whence: c_int) -> i64 {
    // SAFETY: as in read_packet.
    let state = unsafe { &mut *(opaque as *mut State) };
    if state.failure.is_some() {
        return -(libc::EIO as i64);
    }
    let whence = whence & !AVSEEK_FORCE;
    let result = catch_unwind(AssertUnwindSafe(|| -> std::io::Result<u64> {
        let source = state.endpoint.seeker();
        match whence {
            AVSEEK_SIZE => {
                let here = source.stream_position()?;
                let size = source.seek(SeekFrom::End(0))?;
                source.seek(SeekFrom::Start(here))?;
                Ok(size)
            }
            libc::SEEK_SET => source.seek(SeekFrom::Start(offset.max(0) as u64)),
            libc::SEEK_CUR => source.seek(SeekFrom::Current(offset)),
            libc::SEEK_END => source.seek(SeekFrom::End(offset)),
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
    }));
    match result {
        Ok(Ok(position)) => position as i64,
        Ok(Err(error)) => record(state, Error::Io(error.to_string())) as i64,
        Err(payload) => record(state, Error::Panicked(panic_message(payload))) as i64,
    }
}
