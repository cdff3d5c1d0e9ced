//! macOS's dynamic libraries: what the loader needs to know of a file before `dlopen` (that it
//! is a Mach-O dylib for this process's architecture, its install name and the libraries it
//! loads), and how FFmpeg's files are named: `libavcodec.61.dylib`, `libavcodec.61.19.100.dylib`
//! (Homebrew, FFmpeg's own `make install`), `libavcodec.dylib`.
//!
//! Universal ("fat") files are refused with a reason: FFmpeg's builds for macOS are thin.
//! Compiled and unit-tested on every platform; run only on macOS, which no CI machine here is.

use std::path::Path;

use object::macho::{self, MachHeader64};
use object::read::macho::{LoadCommandVariant, MachHeader};
use object::{Endianness, ReadRef};

use super::image::{ImageInfo, PROCESS_ARCHITECTURE, after_stem, is_dotted_number};
use crate::loader::error::Refusal;
use crate::sys::Library;

/// The Mach-O CPU type of the architecture this crate is compiled for.
#[cfg(target_arch = "x86_64")]
const EXPECTED: macho::CpuType = macho::CPU_TYPE_X86_64;
#[cfg(target_arch = "aarch64")]
const EXPECTED: macho::CpuType = macho::CPU_TYPE_ARM64;

fn cpu_name(cpu: macho::CpuType) -> String {
    match cpu {
        macho::CPU_TYPE_X86_64 => "x86_64 (64-bit)".into(),
        macho::CPU_TYPE_X86 => "x86 (32-bit)".into(),
        macho::CPU_TYPE_ARM64 => "aarch64 (64-bit)".into(),
        macho::CPU_TYPE_ARM => "arm (32-bit)".into(),
        other => format!("Mach-O CPU type {:#x}", other.0),
    }
}

/// Reads `path`'s Mach-O facts, refusing files that are not dylibs for this architecture.
pub(crate) fn inspect(path: &Path) -> Result<ImageInfo, Refusal> {
    let cache = super::image::open(path)?;
    let data = &cache;
    let not_macho = || Refusal::NotSharedLibrary {
        path: path.to_owned(),
    };
    let bad = |reason: &str| Refusal::BadSharedLibrary {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let magic = data.read_bytes_at(0, 8).map_err(|_| not_macho())?;
    let magic_be = u32::from_be_bytes([magic[0], magic[1], magic[2], magic[3]]);
    if magic_be == macho::FAT_MAGIC || magic_be == macho::FAT_MAGIC_64 {
        return Err(bad(
            "a universal (fat) file: give the thin library of this architecture",
        ));
    }
    let magic_le = u32::from_le_bytes([magic[0], magic[1], magic[2], magic[3]]);
    let cpu = macho::CpuType(u32::from_le_bytes([magic[4], magic[5], magic[6], magic[7]]));
    match magic_le {
        macho::MH_MAGIC_64 if cpu == EXPECTED => {}
        macho::MH_MAGIC_64 | macho::MH_MAGIC => {
            return Err(Refusal::WrongArchitecture {
                path: path.to_owned(),
                found: cpu_name(cpu),
                expected: PROCESS_ARCHITECTURE,
            });
        }
        _ => return Err(not_macho()),
    }
    let header = MachHeader64::<Endianness>::parse(data, 0).map_err(|e| bad(&e.to_string()))?;
    let endian = header.endian().map_err(|e| bad(&e.to_string()))?;
    if header.filetype(endian) != macho::MH_DYLIB {
        return Err(bad("not a dynamic library (MH_DYLIB)"));
    }
    read_dylib_commands(header, endian, data).map_err(|e| bad(&e.to_string()))
}

fn read_dylib_commands<'data, R: ReadRef<'data>>(
    header: &MachHeader64<Endianness>,
    endian: Endianness,
    data: R,
) -> object::read::Result<ImageInfo> {
    let mut info = ImageInfo::default();
    let mut commands = header.load_commands(endian, data, 0)?;
    while let Some(command) = commands.next()? {
        let LoadCommandVariant::Dylib(dylib) = command.variant()? else {
            continue;
        };
        let install_name = command.string(endian, dylib.dylib.name)?;
        let install_name = String::from_utf8_lossy(install_name).into_owned();
        // Dependencies are matched by file name in the library's folder, as on Linux; the
        // install name's folder (`@rpath`, `/opt/homebrew/…`) is dyld's concern.
        let file_name = install_name
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        match command.cmd() {
            macho::LC_ID_DYLIB => info.soname = Some(file_name),
            macho::LC_LOAD_DYLIB | macho::LC_LOAD_WEAK_DYLIB | macho::LC_REEXPORT_DYLIB => {
                info.needed.push(file_name)
            }
            _ => {}
        }
    }
    Ok(info)
}

/// If `name` is a file of `library` (`libavcodec.dylib`, `libavcodec.61.dylib`,
/// `libavcodec.61.19.100.dylib`), the major it carries (`None` when unversioned).
pub(crate) fn library_file_major(name: &str, library: Library) -> Option<Option<u64>> {
    let rest = after_stem(name, "lib", library)?.strip_suffix(".dylib")?;
    if rest.is_empty() {
        return Some(None);
    }
    let numbers = rest.strip_prefix('.')?;
    is_dotted_number(numbers).then(|| numbers.split('.').next()?.parse().ok())
}

/// Whether a directory entry may be one of FFmpeg's libraries (`lib{av,sw}*.dylib`).
pub(crate) fn may_be_ffmpeg_file(name: &str) -> bool {
    (name.starts_with("libav") || name.starts_with("libsw")) && name.ends_with(".dylib")
}

/// The name dyld's search knows `library` by: `libavcodec.61.dylib`, or `libavcodec.dylib`
/// when no major is given.
pub(crate) fn system_name(library: Library, major: Option<u64>) -> String {
    match major {
        Some(major) => format!("lib{}.{major}.dylib", library.stem()),
        None => format!("lib{}.dylib", library.stem()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dylib_names_are_recognised() {
        let codec = Library::AvCodec;
        assert_eq!(
            library_file_major("libavcodec.61.dylib", codec),
            Some(Some(61))
        );
        assert_eq!(
            library_file_major("libavcodec.61.19.100.dylib", codec),
            Some(Some(61))
        );
        assert_eq!(library_file_major("libavcodec.dylib", codec), Some(None));
        assert_eq!(library_file_major("libavcodec.so.61", codec), None);
        assert_eq!(library_file_major("libavformat.61.dylib", codec), None);
        assert_eq!(system_name(codec, Some(61)), "libavcodec.61.dylib");
        assert!(may_be_ffmpeg_file("libswscale.8.dylib") && !may_be_ffmpeg_file("libx264.dylib"));
    }

    fn macho_head(name: &str, magic: [u8; 4], cpu: u32) -> std::path::PathBuf {
        let mut head = vec![0u8; 32];
        head[..4].copy_from_slice(&magic);
        head[4..8].copy_from_slice(&cpu.to_le_bytes());
        let path = std::env::temp_dir().join(format!("{name}-{}.dylib", std::process::id()));
        std::fs::write(&path, head).unwrap();
        path
    }

    #[test]
    fn another_architecture_and_universal_files_are_refused_with_reasons() {
        let other = if cfg!(target_arch = "x86_64") {
            macho::CPU_TYPE_ARM64
        } else {
            macho::CPU_TYPE_X86_64
        };
        let thin = macho_head("thin", macho::MH_MAGIC_64.to_le_bytes(), other.0);
        let fat = macho_head("fat", macho::FAT_MAGIC.to_be_bytes(), 0);
        let refusals = [inspect(&thin), inspect(&fat)];
        std::fs::remove_file(&thin).unwrap();
        std::fs::remove_file(&fat).unwrap();
        assert!(
            matches!(&refusals[0], Err(Refusal::WrongArchitecture { expected, .. })
                if *expected == std::env::consts::ARCH),
            "{:?}",
            refusals[0]
        );
        assert!(
            matches!(&refusals[1], Err(Refusal::BadSharedLibrary { reason, .. })
                if reason.contains("universal")),
            "{:?}",
            refusals[1]
        );
    }

    #[test]
    fn an_elf_library_is_not_a_dylib() {
        let path = std::env::current_exe().unwrap();
        assert!(matches!(
            inspect(&path),
            Err(Refusal::NotSharedLibrary { .. })
        ));
    }
}
