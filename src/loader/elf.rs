//! What the loader needs to know of a library file before and after `dlopen`: that it is an ELF
//! shared object for this process's architecture, its soname, the libraries it needs
//! (`DT_NEEDED`) and the symbol version nodes it defines.
//!
//! Only the headers, the dynamic section and the version definitions are read, through
//! `object`'s read cache, never the whole (often 20 MB) file.

use std::fs::File;
use std::path::Path;

use object::elf::{self, FileHeader64};
use object::read::elf::FileHeader;
use object::{Endianness, ReadCache, ReadRef};

use crate::loader::error::Refusal;

/// Facts read from one ELF shared object.
#[derive(Debug, Clone, Default)]
pub(crate) struct ElfInfo {
    pub soname: Option<String>,
    pub needed: Vec<String>,
    /// Names of the `SHT_GNU_VERDEF` entries, without the file's own base entry.
    pub version_nodes: Vec<String>,
}

/// (ELF class, e_machine, name) of the architecture this crate is compiled for.
#[cfg(target_arch = "x86_64")]
const EXPECTED: (elf::FileClass, elf::Machine, &str) = (elf::ELFCLASS64, elf::EM_X86_64, "x86_64");
#[cfg(target_arch = "aarch64")]
const EXPECTED: (elf::FileClass, elf::Machine, &str) =
    (elf::ELFCLASS64, elf::EM_AARCH64, "aarch64");
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("ffmpeg-runtime supports x86_64 and aarch64 Linux");

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
pub(crate) fn inspect(path: &Path) -> Result<ElfInfo, Refusal> {
    let file = File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Refusal::NotFound,
        _ => Refusal::Io {
            path: path.to_owned(),
            source,
        },
    })?;
    let cache = ReadCache::new(file);
    let data = &cache;
    let not_elf = || Refusal::NotElf {
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
    let (expected_class, expected_machine, expected_name) = EXPECTED;
    if class != expected_class || machine != expected_machine || !little_endian {
        return Err(Refusal::WrongArchitecture {
            path: path.to_owned(),
            found: machine_name(class, machine),
            expected: expected_name,
        });
    }
    let bad = |reason: &str| Refusal::BadElf {
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
) -> object::read::Result<ElfInfo> {
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let dynamic = sections.dynamic_table(endian, data)?;
    let mut info = ElfInfo::default();
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
