//! Building one `AVFilterGraph` from a description: parsed, its open pads matched to the
//! declared inputs and to new outputs, buffer sources and sinks linked, and configured. Every
//! failure frees what was made and is named as a [`FilterError`].

use std::ffi::{CString, c_char, c_int, c_uint, c_void};
use std::ptr::NonNull;

use super::description::{filter_names, parse_failure};
use super::output::{OutputFacts, keeping};
use super::{AudioInput, FilterContext, FilterInput, FilterOptions, pad_name};
use crate::abi::constants::FRAME_DATA_DOWNMIX_INFO;
use crate::abi::constants::{MEDIA_TYPE_AUDIO, MEDIA_TYPE_VIDEO};
use crate::abi::filter::{
    OpenPad, SourceEntry, buffer_source_takes_side_data, filter_names as instance_names,
    filter_pads, give_source_entry, graph_filters, open_pads,
};
use crate::ffmpeg::error::check;
use crate::ffmpeg::log_bridge::{Logged, collect_errors};
use crate::ffmpeg::{Error, Ffmpeg, FilterError, Result};
use crate::media::side_data::{DownmixInfo, SideDataValue, encode_for};
use crate::sys::Library;
use crate::sys::objects::{AVFilter, AVFilterContext, AVFilterGraph, AVFilterInOut, AVFrame};

/// The libavfilter functions a graph uses, all present once libavfilter is loaded.
pub(super) struct FilterFunctions {
    pub alloc: unsafe extern "C" fn() -> *mut AVFilterGraph,
    pub by_name: unsafe extern "C" fn(*const c_char) -> *const AVFilter,
    pub create: unsafe extern "C" fn(
        *mut *mut AVFilterContext,
        *const AVFilter,
        *const c_char,
        *const c_char,
        *mut c_void,
        *mut AVFilterGraph,
    ) -> c_int,
    pub alloc_filter: unsafe extern "C" fn(
        *mut AVFilterGraph,
        *const AVFilter,
        *const c_char,
    ) -> *mut AVFilterContext,
    pub init: unsafe extern "C" fn(*mut AVFilterContext, *const c_char) -> c_int,
    pub parse: unsafe extern "C" fn(
        *mut AVFilterGraph,
        *const c_char,
        *mut *mut AVFilterInOut,
        *mut *mut AVFilterInOut,
        *mut c_void,
    ) -> c_int,
    pub free_inout: unsafe extern "C" fn(*mut *mut AVFilterInOut),
    pub link:
        unsafe extern "C" fn(*mut AVFilterContext, c_uint, *mut AVFilterContext, c_uint) -> c_int,
    pub config: unsafe extern "C" fn(*mut AVFilterGraph, *mut c_void) -> c_int,
    pub pad_type: unsafe extern "C" fn(*const crate::sys::objects::AVFilterPad, c_int) -> c_int,
    pub add_frame: unsafe extern "C" fn(*mut AVFilterContext, *mut AVFrame, c_int) -> c_int,
    pub close: unsafe extern "C" fn(*mut AVFilterContext, i64, c_uint) -> c_int,
    pub get_frame: unsafe extern "C" fn(*mut AVFilterContext, *mut AVFrame, c_int) -> c_int,
}

/// The functions, or which one this libavfilter lacks.
pub(super) fn functions(ffmpeg: &Ffmpeg) -> Result<FilterFunctions> {
    let f = ffmpeg.functions();
    let missing = |name: &str| Error::LibraryMissing {
        operation: "FilterGraph",
        library: Library::AvFilter,
        reason: Some(format!("it lacks {name}")),
    };
    macro_rules! bound {
        ($name:ident) => {
            f.$name.ok_or_else(|| missing(stringify!($name)))?
        };
    }
    Ok(FilterFunctions {
        alloc: bound!(avfilter_graph_alloc),
        by_name: bound!(avfilter_get_by_name),
        create: bound!(avfilter_graph_create_filter),
        alloc_filter: bound!(avfilter_graph_alloc_filter),
        init: bound!(avfilter_init_str),
        parse: bound!(avfilter_graph_parse_ptr),
        free_inout: bound!(avfilter_inout_free),
        link: bound!(avfilter_link),
        config: bound!(avfilter_graph_config),
        pad_type: bound!(avfilter_pad_get_type),
        add_frame: bound!(av_buffersrc_add_frame_flags),
        close: bound!(av_buffersrc_close),
        get_frame: bound!(av_buffersink_get_frame_flags),
    })
}

/// An allocated graph, freed (with every filter in it) when dropped.
pub(super) struct GraphHandle {
    ffmpeg: Ffmpeg,
    graph: NonNull<AVFilterGraph>,
}

impl Drop for GraphHandle {
    fn drop(&mut self) {
        let mut graph = self.graph.as_ptr();
        if let Some(free) = self.ffmpeg.functions().avfilter_graph_free {
            // SAFETY: allocated by avfilter_graph_alloc, freed once, with its filters.
            unsafe { free(&mut graph) };
        }
    }
}

/// The two lists of open pads a parse returns, freed when dropped.
struct OpenLists {
    free: unsafe extern "C" fn(*mut *mut AVFilterInOut),
    inputs: *mut AVFilterInOut,
    outputs: *mut AVFilterInOut,
}

impl Drop for OpenLists {
    fn drop(&mut self) {
        // SAFETY: lists the parser returned (or NULL), each freed once.
        unsafe {
            (self.free)(&mut self.inputs);
            (self.free)(&mut self.outputs);
        }
    }
}

/// A configured graph: its sources by input index, its sinks and their names by output index.
pub(super) struct Built {
    pub sources: Vec<FilterContext>,
    pub sinks: Vec<FilterContext>,
    pub output_names: Vec<String>,
    /// Last: the sources and sinks above live inside it.
    graph: GraphHandle,
}

impl Built {
    /// The names of the filters its instances run, in libavfilter's order, those libavfilter
    /// inserted included.
    pub fn filter_names(&self) -> Vec<String> {
        // SAFETY: the live, configured graph; each instance is one of its own.
        unsafe {
            graph_filters(self.graph.graph.as_ptr())
                .into_iter()
                .map(|instance| instance_names(instance).0)
                .collect()
        }
    }
}

fn c_string(what: &'static str, text: &str) -> Result<CString> {
    CString::new(text).map_err(|_| Error::invalid_text(what, text))
}

/// FFmpeg's messages about a failure, or its error code's text when it logged none.
fn explained(ffmpeg: &Ffmpeg, status: c_int, messages: &[Logged]) -> String {
    if messages.is_empty() {
        return ffmpeg.error_message(status);
    }
    let lines: Vec<&str> = messages.iter().map(|m| m.message.as_str()).collect();
    lines.join("; ")
}

fn filter_error(error: FilterError) -> Error {
    Error::Filter(error)
}

/// Builds and configures the graph of `description` for `inputs`.
pub(super) fn build(
    ffmpeg: &Ffmpeg,
    description: &str,
    inputs: &[(String, FilterInput)],
    options: &FilterOptions,
    simple: bool,
    kept: &[OutputFacts],
) -> Result<Built> {
    let f = functions(ffmpeg)?;
    // A simple graph's ending goes on its first build; a rebuild that keeps the output's
    // format ends it with that instead (`keeping`), as the CLI does.
    let description = match (&options.output_ending, simple && kept.is_empty()) {
        (Some(ending), true) => format!("{description},{ending}"),
        _ => description.to_owned(),
    };
    let description = description.as_str();
    let text = c_string("filter graph", description)?;
    let named = filter_names(description);
    for name in &named {
        let known = CString::new(name.as_str()).ok().is_some_and(|name| {
            // SAFETY: a lookup of a NUL-terminated name in libavfilter's static list.
            !unsafe { (f.by_name)(name.as_ptr()) }.is_null()
        });
        if !known {
            return Err(filter_error(FilterError::UnknownFilter {
                name: name.clone(),
            }));
        }
    }
    // SAFETY: allocates an empty graph or returns NULL.
    let graph = NonNull::new(unsafe { (f.alloc)() })
        .ok_or_else(|| crate::media::packet::out_of_memory(ffmpeg, "avfilter_graph_alloc"))?;
    let graph = GraphHandle {
        ffmpeg: ffmpeg.clone(),
        graph,
    };
    set_graph_options(ffmpeg, graph.graph.as_ptr(), options)?;
    let mut lists = OpenLists {
        free: f.free_inout,
        inputs: std::ptr::null_mut(),
        outputs: std::ptr::null_mut(),
    };
    // SAFETY: a live graph, a NUL-terminated description; the parser fills the two lists,
    // which `lists` frees.
    let (status, messages) = collect_errors(|| unsafe {
        (f.parse)(
            graph.graph.as_ptr(),
            text.as_ptr(),
            &mut lists.inputs,
            &mut lists.outputs,
            std::ptr::null_mut(),
        )
    });
    if status < 0 {
        let message = explained(ffmpeg, status, &messages);
        return Err(filter_error(parse_failure(status, &messages, message)));
    }
    // SAFETY: the lists the parse just returned, alive until `lists` drops.
    let (open_inputs, open_outputs) =
        unsafe { (open_pads(lists.inputs), open_pads(lists.outputs)) };
    let matched = match_inputs(&open_inputs, inputs, simple)?;
    if open_outputs.is_empty() {
        return Err(filter_error(FilterError::NoOutputs));
    }
    if simple && open_outputs.len() > 1 {
        return Err(filter_error(FilterError::UnconnectedPad {
            pad: describe(&open_outputs[1]),
            direction: "output",
        }));
    }
    let mut sources = Vec::with_capacity(inputs.len());
    for (index, (name, input)) in inputs.iter().enumerate() {
        let pad = &open_inputs[matched[index]];
        // SAFETY: a filter instance of the live graph, from the parser's list.
        let pads = unsafe { filter_pads(pad.context) };
        // SAFETY: the pad index is one the parser gave for this filter's inputs.
        let pad_kind = media_kind(unsafe { (f.pad_type)(pads.input_pads, pad.pad) });
        if pad_kind != input.kind() {
            return Err(filter_error(FilterError::MediaTypeMismatch {
                pad: pad_label(pad, name, index),
                expected: pad_kind,
                found: input.kind(),
            }));
        }
        let (filter, arguments) = input.source_arguments(ffmpeg)?;
        let source = create(
            ffmpeg,
            &f,
            &graph,
            filter,
            &format!("input {index}"),
            Some(&arguments),
        )?;
        if let FilterInput::Audio(AudioInput {
            downmix: Some(downmix),
            ..
        }) = input
        {
            give_downmix(ffmpeg, source, downmix)?;
        }
        link(ffmpeg, &f, source, 0, pad.context, pad.pad)?;
        sources.push(source);
    }
    let mut sinks = Vec::with_capacity(open_outputs.len());
    let mut output_names = Vec::with_capacity(open_outputs.len());
    for (index, pad) in open_outputs.iter().enumerate() {
        // SAFETY: as for the inputs.
        let pads = unsafe { filter_pads(pad.context) };
        // SAFETY: as for the inputs.
        let kind = media_kind(unsafe { (f.pad_type)(pads.output_pads, pad.pad) });
        let sink = match kind {
            "video" => create(
                ffmpeg,
                &f,
                &graph,
                "buffersink",
                &format!("output {index}"),
                None,
            )?,
            "audio" => audio_sink(ffmpeg, &f, &graph, index)?,
            other => {
                return Err(filter_error(FilterError::MediaTypeMismatch {
                    pad: describe(pad),
                    expected: "video or audio",
                    found: other,
                }));
            }
        };
        let (mut from, mut from_pad) = (pad.context, pad.pad);
        for (filter, arguments) in kept
            .get(index)
            .map(|facts| keeping(facts, options))
            .unwrap_or_default()
        {
            let name = format!("output {index} {filter}");
            let keeper = create(ffmpeg, &f, &graph, filter, &name, Some(&arguments))?;
            link(ffmpeg, &f, from, from_pad, keeper, 0)?;
            (from, from_pad) = (keeper, 0);
        }
        link(ffmpeg, &f, from, from_pad, sink, 0)?;
        sinks.push(sink);
        output_names.push(pad.label.clone().unwrap_or_else(|| index.to_string()));
    }
    // SAFETY: a live graph whose every pad is now linked.
    let (status, messages) =
        collect_errors(|| unsafe { (f.config)(graph.graph.as_ptr(), std::ptr::null_mut()) });
    if status < 0 {
        let message = explained(ffmpeg, status, &messages);
        return Err(filter_error(FilterError::Configuration { message }));
    }
    Ok(Built {
        sources,
        sinks,
        output_names,
        graph,
    })
}

/// Gives an audio source the source's downmix levels for its link, where the release carries
/// side data on links (8.0 on), as the CLI gives its graph the first frame's: `aresample`
/// mixes down by them. Elsewhere nothing.
fn give_downmix(ffmpeg: &Ffmpeg, source: FilterContext, downmix: &DownmixInfo) -> Result<()> {
    if !buffer_source_takes_side_data(ffmpeg.family().major(Library::AvFilter)) {
        return Ok(());
    }
    let (_, bytes) = encode_for(ffmpeg, &SideDataValue::DownmixInfo(*downmix))
        .map_err(|detail| Error::unsupported("FilterGraph", detail))?;
    let layout = &ffmpeg.layout().frame_side_data;
    let kind = layout.number_here(FRAME_DATA_DOWNMIX_INFO);
    // SAFETY: the loaded library's functions and layout, on a release whose buffer sources
    // take side data; the source is a buffer source of the graph being built, not yet
    // configured.
    let given = unsafe { give_source_entry(ffmpeg.functions(), layout, source, kind, &bytes) };
    match given {
        SourceEntry::NotTaken => Ok(()),
        SourceEntry::NotMade => Err(crate::media::packet::out_of_memory(
            ffmpeg,
            "av_frame_side_data_new",
        )),
        SourceEntry::Given(status) => {
            check(ffmpeg, "av_buffersrc_parameters_set", status).map(|_| ())
        }
    }
}

/// Which open input pad each declared input takes (by index into `open`): by label, an input
/// named `""` the first unlabelled pad; a simple graph's one input whatever its label.
fn match_inputs(
    open: &[OpenPad],
    inputs: &[(String, FilterInput)],
    simple: bool,
) -> Result<Vec<usize>> {
    if simple {
        return match open {
            [_] => Ok(vec![0]),
            [] => Err(filter_error(FilterError::UnknownLabel {
                label: String::new(),
            })),
            [_, extra, ..] => Err(filter_error(FilterError::UnconnectedPad {
                pad: describe(extra),
                direction: "input",
            })),
        };
    }
    let mut taken = vec![false; open.len()];
    let mut matched = Vec::with_capacity(inputs.len());
    for (name, _) in inputs {
        let wanted = (!name.is_empty()).then_some(name.as_str());
        let found = (0..open.len()).find(|&i| !taken[i] && open[i].label.as_deref() == wanted);
        let Some(found) = found else {
            return Err(filter_error(FilterError::UnknownLabel {
                label: name.clone(),
            }));
        };
        taken[found] = true;
        matched.push(found);
    }
    if let Some(left) = (0..open.len()).find(|&i| !taken[i]) {
        return Err(filter_error(FilterError::UnconnectedPad {
            pad: describe(&open[left]),
            direction: "input",
        }));
    }
    Ok(matched)
}

/// An open pad as errors name it: `[label]`, or the filter instance and pad index.
fn describe(pad: &OpenPad) -> String {
    match &pad.label {
        Some(label) => format!("[{label}]"),
        // SAFETY: a filter instance of a live graph, from the parser's list.
        None => format!("{}:{}", unsafe { instance_names(pad.context) }.1, pad.pad),
    }
}

fn pad_label(pad: &OpenPad, name: &str, index: usize) -> String {
    match &pad.label {
        Some(_) => describe(pad),
        None => pad_name(name, index),
    }
}

fn media_kind(media_type: c_int) -> &'static str {
    match media_type {
        MEDIA_TYPE_VIDEO => "video",
        MEDIA_TYPE_AUDIO => "audio",
        _ => "another media type",
    }
}

/// The CLI's graph settings: libswscale flags for scalers, and threads.
fn set_graph_options(
    ffmpeg: &Ffmpeg,
    graph: *mut AVFilterGraph,
    options: &FilterOptions,
) -> Result<()> {
    let flags = c_string("scale flags", &format!("flags={}", options.scale_flags))?;
    let threads = CString::new(options.threads.to_string()).expect("digits");
    for (name, value) in [(c"scale_sws_opts", &flags), (c"threads", &threads)] {
        // SAFETY: a live graph, whose AVClass has these options; both strings NUL-terminated.
        let status = unsafe {
            (ffmpeg.functions().av_opt_set)(graph.cast(), name.as_ptr(), value.as_ptr(), 0)
        };
        check(ffmpeg, "av_opt_set", status)?;
    }
    Ok(())
}

/// Creates and initialises a filter instance in the graph.
fn create(
    ffmpeg: &Ffmpeg,
    f: &FilterFunctions,
    graph: &GraphHandle,
    filter: &'static str,
    name: &str,
    arguments: Option<&str>,
) -> Result<FilterContext> {
    let filter_name = CString::new(filter).expect("no NUL");
    let name = c_string("filter name", name)?;
    let arguments = arguments
        .map(|a| c_string("filter arguments", a))
        .transpose()?;
    let mut context = std::ptr::null_mut();
    // SAFETY: a live graph; the filter is one of libavfilter's own; the new instance belongs
    // to the graph, which frees it.
    let (status, messages) = collect_errors(|| unsafe {
        (f.create)(
            &mut context,
            (f.by_name)(filter_name.as_ptr()),
            name.as_ptr(),
            arguments.as_ref().map_or(std::ptr::null(), |a| a.as_ptr()),
            std::ptr::null_mut(),
            graph.graph.as_ptr(),
        )
    });
    if status < 0 || context.is_null() {
        let message = explained(ffmpeg, status, &messages);
        return Err(filter_error(FilterError::InvalidArguments {
            filter: filter.to_owned(),
            message,
        }));
    }
    Ok(context)
}

/// An audio sink that takes every channel count, as the CLI's (libavfilter 7 and 8 refuse
/// layouts they cannot name unless told so; later ones take all and lack the option).
fn audio_sink(
    ffmpeg: &Ffmpeg,
    f: &FilterFunctions,
    graph: &GraphHandle,
    index: usize,
) -> Result<FilterContext> {
    let name = CString::new(format!("output {index}")).expect("no NUL");
    // SAFETY: a live graph and libavfilter's own abuffersink; the instance belongs to the
    // graph, which frees it.
    let context = unsafe {
        (f.alloc_filter)(
            graph.graph.as_ptr(),
            (f.by_name)(c"abuffersink".as_ptr()),
            name.as_ptr(),
        )
    };
    if context.is_null() {
        return Err(crate::media::packet::out_of_memory(
            ffmpeg,
            "avfilter_graph_alloc_filter",
        ));
    }
    // SAFETY: a live filter instance; an option it lacks is answered with an error code,
    // which is ignored (later releases take every channel count by default).
    unsafe {
        (ffmpeg.functions().av_opt_set)(
            context.cast(),
            c"all_channel_counts".as_ptr(),
            c"1".as_ptr(),
            1,
        )
    };
    // SAFETY: a live, not yet initialised instance, with no further options.
    let status = unsafe { (f.init)(context, std::ptr::null()) };
    check(ffmpeg, "avfilter_init_str", status)?;
    Ok(context)
}

fn link(
    ffmpeg: &Ffmpeg,
    f: &FilterFunctions,
    from: FilterContext,
    from_pad: c_int,
    to: FilterContext,
    to_pad: c_int,
) -> Result<()> {
    // SAFETY: two live instances of one graph, and pad indexes they have.
    let status = unsafe { (f.link)(from, from_pad as c_uint, to, to_pad as c_uint) };
    check(ffmpeg, "avfilter_link", status).map(drop)
}
