//! Input bytes through custom I/O, demuxed, every stream decoded to its end.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    ffmpeg_runtime_fuzz::demux_and_decode(ffmpeg_runtime_fuzz::ffmpeg(), bytes);
});
