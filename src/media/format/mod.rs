//! Containers: [`Input`] opens one and reads its [`Packet`](crate::Packet)s, [`Stream`]
//! describes each of its streams, and [`Output`] writes one.

mod catalog;
mod chapter_writing;
mod custom_io;
mod input;
mod network;
mod output;
mod program;
mod side_data;
mod side_data_writing;
mod stream;
mod stream_facts;
mod stream_group;
mod stream_selection;
mod tags;
mod tile_grid;
mod timeline;
mod timing;
mod video_selection;

pub use crate::media::side_data::{
    CpbProperties, DolbyVisionColor, DolbyVisionConfig, DolbyVisionCurve, DolbyVisionExtension,
    DolbyVisionHeader, DolbyVisionMapping, DolbyVisionMetadata, DolbyVisionNlq, DolbyVisionPiece,
    DownmixInfo, DownmixType, DynamicHdrPlus, DynamicHdrVivid, HdrPlusToneMapping, HdrPlusWindow,
    HdrPlusWindowArea, HdrVividBaseCurve, HdrVividThreeSpline, HdrVividToneMapping, HdrVividWindow,
    IamfParameters, IamfSubblock, MasteringDisplay, S12mTimecode, SideDataValue, Spherical,
    StereoCamera, Timecode,
};
pub use catalog::{Demuxer, Muxer};
pub use input::{Chapter, Input, Packets, SeekMode};
pub use network::{Interrupt, UrlOptions};
pub use output::Output;
pub use program::Program;
pub use side_data::SideData;
pub use stream::{MediaType, Stream};
pub use stream_facts::FieldOrder;
pub use stream_group::{StreamGroup, StreamGroupKind};
pub use tile_grid::{Tile, TileGrid};
pub use timeline::Timeline;
pub use video_selection::SelectedVideo;
