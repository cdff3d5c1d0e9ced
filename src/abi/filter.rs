//! The few libavfilter structs the crate reads: the heads of `AVFilterInOut`, `AVFilterGraph`,
//! `AVFilterContext` and `AVFilter`. Each has led its struct unchanged from libavfilter 7 (4.x) to 12 (9.x); the
//! self-check ([`check`]) proves them on the loaded library by parsing small graphs and reading
//! back what FFmpeg built.

use std::ffi::{CStr, c_char, c_int, c_uint, c_void};

use super::constants::{FRAME_DATA_DOWNMIX_INFO, MEDIA_TYPE_AUDIO, MEDIA_TYPE_VIDEO};
use super::side_data::FrameSideDataLayout;
use crate::loader::functions::Functions;
use crate::sys::objects::{
    AVFilter, AVFilterContext, AVFilterGraph, AVFilterInOut, AVFilterPad, AVFrameSideData,
};
use crate::sys::{Rational, RawChannelLayout};
use crate::sys::{c_text, c_text_in};

/// `AVFilterInOut`, whole: an open pad of a parsed graph, in a list.
#[repr(C)]
struct InOut {
    name: *mut c_char,
    filter_context: *mut AVFilterContext,
    pad_index: c_int,
    next: *mut AVFilterInOut,
}

/// The head of `AVFilterContext`: class, filter, instance name, then the input and output pads
/// with their links and counts.
#[repr(C)]
struct FilterContextHead {
    av_class: *const c_void,
    filter: *const AVFilter,
    name: *mut c_char,
    input_pads: *const AVFilterPad,
    inputs: *mut c_void,
    nb_inputs: c_uint,
    output_pads: *const AVFilterPad,
    outputs: *mut c_void,
    nb_outputs: c_uint,
}

/// The head of `AVFilterGraph`: class, then its filter instances and their count.
#[repr(C)]
struct GraphHead {
    av_class: *const c_void,
    filters: *const *mut AVFilterContext,
    nb_filters: c_uint,
}

/// The head of `AVFilter`: its name and description.
#[repr(C)]
struct FilterHead {
    name: *const c_char,
    description: *const c_char,
}

/// One open pad of a parsed graph: its label (`[in]`; `None` when unlabelled), the filter it
/// belongs to and the pad's index there.
#[derive(Debug, Clone)]
pub(crate) struct OpenPad {
    pub label: Option<String>,
    pub context: *mut AVFilterContext,
    pub pad: c_int,
}

/// The entries of an `AVFilterInOut` list, in order.
///
/// # Safety
///
/// `list` is NULL or a list `avfilter_graph_parse_ptr` returned, not yet freed.
pub(crate) unsafe fn open_pads(mut list: *const AVFilterInOut) -> Vec<OpenPad> {
    let mut pads = Vec::new();
    while !list.is_null() {
        // SAFETY: per the contract; the list's entries are `InOut`s linked by `next`.
        let entry = unsafe { &*list.cast::<InOut>() };
        pads.push(OpenPad {
            // SAFETY: FFmpeg's labels are NULL or NUL-terminated strings it owns.
            label: unsafe { c_text_in(entry.name) }.map(str::to_owned),
            context: entry.filter_context,
            pad: entry.pad_index,
        });
        list = entry.next;
    }
    pads
}

/// What a filter instance says of itself: its filter's name, its own name, and its pads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FilterPads {
    pub input_pads: *const AVFilterPad,
    pub inputs: u32,
    pub output_pads: *const AVFilterPad,
    pub outputs: u32,
}

/// The pads of a filter instance.
///
/// # Safety
///
/// `context` is a live filter instance of a graph.
pub(crate) unsafe fn filter_pads(context: *const AVFilterContext) -> FilterPads {
    // SAFETY: per the contract; the head is the same in every family.
    let head = unsafe { &*context.cast::<FilterContextHead>() };
    FilterPads {
        input_pads: head.input_pads,
        inputs: head.nb_inputs,
        output_pads: head.output_pads,
        outputs: head.nb_outputs,
    }
}

/// The name of the filter a filter instance runs (`scale`) and the instance's own name
/// (`Parsed_scale_0`).
///
/// # Safety
///
/// `context` is a live filter instance of a graph.
pub(crate) unsafe fn filter_names(context: *const AVFilterContext) -> (String, String) {
    // SAFETY: per the contract; a live instance points at its static AVFilter and owns its
    // name; both heads are the same in every family.
    unsafe {
        let head = &*context.cast::<FilterContextHead>();
        let filter = &*head.filter.cast::<FilterHead>();
        (c_text(filter.name), c_text(head.name))
    }
}

/// The filter instances of a graph, in libavfilter's order: those parsed and created, and,
/// once configured, those it inserted to convert between them (`auto_scale_0`).
///
/// # Safety
///
/// `graph` is a live graph.
pub(crate) unsafe fn graph_filters(graph: *const AVFilterGraph) -> Vec<*mut AVFilterContext> {
    // SAFETY: per the contract; the head is the same in every family.
    let head = unsafe { &*graph.cast::<GraphHead>() };
    if head.filters.is_null() {
        return Vec::new();
    }
    // SAFETY: the graph's own array of `nb_filters` instances.
    unsafe { std::slice::from_raw_parts(head.filters, head.nb_filters as usize) }.to_vec()
}

/// Whether the video buffer source of a libavfilter major takes the colour options
/// (`colorspace`, `range`), which arrived in libavfilter 10 (FFmpeg 7.0); earlier ones refuse
/// them as unknown. Proven at load, where it says yes, by [`check`].
pub(crate) fn buffer_source_takes_color(avfilter_major: u64) -> bool {
    avfilter_major >= 10
}

/// `AVBufferSrcParameters` of libavfilter 11 (8.0) and 12, up to the side data that
/// libavfilter 10.8 appended (8.1 appends `alpha_mode` after it). Allocated by the library,
/// so only the fields written need be known.
#[repr(C)]
struct SourceParametersHead {
    format: c_int,
    time_base: Rational,
    width: c_int,
    height: c_int,
    sample_aspect_ratio: Rational,
    frame_rate: Rational,
    hw_frames_ctx: *mut c_void,
    sample_rate: c_int,
    ch_layout: RawChannelLayout,
    color_space: c_int,
    color_range: c_int,
    side_data: *mut *mut AVFrameSideData,
    nb_side_data: c_int,
}

/// Whether the buffer sources of a libavfilter major carry side data onto their links
/// (`AVBufferSrcParameters.side_data`): from libavfilter 11 (FFmpeg 8.0), whose `aresample`
/// mixes down by the levels it finds there. Proven at load, where it says yes, by
/// [`check_source_side_data`].
pub(crate) fn buffer_source_takes_side_data(avfilter_major: u64) -> bool {
    avfilter_major >= 11
}

/// What giving a buffer source one side-data entry came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceEntry {
    /// The release's buffer sources take no side data (or it lacks the functions).
    NotTaken,
    /// `av_frame_side_data_new` made no entry: out of memory.
    NotMade,
    /// `av_buffersrc_parameters_set`'s status.
    Given(c_int),
}

/// Gives `source` one side-data entry, of the family's `kind` number and holding `bytes`,
/// for its link; libavfilter copies it, so the entry made here is freed here.
///
/// # Safety
///
/// `functions` and `layout` are the loaded library's, where
/// [`buffer_source_takes_side_data`] says yes; `source` is a buffer source of a live graph
/// not yet configured.
pub(crate) unsafe fn give_source_entry(
    functions: &Functions,
    layout: &FrameSideDataLayout,
    source: *mut AVFilterContext,
    kind: u32,
    bytes: &[u8],
) -> SourceEntry {
    let (Some(_), Some(free_entries), Some(alloc), Some(set)) = (
        functions.av_frame_side_data_new,
        functions.av_frame_side_data_free,
        functions.av_buffersrc_parameters_alloc,
        functions.av_buffersrc_parameters_set,
    ) else {
        return SourceEntry::NotTaken;
    };
    let (mut entries, mut count) = (std::ptr::null_mut(), 0);
    // SAFETY: per the contract. The array of one entry is made here, its `bytes.len()`
    // bytes all written before the source copies them, and freed here on every path. The
    // parameters are the library's own allocation, of at least the head's size in these
    // majors, which leaves every other field at its "keep" value (format -1, the rest zero
    // or unspecified); `set` copies what they hold, so they are freed at once.
    unsafe {
        let made = layout.append_entry(functions, &mut entries, &mut count, kind, bytes);
        let outcome = if !made {
            SourceEntry::NotMade
        } else {
            let parameters = alloc().cast::<SourceParametersHead>();
            if parameters.is_null() {
                SourceEntry::NotMade
            } else {
                (*parameters).side_data = entries;
                (*parameters).nb_side_data = count;
                let status = set(source, parameters.cast());
                (functions.av_free)(parameters.cast());
                SourceEntry::Given(status)
            }
        };
        free_entries(&mut entries, &mut count);
        outcome
    }
}

/// What the self-check found, for [`super::check`] to compare: `(what, expected, found)`.
pub(super) type Fact = (&'static str, String, String);

/// Proves the heads on the loaded libavfilter (parses `[a]null[b]` and `[x]asplit[y][z]` and
/// reads back the graph's filters, their open pads, their filters' names, pad counts and pad
/// media types) and the
/// buffer sources' options the crate writes. No facts when the build has no libavfilter.
///
/// # Safety
///
/// `functions` are the loaded library's.
pub(super) unsafe fn check(functions: &Functions, avfilter_major: u64) -> Vec<Fact> {
    let (Some(alloc), Some(free), Some(parse), Some(free_inout), Some(pad_type)) = (
        functions.avfilter_graph_alloc,
        functions.avfilter_graph_free,
        functions.avfilter_graph_parse_ptr,
        functions.avfilter_inout_free,
        functions.avfilter_pad_get_type,
    ) else {
        return Vec::new();
    };
    // SAFETY: forwarded: the loaded library's functions.
    let mut facts = unsafe { source_options(functions, avfilter_major) };
    for (text, filter, types) in [
        (c"[a]null[b]", "null", MEDIA_TYPE_VIDEO),
        (c"[x]asplit[y][z]", "asplit", MEDIA_TYPE_AUDIO),
    ] {
        // SAFETY: a fresh graph, parsed, read through the heads this check proves, and freed
        // with its lists on every path.
        unsafe {
            let mut graph: *mut AVFilterGraph = alloc();
            if graph.is_null() {
                facts.push(("AVFilterGraph", "an allocation".into(), "NULL".into()));
                return facts;
            }
            let (mut inputs, mut outputs) = (std::ptr::null_mut(), std::ptr::null_mut());
            let status = parse(
                graph,
                text.as_ptr(),
                &mut inputs,
                &mut outputs,
                std::ptr::null_mut(),
            );
            let parsed = if status >= 0 {
                "success".into()
            } else {
                status.to_string()
            };
            facts.push(("avfilter_graph_parse_ptr", "success".into(), parsed));
            if status >= 0 {
                let instances = graph_filters(graph);
                // The instance is read only once the count is proven.
                let found = match instances.as_slice() {
                    [only] => filter_names(*only).0,
                    more => format!("{} instances", more.len()),
                };
                facts.push(("AVFilterGraph.filters/nb_filters", filter.into(), found));
                let ins = open_pads(inputs);
                let outs = open_pads(outputs);
                // In label order: the parser's own order differs between releases.
                let labels = |pads: &[OpenPad]| {
                    let mut labels: Vec<String> = pads
                        .iter()
                        .map(|p| format!("{}:{}", p.label.as_deref().unwrap_or("?"), p.pad))
                        .collect();
                    labels.sort();
                    labels.join(",")
                };
                let expected_outs = if filter == "null" { "b:0" } else { "y:0,z:1" };
                let expected_ins = if filter == "null" { "a:0" } else { "x:0" };
                facts.push(("AVFilterInOut", expected_ins.into(), labels(&ins)));
                facts.push(("AVFilterInOut", expected_outs.into(), labels(&outs)));
                let last_pad = outs.iter().max_by_key(|p| p.pad);
                if let (Some(input), Some(output)) = (ins.first(), last_pad) {
                    let (name, _) = filter_names(input.context);
                    facts.push(("AVFilter.name", filter.into(), name));
                    let pads = filter_pads(output.context);
                    let counts = format!("{}/{}", pads.inputs, pads.outputs);
                    let expected = if filter == "null" { "1/1" } else { "1/2" };
                    let counted = counts == expected;
                    facts.push((
                        "AVFilterContext.nb_inputs/nb_outputs",
                        expected.into(),
                        counts,
                    ));
                    // The pads are read only once their counts are proven.
                    if counted {
                        let found = (
                            pad_type(pads.input_pads, 0),
                            pad_type(pads.output_pads, pads.outputs as c_int - 1),
                        );
                        facts.push((
                            "AVFilterContext.input_pads/output_pads",
                            format!("{types}/{types}"),
                            format!("{}/{}", found.0, found.1),
                        ));
                    }
                }
            }
            free_inout(&mut inputs);
            free_inout(&mut outputs);
            free(&mut graph);
        }
    }
    facts
}

/// The buffer sources take the arguments the crate writes: a video one with its colour
/// options where [`buffer_source_takes_color`] says, an audio one a channel mask or a count.
///
/// # Safety
///
/// `functions` are the loaded library's.
unsafe fn source_options(functions: &Functions, avfilter_major: u64) -> Vec<Fact> {
    let (Some(alloc), Some(free), Some(by_name), Some(create)) = (
        functions.avfilter_graph_alloc,
        functions.avfilter_graph_free,
        functions.avfilter_get_by_name,
        functions.avfilter_graph_create_filter,
    ) else {
        return Vec::new();
    };
    let video = c"video_size=2x2:pix_fmt=0:time_base=1/25:pixel_aspect=0/1";
    let colored = c"video_size=2x2:pix_fmt=0:time_base=1/25:pixel_aspect=0/1:colorspace=1:range=1";
    let mask = c"time_base=1/8000:sample_rate=8000:sample_fmt=s16:channel_layout=0x3";
    let count = c"time_base=1/8000:sample_rate=8000:sample_fmt=s16:channels=3";
    // Where the colour options are not expected they are not tried: the refusal would be
    // logged (the log bridge is not installed yet), and the crate never writes them there.
    let video = if buffer_source_takes_color(avfilter_major) {
        ("buffer colorspace/range", colored)
    } else {
        ("buffer", video)
    };
    let cases: [(&'static str, &CStr, &CStr); 3] = [
        (video.0, c"buffer", video.1),
        ("abuffer channel_layout", c"abuffer", mask),
        ("abuffer channels", c"abuffer", count),
    ];
    let mut facts = Vec::new();
    for (what, filter, arguments) in cases {
        // SAFETY: a fresh graph, one filter created in it with constant arguments, freed with
        // the graph.
        let created = unsafe {
            let mut graph = alloc();
            if graph.is_null() {
                continue;
            }
            let mut context = std::ptr::null_mut();
            let status = create(
                &mut context,
                by_name(filter.as_ptr()),
                c"check".as_ptr(),
                arguments.as_ptr(),
                std::ptr::null_mut(),
                graph,
            );
            free(&mut graph);
            status >= 0
        };
        let answer = if created { "accepted" } else { "refused" };
        facts.push((what, "accepted".to_owned(), answer.to_owned()));
    }
    facts
}

/// Proves [`SourceParametersHead`] up to its side data where [`buffer_source_takes_side_data`]
/// says yes: an entry given to an audio buffer source reaches the sink's link
/// (`av_buffersink_get_side_data`) whole, as a downmix's levels reach `aresample`.
///
/// # Safety
///
/// `functions` are the loaded library's; `side_data` its family's layout of an entry.
pub(super) unsafe fn check_source_side_data(
    functions: &Functions,
    side_data: &FrameSideDataLayout,
    avfilter_major: u64,
) -> Vec<Fact> {
    const WHAT: &str = "AVBufferSrcParameters.side_data";
    if !buffer_source_takes_side_data(avfilter_major) {
        return Vec::new();
    }
    let f = functions;
    let (
        Some(alloc),
        Some(free),
        Some(by_name),
        Some(create),
        Some(link),
        Some(config),
        Some(sink_side_data),
    ) = (
        f.avfilter_graph_alloc,
        f.avfilter_graph_free,
        f.avfilter_get_by_name,
        f.avfilter_graph_create_filter,
        f.avfilter_link,
        f.avfilter_graph_config,
        f.av_buffersink_get_side_data,
    )
    else {
        return vec![(WHAT, "its functions".into(), "missing".into())];
    };
    let given: [u8; 48] = std::array::from_fn(|i| i as u8 + 1);
    let kind = side_data.number_here(FRAME_DATA_DOWNMIX_INFO);
    let expected = format!("kind {kind}, {} bytes as given", given.len());
    let arguments = c"time_base=1/8000:sample_rate=8000:sample_fmt=s16:channel_layout=0x3";
    // SAFETY: a fresh graph of two filters created with constant arguments, whose source is
    // given the entry before the graph is configured; what the sink's
    // link holds is read through the family's layout within the size FFmpeg states; the
    // graph is freed, with its filters, on every path.
    unsafe {
        let mut graph = alloc();
        if graph.is_null() {
            return vec![(WHAT, "a graph".into(), "NULL".into())];
        }
        let (mut source, mut sink) = (std::ptr::null_mut(), std::ptr::null_mut());
        let made = create(
            &mut source,
            by_name(c"abuffer".as_ptr()),
            c"check source".as_ptr(),
            arguments.as_ptr(),
            std::ptr::null_mut(),
            graph,
        ) >= 0
            && create(
                &mut sink,
                by_name(c"abuffersink".as_ptr()),
                c"check sink".as_ptr(),
                std::ptr::null(),
                std::ptr::null_mut(),
                graph,
            ) >= 0;
        let given_entry = match made {
            true => give_source_entry(f, side_data, source, kind, &given),
            false => SourceEntry::NotMade,
        };
        let found = if given_entry != SourceEntry::Given(0) {
            format!("no graph or entry ({given_entry:?})")
        } else {
            let configured =
                link(source, 0, sink, 0) >= 0 && config(graph, std::ptr::null_mut()) >= 0;
            let mut reached = 0;
            let carried = match configured {
                true => sink_side_data(sink, &mut reached),
                false => std::ptr::null(),
            };
            match (configured, reached) {
                (false, _) => "refused".to_owned(),
                (true, 1) if !carried.is_null() && !(*carried).is_null() => {
                    let (kind, data, size, _) = side_data.fields(*carried);
                    let bytes = std::slice::from_raw_parts(data, size);
                    let same = if bytes == given {
                        "as given"
                    } else {
                        "changed"
                    };
                    format!("kind {kind}, {size} bytes {same}")
                }
                (true, reached) => format!("{reached} entries"),
            }
        };
        free(&mut graph);
        vec![(WHAT, expected, found)]
    }
}
