//! [`Input`]: an opened container.

use std::ffi::{CString, c_int};
use std::path::Path;
use std::ptr::NonNull;

use super::custom_io::{CustomIo, Endpoint};
use super::network::{UrlOptions, Watch};
use super::stream::{MediaType, Stream};
use crate::abi::FormatContextLayout;
use crate::abi::constants;
use crate::abi::constants::{AVERROR_EAGAIN, AVERROR_EOF};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::packet::{Packet, out_of_memory};
use crate::sys::Rational;
use crate::sys::objects::AVFormatContext;

/// An opened input container (`AVFormatContext`).
pub struct Input {
    ffmpeg: Ffmpeg,
    context: NonNull<AVFormatContext>,
    /// The Rust source FFmpeg reads through, for inputs opened with [`Input::from_reader`];
    /// freed after the context is closed.
    custom_io: Option<CustomIo>,
    /// What bounds its waits, for inputs opened from a URL; freed after the context is
    /// closed, as FFmpeg may poll it until then.
    watch: Option<Box<Watch>>,
    /// Per stream, whether probing read any of its packets: the CLI's choice of streams
    /// weighs it, as it stood once the input was opened (reading marks streams too).
    pub(super) read_while_opening: Vec<bool>,
}

// SAFETY: an AVFormatContext may be used from any thread as long as one thread at a time does
// (FFmpeg keeps no thread-local state for it); `Input` is `Send` but not `Sync`, and every
// method that touches the context takes `&mut self` or reads only.
unsafe impl Send for Input {}

object_fields!(Input, format_context: FormatContextLayout => AVFormatContext);

raw_context!(
    Input,
    AVFormatContext,
    "the `avformat_*`/`av_*` demuxing functions and options"
);

/// The MPEG-TS demuxer's option to read every program's table before streams are reported,
/// which the ffmpeg CLI and ffprobe set for every input they open: without it a transport
/// stream's later programs (and facts the probe reads after them) can be missed.
const SCAN_ALL_PMTS: &str = "scan_all_pmts";

impl Input {
    /// How many times [`Input::read_packet`] calls a demuxer again that asks for it before
    /// answering [`Error::Again`].
    pub const READ_RETRIES: usize = 16;

    /// Opens a local file. Only the `file` protocol is allowed, so a crafted playlist or
    /// reference file cannot make FFmpeg reach the network or other protocols.
    ///
    /// # Errors
    ///
    /// FFmpeg's error when the file cannot be opened or its format is not recognised.
    pub fn open(ffmpeg: &Ffmpeg, path: impl AsRef<Path>) -> Result<Input> {
        let path = path.as_ref();
        let url = path
            .to_str()
            .ok_or_else(|| Error::invalid_text("path", path.display()))?;
        Input::open_url(ffmpeg, url, &UrlOptions::new(&["file"]))
    }

    /// Opens a URL (`http://…`, `udp://…`, `tcp://…?listen=1`), as `options` allows: only its
    /// protocols, each call bounded by its timeout, with its FFmpeg options, stoppable by its
    /// [`Interrupt`](super::Interrupt). As the CLI and ffprobe, an MPEG-TS input reads every
    /// program's table before its streams are reported (`scan_all_pmts=1`) unless `options`
    /// say otherwise; so do [`Input::open`] and the readers.
    ///
    /// # Errors
    ///
    /// [`Error::TimedOut`] past the timeout, [`Error::Interrupted`] once interrupted,
    /// [`Error::OptionNotFound`] for an option neither the protocol nor the demuxer took;
    /// FFmpeg's error when the URL cannot be opened or its format is not recognised.
    pub fn open_url(ffmpeg: &Ffmpeg, url: &str, options: &UrlOptions) -> Result<Input> {
        let f = ffmpeg.functions();
        let url = CString::new(url).map_err(|_| Error::invalid_text("URL", url))?;
        let mut entries = vec![("protocol_whitelist".to_owned(), options.protocols.join(","))];
        entries.extend(options.options.iter().cloned());
        let scan_defaulted = !entries.iter().any(|(key, _)| key == SCAN_ALL_PMTS);
        if scan_defaulted {
            entries.push((SCAN_ALL_PMTS.to_owned(), "1".to_owned()));
        }
        let mut dictionary = crate::media::dictionary::Dictionary::new(ffmpeg, &entries)?;
        let watch = Watch::new(options);
        // SAFETY: allocates an empty context, or NULL.
        let mut context = unsafe { (f.avformat_alloc_context)() };
        if context.is_null() {
            return Err(out_of_memory(ffmpeg, "avformat_alloc_context"));
        }
        watch.arm();
        // SAFETY: the fresh context gets the watch's callback (the watch outlives it: it is
        // kept by the Input, or dropped after FFmpeg freed the context on failure); FFmpeg
        // takes the options it uses out of the dictionary, which stays ours.
        let status = unsafe {
            let layout = &ffmpeg.layout().format_context;
            layout.interrupt_callback.write(context, watch.callback());
            (f.avformat_open_input)(
                &mut context,
                url.as_ptr(),
                std::ptr::null(),
                dictionary.as_mut_ptr(),
            )
        };
        if let Some(failure) = watch.failure("avformat_open_input", status) {
            return Err(failure);
        }
        check(ffmpeg, "avformat_open_input", status)?;
        let context =
            NonNull::new(context).ok_or_else(|| out_of_memory(ffmpeg, "avformat_open_input"))?;
        let input = Input {
            ffmpeg: ffmpeg.clone(),
            context,
            custom_io: None,
            watch: Some(watch),
            read_while_opening: Vec::new(),
        };
        if scan_defaulted {
            // Left where the demuxer is not MPEG-TS: ours, not the caller's, so not unused.
            dictionary.remove(SCAN_ALL_PMTS)?;
        }
        if let Some(option) = dictionary.first_key() {
            return Err(Error::OptionNotFound {
                owner: input.format_name(),
                option,
            });
        }
        input.find_stream_info()
    }

    /// Opens a container read from `source` (a file, a `Cursor<Vec<u8>>`, a network
    /// stream…). A panic or I/O error inside `source` never reaches FFmpeg: it comes back as
    /// [`Error::Panicked`] or [`Error::Io`] from the call that needed the data.
    ///
    /// # Errors
    ///
    /// As for [`Input::open`], plus the source's own failures.
    pub fn from_reader<R: std::io::Read + std::io::Seek + Send + 'static>(
        ffmpeg: &Ffmpeg,
        source: R,
    ) -> Result<Input> {
        Input::from_endpoint(ffmpeg, Endpoint::Read(Box::new(source)))
    }

    /// Opens a container read from `source`, which cannot seek (a pipe, standard input, a
    /// socket): FFmpeg is told so, and reads it once, front to back. Formats that stream
    /// (Matroska/WebM, MPEG-TS, NUT, fragmented MP4, FLV, WAV, raw H.264, HEVC or AAC) open
    /// and decode; an MP4 whose index is at the end cannot, and says so
    /// ([`Error::NeedsSeeking`]).
    ///
    /// # Errors
    ///
    /// As for [`Input::from_reader`], and [`Error::NeedsSeeking`].
    pub fn from_stream<R: std::io::Read + Send + 'static>(
        ffmpeg: &Ffmpeg,
        source: R,
    ) -> Result<Input> {
        Input::from_endpoint(ffmpeg, Endpoint::ReadStream(Box::new(source)))
    }

    fn from_endpoint(ffmpeg: &Ffmpeg, endpoint: Endpoint) -> Result<Input> {
        let f = ffmpeg.functions();
        let custom_io = CustomIo::new(ffmpeg, endpoint)?;
        let mut dictionary = crate::media::dictionary::Dictionary::new(
            ffmpeg,
            &[(SCAN_ALL_PMTS.to_owned(), "1".to_owned())],
        )?;
        // SAFETY: a fresh context, given our I/O context and the flag that keeps FFmpeg from
        // freeing it; on failure avformat_open_input frees the format context only. FFmpeg
        // takes the option it uses out of the dictionary, which stays ours.
        let (status, context) = unsafe {
            let mut context = (f.avformat_alloc_context)();
            if context.is_null() {
                return Err(crate::media::packet::out_of_memory(
                    ffmpeg,
                    "avformat_alloc_context",
                ));
            }
            let layout = &ffmpeg.layout().format_context;
            layout.pb.write(context, custom_io.as_ptr());
            layout.flags.write(
                context,
                layout.flags.read(context) | constants::FMT_FLAG_CUSTOM_IO,
            );
            let status = (f.avformat_open_input)(
                &mut context,
                c"".as_ptr(),
                std::ptr::null(),
                dictionary.as_mut_ptr(),
            );
            (status, context)
        };
        if status < 0 {
            // On failure FFmpeg has freed the context; the source's own failure comes first.
            super::custom_io::checked(ffmpeg, Some(&custom_io), "avformat_open_input", status)?;
        }
        let context =
            NonNull::new(context).ok_or_else(|| out_of_memory(ffmpeg, "avformat_open_input"))?;
        Input {
            ffmpeg: ffmpeg.clone(),
            context,
            custom_io: Some(custom_io),
            watch: None,
            read_while_opening: Vec::new(),
        }
        .find_stream_info()
    }

    fn find_stream_info(mut self) -> Result<Input> {
        self.arm();
        // SAFETY: a freshly opened context; probing reads a few packets.
        let status = unsafe {
            (self.ffmpeg.functions().avformat_find_stream_info)(
                self.context_ptr(),
                std::ptr::null_mut(),
            )
        };
        self.checked("avformat_find_stream_info", status)?;
        self.read_while_opening = self.streams().map(|s| s.packets_were_read()).collect();
        Ok(self)
    }

    /// Maps an FFmpeg status, preferring the custom source's own failure when there is one.
    fn checked(&mut self, operation: &'static str, status: c_int) -> Result<c_int> {
        self.watched(operation, status)?;
        super::custom_io::checked(&self.ffmpeg, self.custom_io.as_ref(), operation, status)
    }

    /// [`Error::TimedOut`] or [`Error::Interrupted`] when the input's watch made the call
    /// that returned `status` give up.
    fn watched(&self, operation: &'static str, status: c_int) -> Result<()> {
        match self
            .watch
            .as_ref()
            .and_then(|w| w.failure(operation, status))
        {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }

    /// Starts a call that may wait: its timeout counts from now.
    fn arm(&self) {
        if let Some(watch) = &self.watch {
            watch.arm();
        }
    }

    pub(crate) fn context_ptr(&self) -> *mut AVFormatContext {
        self.context.as_ptr()
    }

    /// The FFmpeg it was opened with.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// The number of streams.
    pub fn stream_count(&self) -> usize {
        self.field(|l| l.nb_streams) as usize
    }

    /// The stream at `index`.
    pub fn stream(&self, index: usize) -> Option<Stream<'_>> {
        // SAFETY: a live context of the layout's family.
        let stream = unsafe {
            self.ffmpeg
                .layout()
                .format_context
                .stream(self.context_ptr(), index)
        }?;
        NonNull::new(stream).map(|stream| Stream::new(self, stream))
    }

    /// Every stream, in order.
    pub fn streams(&self) -> impl Iterator<Item = Stream<'_>> {
        (0..self.stream_count()).filter_map(|index| self.stream(index))
    }

    /// The stream FFmpeg's `av_find_best_stream` picks of a kind. It skips streams marked
    /// for the hearing or visually impaired, and audio without a channel count or sample
    /// rate; then prefers, in order, a stream marked default, one with more frames seen while
    /// probing (up to five), a higher bit rate, more frames seen, and the first.
    ///
    /// That is not always the ffmpeg CLI's choice, which [`Input::auto_selected_stream`]
    /// gives: a stereo PCM track beside a 5.1 AAC track, neither marked default, gives the
    /// PCM one here (the higher bit rate) and the 5.1 one in the CLI.
    pub fn best_stream(&self, kind: MediaType) -> Option<Stream<'_>> {
        let f = self.ffmpeg.functions();
        // SAFETY: a live context; no decoder is asked for.
        let index = unsafe {
            (f.av_find_best_stream)(
                self.context_ptr(),
                kind.raw(),
                -1,
                -1,
                std::ptr::null_mut(),
                0,
            )
        };
        usize::try_from(index)
            .ok()
            .and_then(|index| self.stream(index))
    }

    /// The container format's short name (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, …).
    pub fn format_name(&self) -> String {
        let format = self.field(|l| l.iformat);
        let name = self.ffmpeg.layout().input_format.name;
        // SAFETY: an opened input always has its input format, a static struct of the same
        // library, whose name is a static string.
        unsafe { crate::sys::c_text(name.read(format)) }
    }

    /// The demuxer reading it: its names, long name, extensions.
    pub fn demuxer(&self) -> super::Demuxer {
        // SAFETY: an opened input always has its input format, registered in the same
        // library.
        unsafe { super::Demuxer::registered(&self.ffmpeg, self.field(|l| l.iformat)) }
    }

    /// The values the demuxer exports of what it read (MPEG-TS's `ts_id`, the transport
    /// stream's id, and `ts_packetsize`), as ffprobe from 6.1 prints them with every
    /// stream: (name, value) in the order the demuxer lists its options.
    pub fn exported_values(&self) -> Vec<(String, String)> {
        let (f, layout) = (self.ffmpeg.functions(), self.ffmpeg.layout());
        // SAFETY: this input's live, opened context, of the layout's family.
        unsafe { crate::abi::exported_demuxer_options(f, layout, self.context_ptr()) }
    }

    /// How sure the demuxer was of the format, out of 100 (ffprobe's `probe_score`).
    pub fn probe_score(&self) -> i32 {
        self.field(|l| l.probe_score)
    }

    /// The number of programs (MPEG-TS services) the container declares.
    pub fn program_count(&self) -> usize {
        self.field(|l| l.nb_programs) as usize
    }

    /// The container's metadata (`title`, `encoder`, `creation_time`, …), in order.
    pub fn metadata(&self) -> Vec<(String, String)> {
        let dictionary = self.field(|l| l.metadata);
        // SAFETY: the context's own dictionary, read with that FFmpeg's av_dict_get.
        unsafe { crate::abi::dictionary_entries(dictionary, self.ffmpeg.functions().av_dict_get) }
    }

    /// The container's overall bit rate in bits per second, when known.
    pub fn bit_rate(&self) -> Option<u64> {
        u64::try_from(self.field(|l| l.bit_rate))
            .ok()
            .filter(|&b| b > 0)
    }

    /// The chapters, in order.
    pub fn chapters(&self) -> Vec<Chapter> {
        let layout = self.ffmpeg.layout();
        let count = self.field(|l| l.nb_chapters) as usize;
        let chapters = self.field(|l| l.chapters);
        // SAFETY: `chapters` holds `nb_chapters` live AVChapter pointers owned by the context.
        unsafe {
            (0..count)
                .map(|i| {
                    let chapter = *chapters.add(i);
                    let l = &layout.chapter;
                    let base = l.time_base.read(chapter);
                    let metadata = crate::abi::dictionary_entries(
                        l.metadata.read(chapter),
                        self.ffmpeg.functions().av_dict_get,
                    );
                    let id = match (l.id_int, l.id_wide) {
                        (Some(field), _) => i64::from(field.read(chapter)),
                        (None, Some(field)) => field.read(chapter),
                        (None, None) => 0,
                    };
                    let title = metadata.iter().find(|(k, _)| k == "title");
                    Chapter {
                        id,
                        start: l.start.read(chapter),
                        end: l.end.read(chapter),
                        time_base: base,
                        title: title.map(|(_, v)| v.clone()),
                        metadata,
                    }
                })
                .collect()
        }
    }

    /// The container's duration in microseconds, when known: 0 for a container that says
    /// it holds nothing (as ffprobe prints it).
    pub fn duration_us(&self) -> Option<i64> {
        Some(self.field(|l| l.duration)).filter(|&d| d != i64::MIN)
    }

    /// When the container's first stream starts, in microseconds (0 for most files; MPEG-TS
    /// and cut files often start later).
    pub fn start_time_us(&self) -> Option<i64> {
        Some(self.field(|l| l.start_time)).filter(|&s| s != i64::MIN)
    }

    /// Where the timeline starts for a program that uses only `streams` (absolute indexes),
    /// in microseconds, as the ffmpeg CLI counts it: the container's start, except that for
    /// a demuxer whose timestamps may jump
    /// ([`Demuxer::has_discontinuous_timestamps`](super::Demuxer::has_discontinuous_timestamps))
    /// it is the earliest start of those streams where that is later. So `ffmpeg -i in.ts
    /// -map 0:v` starts the video at zero even where the audio starts earlier.
    pub fn start_time_us_for(&self, streams: &[usize]) -> Option<i64> {
        let start = self.start_time_us()?;
        if !self.demuxer().has_discontinuous_timestamps() {
            return Some(start);
        }
        let earliest = streams
            .iter()
            .filter_map(|&index| self.stream(index))
            .filter_map(|stream| {
                stream
                    .time_base()
                    .rescale(stream.start_time()?, Rational::MICROSECONDS)
            })
            .min();
        Some(
            earliest
                .filter(|&earliest| earliest > start)
                .unwrap_or(start),
        )
    }

    /// Reads the next packet into `packet` (replacing what it held): `Ok(true)` for a packet,
    /// `Ok(false)` at the end of the input. A demuxer that asks to be called again (DSS's
    /// first packet after a seek) is, as the CLI calls it again.
    ///
    /// # Errors
    ///
    /// A read or demuxing error; the end of input is not an error.
    /// [`Error::Again`] where the demuxer still has no packet after being called again
    /// [`Input::READ_RETRIES`] times (a device that has no picture yet): call again later,
    /// as the CLI does after 10 ms. [`Error::ForeignObject`] for a packet of another loaded
    /// FFmpeg.
    pub fn read_packet(&mut self, packet: &mut Packet) -> Result<bool> {
        self.ffmpeg
            .ensure_same(packet.ffmpeg(), "Input::read_packet", "packet")?;
        let mut status = AVERROR_EAGAIN;
        for _ in 0..=Self::READ_RETRIES {
            packet.clear();
            self.arm();
            // SAFETY: a live context and an empty live packet of the same loaded FFmpeg,
            // which av_read_frame fills as that library lays packets out.
            status = unsafe {
                (self.ffmpeg.functions().av_read_frame)(self.context_ptr(), packet.as_mut_ptr())
            };
            if status != AVERROR_EAGAIN {
                break;
            }
        }
        match status {
            // A demuxer may report a wait it gave up as the end: it is not.
            AVERROR_EOF => {
                self.watched("av_read_frame", status)?;
                self.checked("av_read_frame", 0).map(|_| false)
            }
            status => self.checked("av_read_frame", status).map(|_| true),
        }
    }

    /// The packets to the end, each newly allocated; `read_packet` reuses one instead.
    pub fn packets(&mut self) -> Packets<'_> {
        Packets {
            input: self,
            done: false,
        }
    }

    /// Seeks `stream` to `timestamp` (in that stream's time base): to the keyframe at or
    /// before it, or with [`SeekMode::AnyFrame`] to the frame at or before it even if decoding
    /// must start elsewhere to show it right. Flush the decoders afterwards.
    ///
    /// # Errors
    ///
    /// FFmpeg's error when the input cannot seek there.
    pub fn seek(&mut self, stream: usize, timestamp: i64, mode: SeekMode) -> Result<()> {
        let flags = match mode {
            SeekMode::KeyframeBefore => 0,
            SeekMode::AnyFrame => constants::SEEK_FLAG_ANY,
        };
        let stream =
            c_int::try_from(stream).map_err(|_| Error::out_of_range("stream index", stream))?;
        self.arm();
        // SAFETY: a live context; the range asks for the last position at or before `timestamp`.
        let status = unsafe {
            (self.ffmpeg.functions().avformat_seek_file)(
                self.context_ptr(),
                stream,
                i64::MIN,
                timestamp,
                timestamp,
                flags,
            )
        };
        self.checked("avformat_seek_file", status).map(drop)
    }
}

impl Input {
    /// Seeks every stream to the keyframe at or before `microseconds` on the file's own
    /// timeline (add [`Input::start_time_us`] for a position from its start), as the CLI's
    /// `-ss` does. Decoding on from there and dropping the frames before the position gives
    /// the frames at or after it exactly. Flush the decoders afterwards.
    ///
    /// # Errors
    ///
    /// FFmpeg's error when the input cannot seek there.
    pub fn seek_us(&mut self, microseconds: i64) -> Result<()> {
        self.arm();
        // SAFETY: a live context; stream -1 counts in microseconds; the range asks for the
        // last position at or before the target.
        let status = unsafe {
            (self.ffmpeg.functions().avformat_seek_file)(
                self.context_ptr(),
                -1,
                i64::MIN,
                microseconds,
                microseconds,
                0,
            )
        };
        self.checked("avformat_seek_file", status).map(drop)
    }

    /// Seeks so that decoding on gives the frames from `position_us` microseconds after the
    /// input's start, as the CLI's `-ss POSITION -i` seeks: [`Input::seek_us`] to the start
    /// plus the position, less 3/23 s where a stream reorders its pictures (B-frames) and the
    /// demuxer seeks by decoding time, which runs ahead of the time a keyframe is shown. A
    /// [`Timeline::from_position`](super::Timeline::from_position) then counts from the
    /// position. Flush the decoders afterwards.
    ///
    /// # Errors
    ///
    /// FFmpeg's error when the input cannot seek there (a raw stream): it is then where it
    /// was, and the CLI reads on from there.
    pub fn seek_to_position_us(&mut self, position_us: i64) -> Result<()> {
        let reorders = self.streams().any(|stream| stream.video_delay() > 0);
        let by_decoding_time = !self.demuxer().seeks_by_presentation_time();
        let lead = if reorders && by_decoding_time {
            3 * 1_000_000 / 23
        } else {
            0
        };
        let start = self.start_time_us().unwrap_or(0);
        self.seek_us(start.saturating_add(position_us).saturating_sub(lead))
    }
}

/// Where [`Input::seek`] lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SeekMode {
    /// The keyframe at or before the timestamp: decoding from there is correct.
    #[default]
    KeyframeBefore,
    /// The frame at or before the timestamp, keyframe or not (`constants::SEEK_FLAG_ANY`): for
    /// scrubbing, where a picture that is briefly wrong is fine.
    AnyFrame,
}

impl Drop for Input {
    fn drop(&mut self) {
        let mut context = self.context.as_ptr();
        // SAFETY: opened by avformat_open_input; closed once, before its custom I/O and its
        // watch go.
        unsafe { (self.ffmpeg.functions().avformat_close_input)(&mut context) }
        drop(self.custom_io.take());
        drop(self.watch.take());
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("format", &self.format_name())
            .field("streams", &self.stream_count())
            .finish()
    }
}

/// A chapter of an [`Input`], or one for an [`Output`](super::Output) to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// Its id: Matroska's chapter UID, a count from 0 or 1 elsewhere; 0 asks
    /// `Output::add_chapter` to number it.
    pub id: i64,
    /// Start, in `time_base` units.
    pub start: i64,
    /// End, in `time_base` units.
    pub end: i64,
    /// The time base of `start` and `end`, as (numerator, denominator).
    pub time_base: Rational,
    /// Its title, when it has one.
    pub title: Option<String>,
    /// Every tag, the title included, in order, as ffprobe's `-show_chapters` lists them; an
    /// output writes those but the title, which comes from `title`.
    pub metadata: Vec<(String, String)>,
}

/// The packets of an [`Input`]: `Some(Ok(packet))`, `Some(Err(error))` for an error, `None`
/// at the end. After an error the iterator ends.
pub struct Packets<'a> {
    input: &'a mut Input,
    done: bool,
}

impl Iterator for Packets<'_> {
    type Item = Result<Packet>;

    fn next(&mut self) -> Option<Result<Packet>> {
        if self.done {
            return None;
        }
        let result = Packet::new(&self.input.ffmpeg).and_then(|mut packet| {
            self.input
                .read_packet(&mut packet)
                .map(|more| more.then_some(packet))
        });
        match result {
            Ok(Some(packet)) => Some(Ok(packet)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }
}
