//! The one table of FFmpeg functions the crate calls, and how they are resolved.
//!
//! Each entry says which library defines the function, for which libavcodec majors (ABI
//! families) it exists, and what its absence means:
//! - `always`: in every supported family; a missing one refuses the library;
//! - `required`: in the families of its range; missing there refuses the library;
//! - `optional`: may be missing; the feature that needs it is switched off.
//!
//! Functions are looked up with `dlvsym` pinned to the version node of the probed major
//! (`LIBAVCODEC_61`), so a symbol can never bind to another ABI's function of the same name.
//! Plain `dlsym` is used only for a library that defines no version nodes at all.

use std::ffi::CStr;
use std::fmt;
use std::ops::RangeInclusive;

use crate::sys::Library;

/// Whether a function must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// Loading fails when it is missing from a family in its range.
    Required,
    /// Loading goes on without it; the features that need it report themselves unavailable.
    Optional,
}

/// One row of the symbol table.
#[derive(Debug, Clone)]
pub(crate) struct SymbolSpec {
    /// The C name.
    pub name: &'static str,
    pub(crate) c_name: &'static CStr,
    /// The library that defines it.
    pub library: Library,
    /// The libavcodec majors (release families) whose libraries have it.
    pub majors: RangeInclusive<u64>,
    /// What its absence means.
    pub requirement: Requirement,
}

/// How the functions of one library were bound.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SymbolBinding {
    /// Pinned with `dlvsym` to this version node, e.g. `LIBAVCODEC_61`.
    Versioned(String),
    /// The library defines no version nodes; plain `dlsym` was used (`GetProcAddress` on
    /// Windows).
    Unversioned,
}

impl SymbolBinding {
    /// Whether this platform's shared libraries can pin functions to version nodes at all:
    /// ELF's can (Linux); PE (Windows) and Mach-O (macOS) have no symbol versioning, so every
    /// binding there is [`Unversioned`](SymbolBinding::Unversioned), and the version probe,
    /// the family checks and the ABI self-check carry the proof.
    pub const PLATFORM_HAS_VERSIONING: bool = cfg!(all(unix, not(target_os = "macos")));

    /// The version node, when pinned.
    pub fn node(&self) -> Option<&str> {
        match self {
            SymbolBinding::Versioned(node) => Some(node),
            SymbolBinding::Unversioned => None,
        }
    }
}

impl fmt::Display for SymbolBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SymbolBinding::Versioned(node) => write!(f, "dlvsym @{node}"),
            SymbolBinding::Unversioned if cfg!(windows) => {
                f.write_str("GetProcAddress (Windows has no symbol versioning)")
            }
            SymbolBinding::Unversioned if cfg!(target_os = "macos") => {
                f.write_str("dlsym (Mach-O has no symbol versioning)")
            }
            SymbolBinding::Unversioned => f.write_str("dlsym (no version nodes)"),
        }
    }
}

/// What resolving the table needs from the loader: a symbol's address in a library.
pub(crate) trait SymbolSource {
    fn address(&self, library: Library, name: &CStr) -> Option<*mut std::ffi::c_void>;
    /// Whether `library` was loaded: an optional library's functions are neither bound nor
    /// reported missing when the build lacks it.
    fn has(&self, library: Library) -> bool;
}

/// What resolution found missing.
#[derive(Debug, Default)]
pub(crate) struct Missing {
    /// Required functions, as `library:name`.
    pub required: Vec<String>,
    /// Optional functions that the loaded family could have had.
    pub optional: Vec<&'static str>,
}

macro_rules! fn_field_type {
    (always, $f:ty) => { $f };
    (required, $f:ty) => { Option<$f> };
    (optional, $f:ty) => { Option<$f> };
}

macro_rules! fn_field_value {
    (always, $v:expr) => {
        match $v {
            Some(f) => f,
            // Every missing `always` function was reported before any table is built.
            None => unreachable!("missing functions are refused before the table is built"),
        }
    };
    ($other:ident, $v:expr) => {
        $v
    };
}

/// An `always` function is in every supported family and says no range; a narrower one says
/// its range, open (`[59..]`: that family and every later one) or closed (`[58..=60]`).
macro_rules! check_span {
    (always) => {};
    (always $($range:tt)+) => {
        compile_error!("an `always` function is in every family: give it no range");
    };
    ($kind:ident) => {
        compile_error!(
            "a `required` or `optional` function names its families: [59..] or [58..=60]"
        );
    };
    ($kind:ident $($range:tt)+) => {};
}

/// The libavcodec majors of a row: every supported one, from one on, or a closed range.
macro_rules! majors_of {
    () => {
        $crate::sys::SUPPORTED_AVCODEC_MAJORS
    };
    ($lo:literal ..) => {
        $lo..=*$crate::sys::SUPPORTED_AVCODEC_MAJORS.end()
    };
    ($lo:literal ..= $hi:literal) => {
        $lo..=$hi
    };
}

macro_rules! requirement_of {
    (optional) => {
        Requirement::Optional
    };
    ($other:ident) => {
        Requirement::Required
    };
}

/// Declares the function table: a struct with one typed field per function, the public
/// `SYMBOLS` metadata, and the resolver that fills the one from the other.
macro_rules! ffi_functions {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident $library:ident $([$($range:tt)*])?
        fn $name:ident ( $($arg:ident : $arg_ty:ty),* $(,)? ) $(-> $ret:ty)? ;
    )*) => {
        $($crate::loader::symbols::check_span!($kind $($($range)*)?);)*

        /// Typed entry points into one loaded FFmpeg, bound to its ABI.
        #[allow(non_snake_case)] // Fields are the C symbols' own names (sws_getCachedContext).
        pub(crate) struct Functions {
            $(
                $(#[doc = $doc])*
                pub $name: $crate::loader::symbols::fn_field_type!($kind, unsafe extern "C" fn($($arg_ty),*) $(-> $ret)?),
            )*
        }

        /// Every function the crate may call: its library, families, and whether it is required.
        pub(crate) static SYMBOLS: &[SymbolSpec] = &[
            $(SymbolSpec {
                name: stringify!($name),
                c_name: match CStr::from_bytes_with_nul(concat!(stringify!($name), "\0").as_bytes()) {
                    Ok(name) => name,
                    Err(_) => panic!("symbol names contain no NUL"),
                },
                library: Library::$library,
                majors: $crate::loader::symbols::majors_of!($($($range)*)?),
                requirement: $crate::loader::symbols::requirement_of!($kind),
            },)*
        ];

        impl Functions {
            /// Resolves every function for the family whose libavcodec major is `abi`.
            #[allow(non_snake_case)]
            pub(crate) fn resolve(
                source: &dyn $crate::loader::symbols::SymbolSource,
                abi: u64,
            ) -> Result<(Functions, $crate::loader::symbols::Missing), $crate::loader::symbols::Missing> {
                let mut missing = $crate::loader::symbols::Missing::default();
                let mut specs = SYMBOLS.iter();
                $(
                    let spec = specs.next().expect("SYMBOLS has one row per field");
                    let $name = if spec.majors.contains(&abi) && source.has(spec.library) {
                        let found = source.address(spec.library, spec.c_name);
                        if found.is_none() {
                            match spec.requirement {
                                Requirement::Required => missing
                                    .required
                                    .push(format!("{}:{}", spec.library, spec.name)),
                                Requirement::Optional => missing.optional.push(spec.name),
                            }
                        }
                        // SAFETY: the address was exported under this name by the library of
                        // the family it was pinned to, and the field's type is that family's C
                        // declaration of the function (checked against FFmpeg's headers).
                        found.map(|address| unsafe {
                            std::mem::transmute::<
                                *mut std::ffi::c_void,
                                unsafe extern "C" fn($($arg_ty),*) $(-> $ret)?,
                            >(address)
                        })
                    } else {
                        None
                    };
                )*
                if !missing.required.is_empty() {
                    return Err(missing);
                }
                Ok((Functions { $($name: $crate::loader::symbols::fn_field_value!($kind, $name),)* }, missing))
            }
        }
    };
}

pub(crate) use ffi_functions;
pub(crate) use {check_span, fn_field_type, fn_field_value, majors_of, requirement_of};

use super::functions::SYMBOLS;

impl Library {
    /// The names of the functions this crate binds in this library, in any supported family
    /// (which of them a family must have is checked at load), besides `<library>_version`,
    /// which the loader probes before binding anything. For diagnostics, and for building
    /// stand-in libraries in tests.
    pub fn functions_used(self) -> impl Iterator<Item = &'static str> {
        SYMBOLS
            .iter()
            .filter(move |spec| spec.library == self)
            .map(|spec| spec.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::SUPPORTED_AVCODEC_MAJORS;
    use std::collections::HashSet;

    #[test]
    fn the_table_is_consistent() {
        let mut seen = HashSet::new();
        for spec in SYMBOLS {
            assert!(seen.insert(spec.name), "{} listed twice", spec.name);
            assert_eq!(spec.c_name.to_str().unwrap(), spec.name);
            assert!(
                SUPPORTED_AVCODEC_MAJORS.contains(spec.majors.start()),
                "{}",
                spec.name
            );
            assert!(
                SUPPORTED_AVCODEC_MAJORS.contains(spec.majors.end()),
                "{}",
                spec.name
            );
            assert!(spec.majors.start() <= spec.majors.end(), "{}", spec.name);
        }
    }
}
