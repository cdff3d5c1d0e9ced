//! Users' builds need nothing from FFmpeg: no headers, no pkg-config, no libclang.
//!
//! The per-major struct layouts under `src/abi/generated/` are committed. A maintainer
//! regenerates them from FFmpeg's headers with `ci/regenerate-abi.sh`, which builds with the
//! feature `regenerate-abi` (bindgen, libclang) and `FFMPEG_RUNTIME_HEADERS` pointing at a
//! directory holding one include tree per libavcodec major (`58/`, `59/`, …): one for each
//! family of the list in `src/sys/families.rs`.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=wrapper.h");
    println!("cargo:rerun-if-env-changed=FFMPEG_RUNTIME_HEADERS");
    println!("cargo:rerun-if-env-changed=FFMPEG_RUNTIME_CLANG_INCLUDE");
    #[cfg(feature = "regenerate-abi")]
    regenerate::run();
}

#[cfg(feature = "regenerate-abi")]
mod regenerate {
    use std::path::{Path, PathBuf};

    include!("src/sys/families.rs");

    /// The libavcodec major of each supported family, from the one list.
    macro_rules! avcodec_majors {
        ($($ffmpeg:literal => $module:ident by $recipe:ident
            [$avutil:literal, $swresample:literal, $swscale:literal, $avcodec:literal, $avformat:literal, $avfilter:literal],)*) => {
            &[$($avcodec),*]
        };
    }
    const AVCODEC_MAJORS: &[u32] = supported_families!(avcodec_majors);

    /// The structs the crate reads or writes, and what they need.
    const TYPES: &[&str] = &[
        "AVRational",
        "AVClass",
        "AVOption",
        "AVFrame",
        "AVPacket",
        "AVCodecContext",
        "AVCodecParameters",
        "AVCodec",
        "AVChannelLayout",
        "AVStream",
        "AVFormatContext",
        "AVIOContext",
        "AVInputFormat",
        "AVOutputFormat",
        "AVChapter",
        "AVProgram",
        "AVStreamGroup",
        "AVStreamGroupTileGrid",
        "AVBufferRef",
        "AVPacketSideData",
        "AVFrameSideData",
        "AVIOInterruptCB",
    ];

    /// Structs reached from those whose inside the crate never touches: kept opaque, sized
    /// only where they are embedded by value.
    const OPAQUE: &[&str] = &[
        "AVCodecInternal",
        "AVCodecDescriptor",
        "AVHWAccel",
        "AVCodecHWConfig",
        "AVCodecHWConfigInternal",
        "AVProfile",
        "AVStreamInternal",
        "AVFormatInternal",
        "AVIndexEntry",
        "AVCodecParserContext",
        "AVPacketList",
        "AVDictionary",
        "AVBuffer",
        "AVBufferPool",
        "RcOverride",
        "AVCodecTag",
        "AVDeviceInfoList",
        "AVDeviceCapabilitiesQuery",
        "AVOptionRanges",
        "AVOptionArrayDef",
        "MpegEncContext",
        "AVFilterGraph",
    ];

    pub fn run() {
        let headers = std::env::var_os("FFMPEG_RUNTIME_HEADERS")
            .map(PathBuf::from)
            .expect("FFMPEG_RUNTIME_HEADERS: one include tree per libavcodec major (58/, 59/, …)");
        let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/abi/generated");
        for &major in AVCODEC_MAJORS {
            let include = headers.join(major.to_string());
            if !include.join("libavcodec/avcodec.h").exists() {
                println!(
                    "cargo:warning=no headers for libavcodec {major} in {}",
                    include.display()
                );
                continue;
            }
            for model in DATA_MODELS {
                let out_dir = generated.join(model.dir);
                std::fs::create_dir_all(&out_dir).unwrap();
                let file = out_dir.join(format!("v{major}.rs"));
                std::fs::write(&file, generate(&include, model)).unwrap();
                println!("cargo:warning=regenerated {}", file.display());
            }
        }
    }

    /// The C data models the crate's targets use, each with its own layouts: a C `long` is
    /// 64-bit on Linux and macOS (LP64) and 32-bit on Windows (LLP64), which moves every field
    /// after `AVIOContext.checksum`.
    struct DataModel {
        /// Under `src/abi/generated/`.
        dir: &'static str,
        /// The clang target that stands for every target of the model.
        clang_target: &'static str,
        targets: &'static str,
    }

    const DATA_MODELS: &[DataModel] = &[
        DataModel {
            dir: "",
            clang_target: "x86_64-unknown-linux-gnu",
            targets: "Linux and macOS (LP64: x86_64, aarch64)",
        },
        DataModel {
            dir: "windows",
            clang_target: "x86_64-w64-windows-gnu",
            targets: "Windows (LLP64: x86_64)",
        },
    ];

    #[derive(Debug)]
    struct HideEnumValues;

    impl bindgen::callbacks::ParseCallbacks for HideEnumValues {
        fn enum_variant_behavior(
            &self,
            _enum: Option<&str>,
            _variant: &str,
            _value: bindgen::callbacks::EnumVariantValue,
        ) -> Option<bindgen::callbacks::EnumVariantCustomBehavior> {
            Some(bindgen::callbacks::EnumVariantCustomBehavior::Hide)
        }
    }

    fn version(include: &Path, library: &str) -> String {
        let mut parts = Vec::new();
        for part in ["MAJOR", "MINOR", "MICRO"] {
            let define = format!("LIB{}_VERSION_{part}", library.to_uppercase());
            let found = ["version.h", "version_major.h"].iter().find_map(|file| {
                let text =
                    std::fs::read_to_string(include.join(format!("lib{library}/{file}"))).ok()?;
                text.lines().find_map(|line| {
                    let rest = line
                        .strip_prefix("#define ")?
                        .trim_start()
                        .strip_prefix(&define)?;
                    rest.split_whitespace().next().map(str::to_owned)
                })
            });
            parts.push(found.unwrap_or_else(|| "?".into()));
        }
        parts.join(".")
    }

    fn generate(include: &Path, model: &DataModel) -> String {
        let wrapper = Path::new(env!("CARGO_MANIFEST_DIR")).join("wrapper.h");
        let mut builder = bindgen::Builder::default()
            .header(wrapper.to_str().unwrap())
            .clang_arg(format!("--target={}", model.clang_target))
            .clang_arg(format!("-I{}", include.display()))
            // For a Windows target libclang leaves out its own headers (mm_malloc.h …), which
            // mingw-w64's need; ci/regenerate-abi.sh names them.
            .clang_args(
                std::env::var("FFMPEG_RUNTIME_CLANG_INCLUDE")
                    .map(|dir| vec!["-isystem".to_owned(), dir])
                    .unwrap_or_default(),
            )
            .allowlist_recursively(true)
            .default_enum_style(bindgen::EnumVariation::Consts)
            .prepend_enum_name(false)
            .translate_enum_integer_types(true)
            .derive_default(false)
            .derive_debug(false)
            .derive_copy(true)
            .generate_comments(false)
            .layout_tests(true)
            .use_core()
            .formatter(bindgen::Formatter::Prettyplease);
        for name in TYPES {
            builder = builder.allowlist_type(name);
        }
        for name in OPAQUE {
            builder = builder.allowlist_type(name).opaque_type(name);
        }
        // Enum values move between majors: only their type is kept (an int); values are looked
        // up by name at run time or defined where they are stable.
        builder = builder
            .allowlist_var("^$")
            .parse_callbacks(Box::new(HideEnumValues));
        let bindings = builder.generate().expect("bindgen");
        let header = format!(
            "//! Layouts of FFmpeg's structs for libavcodec {}, libavutil {}, libavformat {}, on {}.\n\
             //! Generated by build.rs (feature `regenerate-abi`, `ci/regenerate-abi.sh`) from FFmpeg's\n\
             //! public headers; do not edit. Each layout is checked at compile time below and\n\
             //! proven against the live library at load (`abi::check`).\n\
             #![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, dead_code)]\n\
             #![allow(clippy::all, unsafe_op_in_unsafe_fn, missing_docs)]\n\n",
            version(include, "avcodec"),
            version(include, "avutil"),
            version(include, "avformat"),
            model.targets,
        );
        header + &bindings.to_string()
    }
}
