//! Filter graphs (libavfilter): FFmpeg's filters, described in the ffmpeg CLI's own syntax
//! (`-vf`, `-af`, `-filter_complex`), fed with frames and drained of frames.
//!
//! A [`FilterGraph`] has one or more inputs, each described by a [`FilterInput`] (from a
//! [`Stream`](crate::format::Stream), a frame, or explicit values), and one output per open
//! output pad of the description. Frames pushed in keep their timestamps, which come out in
//! the output's time base ([`OutputFacts::time_base`]). A frame whose size or format differs
//! from its input's makes the graph be rebuilt for it, as the CLI rebuilds: the frames the old
//! graph had ready are kept, those it still held are lost.
//!
//! Needs libavfilter, which is optional: on a build without it every constructor returns
//! [`Error::LibraryMissing`].
//!
//! ```
//! use ffmpeg_runtime::filter::{FilterGraph, FilterInput, FilterOptions, VideoInput};
//! use ffmpeg_runtime::{Error, FilterError, Frame, Rational};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! let yuv420p = ffmpeg.pixel_format("yuv420p")?;
//! let input = VideoInput::new(320, 240, yuv420p.clone(), Rational::new(1, 25));
//! // As `ffmpeg -vf scale=160:-2,fps=10`: one second of 25 pictures becomes 10 of 160x120.
//! let mut graph = FilterGraph::simple(ffmpeg, "scale=160:-2,fps=10", FilterInput::Video(input))?;
//! let (mut picture, mut out) = (Frame::video(ffmpeg, 320, 240, "yuv420p")?, Frame::new(ffmpeg)?);
//! let mut count = 0;
//! for index in 0..25 {
//!     picture.set_pts(Some(index));
//!     graph.send(0, &picture)?;
//!     while graph.receive(0, &mut out)? {
//!         assert_eq!((out.width(), out.height()), (160, 120));
//!         count += 1;
//!     }
//! }
//! graph.send_eof(0)?;
//! while graph.receive(0, &mut out)? {
//!     count += 1;
//! }
//! assert_eq!(count, 10);
//! assert_eq!(graph.output(0).unwrap().time_base, Rational::new(1, 10));
//!
//! // Named inputs, as `-filter_complex` takes them.
//! let main = FilterInput::Video(VideoInput::new(320, 240, yuv420p.clone(), Rational::new(1, 25)));
//! let logo = FilterInput::Video(VideoInput::new(64, 64, yuv420p, Rational::new(1, 25)));
//! let graph = FilterGraph::complex(
//!     ffmpeg,
//!     "[main][logo]overlay=W-w-10:10[out]",
//!     [("main", main.clone()), ("logo", logo)],
//!     &FilterOptions::default(),
//! )?;
//! assert_eq!(graph.output_names().collect::<Vec<_>>(), ["out"]);
//!
//! // What is wrong in a description is named.
//! match FilterGraph::simple(ffmpeg, "scale=160:-2,sharpn", main) {
//!     Err(Error::Filter(FilterError::UnknownFilter { name })) => assert_eq!(name, "sharpn"),
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod container_crop;
mod description;
mod graph;
mod input;
mod output;
mod upright;

use std::collections::VecDeque;

pub use container_crop::container_crop_filter;
pub use input::{AudioInput, FilterInput, VideoInput};
pub use upright::{upright_filters, upright_filters_for};

pub use output::{NegotiatedColor, OutputFacts};

use crate::abi::constants::{
    AVERROR_EAGAIN, AVERROR_EOF, BUFFERSINK_FLAG_NO_REQUEST, BUFFERSRC_FLAG_KEEP_REF,
    BUFFERSRC_FLAG_PUSH, NOPTS_VALUE,
};
use crate::ffmpeg::error::check;
use crate::ffmpeg::{Error, Ffmpeg, FilterError, Result};
use crate::media::frame::Frame;
use crate::sys::Library;
use crate::sys::objects::AVFilterContext;
use graph::Built;

/// How a graph is set up: what the ffmpeg CLI sets, by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterOptions {
    /// libswscale's flags for the graph's `scale` filters that name none, and for the scalers
    /// FFmpeg inserts to convert formats. The CLI's default is `bicubic` (libavfilter's own
    /// default differs between releases).
    pub scale_flags: String,
    /// Threads for filters that slice their work (0: FFmpeg's choice).
    pub threads: u32,
    /// When the graph is rebuilt for frames of a new size or format, keep each output's
    /// first size and format (scaling and converting to them, and resampling audio to its
    /// first rate and layout), as the CLI keeps its encoders' (its `-autoscale`, on by
    /// default); `false` lets them follow the input.
    pub keep_output_format: bool,
    /// Whether audio inputs are timed in samples of their frames' own rate, as the CLI times
    /// them: a graph rebuilt for audio of a new rate then takes that input's timestamps in
    /// `1/new rate` ([`FilterGraph::input`] says). Declare such inputs with
    /// [`AudioInput::new`] (timed in `1/sample_rate`). `false`, the default, keeps each
    /// input's declared time base through a rebuild.
    pub audio_timed_in_samples: bool,
    /// For a simple graph: filters that end its output, as the CLI ends `-vf`/`-af` with
    /// what its encoder takes (`scale=W:H` for `-s`, `format=pix_fmts=…`, `aformat=…`).
    /// A rebuild that keeps the output's first size and format ends the graph with those
    /// instead, as the CLI's does, so that one scaler scales and converts a picture of a new
    /// size (after the ending's conversion, a second scaler gave other pixels).
    pub output_ending: Option<String>,
}

impl Default for FilterOptions {
    fn default() -> Self {
        FilterOptions {
            scale_flags: "bicubic".into(),
            threads: 0,
            keep_output_format: true,
            audio_timed_in_samples: false,
            output_ending: None,
        }
    }
}

/// One input: what it was declared as (updated when the graph is rebuilt for new frames),
/// where the next frame would start, and whether it has ended.
struct InputSlot {
    name: String,
    input: FilterInput,
    next_pts: Option<i64>,
    ended: bool,
}

/// One output: frames kept from a graph that was rebuilt, and whether it has ended.
struct OutputSlot {
    name: String,
    kept: VecDeque<Frame>,
    finished: bool,
}

/// A configured filter graph (`AVFilterGraph` with its buffer sources and sinks).
pub struct FilterGraph {
    ffmpeg: Ffmpeg,
    description: String,
    options: FilterOptions,
    simple: bool,
    inputs: Vec<InputSlot>,
    outputs: Vec<OutputSlot>,
    /// The frame size each audio output was given, set again after a rebuild.
    frame_sizes: Vec<Option<u32>>,
    built: Built,
}

// SAFETY: a graph and its filters are used by one thread at a time (every call takes `&mut
// self` or reads only what the graph negotiated); libavfilter's own worker threads are private
// to each call. Not `Sync`.
unsafe impl Send for FilterGraph {}

impl FilterGraph {
    /// A graph of one input and one output, as `-vf`/`-af` take: `scale=320:-2,fps=10`. Its
    /// one open input and one open output may carry labels or not; an empty description
    /// passes frames through (`null`/`anull`).
    ///
    /// # Errors
    ///
    /// [`Error::LibraryMissing`] without libavfilter; [`Error::Filter`] naming what is wrong
    /// in the description (an unknown filter or option, a refused value, a pad left open or of
    /// the other media type, no output, formats that cannot be negotiated); the errors of
    /// [`FilterInput`]'s values (a format of another libavutil major, a zero size).
    pub fn simple(ffmpeg: &Ffmpeg, description: &str, input: FilterInput) -> Result<FilterGraph> {
        Self::simple_with_options(ffmpeg, description, input, &FilterOptions::default())
    }

    /// [`FilterGraph::simple`] set up by `options` (the CLI's defaults are
    /// [`FilterOptions::default`]).
    ///
    /// # Errors
    ///
    /// As for [`FilterGraph::simple`].
    pub fn simple_with_options(
        ffmpeg: &Ffmpeg,
        description: &str,
        input: FilterInput,
        options: &FilterOptions,
    ) -> Result<FilterGraph> {
        let description = match description.trim() {
            "" if matches!(input, FilterInput::Audio(_)) => "anull",
            "" => "null",
            _ => description,
        };
        Self::build(
            ffmpeg,
            description,
            vec![(String::new(), input)],
            options.clone(),
            true,
        )
    }

    /// A graph with named inputs, as `-filter_complex` takes:
    /// `[main][logo]overlay=10:10[out]` with inputs `main` and `logo`. Every open input pad
    /// must carry the label of one of `inputs` (an input named `""` takes an unlabelled
    /// pad); every open output pad becomes an output, named by its label.
    ///
    /// # Errors
    ///
    /// As for [`FilterGraph::simple`], and [`FilterError::UnknownLabel`] for an input whose
    /// label the description lacks.
    pub fn complex<N: Into<String>>(
        ffmpeg: &Ffmpeg,
        description: &str,
        inputs: impl IntoIterator<Item = (N, FilterInput)>,
        options: &FilterOptions,
    ) -> Result<FilterGraph> {
        let inputs = inputs.into_iter().map(|(n, i)| (n.into(), i)).collect();
        Self::build(ffmpeg, description, inputs, options.clone(), false)
    }

    fn build(
        ffmpeg: &Ffmpeg,
        description: &str,
        inputs: Vec<(String, FilterInput)>,
        options: FilterOptions,
        simple: bool,
    ) -> Result<FilterGraph> {
        if ffmpeg.library(Library::AvFilter).is_none() {
            return Err(Error::LibraryMissing {
                operation: "FilterGraph",
                library: Library::AvFilter,
                reason: ffmpeg
                    .unavailable_reason(Library::AvFilter)
                    .map(str::to_owned),
            });
        }
        let built = graph::build(ffmpeg, description, &inputs, &options, simple, &[])?;
        let outputs = built
            .output_names
            .iter()
            .map(|name| OutputSlot {
                name: name.clone(),
                kept: VecDeque::new(),
                finished: false,
            })
            .collect();
        let inputs = inputs
            .into_iter()
            .map(|(name, input)| InputSlot {
                name,
                input,
                next_pts: None,
                ended: false,
            })
            .collect();
        let frame_sizes = vec![None; built.sinks.len()];
        Ok(FilterGraph {
            frame_sizes,
            ffmpeg: ffmpeg.clone(),
            description: description.to_owned(),
            options,
            simple,
            inputs,
            outputs,
            built,
        })
    }

    /// The FFmpeg it was built with.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// The inputs' names, by index.
    pub fn input_names(&self) -> impl Iterator<Item = &str> {
        self.inputs.iter().map(|slot| slot.name.as_str())
    }

    /// The outputs' names (their labels, or their index), by index.
    pub fn output_names(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|slot| slot.name.as_str())
    }

    /// How many outputs the graph has.
    pub fn output_count(&self) -> usize {
        self.outputs.len()
    }

    /// What input `index` takes as the graph stands: as declared, or as updated by a rebuild
    /// for frames of a new size or format (in `1/new rate` for audio where
    /// [`FilterOptions::audio_timed_in_samples`]); `None` for no such input.
    pub fn input(&self, index: usize) -> Option<&FilterInput> {
        self.inputs.get(index).map(|slot| &slot.input)
    }

    /// The filters the graph runs as it stands, by name, in libavfilter's order: those the
    /// description names, the buffer sources and sinks (and any filter holding an output to
    /// its first format after a rebuild), and those libavfilter inserted to convert formats
    /// between them (`scale`, `aresample`), as `avfilter_graph_dump` lists them.
    pub fn filters(&self) -> Vec<String> {
        self.built.filter_names()
    }

    /// What output `index` gives as the graph stands (a rebuild may change it); `None` for no
    /// such output.
    pub fn output(&self, index: usize) -> Option<OutputFacts> {
        let sink = *self.built.sinks.get(index)?;
        Some(output::output_facts(
            &self.ffmpeg,
            sink,
            &self.outputs[index].name,
        ))
    }

    /// Makes audio output `output` give frames of exactly `samples` samples (the last one
    /// excepted), as an encoder with a fixed frame size (AAC: 1024) takes them.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for no such output or zero samples; [`Error::Incompatible`] for
    /// a video output.
    pub fn set_frame_size(&mut self, output: usize, samples: u32) -> Result<()> {
        let facts = self
            .output(output)
            .ok_or_else(|| Error::out_of_range("filter graph output", output))?;
        if facts.is_video {
            return Err(Error::incompatible(
                "FilterGraph::set_frame_size",
                format!("output {} gives pictures", facts.name),
            ));
        }
        if samples == 0 {
            return Err(Error::out_of_range("samples", samples));
        }
        let set = self
            .ffmpeg
            .functions()
            .av_buffersink_set_frame_size
            .ok_or_else(|| {
                Error::unsupported("FilterGraph::set_frame_size", "libavfilter lacks it")
            })?;
        // SAFETY: a live audio sink of this graph.
        unsafe { set(self.built.sinks[output], samples) };
        self.frame_sizes[output] = Some(samples);
        Ok(())
    }

    /// Pushes `frame` into input `input`, keeping the caller's frame as it is. Its timestamp
    /// is in the input's time base ([`FilterGraph::input`]; with
    /// [`FilterOptions::audio_timed_in_samples`], audio's is in samples of its own rate).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for no such input; [`Error::OutOfOrder`] after
    /// [`FilterGraph::send_eof`] on it; [`FilterError::MediaTypeMismatch`] for audio given to
    /// a video input or back; [`Error::ForeignObject`] for a frame of another loaded FFmpeg;
    /// errors of rebuilding the graph for a frame of a new size or format; the filters' errors.
    pub fn send(&mut self, input: usize, frame: &Frame) -> Result<()> {
        self.ffmpeg
            .ensure_same(frame.ffmpeg(), "FilterGraph::send", "frame")?;
        let slot = self.input_slot(input)?;
        if slot.ended {
            return Err(Error::OutOfOrder {
                operation: "FilterGraph::send",
                reason: format!("input {input} has ended"),
            });
        }
        let kind = if frame.pixel_format().is_some() {
            "video"
        } else if frame.sample_format().is_some() {
            "audio"
        } else {
            return Err(Error::incompatible("FilterGraph::send", "an empty frame"));
        };
        if kind != slot.input.kind() {
            return Err(Error::Filter(FilterError::MediaTypeMismatch {
                pad: pad_name(&slot.name, input),
                expected: slot.input.kind(),
                found: kind,
            }));
        }
        // Audio whose decoder did not say its layout gets the default one for its channel
        // count, as the CLI gives it (its buffer source would refuse the frame otherwise).
        let unspecified =
            kind == "audio" && frame.channel_layout().is_none_or(|l| l.is_unspecified());
        let defaulted;
        let frame = if unspecified {
            let mut reference = Frame::new(&self.ffmpeg)?;
            reference.reference_with_default_layout(frame)?;
            defaulted = reference;
            &defaulted
        } else {
            frame
        };
        if slot.input.differs_from(frame) {
            let updated = slot
                .input
                .updated_from(frame, self.options.audio_timed_in_samples)?;
            self.rebuild(input, updated)?;
        }
        let slot = &mut self.inputs[input];
        if let Some(pts) = frame.pts() {
            slot.next_pts = Some(pts + frame.duration().unwrap_or(0));
        }
        let source = self.built.sources[input];
        let f = graph::functions(&self.ffmpeg)?;
        // SAFETY: a live source of this graph and a live frame of the same FFmpeg; with
        // KEEP_REF the source takes its own reference and leaves the frame untouched.
        let status = unsafe {
            (f.add_frame)(
                source,
                frame.as_ptr().cast_mut(),
                BUFFERSRC_FLAG_KEEP_REF | BUFFERSRC_FLAG_PUSH,
            )
        };
        check(&self.ffmpeg, "av_buffersrc_add_frame_flags", status).map(drop)
    }

    /// Ends input `input`: filters that wait for more (`fps`, `atempo`, `amix`) give what
    /// they hold. The stream ends where its last frame ended (its timestamp plus duration).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for no such input; the filters' errors. Ending twice is not one.
    pub fn send_eof(&mut self, input: usize) -> Result<()> {
        let slot = self.input_slot(input)?;
        if slot.ended {
            return Ok(());
        }
        self.inputs[input].ended = true;
        self.close_input(input)
    }

    fn close_input(&self, input: usize) -> Result<()> {
        let f = graph::functions(&self.ffmpeg)?;
        let pts = self.inputs[input].next_pts.unwrap_or(NOPTS_VALUE);
        // SAFETY: a live source of this graph.
        let status =
            unsafe { (f.close)(self.built.sources[input], pts, BUFFERSRC_FLAG_PUSH as u32) };
        check(&self.ffmpeg, "av_buffersrc_close", status).map(drop)
    }

    /// Takes the next frame of output `output` into `frame`: `Ok(true)` for a frame,
    /// `Ok(false)` when the graph needs more input or the output has ended
    /// ([`FilterGraph::is_finished`] tells which).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for no such output; [`Error::ForeignObject`] for a frame of
    /// another loaded FFmpeg; the filters' errors.
    pub fn receive(&mut self, output: usize, frame: &mut Frame) -> Result<bool> {
        self.ffmpeg
            .ensure_same(frame.ffmpeg(), "FilterGraph::receive", "frame")?;
        let slot = self
            .outputs
            .get_mut(output)
            .ok_or_else(|| Error::out_of_range("filter graph output", output))?;
        if let Some(mut kept) = slot.kept.pop_front() {
            std::mem::swap(frame, &mut kept);
            return Ok(true);
        }
        if slot.finished {
            return Ok(false);
        }
        match self.pull(output, frame, 0)? {
            Pulled::Frame => Ok(true),
            Pulled::Later => Ok(false),
            Pulled::Ended => {
                self.outputs[output].finished = true;
                Ok(false)
            }
        }
    }

    /// Drops every frame the graph holds or has ready and starts anew with the inputs as
    /// they stand, as after a seek: inputs that had ended take frames again.
    ///
    /// # Errors
    ///
    /// The errors of building the graph again.
    pub fn flush(&mut self) -> Result<()> {
        self.build_again(None, &[])?;
        for slot in &mut self.inputs {
            (slot.ended, slot.next_pts) = (false, None);
        }
        for slot in &mut self.outputs {
            slot.kept.clear();
            slot.finished = false;
        }
        Ok(())
    }

    /// Builds the graph anew for the inputs as declared (input `changed.0` as `changed.1`),
    /// its outputs held to `kept`, and sets the audio outputs' frame sizes again.
    fn build_again(
        &mut self,
        changed: Option<(usize, &FilterInput)>,
        kept: &[OutputFacts],
    ) -> Result<()> {
        let mut declared: Vec<(String, FilterInput)> = self
            .inputs
            .iter()
            .map(|slot| (slot.name.clone(), slot.input.clone()))
            .collect();
        if let Some((input, updated)) = changed {
            declared[input].1 = updated.clone();
        }
        self.built = graph::build(
            &self.ffmpeg,
            &self.description,
            &declared,
            &self.options,
            self.simple,
            kept,
        )?;
        if self.built.sinks.len() != self.outputs.len() {
            return Err(Error::incompatible(
                "FilterGraph::send",
                "the rebuilt graph has other outputs",
            ));
        }
        for (output, samples) in self.frame_sizes.clone().into_iter().enumerate() {
            if let Some(samples) = samples {
                self.set_frame_size(output, samples)?;
            }
        }
        Ok(())
    }

    /// Whether output `output` has given its last frame (every input it depends on ended).
    pub fn is_finished(&self, output: usize) -> bool {
        self.outputs
            .get(output)
            .is_some_and(|slot| slot.finished && slot.kept.is_empty())
    }

    fn pull(&self, output: usize, frame: &mut Frame, flags: std::ffi::c_int) -> Result<Pulled> {
        let f = graph::functions(&self.ffmpeg)?;
        frame.clear();
        // SAFETY: a live sink of this graph and a live, empty frame of the same FFmpeg, which
        // the sink fills with a frame it hands over.
        let status = unsafe { (f.get_frame)(self.built.sinks[output], frame.as_mut_ptr(), flags) };
        match status {
            AVERROR_EAGAIN => Ok(Pulled::Later),
            AVERROR_EOF => Ok(Pulled::Ended),
            status => {
                check(&self.ffmpeg, "av_buffersink_get_frame_flags", status).map(|_| Pulled::Frame)
            }
        }
    }

    /// Rebuilds the graph for input `input`'s new parameters, first keeping every frame the
    /// old graph has ready (without running it for more, as the CLI does).
    fn rebuild(&mut self, input: usize, updated: FilterInput) -> Result<()> {
        for output in 0..self.outputs.len() {
            loop {
                let mut frame = Frame::new(&self.ffmpeg)?;
                match self.pull(output, &mut frame, BUFFERSINK_FLAG_NO_REQUEST)? {
                    Pulled::Frame => self.outputs[output].kept.push_back(frame),
                    Pulled::Later | Pulled::Ended => break,
                }
            }
        }
        let kept: Vec<OutputFacts> = if self.options.keep_output_format {
            (0..self.outputs.len())
                .filter_map(|i| self.output(i))
                .collect()
        } else {
            Vec::new()
        };
        self.build_again(Some((input, &updated)), &kept)?;
        self.inputs[input].input = updated;
        for other in 0..self.inputs.len() {
            if self.inputs[other].ended {
                self.close_input(other)?;
            }
        }
        Ok(())
    }

    fn input_slot(&self, input: usize) -> Result<&InputSlot> {
        self.inputs
            .get(input)
            .ok_or_else(|| Error::out_of_range("filter graph input", input))
    }
}

impl std::fmt::Debug for FilterGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterGraph")
            .field("description", &self.description)
            .field(
                "inputs",
                &self.inputs.iter().map(|i| &i.name).collect::<Vec<_>>(),
            )
            .field(
                "outputs",
                &self.outputs.iter().map(|o| &o.name).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// What a sink gave.
enum Pulled {
    Frame,
    Later,
    Ended,
}

/// How an input's pad is named in errors: `[label]`, or its index.
fn pad_name(label: &str, index: usize) -> String {
    if label.is_empty() {
        format!("input {index}")
    } else {
        format!("[{label}]")
    }
}

/// A source or sink of a built graph.
type FilterContext = *mut AVFilterContext;
