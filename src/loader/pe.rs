//! Windows' DLLs: what the loader needs to know of a file before `LoadLibraryExW` (that it is
//! a PE DLL for this process's architecture and the DLLs it imports), and how FFmpeg's DLLs
//! are named: `avcodec-61.dll`, or `avcodec-62-984de331….dll` in Python wheels, whose DLLs
//! import each other by those hashed names.
//!
//! Only the headers and the import directory are read, through `object`'s read cache.

use std::path::Path;

use object::pe;
use object::read::pe::PeFile64;
use object::{LittleEndian, ReadRef};

use super::image::{ImageInfo, PROCESS_ARCHITECTURE, after_stem};
use crate::loader::error::Refusal;
use crate::sys::Library;

/// The COFF machine of the architecture this crate is compiled for.
#[cfg(target_arch = "x86_64")]
const EXPECTED: pe::Machine = pe::IMAGE_FILE_MACHINE_AMD64;
#[cfg(target_arch = "aarch64")]
const EXPECTED: pe::Machine = pe::IMAGE_FILE_MACHINE_ARM64;

fn machine_name(machine: pe::Machine) -> String {
    match machine {
        pe::IMAGE_FILE_MACHINE_AMD64 => "x86_64 (64-bit)".into(),
        pe::IMAGE_FILE_MACHINE_I386 => "x86 (32-bit)".into(),
        pe::IMAGE_FILE_MACHINE_ARM64 => "aarch64 (64-bit)".into(),
        pe::IMAGE_FILE_MACHINE_ARMNT => "arm (32-bit)".into(),
        other => format!("PE machine {:#06x}", other.0),
    }
}

/// Reads `path`'s PE facts, refusing files that are not DLLs for this architecture.
pub(crate) fn inspect(path: &Path) -> Result<ImageInfo, Refusal> {
    let cache = super::image::open(path)?;
    let data = &cache;
    let not_pe = || Refusal::NotSharedLibrary {
        path: path.to_owned(),
    };
    // The DOS header's "MZ" and e_lfanew, then "PE\0\0" and the COFF header's machine and
    // characteristics.
    let dos = data.read_bytes_at(0, 64).map_err(|_| not_pe())?;
    if dos[..2] != *b"MZ" {
        return Err(not_pe());
    }
    let nt_offset = u64::from(u32::from_le_bytes([dos[60], dos[61], dos[62], dos[63]]));
    let coff = data.read_bytes_at(nt_offset, 24).map_err(|_| not_pe())?;
    if coff[..4] != *b"PE\0\0" {
        return Err(not_pe());
    }
    let machine = pe::Machine(u16::from_le_bytes([coff[4], coff[5]]));
    if machine != EXPECTED {
        return Err(Refusal::WrongArchitecture {
            path: path.to_owned(),
            found: machine_name(machine),
            expected: PROCESS_ARCHITECTURE,
        });
    }
    let bad = |reason: &str| Refusal::BadSharedLibrary {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let characteristics = u16::from_le_bytes([coff[22], coff[23]]);
    if characteristics & pe::IMAGE_FILE_DLL.0 == 0 {
        return Err(bad("not a DLL (an executable)"));
    }
    let file = PeFile64::parse(data).map_err(|e| bad(&e.to_string()))?;
    let needed = imported_dlls(&file).map_err(|e| bad(&e))?;
    Ok(ImageInfo {
        soname: None,
        needed,
        version_nodes: Vec::new(),
    })
}

/// The names of the DLLs `file` imports, in the order of its import directory.
///
/// A name is looked up through the whole section table, not only the import directory's
/// section: wheels' DLLs (renamed by delvewheel) carry their rewritten names in a section of
/// their own.
fn imported_dlls<'data, R: ReadRef<'data>>(
    file: &PeFile64<'data, R>,
) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let Some(table) = file.import_table().map_err(|e| e.to_string())? else {
        return Ok(names);
    };
    let sections = file.section_table();
    let mut descriptors = table.descriptors().map_err(|e| e.to_string())?;
    while let Some(descriptor) = descriptors.next().map_err(|e| e.to_string())? {
        let address = descriptor.name.get(LittleEndian);
        let (offset, size) = sections
            .pe_file_range_at(address)
            .ok_or("an import's name lies outside every section")?;
        let range = u64::from(offset)..u64::from(offset) + u64::from(size);
        let name = file
            .data()
            .read_bytes_at_until(range, 0)
            .map_err(|()| "an import's name is not terminated")?;
        names.push(String::from_utf8_lossy(name).into_owned());
    }
    Ok(names)
}

/// If `name` is a DLL of `library` (`avcodec.dll`, `avcodec-61.dll`, `avcodec-62-<hash>.dll`,
/// in any case), the major it carries (`None` when unversioned).
pub(crate) fn library_file_major(name: &str, library: Library) -> Option<Option<u64>> {
    let lower = name.to_ascii_lowercase();
    let rest = after_stem(&lower, "", library)?.strip_suffix(".dll")?;
    if rest.is_empty() {
        return Some(None);
    }
    let rest = rest.strip_prefix('-')?;
    let (major, hash) = rest.split_once('-').unwrap_or((rest, ""));
    let major_ok = !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit());
    let hash_ok = hash.bytes().all(|b| b.is_ascii_hexdigit());
    (major_ok && hash_ok).then(|| major.parse().ok())
}

/// Whether a directory entry may be one of FFmpeg's DLLs (`{av,sw}*.dll`).
pub(crate) fn may_be_ffmpeg_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("av") || lower.starts_with("sw")) && lower.ends_with(".dll")
}

/// The name Windows' DLL search knows `library` by: `avcodec-61.dll`, or `avcodec.dll` when no
/// major is given.
pub(crate) fn system_name(library: Library, major: Option<u64>) -> String {
    match major {
        Some(major) => format!("{}-{major}.dll", library.stem()),
        None => format!("{}.dll", library.stem()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dll_names_are_recognised() {
        let codec = Library::AvCodec;
        assert_eq!(library_file_major("avcodec-61.dll", codec), Some(Some(61)));
        assert_eq!(library_file_major("AVCODEC-61.DLL", codec), Some(Some(61)));
        assert_eq!(
            library_file_major("avcodec-62-984de33114b7fa384296817dec999c9d.dll", codec),
            Some(Some(62))
        );
        assert_eq!(library_file_major("avcodec.dll", codec), Some(None));
        assert_eq!(library_file_major("avcodec-61.dll.bak", codec), None);
        assert_eq!(library_file_major("avcodec-61.lib", codec), None);
        assert_eq!(library_file_major("avformat-61.dll", codec), None);
        assert_eq!(library_file_major("avcodec-x-61.dll", codec), None);
        assert_eq!(
            library_file_major("swscale-9-0c9886c1.dll", Library::SwScale),
            Some(Some(9))
        );
        assert_eq!(system_name(codec, Some(61)), "avcodec-61.dll");
        assert!(
            may_be_ffmpeg_file("swresample-6-0158.dll") && !may_be_ffmpeg_file("libx264-164.dll")
        );
    }

    /// The head of a PE file: DOS header, "PE\0\0", and a COFF header with `machine` and
    /// `characteristics`, written where a test can read it.
    fn pe_head(name: &str, machine: u16, characteristics: u16) -> std::path::PathBuf {
        let mut head = vec![0u8; 64 + 24];
        head[..2].copy_from_slice(b"MZ");
        head[60] = 64;
        head[64..68].copy_from_slice(b"PE\0\0");
        head[68..70].copy_from_slice(&machine.to_le_bytes());
        head[86..88].copy_from_slice(&characteristics.to_le_bytes());
        let path = std::env::temp_dir().join(format!("{name}-{}.dll", std::process::id()));
        std::fs::write(&path, head).unwrap();
        path
    }

    #[test]
    fn a_dll_of_another_architecture_is_named_as_such() {
        let path = pe_head("x86", pe::IMAGE_FILE_MACHINE_I386.0, pe::IMAGE_FILE_DLL.0);
        let refusal = inspect(&path).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        match refusal {
            Refusal::WrongArchitecture {
                found, expected, ..
            } => {
                assert_eq!(found, "x86 (32-bit)");
                assert_eq!(expected, std::env::consts::ARCH);
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn an_executable_or_a_truncated_dll_is_not_usable() {
        let exe = pe_head("exe", EXPECTED.0, 0x0022);
        let truncated = pe_head("truncated", EXPECTED.0, pe::IMAGE_FILE_DLL.0);
        let refusals = [inspect(&exe), inspect(&truncated)];
        std::fs::remove_file(&exe).unwrap();
        std::fs::remove_file(&truncated).unwrap();
        for refusal in refusals {
            assert!(
                matches!(refusal, Err(Refusal::BadSharedLibrary { .. })),
                "{refusal:?}"
            );
        }
    }

    #[test]
    fn an_elf_library_is_not_a_dll() {
        let path = std::env::current_exe().unwrap();
        // The test binary itself is ELF on Linux, and not a DLL on Windows either.
        assert!(inspect(&path).is_err());
    }
}
