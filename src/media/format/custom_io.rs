//! Custom I/O: FFmpeg reads an [`Input`](super::Input) through any `Read` (seekable or not),
//! and writes an [`Output`](super::Output) through any `Write` (seekable or not). A source or
//! sink that cannot seek gets no seek callback, so FFmpeg knows it streams.
//!
//! The callbacks catch panics and I/O errors: a panic never unwinds into C, and both come
//! back as typed errors at the next call into the input.

use std::ffi::{c_int, c_void};
use std::io::{Read, Seek, SeekFrom, Write};

use crate::abi::constants;
use crate::abi::constants::AVERROR_EOF;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::media::packet::out_of_memory;
use crate::sys::objects::AVIOContext;
use crate::sys::unwind::{catch, contain};

const BUFFER_SIZE: usize = 64 * 1024;

/// Something FFmpeg can read and seek.
pub(crate) trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// Something FFmpeg can write and seek.
pub(crate) trait Sink: Write + Seek + Send {}
impl<T: Write + Seek + Send> Sink for T {}

/// The Rust side of a custom I/O context.
pub(crate) enum Endpoint {
    Read(Box<dyn Source>),
    /// A source that cannot seek: a pipe, a socket, standard input.
    ReadStream(Box<dyn Read + Send>),
    Write(Box<dyn Sink>),
    /// A sink that cannot seek.
    WriteStream(Box<dyn Write + Send>),
}

impl Endpoint {
    fn seeker(&mut self) -> Option<&mut dyn Seek> {
        match self {
            Endpoint::Read(source) => Some(source),
            Endpoint::Write(sink) => Some(sink),
            Endpoint::ReadStream(_) | Endpoint::WriteStream(_) => None,
        }
    }

    fn reader(&mut self) -> Option<&mut dyn Read> {
        match self {
            Endpoint::Read(source) => Some(source),
            Endpoint::ReadStream(source) => Some(source),
            Endpoint::Write(_) | Endpoint::WriteStream(_) => None,
        }
    }

    fn writer(&mut self) -> Option<&mut dyn Write> {
        match self {
            Endpoint::Write(sink) => Some(sink),
            Endpoint::WriteStream(sink) => Some(sink),
            Endpoint::Read(_) | Endpoint::ReadStream(_) => None,
        }
    }

    fn is_writing(&self) -> bool {
        matches!(self, Endpoint::Write(_) | Endpoint::WriteStream(_))
    }

    fn can_seek(&self) -> bool {
        matches!(self, Endpoint::Read(_) | Endpoint::Write(_))
    }
}

/// What the callbacks see through FFmpeg's opaque pointer.
struct State {
    endpoint: Endpoint,
    /// The first failure of the source or sink (a panic, a read or write error, a broken
    /// contract), reported at the end of the call into FFmpeg that met it. Until then every
    /// callback answers with an error, as the source's state is unknown.
    failure: Option<Error>,
    /// The last seek the source could not make. FFmpeg copes with most (a source of unknown
    /// size, one that cannot seek back), so it poisons nothing and is reported only if the
    /// call into FFmpeg fails.
    seek_failure: Option<Error>,
    /// Whether FFmpeg asked a source or sink that cannot seek to go back: a failure of the
    /// same call is [`Error::NeedsSeeking`].
    needed_seek: bool,
    /// What the source reads into: initialised bytes of ours, copied into FFmpeg's buffer
    /// afterwards, so that a `Read` never sees FFmpeg's uninitialised memory and nothing it
    /// reports is trusted before it is checked.
    scratch: Box<[u8]>,
}

/// An `AVIOContext` reading from a Rust source, and that source.
pub(crate) struct CustomIo {
    ffmpeg: Ffmpeg,
    context: *mut AVIOContext,
    state: *mut State,
}

// SAFETY: the context and state are used only by the thread that owns the `Input` or
// `Output` holding them, and the source or sink is `Send`.
unsafe impl Send for CustomIo {}

impl CustomIo {
    pub(crate) fn new(ffmpeg: &Ffmpeg, endpoint: Endpoint) -> Result<CustomIo> {
        let f = ffmpeg.functions();
        let (writing, seekable) = (endpoint.is_writing(), endpoint.can_seek());
        let scratch = if writing {
            Box::default()
        } else {
            vec![0; BUFFER_SIZE].into()
        };
        let state = Box::into_raw(Box::new(State {
            endpoint,
            failure: None,
            seek_failure: None,
            needed_seek: false,
            scratch,
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
            if !seekable {
                // Not seekable, so FFmpeg reads on rather than seek forward and seeks back
                // only when it must: the callback then sees that it had to.
                ffmpeg.layout().io_context.seekable.write(context, 0);
            }
            Ok(CustomIo {
                ffmpeg: ffmpeg.clone(),
                context,
                state,
            })
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut AVIOContext {
        self.context
    }

    /// What went wrong in the source or sink during the call `operation` into FFmpeg that
    /// returned `status`, if anything: its failure, else, when the call failed, a seek it
    /// needed and could not make. All are cleared for the next call.
    fn failure_for(&self, operation: &'static str, status: c_int) -> Option<Error> {
        // SAFETY: the state is ours; callbacks run only inside calls made by this thread,
        // and none is running now.
        let state = unsafe { &mut *self.state };
        let seek_failure = state.seek_failure.take();
        let needed_seek = std::mem::take(&mut state.needed_seek);
        let failed = status < 0 && status != AVERROR_EOF;
        if let Some(failure) = state.failure.take() {
            return Some(failure);
        }
        if needed_seek && failed {
            return Some(Error::NeedsSeeking { operation });
        }
        seek_failure.filter(|_| status < 0)
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

/// Maps the `status` of a call into FFmpeg on a context reading or writing through
/// `custom_io` (if any), preferring the source's or sink's own failure when there is one.
pub(crate) fn checked(
    ffmpeg: &Ffmpeg,
    custom_io: Option<&CustomIo>,
    operation: &'static str,
    status: c_int,
) -> Result<c_int> {
    match custom_io.and_then(|io| io.failure_for(operation, status)) {
        Some(failure) => Err(failure),
        None => crate::ffmpeg::error::check(ffmpeg, operation, status),
    }
}

fn record(state: &mut State, error: Error) -> c_int {
    state.failure.get_or_insert(error);
    -libc::EIO
}

/// `Read::read`, retried when interrupted, its count checked against the buffer's size.
fn read_checked(source: &mut dyn Read, out: &mut [u8]) -> Result<usize> {
    loop {
        match source.read(out) {
            Ok(read) if read > out.len() => {
                return Err(Error::BrokenContract {
                    callback: "Read::read",
                    detail: format!("reported {read} bytes read into a buffer of {}", out.len()),
                });
            }
            Ok(read) => return Ok(read),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(Error::io("Read::read", error)),
        }
    }
}

/// `Write::write` until all of `data` is written, each count checked against what was given.
fn write_checked(sink: &mut dyn Write, mut data: &[u8]) -> Result<()> {
    while !data.is_empty() {
        match sink.write(data) {
            Ok(0) => {
                let error = std::io::Error::new(std::io::ErrorKind::WriteZero, "wrote nothing");
                return Err(Error::io("Write::write", error));
            }
            Ok(written) if written > data.len() => {
                return Err(Error::BrokenContract {
                    callback: "Write::write",
                    detail: format!("reported {written} bytes written of {}", data.len()),
                });
            }
            Ok(written) => data = &data[written..],
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(Error::io("Write::write", error)),
        }
    }
    Ok(())
}

// FFmpeg's three callbacks. No panic may unwind into FFmpeg's frames (that aborts the
// process): the application's `Read`, `Write` and `Seek` run behind `catch`, which keeps the
// panic's message, and each whole body behind `contain`, for the application's errors and
// panic payloads dropped there, whose own `Drop` may panic.

unsafe extern "C" fn read_packet(opaque: *mut c_void, buffer: *mut u8, size: c_int) -> c_int {
    // SAFETY: the arguments are FFmpeg's, passed on unchanged.
    contain(-libc::EIO, || unsafe {
        read_packet_body(opaque, buffer, size)
    })
}

unsafe extern "C" fn write_packet(opaque: *mut c_void, buffer: *const u8, size: c_int) -> c_int {
    // SAFETY: the arguments are FFmpeg's, passed on unchanged.
    contain(-libc::EIO, || unsafe {
        write_packet_body(opaque, buffer, size)
    })
}

unsafe extern "C" fn seek(opaque: *mut c_void, offset: i64, whence: c_int) -> i64 {
    // SAFETY: the arguments are FFmpeg's, passed on unchanged.
    contain(-i64::from(libc::EIO), || unsafe {
        seek_body(opaque, offset, whence)
    })
}

/// FFmpeg's read callback.
///
/// # Safety
///
/// `opaque` is the State this context was made with, alive while it is; `buffer` has room
/// for `size` bytes.
unsafe fn read_packet_body(opaque: *mut c_void, buffer: *mut u8, size: c_int) -> c_int {
    // SAFETY: `opaque` is the State this context was made with, alive while it is.
    let state = unsafe { &mut *(opaque as *mut State) };
    let Ok(size) = usize::try_from(size) else {
        return -libc::EINVAL;
    };
    let State {
        endpoint,
        failure: None,
        scratch,
        ..
    } = state
    else {
        return -libc::EIO;
    };
    let Some(source) = endpoint.reader() else {
        return -libc::EIO;
    };
    // A short read is fine: FFmpeg asks again for the rest.
    let out = &mut scratch[..size.min(BUFFER_SIZE)];
    match catch(|| read_checked(source, out)) {
        Ok(Ok(0)) if size > 0 => AVERROR_EOF,
        Ok(Ok(read)) => {
            // SAFETY: FFmpeg gives a writable buffer of `size` bytes, and `read` is at most
            // `out.len() <= size` (checked above); the scratch buffer is ours, apart from it.
            unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), buffer, read) };
            read as c_int
        }
        Ok(Err(error)) => record(state, error),
        Err(panic) => record(state, Error::panicked("Read::read", &panic)),
    }
}

/// FFmpeg's write callback.
///
/// # Safety
///
/// As [`read_packet_body`], `buffer` holding `size` bytes FFmpeg wrote.
unsafe fn write_packet_body(opaque: *mut c_void, buffer: *const u8, size: c_int) -> c_int {
    // SAFETY: as in read_packet_body.
    let state = unsafe { &mut *(opaque as *mut State) };
    let Ok(len) = usize::try_from(size) else {
        return -libc::EINVAL;
    };
    let State {
        endpoint,
        failure: None,
        ..
    } = state
    else {
        return -libc::EIO;
    };
    let Some(sink) = endpoint.writer() else {
        return -libc::EIO;
    };
    let data = if len == 0 {
        &[][..]
    } else {
        // SAFETY: FFmpeg gives `size` bytes of its buffer, which it wrote.
        unsafe { std::slice::from_raw_parts(buffer, len) }
    };
    match catch(|| write_checked(sink, data)) {
        Ok(Ok(())) => size,
        Ok(Err(error)) => record(state, error),
        Err(panic) => record(state, Error::panicked("Write::write", &panic)),
    }
}

/// What a seek asks of the source.
enum SeekRequest {
    To(SeekFrom),
    Size,
}

/// FFmpeg's seek callback.
///
/// # Safety
///
/// As [`read_packet_body`].
unsafe fn seek_body(opaque: *mut c_void, offset: i64, whence: c_int) -> i64 {
    // SAFETY: as in read_packet_body.
    let state = unsafe { &mut *(opaque as *mut State) };
    if state.failure.is_some() {
        return -i64::from(libc::EIO);
    }
    let request = match (whence & !constants::SEEK_FORCE, u64::try_from(offset)) {
        (constants::SEEK_SIZE, _) => SeekRequest::Size,
        (libc::SEEK_SET, Ok(offset)) => SeekRequest::To(SeekFrom::Start(offset)),
        (libc::SEEK_CUR, _) => SeekRequest::To(SeekFrom::Current(offset)),
        (libc::SEEK_END, _) => SeekRequest::To(SeekFrom::End(offset)),
        _ => return -i64::from(libc::EINVAL),
    };
    let Some(source) = state.endpoint.seeker() else {
        // A stream: its size is unknown, which is no failure; any other seek FFmpeg needed.
        if !matches!(request, SeekRequest::Size) {
            state.needed_seek = true;
        }
        return -i64::from(libc::ESPIPE);
    };
    let result = catch(|| match request {
        SeekRequest::To(to) => (source.seek(to), Ok(())),
        SeekRequest::Size => {
            // The size, then back where it was; a source that cannot tell its size has not
            // moved, and one that cannot go back has lost its place.
            let size = source.stream_position().and_then(|here| {
                let size = source.seek(SeekFrom::End(0))?;
                Ok((here, size))
            });
            match size {
                Ok((here, size)) => (Ok(size), source.seek(SeekFrom::Start(here)).map(drop)),
                Err(error) => (Err(error), Ok(())),
            }
        }
    });
    let position = match result {
        Ok((position, Ok(()))) => position,
        Ok((_, Err(error))) => return i64::from(record(state, Error::io("Seek::seek", error))),
        Err(panic) => return i64::from(record(state, Error::panicked("Seek::seek", &panic))),
    };
    match position.map(i64::try_from) {
        Ok(Ok(position)) => position,
        Ok(Err(_)) => i64::from(record(
            state,
            Error::BrokenContract {
                callback: "Seek::seek",
                detail: "reported a position beyond i64::MAX".into(),
            },
        )),
        Err(error) => {
            let code = error
                .raw_os_error()
                .filter(|&code| code > 0)
                .unwrap_or(libc::EIO);
            state.seek_failure = Some(Error::io("Seek::seek", error));
            -i64::from(code)
        }
    }
}
