//! Programs (MPEG-TS services): those an [`Input`] declares, and those an [`Output`] writes.

use super::input::Input;
use super::output::Output;
use super::tags::set_entry;
use crate::ffmpeg::error::Result;
use crate::media::packet::out_of_memory;

/// A program of a container: an MPEG-TS service and the streams it groups (ffprobe's
/// `-show_programs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Its id: MPEG-TS's service id, which the muxer writes in its PAT and SDT.
    pub id: i32,
    /// Its number as the demuxer read it (MPEG-TS: the PAT's program number); not written.
    pub number: i32,
    /// The PID of its program map table, as read; the muxer chooses its own.
    pub pmt_pid: i32,
    /// The PID that carries its clock, as read; the muxer chooses its own.
    pub pcr_pid: i32,
    /// The indexes of its streams, in the container's order of the program.
    pub streams: Vec<usize>,
    /// Its tags in order (MPEG-TS: `service_name` and `service_provider`).
    pub metadata: Vec<(String, String)>,
}

impl Program {
    /// A program to write: `id` grouping `streams`, with `metadata`.
    pub fn new(id: i32, streams: Vec<usize>, metadata: Vec<(String, String)>) -> Program {
        Program {
            id,
            number: 0,
            pmt_pid: 0,
            pcr_pid: 0,
            streams,
            metadata,
        }
    }
}

impl Input {
    /// The programs the container declares, in its order (MPEG-TS's services; none in most
    /// other formats).
    pub fn programs(&self) -> Vec<Program> {
        let layout = self.ffmpeg().layout();
        let (context, fields) = (self.context_ptr(), &layout.program);
        let dict_get = self.ffmpeg().functions().av_dict_get;
        // SAFETY: the live context holds `nb_programs` live AVProgram pointers, each with
        // `nb_stream_indexes` indexes, read through this family's proven fields.
        unsafe {
            let count = layout.format_context.nb_programs.read(context) as usize;
            let programs = layout.format_context.programs.read(context);
            (0..count)
                .map(|i| *programs.add(i))
                .filter(|program| !program.is_null())
                .map(|program| {
                    let indexes = fields.stream_index.read(program);
                    let streams = match indexes.is_null() {
                        true => Vec::new(),
                        false => {
                            let count = fields.nb_stream_indexes.read(program) as usize;
                            let indexes = std::slice::from_raw_parts(indexes, count);
                            indexes.iter().map(|&index| index as usize).collect()
                        }
                    };
                    Program {
                        id: fields.id.read(program),
                        number: fields.program_num.read(program),
                        pmt_pid: fields.pmt_pid.read(program),
                        pcr_pid: fields.pcr_pid.read(program),
                        streams,
                        metadata: crate::abi::dictionary_entries(
                            fields.metadata.read(program),
                            dict_get,
                        ),
                    }
                })
                .collect()
        }
    }
}

impl Output {
    /// Adds a program of `program.id` grouping `program.streams`, with its tags, before the
    /// header: MPEG-TS writes each as a service (`service_name` and `service_provider` name
    /// it), as the CLI's `-program` does; other muxers ignore programs. Its number and PIDs
    /// are not written (the muxer chooses the PIDs). A program of an id already added gains
    /// the streams and tags, as FFmpeg's `av_new_program` finds it again.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`](crate::Error::OutOfOrder) after the header;
    /// [`Error::StreamNotFound`](crate::Error::StreamNotFound) for a stream index the output
    /// has not; [`Error::InvalidText`](crate::Error::InvalidText) for a NUL byte in a tag
    /// (the program stays, with the tags before it); an FFmpeg error where memory runs out.
    pub fn add_program(&mut self, program: &Program) -> Result<()> {
        self.expect_configuring("Output::add_program")?;
        for &index in &program.streams {
            self.stream_ptr(index)?;
        }
        let ffmpeg = self.ffmpeg().clone();
        let (f, fields, context) = (
            ffmpeg.functions(),
            &ffmpeg.layout().program,
            self.context_ptr(),
        );
        // SAFETY: the live context, configuring; FFmpeg allocates the program into its list
        // (freed with the context), or gives NULL.
        let raw = unsafe { (f.av_new_program)(context, program.id) };
        if raw.is_null() {
            return Err(out_of_memory(&ffmpeg, "av_new_program"));
        }
        // The program's own dictionary, at this family's proven offset.
        let metadata = fields.metadata.address(raw).cast_mut();
        for (key, value) in &program.metadata {
            set_entry(self, metadata, key, Some(value))?;
        }
        for &index in &program.streams {
            // SAFETY: `index` is one of the context's streams (checked above); FFmpeg adds
            // it to the program of this id unless it is there already.
            let added = unsafe {
                (f.av_program_add_stream_index)(context, program.id, index as u32);
                let count = fields.nb_stream_indexes.read(raw) as usize;
                let indexes = fields.stream_index.read(raw);
                !indexes.is_null()
                    && std::slice::from_raw_parts(indexes, count).contains(&(index as u32))
            };
            if !added {
                return Err(out_of_memory(&ffmpeg, "av_program_add_stream_index"));
            }
        }
        Ok(())
    }
}
