//! Filter graphs in API sequences: graphs built from CLI-syntax text made of real filter
//! names, arguments, labels and separators (or any text at all), fed the sequence's frame,
//! drained, ended, rebuilt by frames of another size or format.

use arbitrary::Arbitrary;
use ffmpeg_runtime::filter::{AudioInput, FilterGraph, FilterInput, FilterOptions, VideoInput};
use ffmpeg_runtime::{Ffmpeg, Frame, Rational};

const FILTERS: [&str; 16] = [
    "scale",
    "fps",
    "crop",
    "format",
    "transpose",
    "split",
    "overlay",
    "setpts",
    "hflip",
    "pad",
    "aresample",
    "volume",
    "atempo",
    "pan",
    "amix",
    "nullsink",
];
const ARGUMENTS: [&str; 12] = [
    "",
    "=320:-2",
    "=10",
    "=iw/2:ih/2",
    "=gray",
    "=1",
    "=0.5*PTS",
    "=16000",
    "=0.5",
    "=mono|c0=c0",
    "=w=abc",
    "=nosuch=1",
];
const JOINS: [&str; 8] = [",", ";", "[a]", "[b];[b]", "[a][b]", "", "[", "'"];

/// One filter-graph operation.
#[derive(Arbitrary, Debug)]
pub enum GraphOp {
    /// Builds a graph from pieces (filter, arguments, join), for video or audio input.
    Build {
        pieces: Vec<(u8, u8, u8)>,
        audio: bool,
        width: u8,
        height: u8,
    },
    /// Builds a graph from any text.
    BuildRaw { text: String, audio: bool },
    /// Builds a two-input graph with labels that may or may not be in its text.
    BuildComplex {
        pieces: Vec<(u8, u8, u8)>,
        second_label: bool,
    },
    /// Sends the frame to an input.
    Send(u8),
    /// Receives a frame from an output into the frame.
    Receive(u8),
    /// Ends an input.
    End(u8),
    /// Asks what an output gives.
    Facts(u8),
    /// Replaces the frame by a picture (yuv420p or gray) or audio (fltp or s16, 1 or 2
    /// channels), whose size or format may make the graph be rebuilt.
    NewFrame {
        audio: bool,
        width: u8,
        height: u8,
        other_format: bool,
        pts: i16,
    },
    /// Drops the graph.
    Drop,
}

/// The graph operations `bytes` spell, read until the bytes run out.
pub fn graph_ops_of(bytes: &[u8]) -> Vec<GraphOp> {
    let mut unstructured = arbitrary::Unstructured::new(bytes);
    let mut ops = Vec::new();
    while !unstructured.is_empty() {
        match GraphOp::arbitrary(&mut unstructured) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    ops
}

/// Runs graph operations on one graph and one frame.
pub fn run_graph_sequence(ffmpeg: &Ffmpeg, ops: &[GraphOp]) {
    let (mut graph, mut frame) = (None, None);
    for op in ops {
        step(ffmpeg, &mut graph, &mut frame, op);
    }
}

fn text_of(pieces: &[(u8, u8, u8)]) -> String {
    let mut text = String::new();
    for &(filter, arguments, join) in pieces.iter().take(6) {
        text.push_str(FILTERS[usize::from(filter) % FILTERS.len()]);
        text.push_str(ARGUMENTS[usize::from(arguments) % ARGUMENTS.len()]);
        text.push_str(JOINS[usize::from(join) % JOINS.len()]);
    }
    text
}

fn input(ffmpeg: &Ffmpeg, audio: bool, width: u8, height: u8) -> Option<FilterInput> {
    Some(if audio {
        FilterInput::Audio(AudioInput::new(
            44_100,
            ffmpeg.sample_format("fltp").ok()?,
            ffmpeg.default_channel_layout(2).ok()?,
        ))
    } else {
        FilterInput::Video(VideoInput::new(
            u32::from(width),
            u32::from(height),
            ffmpeg.pixel_format("yuv420p").ok()?,
            Rational::new(1, 25),
        ))
    })
}

/// Runs one operation; every result is dropped, as only crashes and panics count.
pub fn step(
    ffmpeg: &Ffmpeg,
    graph: &mut Option<FilterGraph>,
    frame: &mut Option<Frame>,
    op: &GraphOp,
) {
    match op {
        GraphOp::Build {
            pieces,
            audio,
            width,
            height,
        } => {
            if let Some(described) = input(ffmpeg, *audio, *width, *height) {
                *graph = FilterGraph::simple(ffmpeg, &text_of(pieces), described).ok();
            }
        }
        GraphOp::BuildRaw { text, audio } => {
            if let Some(described) = input(ffmpeg, *audio, 64, 48) {
                *graph = FilterGraph::simple(ffmpeg, text, described).ok();
            }
        }
        GraphOp::BuildComplex {
            pieces,
            second_label,
        } => {
            let second = if *second_label { "b" } else { "" };
            if let (Some(first), Some(other)) =
                (input(ffmpeg, false, 64, 48), input(ffmpeg, false, 32, 16))
            {
                let text = format!("[a]{}", text_of(pieces));
                let inputs = [("a", first), (second, other)];
                *graph =
                    FilterGraph::complex(ffmpeg, &text, inputs, &FilterOptions::default()).ok();
            }
        }
        GraphOp::Send(index) => {
            if let (Some(graph), Some(frame)) = (graph.as_mut(), frame.as_ref()) {
                let _ = graph.send(usize::from(*index % 3), frame);
            }
        }
        GraphOp::Receive(index) => {
            if let Some(graph) = graph.as_mut() {
                let frame = frame.get_or_insert_with(|| Frame::new(ffmpeg).unwrap());
                let _ = graph.receive(usize::from(*index % 3), frame);
            }
        }
        GraphOp::End(index) => {
            if let Some(graph) = graph.as_mut() {
                let _ = graph.send_eof(usize::from(*index % 3));
            }
        }
        GraphOp::Facts(index) => {
            if let Some(graph) = graph.as_ref() {
                let _ = graph.output(usize::from(*index % 3));
            }
        }
        GraphOp::NewFrame {
            audio,
            width,
            height,
            other_format,
            pts,
        } => {
            let made = if *audio {
                let format = if *other_format { "s16" } else { "fltp" };
                let channels = 1 + u32::from(*width % 2);
                Frame::audio(ffmpeg, usize::from(*height) * 4, format, 44_100, channels)
            } else {
                let format = if *other_format { "gray" } else { "yuv420p" };
                Frame::video(ffmpeg, u32::from(*width), u32::from(*height), format)
            };
            *frame = made.ok().map(|mut made| {
                made.set_pts(Some(i64::from(*pts)));
                made
            });
        }
        GraphOp::Drop => *graph = None,
    }
}
