//! Users' builds need nothing from FFmpeg: no headers, no pkg-config, no libclang.
//!
//! The per-major struct layouts under `src/abi/` are committed. Regenerating them from FFmpeg's
//! headers (with bindgen, from `wrapper.h`) is a maintainer's job; it arrives with the ABI layer.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=wrapper.h");
}
