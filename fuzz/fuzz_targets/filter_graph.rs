//! Filter graphs built from CLI-syntax text of real filter names, arguments, labels and
//! separators (or any text), fed frames of changing sizes and formats, drained and ended.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let ops = ffmpeg_runtime_fuzz::graph_ops_of(bytes);
    ffmpeg_runtime_fuzz::run_graph_sequence(ffmpeg_runtime_fuzz::ffmpeg(), &ops);
});
