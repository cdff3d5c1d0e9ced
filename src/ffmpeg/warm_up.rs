//! FFmpeg 4.x fills some of its static tables the first time they are needed, without a lock:
//! the parsers of MPEG-4 Part 2, VC-1 and MLP build their code tables in `av_parser_init`
//! (which libavformat calls from `avformat_find_stream_info` and `av_read_frame`, outside
//! libavcodec's lock on opening codecs), and `sws_init_context` sets its packed-pixel
//! converters behind a plain null test. Two threads doing that at once on a freshly loaded 4.x
//! can make FFmpeg abort the process ("Assertion ret >= 0 failed at libavcodec/bitstream.c")
//! or call a converter not yet set. FFmpeg guards the parsers with `pthread_once` from 4.4 and
//! swscale from 5.0. So a 4.x load runs each of them once, on the loading thread, before the
//! `Ffmpeg` is handed out; later calls find the tables built. Two threads loading the same
//! files at once share one mapping, so the loads take turns: the second finds it done.

use std::sync::Mutex;

use crate::abi;
use crate::abi::constants::SWS_BILINEAR;
use crate::loader::functions::Functions;
use crate::sys::Family;

/// Runs, once, what 4.x initialises without a lock on first use: every parser's initialiser
/// and a scaler's. Does nothing for later families. Nothing here can fail the load: a parser or
/// scaler that cannot be made is one whose tables nothing will use.
pub(super) fn initialise_unguarded_statics(functions: &Functions, family: Family) {
    if family.ffmpeg_major() > 4 {
        return;
    }
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let parsers = abi::walk_registry(functions.av_parser_iterate, |parser| {
        // SAFETY: `parser` came from this FFmpeg's av_parser_iterate.
        unsafe { abi::parser_first_codec_id(parser) }
    });
    for codec_id in parsers {
        // SAFETY: any codec id is accepted; NULL when no parser serves it.
        let context = unsafe { (functions.av_parser_init)(codec_id) };
        if !context.is_null() {
            // SAFETY: the context av_parser_init just returned, closed once.
            unsafe { (functions.av_parser_close)(context) };
        }
    }
    let [yuv, rgb] = [c"yuv420p", c"rgb24"]
        // SAFETY: NUL-terminated names; -1 for an unknown one, which sws refuses.
        .map(|name| unsafe { (functions.av_get_pix_fmt)(name.as_ptr()) });
    let null = std::ptr::null_mut();
    // SAFETY: a new 16x16 conversion (no context to reuse, no filters, default parameters).
    let scaler = unsafe {
        (functions.sws_getCachedContext)(
            null,
            16,
            16,
            yuv,
            16,
            16,
            rgb,
            SWS_BILINEAR,
            null.cast(),
            null.cast(),
            std::ptr::null(),
        )
    };
    // SAFETY: NULL or the context just made; freed once.
    unsafe { (functions.sws_freeContext)(scaler) };
}
