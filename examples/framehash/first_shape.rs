//! Pictures hashed in the first one's size and format, as the CLI encodes them.

use ffmpeg_runtime::filter::{FilterGraph, FilterInput, FilterOptions};
use ffmpeg_runtime::{Error, Frame, Rational};

/// The CLI's graph for pictures that go through no filter of the user's: it passes them,
/// and after a change of size or format mid-stream scales and converts them to the first
/// picture's, as the CLI keeps its encoder's (`-autoscale`, on by default). Where
/// libavfilter is not loaded or refuses the pictures, they are hashed as decoded.
pub struct FirstShape {
    graph: Option<FilterGraph>,
    /// Whether pictures are left as decoded from now on.
    off: bool,
}

impl FirstShape {
    /// A keeper of the first picture's shape, or one that keeps nothing (`available` false:
    /// no libavfilter).
    pub fn new(available: bool) -> FirstShape {
        FirstShape {
            graph: None,
            off: !available,
        }
    }

    /// `picture` (stamped in `time_base`) converted to the first picture's size and
    /// format, or `None` where it has them already or cannot be converted.
    pub fn convert(&mut self, picture: &Frame, time_base: Rational) -> Option<Frame> {
        if self.off {
            return None;
        }
        let converted = self.pass(picture, time_base);
        self.off = converted.is_err();
        converted.ok().flatten().filter(|out| {
            (out.width(), out.height(), out.pixel_format())
                != (picture.width(), picture.height(), picture.pixel_format())
        })
    }

    fn pass(&mut self, picture: &Frame, time_base: Rational) -> Result<Option<Frame>, Error> {
        if self.graph.is_none() {
            let input = FilterInput::from_frame(picture, time_base)?;
            let options = FilterOptions::default();
            let graph =
                FilterGraph::simple_with_options(picture.ffmpeg(), "null", input, &options)?;
            self.graph = Some(graph);
        }
        let graph = self.graph.as_mut().expect("made above");
        graph.send(0, picture)?;
        let mut out = Frame::new(picture.ffmpeg())?;
        let mut last = None;
        while graph.receive(0, &mut out)? {
            last = Some(out.try_clone()?);
        }
        Ok(last)
    }
}
