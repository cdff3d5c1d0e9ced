//! Errors of the media API: FFmpeg's codes mapped to variants, each with FFmpeg's own message
//! and the operation that failed.

use std::ffi::c_int;

use crate::abi::constants::{
    AVERROR_DECODER_NOT_FOUND, AVERROR_DEMUXER_NOT_FOUND, AVERROR_EAGAIN,
    AVERROR_ENCODER_NOT_FOUND, AVERROR_EOF, AVERROR_INVALIDDATA, AVERROR_MUXER_NOT_FOUND,
    AVERROR_OPTION_NOT_FOUND, AVERROR_STREAM_NOT_FOUND,
};
use crate::ffmpeg::Ffmpeg;
use crate::sys::Library;
use crate::sys::unwind::CaughtPanic;

/// What went wrong in a media operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The data is not valid for its format or codec (`AVERROR_INVALIDDATA`).
    #[error("{operation}: invalid data: {message}")]
    InvalidData {
        /// The FFmpeg call that failed.
        operation: &'static str,
        /// FFmpeg's message.
        message: String,
    },
    /// No decoder for this codec in the loaded FFmpeg.
    #[error("no decoder for {codec}")]
    DecoderNotFound {
        /// The codec's name.
        codec: String,
    },
    /// No encoder of that name, or none for that codec, in the loaded FFmpeg.
    #[error("no encoder {codec}")]
    EncoderNotFound {
        /// The encoder's name, or "for" and the codec's.
        codec: String,
    },
    /// An option the encoder (or other FFmpeg object) does not have
    /// (`AVERROR_OPTION_NOT_FOUND`, or an option left unused).
    #[error("{owner} has no option {option}")]
    OptionNotFound {
        /// The encoder's name, or the FFmpeg call that failed.
        owner: String,
        /// The option, where known; else FFmpeg's message.
        option: String,
    },
    /// The input has no stream of the kind asked for.
    #[error("no {kind} stream")]
    StreamNotFound {
        /// "video", "audio", or a stream index.
        kind: String,
    },
    /// The input's format could not be recognised.
    #[error("{operation}: unrecognised format: {message}")]
    UnknownFormat {
        /// The FFmpeg call that failed.
        operation: &'static str,
        /// FFmpeg's message.
        message: String,
    },
    /// More input is needed before output can come (`AVERROR(EAGAIN)`); the API answers this
    /// with `Ok(None)` or `Ok(false)` where it is not an error.
    #[error("{operation}: needs more input")]
    Again {
        /// The FFmpeg call.
        operation: &'static str,
    },
    /// The end of the stream (`AVERROR_EOF`); likewise answered with `Ok(None)` where normal.
    #[error("{operation}: end of stream")]
    Eof {
        /// The FFmpeg call.
        operation: &'static str,
    },
    /// The loaded FFmpeg has nothing of that name: a pixel or sample format, a codec, a
    /// colour property, a container format.
    #[error("this FFmpeg has no {kind} named {name:?}")]
    UnknownName {
        /// What was looked up: `pixel format`, `codec`, ….
        kind: &'static str,
        /// The name given.
        name: String,
    },
    /// Text that cannot reach FFmpeg: it holds a NUL byte, or a path is not UTF-8.
    #[error("{what} {text:?} cannot be passed to FFmpeg (a NUL byte, or not UTF-8)")]
    InvalidText {
        /// What the text is: `path`, `option`, `URL`, ….
        what: &'static str,
        /// The text, lossily.
        text: String,
    },
    /// A number FFmpeg cannot take: zero or negative where a size or count is needed, or
    /// beyond a C `int`.
    #[error("{what} {value} is out of range")]
    OutOfRange {
        /// What the number is: `width`, `sample rate`, `channels`, ….
        what: &'static str,
        /// The number given.
        value: String,
    },
    /// The objects given to a call do not fit it or each other: a frame of another size or
    /// format than the encoder's, an audio frame for a picture, a buffer too small.
    #[error("{operation}: {detail}")]
    Incompatible {
        /// The call that refused.
        operation: &'static str,
        /// What did not fit.
        detail: String,
    },
    /// The loaded FFmpeg, or this crate, cannot do it: a conversion libswscale refuses or
    /// would crash on, a pixel format the fast RGB path does not read.
    #[error("{operation}: {detail}")]
    Unsupported {
        /// The call that refused.
        operation: &'static str,
        /// What is not supported.
        detail: String,
    },
    /// The application's reader, writer or seeker failed (custom I/O), or the operating
    /// system refused a thread. The `io::Error` is also the
    /// [`source`](std::error::Error::source).
    #[error("{operation}: {source}")]
    Io {
        /// What was being done: `Read::read`, `Write::write`, `Seek::seek`, ….
        operation: &'static str,
        /// The error the application's stream or the operating system gave.
        #[source]
        source: std::io::Error,
    },
    /// A call waited on the network longer than its
    /// [`UrlOptions::timeout`](crate::format::UrlOptions::timeout).
    #[error("{operation}: timed out")]
    TimedOut {
        /// The call that gave up.
        operation: &'static str,
    },
    /// A call was stopped by its [`Interrupt`](crate::format::Interrupt).
    #[error("{operation}: interrupted")]
    Interrupted {
        /// The call that was stopped.
        operation: &'static str,
    },
    /// The container needed to go back in a source or sink that cannot seek (an MP4 whose
    /// index comes after its media, read from a pipe): give it a seekable one
    /// ([`Input::from_reader`](crate::format::Input::from_reader), a file), or a format that
    /// streams.
    #[error("{operation}: the format needs to seek, and this source or sink cannot")]
    NeedsSeeking {
        /// The call that could not go on.
        operation: &'static str,
    },
    /// A callback of the application (a custom I/O source or sink, a scheduled stream's sink)
    /// panicked; the panic was caught before it could reach FFmpeg or end a worker thread.
    /// Carries the callback's name and the panic's message, where it was text.
    #[error("callback panicked: {0}")]
    Panicked(String),
    /// An object made by another loaded FFmpeg: objects of two loads never meet inside
    /// FFmpeg, whose struct layouts and numbering differ between releases (and whose buffers
    /// must be freed by the library that made them), so every call taking two objects checks
    /// that they come from the same [`Ffmpeg`](crate::Ffmpeg) before calling FFmpeg.
    #[error(
        "{operation}: the {object} comes from another loaded FFmpeg ({object_release}), not this one ({release})"
    )]
    ForeignObject {
        /// The call that refused it.
        operation: &'static str,
        /// What was refused (`packet`, `frame`, `encoder`, `stream`).
        object: &'static str,
        /// The release the object came from.
        object_release: String,
        /// The release of the object it was given to.
        release: String,
    },
    /// A call out of order on an object with states (a container's header written twice,
    /// packets before it).
    #[error("{operation}: {reason}")]
    OutOfOrder {
        /// The call that was refused.
        operation: &'static str,
        /// Why it cannot come now.
        reason: String,
    },
    /// An application callback broke its trait's contract: a `Read` that reported more bytes
    /// than the buffer it was given, a `Write` that claimed to write more than it was given, a
    /// `Seek` to a position FFmpeg cannot represent. Nothing it reported was used.
    #[error("{callback}: {detail}")]
    BrokenContract {
        /// The trait method (`Read::read`, `Write::write`, `Seek::seek`).
        callback: &'static str,
        /// What it did.
        detail: String,
    },
    /// The call needs an optional library ([`Library::OPTIONAL`](crate::Library::OPTIONAL))
    /// that this FFmpeg was loaded without: filter graphs need libavfilter.
    #[error("{operation}: {library} is missing from the loaded FFmpeg{}", reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default())]
    LibraryMissing {
        /// The call that needed it.
        operation: &'static str,
        /// The library.
        library: Library,
        /// Why the build's copy could not be loaded; `None` when the build has none.
        reason: Option<String>,
    },
    /// A filter graph that cannot be built or used, with what is wrong in it named.
    #[error("filter graph: {0}")]
    Filter(#[source] FilterError),
    /// Any other FFmpeg error code.
    #[error("{operation}: {message} (error {code})")]
    Ffmpeg {
        /// The FFmpeg call that failed.
        operation: &'static str,
        /// FFmpeg's negative error code.
        code: c_int,
        /// FFmpeg's message (`av_strerror`), then in parentheses what FFmpeg logged about
        /// the failure on the calling thread, if anything: logged or not, it is kept here.
        message: String,
    },
}

/// What is wrong with a filter graph ([`Error::Filter`]). Each names the filter, option, pad
/// or label at fault, as far as FFmpeg tells it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// The description names a filter the loaded libavfilter does not have.
    #[error("no filter named \"{name}\"")]
    UnknownFilter {
        /// The name as written.
        name: String,
    },
    /// A filter was given an option it does not have.
    #[error("filter \"{filter}\" has no option \"{option}\"")]
    UnknownOption {
        /// The filter's name.
        filter: String,
        /// The option as written.
        option: String,
    },
    /// A filter refused its arguments: a value out of range or of the wrong kind, too many
    /// values.
    #[error("filter \"{filter}\" refused its arguments: {message}")]
    InvalidArguments {
        /// The filter's name.
        filter: String,
        /// What FFmpeg said.
        message: String,
    },
    /// The description is not in FFmpeg's graph syntax.
    #[error("the description does not parse: {message}")]
    Syntax {
        /// What FFmpeg said.
        message: String,
    },
    /// An open pad of the graph that no declared input or output is connected to: an input
    /// label not declared, or a simple graph with more than one open input or output.
    #[error("the {direction} pad {pad} is connected to nothing")]
    UnconnectedPad {
        /// `[label]`, or the filter instance and pad index (`Parsed_overlay_2:1`).
        pad: String,
        /// `input` or `output`.
        direction: &'static str,
    },
    /// A declared input whose label the graph does not have.
    #[error("the graph has no open input labelled [{label}]")]
    UnknownLabel {
        /// The label declared.
        label: String,
    },
    /// A pad given frames of the other kind: audio to a video filter, or back.
    #[error("the pad {pad} takes {expected}, not {found}")]
    MediaTypeMismatch {
        /// The pad.
        pad: String,
        /// What the pad takes: `video` or `audio`.
        expected: &'static str,
        /// What it was given.
        found: &'static str,
    },
    /// The graph has no open output, so it could never give a frame.
    #[error("the graph has no output")]
    NoOutputs,
    /// The filters parsed but cannot be joined: formats that cannot be negotiated, a size a
    /// filter cannot reach, ….
    #[error("the graph cannot be configured: {message}")]
    Configuration {
        /// What FFmpeg said.
        message: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The [`Error::Panicked`] of the application's `callback`.
    pub(crate) fn panicked(callback: &str, panic: &CaughtPanic) -> Error {
        Error::Panicked(match &panic.message {
            Some(message) => format!("{callback}: {message}"),
            None => format!("{callback}: a panic without a message"),
        })
    }

    pub(crate) fn unknown_name(kind: &'static str, name: &str) -> Error {
        Error::UnknownName {
            kind,
            name: name.to_owned(),
        }
    }

    pub(crate) fn invalid_text(what: &'static str, text: impl std::fmt::Display) -> Error {
        Error::InvalidText {
            what,
            text: text.to_string(),
        }
    }

    pub(crate) fn out_of_range(what: &'static str, value: impl std::fmt::Display) -> Error {
        Error::OutOfRange {
            what,
            value: value.to_string(),
        }
    }

    pub(crate) fn incompatible(operation: &'static str, detail: impl Into<String>) -> Error {
        Error::Incompatible {
            operation,
            detail: detail.into(),
        }
    }

    pub(crate) fn unsupported(operation: &'static str, detail: impl Into<String>) -> Error {
        Error::Unsupported {
            operation,
            detail: detail.into(),
        }
    }

    /// An [`Error::Io`] from `operation`.
    pub(crate) fn io(operation: &'static str, source: std::io::Error) -> Error {
        Error::Io { operation, source }
    }

    /// The error for FFmpeg's negative `code` from `operation`.
    pub(crate) fn from_code(ffmpeg: &Ffmpeg, operation: &'static str, code: c_int) -> Error {
        let message = ffmpeg.error_message(code);
        // What FFmpeg logged about it (which a program without a logger never sees).
        let explained = match super::log_bridge::take_last_error() {
            Some(detail) if detail != message => format!("{message} ({detail})"),
            _ => message.clone(),
        };
        match code {
            AVERROR_EAGAIN => Error::Again { operation },
            AVERROR_EOF => Error::Eof { operation },
            AVERROR_INVALIDDATA => Error::InvalidData {
                operation,
                message: explained,
            },
            AVERROR_DEMUXER_NOT_FOUND | AVERROR_MUXER_NOT_FOUND => Error::UnknownFormat {
                operation,
                message: explained,
            },
            AVERROR_ENCODER_NOT_FOUND => Error::EncoderNotFound { codec: message },
            AVERROR_OPTION_NOT_FOUND => Error::OptionNotFound {
                owner: operation.into(),
                option: message,
            },
            AVERROR_DECODER_NOT_FOUND => Error::DecoderNotFound { codec: message },
            AVERROR_STREAM_NOT_FOUND => Error::StreamNotFound { kind: message },
            _ => Error::Ffmpeg {
                operation,
                code,
                message: explained,
            },
        }
    }

    /// Whether this is FFmpeg's judgement of the data it was given: `AVERROR_INVALIDDATA`,
    /// or another code of FFmpeg's own (some decoders answer damage with `EPERM` or
    /// `ENOSYS`).
    ///
    /// The ffmpeg CLI counts such an error from a decoder and goes on with the next packet;
    /// a program that decodes untrusted media can do the same. Errors of the crate's own (a
    /// panicked callback, objects of two libraries, a custom source's I/O) are not.
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Error::InvalidData { .. } | Error::Ffmpeg { .. })
    }

    /// FFmpeg's error code, where there is one.
    pub fn code(&self) -> Option<c_int> {
        match self {
            Error::Ffmpeg { code, .. } => Some(*code),
            Error::Again { .. } => Some(AVERROR_EAGAIN),
            Error::Eof { .. } => Some(AVERROR_EOF),
            Error::InvalidData { .. } => Some(AVERROR_INVALIDDATA),
            _ => None,
        }
    }
}

/// `Ok(code)` for a non-negative FFmpeg return value, the mapped error otherwise.
pub(crate) fn check(ffmpeg: &Ffmpeg, operation: &'static str, code: c_int) -> Result<c_int> {
    if code >= 0 {
        super::log_bridge::clear_last_error();
        Ok(code)
    } else {
        Err(Error::from_code(ffmpeg, operation, code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_ffmpeg() {
        assert_eq!(AVERROR_EOF, -541478725);
        assert_eq!(AVERROR_INVALIDDATA, -1094995529);
        assert_eq!(AVERROR_EAGAIN, -11);
        assert_eq!(AVERROR_OPTION_NOT_FOUND, -1414549496);
        assert_eq!(AVERROR_ENCODER_NOT_FOUND, -1129203192);
    }

    #[test]
    fn a_panic_names_its_callback_and_keeps_its_text() {
        let message = |body: fn()| {
            let panic = crate::sys::unwind::catch(body).unwrap_err();
            Error::panicked("Read::read", &panic).to_string()
        };
        assert_eq!(
            message(|| panic!("static")),
            "callback panicked: Read::read: static"
        );
        assert_eq!(
            message(|| std::panic::panic_any(42)),
            "callback panicked: Read::read: a panic without a message"
        );
    }

    #[test]
    fn only_ffmpegs_own_judgements_are_bad_data() {
        let invalid = Error::InvalidData {
            operation: "avcodec_send_packet",
            message: "Invalid data found when processing input".into(),
        };
        let refused = Error::Ffmpeg {
            operation: "avcodec_send_packet",
            code: -1,
            message: "Operation not permitted".into(),
        };
        assert!(invalid.is_bad_data() && refused.is_bad_data());
        let ours = [
            Error::Panicked("Read::read: boom".into()),
            Error::Eof {
                operation: "av_read_frame",
            },
            Error::io("Read::read", std::io::ErrorKind::BrokenPipe.into()),
            Error::unsupported("Decoder::send", "a subtitle packet"),
        ];
        assert!(ours.iter().all(|error| !error.is_bad_data()));
    }
}
