//! Moving packets, as many tests do: counting an input's, and writing what an encoder has.

use ffmpeg_runtime::codec::Encoder;
use ffmpeg_runtime::format::{Input, Output};
use ffmpeg_runtime::{Error, Packet};

/// Every packet of `input` to its end, counted; the first error ends it.
pub fn count(input: &mut Input) -> Result<usize, Error> {
    let mut count = 0;
    for packet in input.packets() {
        packet?;
        count += 1;
    }
    Ok(count)
}

/// Writes every packet `encoder` has ready to `stream` of `output`, through `packet`.
pub fn write_ready(
    encoder: &mut Encoder,
    packet: &mut Packet,
    output: &mut Output,
    stream: usize,
) -> Result<(), Error> {
    while encoder.receive(packet)? {
        output.write_packet(packet, stream, encoder.time_base())?;
    }
    Ok(())
}
