//! Linux's shared libraries: what the loader needs to know of a file before and after
//! `dlopen` (that it is an ELF shared object for this process's architecture, its soname, the
//! libraries it needs (`DT_NEEDED`) and the symbol version nodes it defines), and how FFmpeg's
//! files are named (`libavcodec.so.61`, `libavcodec-5e6b81c2.so.62.28.102` in Python wheels).
//!
//! Only the headers, the dynamic section and the version definitions are read, through
//! `object`'s read cache, never the whole (often 20 MB) file.

use std::path::Path;

use object::elf::{self, FileHeader64};
use object::read::elf::FileHeader;
use object::{Endianness, ReadRef};

use super::image::{ImageInfo, PROCESS_ARCHITECTURE, after_stem, is_dotted_number};
use crate::loader::error::Refusal;
use crate::sys::Library;

/// (ELF class, e_machine) of the architecture this crate is compiled for.
#[cfg(target_arch = "x86_64")]
const EXPECTED: (elf::FileClass, elf::Machine) = (elf::ELFCLASS64, elf::EM_X86_64);
#[cfg(target_arch = "aarch64")]
const EXPECTED: (elf::FileClass, elf::Machine) = (elf::ELFCLASS64, elf::EM_AARCH64);

fn machine_name(class: elf::FileClass, machine: elf::Machine) -> String {
    let name = match machine {
        elf::EM_X86_64 => "x86_64",
        elf::EM_386 => "x86",
        elf::EM_AARCH64 => "aarch64",
        elf::EM_ARM => "arm",
        elf::EM_RISCV => "riscv",
        elf::EM_PPC64 => "powerpc64",
        elf::EM_S390 => "s390x",
        elf::EM_MIPS => "mips",
        elf::EM_LOONGARCH => "loongarch",
        _ => return format!("ELF machine {}", machine.0),
    };
    let bits = if class == elf::ELFCLASS32 { 32 } else { 64 };
    format!("{name} ({bits}-bit)")
}

/// Reads `path`'s ELF facts, refusing files that are not shared objects for this architecture.
pub(crate) fn inspect(path: &Path) -> Result<ImageInfo, Refusal> {
    let cache = super::image::open(path)?;
    let data = &cache;
    let not_elf = || Refusal::NotSharedLibrary {
        path: path.to_owned(),
    };
    // e_ident (16 bytes), e_type (2), e_machine (2).
    let ident = data.read_bytes_at(0, 20).map_err(|_| not_elf())?;
    if ident[..4] != elf::ELFMAG {
        return Err(not_elf());
    }
    let class = elf::FileClass(ident[4]);
    let little_endian = elf::DataEncoding(ident[5]) == elf::ELFDATA2LSB;
    let machine = elf::Machine(if little_endian {
        u16::from_le_bytes([ident[18], ident[19]])
    } else {
        u16::from_be_bytes([ident[18], ident[19]])
    });
    let (expected_class, expected_machine) = EXPECTED;
    if class != expected_class || machine != expected_machine || !little_endian {
        return Err(Refusal::WrongArchitecture {
            path: path.to_owned(),
            found: machine_name(class, machine),
            expected: PROCESS_ARCHITECTURE,
        });
    }
    let bad = |reason: &str| Refusal::BadSharedLibrary {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let header = FileHeader64::<Endianness>::parse(data).map_err(|e| bad(&e.to_string()))?;
    if header.e_type(Endianness::Little) != elf::ET_DYN {
        return Err(bad("not a shared object (ET_DYN)"));
    }
    let info = read_dynamic_facts(header, data).map_err(|e| bad(&e.to_string()))?;
    if info.needed.is_empty() && info.soname.is_none() {
        return Err(bad("no dynamic section"));
    }
    Ok(info)
}

fn read_dynamic_facts<'data, R: ReadRef<'data>>(
    header: &FileHeader64<Endianness>,
    data: R,
) -> object::read::Result<ImageInfo> {
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let dynamic = sections.dynamic_table(endian, data)?;
    let mut info = ImageInfo::default();
    for entry in &dynamic {
        let text = || {
            dynamic
                .string(entry)
                .map(|s| String::from_utf8_lossy(s).into_owned())
        };
        match entry.tag {
            elf::DT_NEEDED => info.needed.push(text()?),
            elf::DT_SONAME => info.soname = Some(text()?),
            _ => {}
        }
    }
    if let Some((mut verdefs, link)) = sections.gnu_verdef(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        while let Some((verdef, mut names)) = verdefs.next()? {
            let is_base = verdef.vd_flags.get(endian).0 & elf::VER_FLG_BASE.0 != 0;
            if let (false, Some(name)) = (is_base, names.next()?) {
                info.version_nodes
                    .push(String::from_utf8_lossy(name.name(endian, strings)?).into());
            }
        }
    }
    Ok(info)
}

/// If `name` is a file of `library` (`libavcodec.so`, `libavcodec.so.61[.x.y]`,
/// `libavcodec-<hash>.so.61[.x.y]`), the major it carries (`None` when unversioned).
pub(crate) fn library_file_major(name: &str, library: Library) -> Option<Option<u64>> {
    let rest = after_stem(name, "lib", library)?;
    let rest = match rest.strip_prefix('-') {
        Some(hashed) => &hashed[hashed.find(".so")?..],
        None => rest,
    };
    let suffix = rest.strip_prefix(".so")?;
    if suffix.is_empty() {
        return Some(None);
    }
    let numbers = suffix.strip_prefix('.')?;
    is_dotted_number(numbers).then(|| numbers.split('.').next()?.parse().ok())
}

/// Whether a directory entry may be one of FFmpeg's libraries (`lib{av,sw}*.so*`).
pub(crate) fn may_be_ffmpeg_file(name: &str) -> bool {
    (name.starts_with("libav") || name.starts_with("libsw")) && name.contains(".so")
}

/// The soname the system's loader knows `library` by: `libavcodec.so.61`, or the development
/// link `libavcodec.so` when no major is given.
pub(crate) fn system_name(library: Library, major: Option<u64>) -> String {
    match major {
        Some(major) => format!("lib{}.so.{major}", library.stem()),
        None => format!("lib{}.so", library.stem()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_file_names_are_recognised() {
        let codec = Library::AvCodec;
        assert_eq!(library_file_major("libavcodec.so", codec), Some(None));
        assert_eq!(
            library_file_major("libavcodec.so.58", codec),
            Some(Some(58))
        );
        assert_eq!(
            library_file_major("libavcodec.so.58.91.100", codec),
            Some(Some(58))
        );
        assert_eq!(
            library_file_major("libavcodec-5e6b81c2.so.62.28.102", codec),
            Some(Some(62))
        );
        assert_eq!(library_file_major("libavcodec.so.58.debug", codec), None);
        assert_eq!(library_file_major("libavcodec.a", codec), None);
        assert_eq!(library_file_major("libavformat.so.58", codec), None);
        assert_eq!(
            library_file_major("libavutil.so.56", Library::AvUtil),
            Some(Some(56))
        );
        assert_eq!(system_name(codec, Some(61)), "libavcodec.so.61");
        assert!(may_be_ffmpeg_file("libswscale.so.8") && !may_be_ffmpeg_file("libx264.so.164"));
    }
}
