//! The filter the CLI (7.1 on) puts first for pictures whose container crops them.

use crate::media::format::Stream;
use crate::media::side_data::SideDataValue;

/// The `crop` filter that the ffmpeg CLI of 7.1 and later (its `-apply_cropping`, `all` by
/// default) puts first, before its autorotation's, for pictures of `stream` whose container
/// crops them ([`SideDataValue::FrameCropping`]: MP4's `clap`, Matroska's `PixelCrop*`), in
/// the CLI's own words: `crop=w=iw-L-R:h=ih-T-B:x=L:y=T`. The filter moves a subsampled
/// picture's left and top edges to the chroma samples, as the CLI's does (unlike
/// [`Frame::crop`](crate::Frame::crop), which crops to the pixel). `None` where the stream
/// states no cropping, or one of nothing; always before 7.1, which reads none.
///
/// The picture then has no cropping left: the CLI writes none for what it encodes.
pub fn container_crop_filter(stream: &Stream<'_>) -> Option<String> {
    stream
        .side_data()
        .iter()
        .find_map(|entry| match entry.value() {
            SideDataValue::FrameCropping {
                top,
                bottom,
                left,
                right,
            } if (top, bottom, left, right) != (0, 0, 0, 0) => Some(format!(
                "crop=w=iw-{left}-{right}:h=ih-{top}-{bottom}:x={left}:y={top}"
            )),
            _ => None,
        })
}
