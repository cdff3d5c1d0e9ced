//! Chapters an [`Output`] writes (Matroska, MP4, NUT, Ogg…), added before its header.

use std::ffi::{c_int, c_void};

use super::input::Chapter;
use super::output::Output;
use super::tags::set_entry;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::packet::out_of_memory;
use crate::sys::objects::AVChapter;

impl Output {
    /// Adds a chapter, numbered after those added before (1, 2…); the muxer writes it where
    /// its format holds chapters and ignores it elsewhere. [`Input::chapters`] gives what to
    /// copy.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] after the header; [`Error::OutOfRange`] for a time base that is
    /// not positive or an end before the start; [`Error::InvalidText`] for a NUL byte in the
    /// title (nothing is added then).
    ///
    /// [`Input::chapters`]: super::Input::chapters
    pub fn add_chapter(&mut self, chapter: &Chapter) -> Result<()> {
        self.expect_configuring("Output::add_chapter")?;
        let base = chapter.time_base;
        crate::media::require_positive("chapter time base", base)?;
        if chapter.end < chapter.start {
            return Err(Error::out_of_range("chapter end", chapter.end));
        }
        let ffmpeg = self.ffmpeg().clone();
        let (f, layout) = (ffmpeg.functions(), ffmpeg.layout());
        let (fields, context) = (&layout.chapter, self.context_ptr());
        // SAFETY: the context's own count.
        let count = unsafe { layout.format_context.nb_chapters.read(context) };
        let id = i64::from(count) + 1;
        let id_int = c_int::try_from(id).map_err(|_| Error::out_of_range("chapter count", id))?;
        // SAFETY: a zeroed AVChapter of this family's size, filled through its proven fields;
        // on success the context owns it (avformat_free_context frees each chapter and its
        // metadata), on failure it is freed here with what it holds.
        unsafe {
            let raw = (f.av_mallocz)(fields.size).cast::<AVChapter>();
            if raw.is_null() {
                return Err(out_of_memory(&ffmpeg, "av_mallocz"));
            }
            if let Some(field) = fields.id_int {
                field.write(raw, id_int);
            }
            if let Some(field) = fields.id_wide {
                field.write(raw, id);
            }
            fields.time_base.write(raw, base);
            fields.start.write(raw, chapter.start);
            fields.end.write(raw, chapter.end);
            let metadata = fields.metadata.address(raw).cast_mut();
            let title = chapter.title.as_deref();
            let added = set_entry(self, metadata, "title", title).and_then(|()| {
                // `nb_chapters` is an unsigned int that FFmpeg itself counts through an int
                // pointer here; it stays far below i32::MAX (checked above).
                let chapters = layout.format_context.chapters.address(context);
                let count = layout.format_context.nb_chapters.address(context);
                let status = (f.av_dynarray_add_nofree)(
                    chapters.cast_mut().cast(),
                    count.cast_mut().cast(),
                    raw.cast::<c_void>(),
                );
                check(&ffmpeg, "av_dynarray_add_nofree", status).map(drop)
            });
            if added.is_err() {
                (f.av_dict_free)(metadata);
                (f.av_free)(raw.cast());
            }
            added
        }
    }
}
