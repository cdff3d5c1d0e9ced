//! An owned `AVDictionary`, for options passed to FFmpeg; what FFmpeg leaves in it afterwards
//! are options nobody used.

use std::ffi::CString;

use crate::abi::constants;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::sys::objects::AVDictionary;

pub(crate) struct Dictionary {
    ffmpeg: Ffmpeg,
    dictionary: *mut AVDictionary,
}

impl Dictionary {
    pub(crate) fn new(ffmpeg: &Ffmpeg, entries: &[(String, String)]) -> Result<Dictionary> {
        let mut dictionary = Dictionary {
            ffmpeg: ffmpeg.clone(),
            dictionary: std::ptr::null_mut(),
        };
        for (key, value) in entries {
            let nul = |_| Error::invalid_text("option", format!("{key}={value}"));
            let (key_c, value_c) = (
                CString::new(key.as_str()).map_err(nul)?,
                CString::new(value.as_str()).map_err(nul)?,
            );
            // SAFETY: FFmpeg copies both strings into the dictionary it owns.
            let status = unsafe {
                (ffmpeg.functions().av_dict_set)(
                    &mut dictionary.dictionary,
                    key_c.as_ptr(),
                    value_c.as_ptr(),
                    0,
                )
            };
            check(ffmpeg, "av_dict_set", status)?;
        }
        Ok(dictionary)
    }

    /// For FFmpeg calls that take options and remove those they use.
    pub(crate) fn as_mut_ptr(&mut self) -> *mut *mut AVDictionary {
        &mut self.dictionary
    }

    /// Removes `key`'s entry, if there is one.
    pub(crate) fn remove(&mut self, key: &str) -> Result<()> {
        let key_c = CString::new(key).map_err(|_| Error::invalid_text("option", key))?;
        // SAFETY: a NULL value removes the entry (FFmpeg frees it); the key is only read.
        let status = unsafe {
            (self.ffmpeg.functions().av_dict_set)(
                &mut self.dictionary,
                key_c.as_ptr(),
                std::ptr::null(),
                0,
            )
        };
        check(&self.ffmpeg, "av_dict_set", status).map(drop)
    }

    /// The first key left, if any.
    pub(crate) fn first_key(&self) -> Option<String> {
        if self.dictionary.is_null() {
            return None;
        }
        // SAFETY: iterates FFmpeg's own dictionary; the entry lives as long as it does.
        unsafe {
            let entry = (self.ffmpeg.functions().av_dict_get)(
                self.dictionary,
                c"".as_ptr(),
                std::ptr::null(),
                constants::DICT_IGNORE_SUFFIX,
            );
            (!entry.is_null()).then(|| crate::abi::dictionary_entry_key(entry))
        }
    }
}

impl Drop for Dictionary {
    fn drop(&mut self) {
        // SAFETY: NULL or a dictionary FFmpeg allocated; freed once.
        unsafe { (self.ffmpeg.functions().av_dict_free)(&mut self.dictionary) }
    }
}
