//! [`Output`]: a container being written.

use std::ffi::{CString, c_int};
use std::path::Path;
use std::ptr::NonNull;

use super::custom_io::{CustomIo, Endpoint};
use super::stream::{MediaType, Stream};
use super::timing;
use crate::abi::FormatContextLayout;
use crate::abi::constants;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::codec::{BitstreamFilter, CodecId, Encoder};
use crate::media::packet::Packet;
use crate::sys::Rational;
use crate::sys::objects::{AVFormatContext, AVStream};

/// Where an [`Output`] is in its life: calls out of order are refused, as FFmpeg's muxers
/// crash or write broken files when, say, the header is written twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Streams may be added; the header is next.
    Configuring,
    /// The header was written: packets go in.
    Writing,
    /// `avformat_write_header` failed: the muxer is in no state for anything more.
    Failed,
    /// The trailer was written (or tried).
    Finished,
}

/// An output container (`AVFormatContext` for muxing). Dropping it unfinished still writes
/// the trailer, so the file stays playable up to the last packet written; dropping it before
/// a header was written (a stream refused, a header the muxer refused) removes the file it
/// created.
pub struct Output {
    ffmpeg: Ffmpeg,
    context: NonNull<AVFormatContext>,
    state: State,
    /// The Rust sink FFmpeg writes through, for outputs made with [`Output::to_writer`];
    /// freed after the context.
    custom_io: Option<CustomIo>,
    /// The regular file this output created (none was there before): removed again when
    /// the output is dropped before its header was written, so a failed setup leaves nothing.
    created: Option<std::path::PathBuf>,
    /// Per stream: how its packets are timed on the way to the muxer.
    timing: Vec<StreamTiming>,
    /// The name it was created under (empty for a writer's output), which names the codec
    /// of an image sequence.
    file_name: CString,
}

/// What an output stream remembers to time its packets as the CLI does.
#[derive(Debug, Default)]
struct StreamTiming {
    /// Audio, video or subtitles: the kinds whose decoding timestamps must move forward.
    timed: bool,
    /// The last decoding timestamp handed to the muxer, in the stream's time base.
    last_dts: Option<i64>,
    /// For copied audio: the sample rate, and the next sample position expected.
    copied_audio: Option<(c_int, Option<i64>)>,
}

// SAFETY: as for `Input`: one thread at a time may use the context; `Output` is not `Sync`.
unsafe impl Send for Output {}

object_fields!(Output, format_context: FormatContextLayout => AVFormatContext);

raw_context!(
    Output,
    AVFormatContext,
    "the `avformat_*`/`av_*` muxing functions and options"
);

impl Output {
    /// Creates `path`, with the container format its extension names (`.mp4`, `.mkv`, …).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownFormat`] for an extension FFmpeg does not know; FFmpeg's error when the
    /// file cannot be created.
    pub fn create(ffmpeg: &Ffmpeg, path: impl AsRef<Path>) -> Result<Output> {
        Output::create_as(ffmpeg, path, None)
    }

    /// Creates `path` with the named container format (`"matroska"`, `"mp4"`), or the one its
    /// extension names.
    ///
    /// # Errors
    ///
    /// As for [`Output::create`].
    pub fn create_as(
        ffmpeg: &Ffmpeg,
        path: impl AsRef<Path>,
        format: Option<&str>,
    ) -> Result<Output> {
        let f = ffmpeg.functions();
        let path = path.as_ref();
        let url = path
            .to_str()
            .and_then(|p| CString::new(p).ok())
            .ok_or_else(|| Error::invalid_text("path", path.display()))?;
        let format = format
            .map(|name| CString::new(name).map_err(|_| Error::invalid_text("format name", name)))
            .transpose()?;
        let format_ptr = format
            .as_ref()
            .map_or(std::ptr::null(), |name| name.as_ptr());
        let mut context = std::ptr::null_mut();
        // SAFETY: FFmpeg allocates the context for the format, or leaves it NULL.
        let status = unsafe {
            (f.avformat_alloc_output_context2)(
                &mut context,
                std::ptr::null(),
                format_ptr,
                url.as_ptr(),
            )
        };
        if status < 0 || context.is_null() {
            return Err(Error::UnknownFormat {
                operation: "avformat_alloc_output_context2",
                message: ffmpeg.error_message(status),
            });
        }
        let mut output = Output {
            ffmpeg: ffmpeg.clone(),
            context: NonNull::new(context).expect("checked"),
            state: State::Configuring,
            custom_io: None,
            created: None,
            timing: Vec::new(),
            file_name: url.clone(),
        };
        if output.format_flags() & constants::FMT_NOFILE == 0 {
            let existed = std::fs::symlink_metadata(path).is_ok();
            let pb = output
                .ffmpeg
                .layout()
                .format_context
                .pb
                .address(output.context_ptr())
                .cast_mut();
            // SAFETY: opens the file into the context's own `pb` field.
            let status = unsafe { (f.avio_open)(pb, url.as_ptr(), constants::IO_FLAG_WRITE) };
            check(ffmpeg, "avio_open", status)?;
            let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
            if !existed && regular {
                output.created = Some(path.to_owned());
            }
        }
        Ok(output)
    }

    /// Writes a container of the named format (`"matroska"`, `"mp4"`, `"mpegts"`) into
    /// `sink` (a file, a `Cursor<Vec<u8>>`, a socket wrapper…). A panic or I/O error inside
    /// `sink` never reaches FFmpeg: it comes back as [`Error::Panicked`] or [`Error::Io`] from
    /// the call that wrote.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownFormat`] for a format FFmpeg does not know.
    pub fn to_writer<W: std::io::Write + std::io::Seek + Send + 'static>(
        ffmpeg: &Ffmpeg,
        sink: W,
        format: &str,
    ) -> Result<Output> {
        Output::to_endpoint(ffmpeg, Endpoint::Write(Box::new(sink)), format)
    }

    /// Writes a container of the named format into `sink`, which cannot seek (a pipe,
    /// standard output, a socket): FFmpeg is told so. Formats that write as they go take it
    /// (`mpegts`, `nut`, `matroska` with the `live` option, `mp4` fragmented with `movflags`,
    /// `flv`, `adts`, raw streams); one that must go back (a plain `mp4`'s header) refuses
    /// at [`Output::write_header`] or [`Output::finish`] with FFmpeg's explanation.
    ///
    /// # Errors
    ///
    /// As for [`Output::to_writer`].
    pub fn to_stream<W: std::io::Write + Send + 'static>(
        ffmpeg: &Ffmpeg,
        sink: W,
        format: &str,
    ) -> Result<Output> {
        Output::to_endpoint(ffmpeg, Endpoint::WriteStream(Box::new(sink)), format)
    }

    fn to_endpoint(ffmpeg: &Ffmpeg, endpoint: Endpoint, format: &str) -> Result<Output> {
        let f = ffmpeg.functions();
        let name = CString::new(format).map_err(|_| Error::invalid_text("format name", format))?;
        let mut context = std::ptr::null_mut();
        // SAFETY: FFmpeg allocates the context for the named format, or leaves it NULL.
        let status = unsafe {
            (f.avformat_alloc_output_context2)(
                &mut context,
                std::ptr::null(),
                name.as_ptr(),
                std::ptr::null(),
            )
        };
        let context = NonNull::new(context)
            .filter(|_| status >= 0)
            .ok_or_else(|| Error::UnknownFormat {
                operation: "avformat_alloc_output_context2",
                message: ffmpeg.error_message(status),
            })?;
        let mut output = Output {
            ffmpeg: ffmpeg.clone(),
            context,
            state: State::Configuring,
            custom_io: None,
            created: None,
            timing: Vec::new(),
            file_name: CString::default(),
        };
        let custom_io = CustomIo::new(ffmpeg, endpoint)?;
        let layout = &ffmpeg.layout().format_context;
        // SAFETY: fields of the live context at proven offsets; FFmpeg will not free our I/O.
        unsafe {
            layout.pb.write(output.context_ptr(), custom_io.as_ptr());
            layout.flags.write(
                output.context_ptr(),
                layout.flags.read(output.context_ptr()) | constants::FMT_FLAG_CUSTOM_IO,
            );
        }
        output.custom_io = Some(custom_io);
        Ok(output)
    }

    pub(crate) fn context_ptr(&self) -> *mut AVFormatContext {
        self.context.as_ptr()
    }

    /// The FFmpeg it was made with.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// Maps an FFmpeg status, preferring the custom sink's own failure when there is one.
    fn checked(&self, operation: &'static str, status: c_int) -> Result<c_int> {
        super::custom_io::checked(&self.ffmpeg, self.custom_io.as_ref(), operation, status)
    }

    /// The container format's short name (`mp4`, `matroska`).
    pub fn format_name(&self) -> String {
        let format = self.field(|l| l.oformat);
        let name = self.ffmpeg.layout().output_format.format.name;
        // SAFETY: an output context always has its static output format, of the same library,
        // whose name is a static string.
        unsafe { crate::sys::c_text(name.read(format)) }
    }

    /// The muxer writing it.
    pub fn muxer(&self) -> super::Muxer {
        // SAFETY: an output context always has its output format, registered in the same
        // library.
        unsafe { super::Muxer::registered(&self.ffmpeg, self.field(|l| l.oformat)) }
    }

    /// The codec the ffmpeg CLI writes for `kind` where none is asked for
    /// (`av_guess_codec`): the muxer's default, except for a sequence of images (`image2`),
    /// whose file name's extension names it (`.png`: PNG, `.bmp`: BMP; JPEG otherwise).
    /// `None` where the container takes no stream of that kind.
    pub fn default_codec(&self, kind: MediaType) -> Option<CodecId> {
        let format = self.field(|l| l.oformat);
        // SAFETY: the output's own registered format and NUL-terminated strings that outlive
        // the call; FFmpeg reads them only, and takes an empty name for one of no extension.
        let number = unsafe {
            (self.ffmpeg.functions().av_guess_codec)(
                format,
                std::ptr::null(),
                self.file_name.as_ptr(),
                std::ptr::null(),
                kind.raw(),
            )
        };
        // AV_CODEC_ID_NONE is 0 in every release.
        (number != 0).then(|| CodecId::new(&self.ffmpeg, number))
    }

    fn format_flags(&self) -> c_int {
        let format = self.field(|l| l.oformat);
        let flags = self.ffmpeg.layout().output_format.format.flags;
        // SAFETY: an output context always has its static output format, of the same library.
        unsafe { flags.read(format) }
    }

    /// Whether encoders must put their headers in the container (set
    /// `global_header` in their settings).
    pub fn needs_global_header(&self) -> bool {
        self.format_flags() & constants::FMT_GLOBALHEADER != 0
    }

    /// Refuses `operation` unless the output is in `expected`.
    pub(super) fn expect_configuring(&self, operation: &'static str) -> Result<()> {
        self.expect(operation, State::Configuring)
    }

    fn expect(&self, operation: &'static str, expected: State) -> Result<()> {
        if self.state == expected {
            return Ok(());
        }
        let reason = match (expected, self.state) {
            (_, State::Failed) => "the header could not be written; the output is unusable",
            (State::Configuring, _) => "streams are added, and the header written, only once",
            (State::Writing, State::Configuring) => "packets go after the header",
            (_, _) => "the output is finished",
        };
        Err(Error::OutOfOrder {
            operation,
            reason: reason.into(),
        })
    }

    fn new_stream(&mut self) -> Result<(usize, *mut AVStream)> {
        self.expect("Output::add_stream", State::Configuring)?;
        // SAFETY: adds a stream owned by the context.
        let stream = unsafe {
            (self.ffmpeg.functions().avformat_new_stream)(self.context_ptr(), std::ptr::null())
        };
        if stream.is_null() {
            return Err(crate::media::packet::out_of_memory(
                &self.ffmpeg,
                "avformat_new_stream",
            ));
        }
        // SAFETY: a field of the new stream.
        let index = unsafe { self.ffmpeg.layout().stream.index.read(stream) };
        self.timing.push(StreamTiming::default());
        Ok((index as usize, stream))
    }

    /// Adds a stream for what `encoder` produces; returns its index. The stream counts in
    /// the encoder's time base in lowest terms, as the CLI's does (the muxer may change it
    /// when the header is written).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] after the header; [`Error::ForeignObject`] for an encoder of
    /// another loaded FFmpeg; FFmpeg's error when it cannot copy the encoder's parameters.
    pub fn add_stream(&mut self, encoder: &Encoder) -> Result<usize> {
        self.ffmpeg
            .ensure_same(encoder.ffmpeg(), "Output::add_stream", "encoder")?;
        let (index, stream) = self.new_stream()?;
        let layout = &self.ffmpeg.layout().stream;
        // SAFETY: fills the new stream's parameters from the open encoder, both of the same
        // loaded FFmpeg.
        unsafe {
            let status = (self.ffmpeg.functions().avcodec_parameters_from_context)(
                layout.codecpar.read(stream),
                encoder.context_ptr(),
            );
            check(&self.ffmpeg, "avcodec_parameters_from_context", status)?;
            // As the CLI: in lowest terms (a GIF's rate of 100/10 makes an encoder count in
            // tenths written 10/100, and MP4 would count in hundredths).
            let Rational { num, den } = encoder.time_base();
            let lowest = Rational::reduce(i64::from(num), i64::from(den), i32::MAX);
            layout.time_base.write(stream, lowest);
            // As the CLI: Matroska states the pixels' shape (its display size) from the
            // stream's field, not the parameters', and ignores a shape only the encoder has.
            let shape = self
                .ffmpeg
                .layout()
                .codec_parameters
                .sample_aspect_ratio
                .read(layout.codecpar.read(stream));
            if shape.is_positive() {
                layout.sample_aspect_ratio.write(stream, shape);
            }
            // As the CLI: muxers read the frame rate from the stream (MP4's timecode track
            // is made only where it is known).
            if let Some(rate) = encoder.frame_rate() {
                layout.avg_frame_rate.write(stream, rate);
            }
        }
        self.timing[index].timed = true;
        Ok(index)
    }

    /// Adds a stream for what the subtitle `encoder` produces; returns its index. Write its
    /// packets with [`SubtitleEncoder::time_base`](crate::media::subtitle::SubtitleEncoder::time_base).
    ///
    /// # Errors
    ///
    /// As for [`Output::add_stream`].
    pub fn add_subtitle_stream(
        &mut self,
        encoder: &crate::media::subtitle::SubtitleEncoder,
    ) -> Result<usize> {
        self.add_stream(encoder.encoder())
    }

    /// Adds a stream for `input`'s packets as `filter` rewrites them (`-c copy -bsf`): as
    /// [`Output::add_copy_stream`], with the filter's output parameters (an MP4's
    /// `aac_adtstoasc` gives the extradata MP4 needs) and time base. Write the filter's
    /// packets with [`BitstreamFilter::time_base`].
    ///
    /// # Errors
    ///
    /// As for [`Output::add_copy_stream`]; [`Error::ForeignObject`] for a filter of another
    /// loaded FFmpeg.
    pub fn add_filtered_copy_stream(
        &mut self,
        input: &Stream<'_>,
        filter: &BitstreamFilter,
    ) -> Result<usize> {
        self.ffmpeg.ensure_same(
            filter.ffmpeg(),
            "Output::add_filtered_copy_stream",
            "bitstream filter",
        )?;
        let index = self.add_copy_stream(input)?;
        let layout = self.ffmpeg.layout();
        let stream = self.stream_ptr(index)?;
        let muxer = self.muxer();
        // SAFETY: the new stream's parameters take a copy of the initialised filter's output
        // parameters (same loaded FFmpeg); the codec tag is chosen as for any copy.
        unsafe {
            let parameters = layout.stream.codecpar.read(stream);
            let status = (self.ffmpeg.functions().avcodec_parameters_copy)(
                parameters,
                filter.output_parameters(),
            );
            check(&self.ffmpeg, "avcodec_parameters_copy", status)?;
            let codec = layout.codec_parameters.codec_id.read(parameters);
            let tag = layout.codec_parameters.codec_tag.read(parameters);
            let tag = muxer.copied_codec_tag(codec, tag);
            layout.codec_parameters.codec_tag.write(parameters, tag);
            layout.stream.time_base.write(stream, filter.time_base());
        }
        Ok(index)
    }

    /// Adds a stream that carries `input`'s packets unchanged (remuxing); returns its index.
    /// As the ffmpeg CLI's `-c copy`, it keeps the stream's metadata (language, title…),
    /// disposition, and codec tag where the muxer has no tags, gives that tag to the same
    /// codec, or has none for the codec (an MP4's `hvc1` stays `hvc1`), gives audio channels
    /// that have a count but no layout FFmpeg's default layout for the count (as the CLI
    /// guesses it for every input), and times copied audio in whole frames of samples (see
    /// [`Output::write_packet`]).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] after the header; [`Error::ForeignObject`] for a stream of
    /// another loaded FFmpeg; FFmpeg's error when it cannot copy the parameters.
    pub fn add_copy_stream(&mut self, input: &Stream<'_>) -> Result<usize> {
        self.ffmpeg
            .ensure_same(input.ffmpeg(), "Output::add_copy_stream", "stream")?;
        let tag = self
            .muxer()
            .copied_codec_tag(input.codec_number(), input.codec_tag());
        let (index, stream) = self.new_stream()?;
        let layout = self.ffmpeg.layout();
        // SAFETY: copies the input stream's parameters and side data (of the same loaded
        // FFmpeg, so of the same layout) to the stream just added, and guesses a layout into
        // the parameters just copied, which nothing else holds; the codec tag is the
        // source's only where the muxer takes it for the same codec, as the CLI keeps it.
        unsafe {
            let parameters = layout.stream.codecpar.read(stream);
            let status =
                (self.ffmpeg.functions().avcodec_parameters_copy)(parameters, input.parameters());
            check(&self.ffmpeg, "avcodec_parameters_copy", status)?;
            layout.codec_parameters.codec_tag.write(parameters, tag);
            if input.media_type() == MediaType::Audio {
                // As the CLI, which guesses the layout of every input's audio: a WAV's six
                // channels are written as 5.1 where the output can say so.
                let fields = layout.codec_parameters.channel_fields();
                crate::media::channel_layout::guess_unspecified(&self.ffmpeg, parameters, fields)?;
            }
            layout.stream.time_base.write(stream, input.time_base());
            layout
                .stream
                .disposition
                .write(stream, input.disposition() as c_int);
            // As the CLI: the rates, from which the muxer derives durations the packets
            // lack, the pixel shape, and the duration as a hint.
            let from = input.as_ptr();
            for rate in [layout.stream.avg_frame_rate, layout.stream.r_frame_rate] {
                rate.write(stream, rate.read(from));
            }
            let shape = [
                layout.stream.sample_aspect_ratio.read(from),
                layout
                    .codec_parameters
                    .sample_aspect_ratio
                    .read(input.parameters()),
            ];
            if let Some(shape) = shape.into_iter().find(|r| r.is_positive()) {
                layout.stream.sample_aspect_ratio.write(stream, shape);
                layout
                    .codec_parameters
                    .sample_aspect_ratio
                    .write(parameters, shape);
            }
            let duration = layout.stream.duration.read(from);
            if duration > 0 {
                layout.stream.duration.write(stream, duration);
            }
            let metadata = layout.stream.metadata.address(stream).cast_mut();
            let status = (self.ffmpeg.functions().av_dict_copy)(
                metadata,
                layout.stream.metadata.read(from),
                0,
            );
            check(&self.ffmpeg, "av_dict_copy", status)?;
            // As the CLI: the display matrix, HDR metadata and the rest of the side data, which
            // the parameters carried from 6.1 and the stream before.
            if layout.codec_parameters.coded_side_data.is_none() {
                for entry in input.side_data() {
                    self.attach_side_data(stream, entry.kind(), entry.bytes())?;
                }
            }
        }
        let kind = input.media_type();
        self.timing[index].timed = matches!(
            kind,
            MediaType::Audio | MediaType::Video | MediaType::Subtitle
        );
        let rate = input.sample_rate() as c_int;
        if kind == MediaType::Audio && rate > 0 {
            self.timing[index].copied_audio = Some((rate, None));
        }
        Ok(index)
    }

    /// Writes the container header; streams are fixed from then on.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] when the header was written (or tried) before; FFmpeg's error
    /// (for instance a codec the container cannot hold), after which the output takes
    /// nothing more.
    pub fn write_header(&mut self) -> Result<()> {
        self.write_header_with(&[])
    }

    /// [`Output::write_header`] with the muxer's options, as the CLI takes them after the
    /// output (`("movflags", "+faststart")`, `("movflags", "+frag_keyframe+empty_moov")`,
    /// `("live", "1")` for Matroska, `("mpegts_flags", "resend_headers")`). As in the CLI,
    /// the muxing delay (`max_delay`) is 0.7 s unless given.
    ///
    /// # Errors
    ///
    /// [`Error::OptionNotFound`] for an option the muxer does not take, before anything is
    /// written; otherwise as for [`Output::write_header`].
    pub fn write_header_with(&mut self, options: &[(&str, &str)]) -> Result<()> {
        self.expect("Output::write_header", State::Configuring)?;
        let mut entries: Vec<(String, String)> = options
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        // The CLI's `-muxdelay 0.7`: MPEG-TS and MPEG-PS group and time their packets by it.
        if !entries.iter().any(|(key, _)| key == "max_delay") {
            entries.push(("max_delay".into(), "700000".into()));
        }
        let mut options = crate::media::dictionary::Dictionary::new(&self.ffmpeg, &entries)?;
        // Whatever the outcome, the muxer cannot be set up again.
        self.state = State::Failed;
        let f = self.ffmpeg.functions();
        // SAFETY: a configured output context whose header was never written; FFmpeg takes
        // the options it knows out of the dictionary, which stays ours.
        let status = unsafe { (f.avformat_init_output)(self.context_ptr(), options.as_mut_ptr()) };
        self.checked("avformat_init_output", status)?;
        if let Some(option) = options.first_key() {
            return Err(Error::OptionNotFound {
                owner: self.format_name(),
                option,
            });
        }
        // SAFETY: the context initialised above; the header is written once.
        let status = unsafe { (f.avformat_write_header)(self.context_ptr(), std::ptr::null_mut()) };
        self.checked("avformat_write_header", status)?;
        self.state = State::Writing;
        Ok(())
    }

    /// The time base of output stream `stream`: the one its muxer chose once the header is
    /// written (MP4's `1/16000` for 24000/1001 video, say), what was asked for before.
    /// `None` for an unknown stream.
    pub fn stream_time_base(&self, stream: usize) -> Option<Rational> {
        let layout = self.ffmpeg.layout();
        // SAFETY: the stream table of a live context.
        let target = unsafe { layout.format_context.stream(self.context_ptr(), stream) }?;
        // SAFETY: a field of a live stream of this context.
        Some(unsafe { layout.stream.time_base.read(target) })
    }

    /// Writes `packet` to stream `stream`, its timestamps rescaled from `time_base` (the
    /// encoder's or input stream's) to the stream's; packets are interleaved by FFmpeg. The
    /// packet is left empty.
    ///
    /// Timestamps are adjusted as the ffmpeg CLI adjusts them: copied audio (a stream from
    /// [`Output::add_copy_stream`]) is timed in whole frames of samples where its input
    /// counted in coarser units (`av_rescale_delta`: 1024-sample AAC frames stored in
    /// milliseconds come out 1024 samples apart, not 1008 or 1056), and a decoding timestamp
    /// that would not move forward is moved to the least it may be, rather than refused.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] before the header; [`Error::StreamNotFound`] for an unknown
    /// stream; [`Error::ForeignObject`] for a packet of another loaded FFmpeg;
    /// [`Error::OutOfRange`] for a time base that is not positive; FFmpeg's error.
    pub fn write_packet(
        &mut self,
        packet: &mut Packet,
        stream: usize,
        time_base: Rational,
    ) -> Result<()> {
        self.ffmpeg
            .ensure_same(packet.ffmpeg(), "Output::write_packet", "packet")?;
        self.expect("Output::write_packet", State::Writing)?;
        let layout = self.ffmpeg.layout();
        let flags = self.format_flags();
        // SAFETY: the stream table of a live context.
        let target = unsafe { layout.format_context.stream(self.context_ptr(), stream) };
        let (Some(target), Some(timing)) = (target, self.timing.get_mut(stream)) else {
            return Err(Error::StreamNotFound {
                kind: format!("output stream {stream}"),
            });
        };
        // SAFETY: a field of a live stream of this context.
        let to = unsafe { layout.stream.time_base.read(target) };
        crate::media::require_positive("time base", time_base)?;
        let f = self.ffmpeg.functions();
        match (&mut timing.copied_audio, packet.dts()) {
            (Some((rate, next)), Some(dts)) => {
                // SAFETY: the stream's own parameters; FFmpeg reads them.
                let samples = unsafe {
                    let parameters = layout.stream.codecpar.read(target);
                    let size = c_int::try_from(packet.data().len()).unwrap_or(c_int::MAX);
                    match (f.av_get_audio_frame_duration2)(parameters, size) {
                        0 => layout.codec_parameters.frame_size.read(parameters),
                        samples => samples,
                    }
                };
                let sample_time = Rational::new(1, *rate);
                let dts = timing::rescale_delta(
                    time_base,
                    dts,
                    sample_time,
                    i64::from(samples.max(0)),
                    next,
                    to,
                );
                let duration = timing::rescale_q(packet.duration(), time_base, to);
                packet.set_pts(Some(dts));
                packet.set_dts(Some(dts));
                packet.set_duration(duration);
            }
            // SAFETY: a live packet; FFmpeg rescales three of its fields.
            _ => unsafe { (f.av_packet_rescale_ts)(packet.as_mut_ptr(), time_base, to) },
        }
        if timing.timed && flags & constants::FMT_NOTIMESTAMPS == 0 {
            let strict = flags & constants::FMT_TS_NONSTRICT == 0;
            let (pts, dts) = timing::monotonic(packet.pts(), packet.dts(), timing.last_dts, strict);
            packet.set_pts(pts);
            packet.set_dts(dts);
            timing.last_dts = dts;
        }
        packet.set_stream_index(stream)?;
        // SAFETY: a live context with its header written, and a live packet of the same
        // loaded FFmpeg, whose reference FFmpeg takes.
        let status =
            unsafe { (f.av_interleaved_write_frame)(self.context_ptr(), packet.as_mut_ptr()) };
        self.checked("av_interleaved_write_frame", status).map(drop)
    }

    /// Writes the trailer and closes the file.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] when the header was never written; FFmpeg's error while
    /// finishing the container.
    pub fn finish(mut self) -> Result<()> {
        self.expect("Output::finish", State::Writing)?;
        self.write_trailer()
    }

    fn write_trailer(&mut self) -> Result<()> {
        if self.state != State::Writing {
            return Ok(());
        }
        self.state = State::Finished;
        // SAFETY: a context whose header was written.
        let status = unsafe { (self.ffmpeg.functions().av_write_trailer)(self.context_ptr()) };
        self.checked("av_write_trailer", status).map(drop)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        let _ = self.write_trailer();
        let f = self.ffmpeg.functions();
        // SAFETY: closes the file FFmpeg opened (if any), then frees the context and streams.
        unsafe {
            if self.custom_io.is_none() && self.format_flags() & constants::FMT_NOFILE == 0 {
                let pb = self
                    .ffmpeg
                    .layout()
                    .format_context
                    .pb
                    .address(self.context_ptr())
                    .cast_mut();
                (f.avio_closep)(pb);
            }
            (f.avformat_free_context)(self.context_ptr());
        }
        drop(self.custom_io.take());
        let header_written = matches!(self.state, State::Writing | State::Finished);
        if let (false, Some(path)) = (header_written, self.created.take()) {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
