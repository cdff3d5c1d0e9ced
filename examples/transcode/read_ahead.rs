//! The first frame of each stream to encode, decoded before any encoder opens. The CLI
//! builds a stream's graph, and so opens its encoder, from the first frame its decoder
//! gives, which may not be what the headers state: Theora cropped at an odd offset comes out
//! 302 pixels wide where the header says 300 (libavcodec crops only on aligned columns), a
//! picture's colours are its own, an MP3 that starts mono where the headers say stereo is
//! mono. The packets read for them are kept, to be transcoded first, in their order.

use std::collections::VecDeque;

use ffmpeg_runtime::codec::Decoder;
use ffmpeg_runtime::format::{Input, SideDataValue};
use ffmpeg_runtime::{Error, Frame, Packet};

use crate::pipeline::{ERRORS_IN_A_ROW, decoder_for};

/// How many bytes of packets may be held while waiting for the first frames; past it,
/// the streams still waiting are planned from their headers.
const HELD_BYTES: usize = 64 << 20;

/// What was read ahead.
pub struct ReadAhead {
    /// The packets read, to be transcoded before reading on.
    packets: VecDeque<Packet>,
    /// The first frame of each stream that gave one, by input stream index.
    first_frames: Vec<(usize, Frame)>,
    /// The error that stopped reading, which reading on would meet again.
    read_error: Option<Error>,
    /// The streams whose first packet was read.
    started: Vec<usize>,
}

impl ReadAhead {
    /// Reads the next packet into `packet`: those read ahead first, then the error that
    /// stopped reading ahead, then on from `input`. `Ok(false)` at the end.
    pub fn next_packet(&mut self, input: &mut Input, packet: &mut Packet) -> Result<bool, Error> {
        if let Some(next) = self.packets.pop_front() {
            *packet = next;
            return Ok(true);
        }
        match self.read_error.take() {
            Some(error) => Err(error),
            None => {
                let read = input.read_packet(packet)?;
                if read {
                    self.carry_stream_side_data(input, packet)?;
                }
                Ok(read)
            }
        }
    }

    /// As the CLI: a stream's first packet carries the stream's side data but its display
    /// matrix, which the decoder hands on with the first frame (a stereo layout, for which
    /// libx264 writes a frame-packing SEI; HDR metadata).
    fn carry_stream_side_data(&mut self, input: &Input, packet: &mut Packet) -> Result<(), Error> {
        let index = packet.stream_index();
        if self.started.contains(&index) {
            return Ok(());
        }
        self.started.push(index);
        let Some(stream) = input.stream(index) else {
            return Ok(());
        };
        for entry in stream.side_data() {
            if !matches!(entry.value(), SideDataValue::DisplayMatrix { .. }) {
                packet.add_side_data(&entry)?;
            }
        }
        Ok(())
    }

    /// The first frame of input stream `index`, where it gave one.
    pub fn first_frame(&self, index: usize) -> Option<&Frame> {
        let found = self.first_frames.iter().find(|(i, _)| *i == index);
        found.map(|(_, frame)| frame)
    }
}

/// Reads `input` until each of `streams` has given its first frame, the input
/// ends (the decoders are then drained), or [`HELD_BYTES`] are held. A stream whose decoder
/// does not open, or whose packets are all refused, gives none: its lane meets that itself.
pub fn read_ahead(input: &mut Input, streams: &[usize]) -> Result<ReadAhead, Error> {
    let ffmpeg = input.ffmpeg().clone();
    let mut read = ReadAhead {
        packets: VecDeque::new(),
        first_frames: Vec::new(),
        read_error: None,
        started: Vec::new(),
    };
    // One thread each: the first frame is the same whatever the threads, and comes sooner.
    let mut waiting: Vec<_> = (streams.iter())
        .filter_map(|&index| Some((index, decoder_for(&input.stream(index)?, 1).ok()?)))
        .collect();
    let mut frame = Frame::new(&ffmpeg)?;
    let mut held = 0;
    while !waiting.is_empty() && held < HELD_BYTES {
        let mut packet = Packet::new(&ffmpeg)?;
        match input.read_packet(&mut packet) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                read.read_error = Some(error);
                break;
            }
        }
        read.carry_stream_side_data(input, &mut packet)?;
        held += packet.data().len();
        let index = packet.stream_index();
        if let Some(at) = waiting.iter().position(|(i, _)| *i == index) {
            // A refused packet is the lane's to count; the first frame is what matters.
            let _ = waiting[at].1.send(&packet);
            if first_frame_of(&mut waiting[at].1, &mut frame) {
                waiting.remove(at);
                read.first_frames.push((index, frame));
                frame = Frame::new(&ffmpeg)?;
            }
        }
        read.packets.push_back(packet);
    }
    if held < HELD_BYTES {
        for (index, mut decoder) in waiting {
            decoder.send_eof()?;
            if first_frame_of(&mut decoder, &mut frame) {
                read.first_frames.push((index, frame));
                frame = Frame::new(&ffmpeg)?;
            }
        }
    }
    Ok(read)
}

/// Whether `decoder` gave a frame into `frame`, past the errors of damaged data (at most
/// as many as a lane skips in a row).
fn first_frame_of(decoder: &mut Decoder, frame: &mut Frame) -> bool {
    for _ in 0..ERRORS_IN_A_ROW {
        match decoder.receive(frame) {
            Ok(got) => return got,
            Err(error) if error.is_bad_data() => {}
            Err(_) => return false,
        }
    }
    false
}
