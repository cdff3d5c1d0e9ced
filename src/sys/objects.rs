//! FFmpeg's structs as opaque types the compiler can tell apart (public as
//! `ffmpeg_runtime::ffi`). Their insides are never read through these: they type the pointers
//! the function table takes and returns, say which struct an ABI field belongs to (so that a
//! packet's pointer cannot reach a frame's field or function), and type the raw pointers of
//! the escape hatches (`Frame::as_ptr`, …). Only `abi` knows where a field lies; cast to a
//! binding of the loaded release's headers to read one yourself.

use std::marker::{PhantomData, PhantomPinned};

macro_rules! opaque_structs {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {$(
        $(#[doc = $doc])*
        #[repr(C)]
        #[allow(non_camel_case_types)]
        pub struct $name {
            _private: [u8; 0],
            // Neither Send, Sync nor Unpin: what a pointer to it may do is FFmpeg's to say.
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque_structs! {
    /// A decoded picture or audio chunk.
    AVFrame,
    /// A compressed packet.
    AVPacket,
    /// A decoder's or encoder's state.
    AVCodecContext,
    /// A stream's codec description.
    AVCodecParameters,
    /// A registered decoder or encoder (static).
    AVCodec,
    /// One stream of a container.
    AVStream,
    /// A demuxer's or muxer's state.
    AVFormatContext,
    /// Buffered I/O.
    AVIOContext,
    /// A registered demuxer (static).
    AVInputFormat,
    /// A registered muxer (static).
    AVOutputFormat,
    /// A chapter of a container.
    AVChapter,
    /// A program (an MPEG-TS service) of a container.
    AVProgram,
    /// A group of streams of a container that belong together (7.0 on): an IAMF audio
    /// element or mix presentation, the tiles of a HEIF picture.
    AVStreamGroup,
    /// How the tiles of a HEIF picture make it up (the parameters of a tile-grid group).
    AVStreamGroupTileGrid,
    /// One option of an `AVClass` (static).
    AVOption,
    /// Key-value pairs.
    AVDictionary,
    /// One entry of a dictionary.
    AVDictionaryEntry,
    /// A queue of audio samples.
    AVAudioFifo,
    /// A pixel format's description (static).
    AVPixFmtDescriptor,
    /// Side data of a packet or of codec parameters.
    AVPacketSideData,
    /// Side data of a frame.
    AVFrameSideData,
    /// A resampler's state.
    SwrContext,
    /// A bitstream filter's state.
    AVBSFContext,
    /// A registered bitstream filter (static).
    AVBitStreamFilter,
    /// A reference to a reference-counted buffer.
    AVBufferRef,
    /// A registered parser (static).
    AVCodecParser,
    /// A parser's state.
    AVCodecParserContext,
    /// A filter graph.
    AVFilterGraph,
    /// One filter in a graph.
    AVFilterContext,
    /// A registered filter (static).
    AVFilter,
    /// A filter's pad list (static).
    AVFilterPad,
    /// One open pad of a parsed graph, in a list.
    AVFilterInOut,
    /// A scaler's state.
    SwsContext,
    /// A decoded subtitle: its timing and rectangles (caller-allocated).
    AVSubtitle,
    /// One rectangle of a subtitle: a bitmap, plain text or an ASS event.
    AVSubtitleRect,
}
