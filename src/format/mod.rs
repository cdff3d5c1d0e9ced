//! Demuxing: [`Input`] opens a container and reads its [`Packet`](crate::Packet)s; [`Stream`]
//! describes each of its streams.

mod custom_io;
mod input;
mod stream;

pub use input::{Input, Packets};
pub use stream::{MediaType, Stream};
