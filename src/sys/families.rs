// The one list of FFmpeg release families this crate supports, oldest first. The build script
// includes this file too, so it holds nothing but the list.
//
// Each row: FFmpeg's major => the module of `src/abi/generated/` with its layouts, the recipe
// in `src/abi/layout.rs` that builds its `Layout` from them, then the majors of libavutil,
// libswresample, libswscale, libavcodec and libavformat in that family (libswresample 4
// serves both 5.x and 6.x). Everything that depends on the supported range follows from it:
// `Family`, `SUPPORTED_AVCODEC_MAJORS`, the system search, the generated-module list, the
// layout dispatch, the symbol table's open ranges and the build script's regeneration.
// MAINTAINING.md says how to add a row.

/// Calls `$then!` with every supported family, as
/// `ffmpeg_major => module by recipe [avutil, swresample, swscale, avcodec, avformat, avfilter],`.
macro_rules! supported_families {
    ($then:ident) => {
        $then! {
            4 => v58 by shape_4 [56, 3, 5, 58, 58, 7],
            5 => v59 by shape_5 [57, 4, 6, 59, 59, 8],
            6 => v60 by shape_6 [58, 4, 7, 60, 60, 9],
            7 => v61 by shape_7 [59, 5, 8, 61, 61, 10],
            8 => v62 by shape_8 [60, 6, 9, 62, 62, 11],
            9 => v63 by shape_9 [61, 7, 10, 63, 63, 12],
        }
    };
}
