//! Chapters an [`Output`] writes (Matroska, MP4, NUT, Ogg…), added before its header.

use std::ffi::{c_int, c_void};

use super::input::Chapter;
use super::output::Output;
use super::tags::set_entry;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::packet::out_of_memory;
use crate::sys::objects::AVChapter;

impl Output {
    /// Adds a chapter with its id (numbered after those added before, 1, 2…, for an id of
    /// 0), its title and its other tags; the muxer writes it where its format holds chapters
    /// and ignores it elsewhere. [`Input::chapters`] gives what to copy, ids included, as the
    /// CLI copies them (Matroska keeps them as its chapter UIDs).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] after the header; [`Error::OutOfRange`] for a time base that is
    /// not positive, an end before the start, or (4.x, whose ids are `int`s) an id past
    /// `i32`; [`Error::InvalidText`] for a NUL byte in the title or a tag (nothing is added
    /// then).
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
        let id = match chapter.id {
            0 => i64::from(count) + 1,
            id => id,
        };
        // 4.x's ids are `int`s; later ones `int64_t`s.
        let id_int = c_int::try_from(id).ok();
        if fields.id_int.is_some() && id_int.is_none() {
            return Err(Error::out_of_range("chapter id", id));
        }
        // SAFETY: a zeroed AVChapter of this family's size, filled through its proven fields;
        // on success the context owns it (avformat_free_context frees each chapter and its
        // metadata), on failure it is freed here with what it holds.
        unsafe {
            let raw = (f.av_mallocz)(fields.size).cast::<AVChapter>();
            if raw.is_null() {
                return Err(out_of_memory(&ffmpeg, "av_mallocz"));
            }
            if let (Some(field), Some(id)) = (fields.id_int, id_int) {
                field.write(raw, id);
            }
            if let Some(field) = fields.id_wide {
                field.write(raw, id);
            }
            fields.time_base.write(raw, base);
            fields.start.write(raw, chapter.start);
            fields.end.write(raw, chapter.end);
            let metadata = fields.metadata.address(raw).cast_mut();
            // The tags in their order, the title field standing for the title among them (or
            // first, where they have none).
            let title = ("title", chapter.title.as_deref());
            let has_title = chapter.metadata.iter().any(|(key, _)| key == "title");
            let tags = chapter
                .metadata
                .iter()
                .map(|(key, value)| match key.as_str() {
                    "title" => title,
                    key => (key, Some(value.as_str())),
                });
            let lead = (!has_title).then_some(title);
            let mut added = Ok(());
            for (key, value) in lead.into_iter().chain(tags) {
                added = added.and_then(|()| set_entry(self, metadata, key, value));
            }
            let added = added.and_then(|()| {
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
