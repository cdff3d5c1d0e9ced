//! FFmpeg's CPU capability flags (`av_get_cpu_flags()`), decoded into names.

use std::fmt;

/// The CPU features FFmpeg detected and will use, as `AV_CPU_FLAG_*` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CpuFlags(u32);

/// `AV_CPU_FLAG_*` values of libavutil/cpu.h, stable across FFmpeg 4.x–9.x for x86.
#[cfg(target_arch = "x86_64")]
const NAMES: &[(u32, &str)] = &[
    (0x0001, "mmx"),
    (0x0002, "mmxext"),
    (0x0004, "3dnow"),
    (0x0020, "3dnowext"),
    (0x1000, "cmov"),
    (0x0008, "sse"),
    (0x0010, "sse2"),
    (0x0040, "sse3"),
    (0x0080, "ssse3"),
    (0x0100, "sse4.1"),
    (0x0200, "sse4.2"),
    (0x80000, "aesni"),
    (0x4000, "avx"),
    (0x0400, "xop"),
    (0x0800, "fma4"),
    (0x8000, "avx2"),
    (0x10000, "fma3"),
    (0x20000, "bmi1"),
    (0x40000, "bmi2"),
    (0x100000, "avx512"),
    (0x200000, "avx512icl"),
    (0x40000000, "sse2slow"),
    (0x20000000, "sse3slow"),
    (0x4000000, "ssse3slow"),
    (0x10000000, "atom"),
    (0x8000000, "avxslow"),
    (0x2000000, "slow_gather"),
];

/// `AV_CPU_FLAG_*` values of libavutil/cpu.h for ARM (bits above 9 arrived in later releases).
#[cfg(target_arch = "aarch64")]
const NAMES: &[(u32, &str)] = &[
    (1 << 5, "neon"),
    (1 << 6, "armv8"),
    (1 << 7, "vfp_vm"),
    (1 << 8, "dotprod"),
    (1 << 9, "i8mm"),
    (1 << 10, "sve"),
    (1 << 11, "sve2"),
    (1 << 12, "sme"),
    (1 << 13, "arm_crc"),
    (1 << 14, "sme2"),
    (1 << 15, "sme_i16i64"),
    (1 << 17, "pmull"),
    (1 << 18, "eor3"),
    (1 << 3, "vfp"),
    (1 << 4, "vfpv3"),
];

impl CpuFlags {
    /// Wraps raw `AV_CPU_FLAG_*` bits.
    pub fn from_bits(bits: u32) -> Self {
        CpuFlags(bits)
    }

    /// The raw bits.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// The names of the set flags, in FFmpeg's order (`sse2`, `avx2`, `neon`, …).
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        NAMES
            .iter()
            .filter(move |(bit, _)| self.0 & bit != 0)
            .map(|(_, name)| *name)
    }

    /// True if the flag of this name is set.
    pub fn has(self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }
}

impl fmt::Display for CpuFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn x86_flags_decode() {
        let flags = CpuFlags::from_bits(0x0010 | 0x8000 | 0x100000);
        assert_eq!(
            flags.names().collect::<Vec<_>>(),
            ["sse2", "avx2", "avx512"]
        );
        assert!(flags.has("avx2") && !flags.has("avx"));
        assert_eq!(flags.to_string(), "sse2 avx2 avx512");
    }
}
