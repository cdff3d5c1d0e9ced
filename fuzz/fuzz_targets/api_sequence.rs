//! Any sequence of operations on inputs, decoders, encoders, outputs, scalers, resamplers,
//! queues of samples and frames, made by either of two loaded FFmpegs.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let ops = ffmpeg_runtime_fuzz::ops_of(bytes);
    ffmpeg_runtime_fuzz::run_sequence(ffmpeg_runtime_fuzz::releases(), &ops);
});
