//! [`Codec`]: what one encoder or decoder of the loaded FFmpeg is and takes.

use std::ffi::{CString, c_int, c_void};

use super::{CodecId, EncoderChoice};
use crate::abi::Field;
use crate::abi::constants::{
    CODEC_CAP_EXPERIMENTAL, CODEC_CAP_VARIABLE_FRAME_SIZE, CODEC_CONFIG_CHANNEL_LAYOUT,
    CODEC_CONFIG_COLOR_RANGE, CODEC_CONFIG_FRAME_RATE, CODEC_CONFIG_PIX_FORMAT,
    CODEC_CONFIG_SAMPLE_FORMAT, CODEC_CONFIG_SAMPLE_RATE,
};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::media::channel_layout::ChannelLayout;
use crate::media::color::Range;
use crate::media::format::MediaType;
use crate::media::formats::{FormatArg, PixelFormat, SampleFormat};
use crate::sys::objects::AVCodec;
use crate::sys::{Rational, RawChannelLayout};

/// One encoder or decoder (`AVCodec`) of the loaded FFmpeg: its names, and the formats it
/// takes, to set an [`Encoder`](super::Encoder) up with values it accepts.
#[derive(Clone)]
pub struct Codec {
    ffmpeg: Ffmpeg,
    /// A registered `AVCodec`: static data of libavcodec, alive as long as `ffmpeg`.
    codec: *const AVCodec,
}

// SAFETY: an AVCodec is immutable static data of the library, which `ffmpeg` keeps loaded.
unsafe impl Send for Codec {}
// SAFETY: as above; nothing in it changes after registration.
unsafe impl Sync for Codec {}

/// Values of one kind a codec supports, as FFmpeg lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Supported<T> {
    /// Any value (FFmpeg gives no list).
    Any,
    /// Only these, FFmpeg's preferred first.
    Only(Vec<T>),
}

impl<T: PartialEq> Supported<T> {
    /// Whether `value` is supported.
    pub fn contains(&self, value: &T) -> bool {
        match self {
            Supported::Any => true,
            Supported::Only(values) => values.contains(value),
        }
    }
}

impl Codec {
    /// The encoder [`Encoder::video`](super::Encoder::video) or
    /// [`Encoder::audio`](super::Encoder::audio) would open for `choice`.
    ///
    /// # Errors
    ///
    /// [`Error::EncoderNotFound`] when this FFmpeg has none; [`Error::Incompatible`] for a
    /// codec id of another major; [`Error::ForeignObject`] for an encoder of another loaded
    /// FFmpeg.
    pub fn encoder<'a>(ffmpeg: &Ffmpeg, choice: impl Into<EncoderChoice<'a>>) -> Result<Codec> {
        let choice = choice.into();
        let codec = match &choice {
            EncoderChoice::Named(name) => {
                let c_name =
                    CString::new(*name).map_err(|_| Error::invalid_text("encoder name", name))?;
                // SAFETY: a lookup in FFmpeg's static registry.
                unsafe { (ffmpeg.functions().avcodec_find_encoder_by_name)(c_name.as_ptr()) }
            }
            EncoderChoice::ForCodec(id) => super::find_codec(ffmpeg, id, true)?,
            EncoderChoice::Encoder(codec) => {
                ffmpeg.ensure_same(&codec.ffmpeg, "Codec::encoder", "encoder")?;
                codec.codec
            }
        };
        if codec.is_null() {
            return Err(Error::EncoderNotFound {
                codec: choice.to_string(),
            });
        }
        Ok(Codec {
            ffmpeg: ffmpeg.clone(),
            codec,
        })
    }

    /// The decoder FFmpeg prefers for `id`, or `None` where this build has none.
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`] for a codec id of another major.
    pub(crate) fn decoder(ffmpeg: &Ffmpeg, id: &CodecId) -> Result<Option<Codec>> {
        let codec = super::find_codec(ffmpeg, id, false)?;
        Ok((!codec.is_null()).then(|| Codec {
            ffmpeg: ffmpeg.clone(),
            codec,
        }))
    }

    /// A codec of FFmpeg's registry.
    ///
    /// # Safety
    ///
    /// `codec` is a registered `AVCodec` of `ffmpeg` (from its lookups or its iteration).
    pub(super) unsafe fn registered(ffmpeg: &Ffmpeg, codec: *const AVCodec) -> Codec {
        Codec {
            ffmpeg: ffmpeg.clone(),
            codec,
        }
    }

    /// The FFmpeg it belongs to.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// The `AVCodec` this names, for an FFmpeg call the crate does not wrap: one of the
    /// release's static, read-only descriptions, valid while [`Codec::ffmpeg`] is loaded, to
    /// be given only to that release's functions.
    pub fn as_ptr(&self) -> *const AVCodec {
        self.codec
    }

    fn read<T: Copy>(&self, field: Field<AVCodec, T>) -> T {
        // SAFETY: a registered AVCodec of the layout's family.
        unsafe { field.read(self.codec) }
    }

    /// The encoder's or decoder's name (`libx264`), borrowed from the library.
    pub fn name(&self) -> &str {
        // SAFETY: a static string of the library, which `self.ffmpeg` keeps loaded for as
        // long as `self` is borrowed.
        unsafe { crate::sys::c_text_in(self.read(self.ffmpeg.layout().codec.name)) }
            .unwrap_or_default()
    }

    /// Its descriptive name (`libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10`), borrowed
    /// from the library; empty where it has none.
    pub fn long_name(&self) -> &str {
        // SAFETY: as for `name`; NULL gives None.
        unsafe { crate::sys::c_text_in(self.read(self.ffmpeg.layout().codec.long_name)) }
            .unwrap_or_default()
    }

    /// The codec it implements.
    pub fn id(&self) -> CodecId {
        CodecId::new(&self.ffmpeg, self.read(self.ffmpeg.layout().codec.id))
    }

    /// Video, audio, …
    pub fn media_type(&self) -> MediaType {
        MediaType::from_raw(self.read(self.ffmpeg.layout().codec.media_type))
    }

    /// Whether FFmpeg calls it experimental (it then needs the option `strict` set to
    /// `experimental`).
    pub fn is_experimental(&self) -> bool {
        self.capability_bits() & CODEC_CAP_EXPERIMENTAL != 0
    }

    /// Whether an audio encoder takes frames of any size; otherwise each frame but the last
    /// must hold exactly [`Encoder::frame_size`](super::Encoder::frame_size) samples.
    pub fn has_variable_frame_size(&self) -> bool {
        self.capability_bits() & CODEC_CAP_VARIABLE_FRAME_SIZE != 0
    }

    /// Whether it is of text subtitles (SubRip, ASS, mov_text, WebVTT, …).
    pub fn is_text_subtitle(&self) -> bool {
        self.properties() & crate::abi::constants::CODEC_PROP_TEXT_SUB != 0
    }

    /// Whether it is of bitmap subtitles (DVD, DVB, PGS, …).
    pub fn is_bitmap_subtitle(&self) -> bool {
        self.properties() & crate::abi::constants::CODEC_PROP_BITMAP_SUB != 0
    }

    /// The `AV_CODEC_PROP_*` bits of its codec's descriptor.
    fn properties(&self) -> c_int {
        // Its own id, of its own release: never refused.
        let properties = self.id().properties(&self.ffmpeg);
        properties.ok().flatten().unwrap_or(0)
    }

    pub(super) fn capability_bits(&self) -> c_int {
        self.read(self.ffmpeg.layout().codec.capabilities)
    }

    /// The pixel formats it takes.
    pub fn pixel_formats(&self) -> Supported<PixelFormat> {
        let field = self.ffmpeg.layout().codec.pix_fmts;
        let numbers = self.format_numbers(CODEC_CONFIG_PIX_FORMAT, field);
        let ffmpeg = &self.ffmpeg;
        numbers.map(|n| {
            n.into_iter()
                .filter_map(|n| ffmpeg.pixel_format_numbered(n))
                .collect()
        })
    }

    /// The pixel formats it opens with at the default strictness, which the ffmpeg CLI
    /// offers it: MJPEG's full-range (`yuvj…`) formats alone, since it refuses limited-range
    /// YUV as non-standard; every other codec's [`pixel_formats`](Self::pixel_formats).
    pub fn pixel_formats_at_normal_compliance(&self) -> Supported<PixelFormat> {
        let field = self.ffmpeg.layout().codec.pix_fmts;
        let numbers = self.format_numbers(CODEC_CONFIG_PIX_FORMAT, field);
        let ffmpeg = &self.ffmpeg;
        numbers.map(|n| {
            self.at_normal_compliance(n)
                .into_iter()
                .filter_map(|n| ffmpeg.pixel_format_numbered(n))
                .collect()
        })
    }

    /// `numbers`, pixel formats it takes, less those it refuses at the default strictness.
    fn at_normal_compliance(&self, mut numbers: Vec<c_int>) -> Vec<c_int> {
        if self.name() == "mjpeg" {
            let full_range = |&number: &c_int| {
                self.ffmpeg
                    .pixel_format_numbered(number)
                    .is_some_and(|format| format.name().starts_with("yuvj"))
            };
            if numbers.iter().any(full_range) {
                numbers.retain(full_range);
            }
        }
        numbers
    }

    /// The sample formats it takes.
    pub fn sample_formats(&self) -> Supported<SampleFormat> {
        let field = self.ffmpeg.layout().codec.sample_fmts;
        let numbers = self.format_numbers(CODEC_CONFIG_SAMPLE_FORMAT, field);
        let ffmpeg = &self.ffmpeg;
        numbers.map(|n| {
            n.into_iter()
                .filter_map(|n| ffmpeg.sample_format_numbered(n))
                .collect()
        })
    }

    /// The sample rates it takes.
    pub fn sample_rates(&self) -> Supported<u32> {
        let field = self.ffmpeg.layout().codec.supported_samplerates;
        let list = self.config_list(CODEC_CONFIG_SAMPLE_RATE, field);
        // SAFETY: FFmpeg's 0-terminated list of rates, or NULL.
        let rates = unsafe { terminated(list, |&rate| rate == 0) };
        rates.map(|rates| rates.into_iter().map(|r| r.max(0) as u32).collect())
    }

    /// The frame rates it takes: MPEG-1 and MPEG-2 video take their standard rates (MPEG-2
    /// from FFmpeg 5 also the multiples its extension codes give), most encoders any.
    pub fn frame_rates(&self) -> Supported<Rational> {
        let field = self.ffmpeg.layout().codec.supported_framerates;
        let list = self.config_list(CODEC_CONFIG_FRAME_RATE, field);
        // SAFETY: FFmpeg's list of rates ended by {0, 0}, or NULL.
        unsafe { terminated(list, |r| r.num == 0 && r.den == 0) }
    }

    /// The YUV ranges it takes, as 7.1 and later declare them (`avcodec_get_supported_config`):
    /// most encoders of MPEG's family, libwebp and libvpx take only limited range, which the
    /// 7.1 and later CLI convert full-range pictures to for them. [`Supported::Any`] where the
    /// codec declares none (libx264 takes both), and always before 7.1, whose encoders
    /// declared none and whose CLI converted no range.
    pub fn color_ranges(&self) -> Supported<Range> {
        // AVCodec has no field for it: the list is `avcodec_get_supported_config`'s alone.
        let list = self.config_list::<c_int>(CODEC_CONFIG_COLOR_RANGE, None);
        // SAFETY: FFmpeg's list of `enum AVColorRange` ended by AVCOL_RANGE_UNSPECIFIED (0),
        // or NULL.
        let numbers = unsafe { terminated(list, |&range| range == 0) };
        numbers.map(|numbers| {
            numbers
                .into_iter()
                .filter_map(crate::media::color::range_numbered)
                .collect()
        })
    }

    /// The channel counts of the layouts it takes.
    pub fn channel_counts(&self) -> Supported<u32> {
        self.channel_layouts()
            .map(|layouts| layouts.iter().map(ChannelLayout::channels).collect())
    }

    /// The channel layouts it takes.
    pub fn channel_layouts(&self) -> Supported<ChannelLayout> {
        let layout = &self.ffmpeg.layout().codec;
        let ffmpeg = &self.ffmpeg;
        let modern = self
            .supported_config(CODEC_CONFIG_CHANNEL_LAYOUT)
            .or_else(|| layout.ch_layouts.map(|field| self.read(field).cast()));
        if let Some(list) = modern {
            // SAFETY: FFmpeg's list of layouts ended by one of zero channels, or NULL; each
            // is a valid layout of the codec's static tables.
            return unsafe {
                let layouts = terminated(list.cast::<RawChannelLayout>(), |l| l.nb_channels == 0);
                layouts.map(|l| l.iter().filter_map(|l| ffmpeg.read_raw(l)).collect())
            };
        }
        let Some(field) = layout.channel_layouts else {
            return Supported::Any;
        };
        // SAFETY: FFmpeg's 0-terminated list of channel masks, or NULL.
        let masks = unsafe { terminated(self.read(field), |&mask| mask == 0) };
        masks.map(|masks| {
            let layouts = masks.into_iter();
            layouts
                .map(|mask| ffmpeg.channel_layout_of_mask(mask))
                .collect()
        })
    }

    /// The pixel format among those it takes that loses least of `source` (FFmpeg's
    /// `avcodec_find_best_pix_fmt_of_list`, as the ffmpeg CLI chooses); `source` itself
    /// when it takes any. It chooses among the
    /// [formats it opens with by default](Self::pixel_formats_at_normal_compliance), as the
    /// CLI does.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`] for an unknown `source` name, [`Error::Incompatible`] for a
    /// format of another libavutil major.
    pub fn best_pixel_format(&self, source: impl FormatArg<PixelFormat>) -> Result<PixelFormat> {
        let f = self.ffmpeg.functions();
        let source_number = source.number_in(&self.ffmpeg)?;
        let source = PixelFormat::new(&self.ffmpeg, source_number);
        let numbers = match self
            .format_numbers(CODEC_CONFIG_PIX_FORMAT, self.ffmpeg.layout().codec.pix_fmts)
        {
            Supported::Any => return Ok(source),
            Supported::Only(numbers) => numbers,
        };
        let mut list = self.at_normal_compliance(numbers);
        list.push(-1);
        // As libavfilter's `pick_format`, through which the CLI converts: a source has alpha
        // where its components are even in number (YUVA, RGBA, YA), so PAL8, whose palette
        // holds alpha, counts as without (gbrp, not yuva420p, for VP9).
        let components = source.components();
        let has_alpha = components > 0 && components.is_multiple_of(2);
        // SAFETY: a -1-terminated list of formats the library knows.
        let best = unsafe {
            (f.avcodec_find_best_pix_fmt_of_list)(
                list.as_ptr(),
                source_number,
                c_int::from(has_alpha),
                std::ptr::null_mut(),
            )
        };
        self.ffmpeg.pixel_format_numbered(best).ok_or_else(|| {
            Error::unsupported(
                "Codec::best_pixel_format",
                format!("no format for {source}"),
            )
        })
    }

    /// The sample format among those it takes that FFmpeg's filters convert `source` to,
    /// as the ffmpeg CLI's graph settles it (libavfilter's `swap_sample_fmts`): `source`'s
    /// planar or interleaved twin; for 32-bit samples, 64-bit ones; else the nearest size,
    /// a larger one before a smaller; the first of equals. `source` itself when it takes any.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`] for an unknown `source` name, [`Error::Incompatible`] for a
    /// format of another libavutil major.
    pub fn best_sample_format(&self, source: impl FormatArg<SampleFormat>) -> Result<SampleFormat> {
        let source = SampleFormat::new(&self.ffmpeg, source.number_in(&self.ffmpeg)?);
        let Supported::Only(formats) = self.sample_formats() else {
            return Ok(source);
        };
        let bytes = source.bytes_per_sample() as i64;
        let mut best: Option<(i64, &SampleFormat)> = None;
        for format in &formats {
            let format_bytes = format.bytes_per_sample() as i64;
            if format.holds_same_samples_as(&source) || (bytes == 4 && format_bytes == 8) {
                return Ok(format.clone());
            }
            let score =
                -(format_bytes - bytes).abs() + i64::from(format_bytes >= bytes) * (1 << 40);
            if best.is_none_or(|(best_score, _)| score > best_score) {
                best = Some((score, format));
            }
        }
        Ok(best.map_or(source, |(_, format)| format.clone()))
    }

    /// The sample rate among those it takes nearest `wanted`, the first of two as near, as
    /// the ffmpeg CLI's graph settles it (libavfilter's `swap_samplerates`); `wanted` when
    /// it takes any.
    pub fn best_sample_rate(&self, wanted: u32) -> u32 {
        let Supported::Only(rates) = self.sample_rates() else {
            return wanted;
        };
        let mut best: Option<u32> = None;
        for rate in rates {
            if best.is_none_or(|b| rate.abs_diff(wanted) < b.abs_diff(wanted)) {
                best = Some(rate);
            }
        }
        best.unwrap_or(wanted)
    }

    /// The frame rate among those it takes nearest `wanted`, the first of two as near, as
    /// the ffmpeg CLI sets its encoder's rate (`av_find_nearest_q_idx`): 60 a second for
    /// MPEG-2 asked for 90 000; `wanted` when it takes any.
    pub fn nearest_frame_rate(&self, wanted: Rational) -> Rational {
        let Supported::Only(rates) = self.frame_rates() else {
            return wanted;
        };
        // |wanted - rate|, over a common denominator of wanted's and every rate's: so
        // distances compare as |wanted.num * rate.den - rate.num * wanted.den| / rate.den.
        let distance = |rate: &Rational| {
            let apart = i128::from(wanted.num) * i128::from(rate.den)
                - i128::from(rate.num) * i128::from(wanted.den);
            (apart.unsigned_abs(), i128::from(rate.den).unsigned_abs())
        };
        let nearer = |a: (u128, u128), b: (u128, u128)| a.0 * b.1 < b.0 * a.1;
        let mut best: Option<(Rational, (u128, u128))> = None;
        for rate in rates.into_iter().filter(|r| r.den != 0) {
            let d = distance(&rate);
            if best.is_none_or(|(_, best)| nearer(d, best)) {
                best = Some((rate, d));
            }
        }
        best.map_or(wanted, |(rate, _)| rate)
    }

    /// A -1-terminated list of format numbers, from `avcodec_get_supported_config` where the
    /// release has it, else from the codec's own field.
    fn format_numbers(
        &self,
        config: c_int,
        field: Option<Field<AVCodec, *const c_int>>,
    ) -> Supported<c_int> {
        let list = self.config_list(config, field);
        // SAFETY: FFmpeg's -1-terminated list, or NULL.
        unsafe { terminated(list, |&format| format == -1) }
    }

    /// The list of `config` values: `avcodec_get_supported_config`'s where the release has
    /// it, else the codec's own `field` (NULL for "any", or where the family has no field).
    fn config_list<T>(&self, config: c_int, field: Option<Field<AVCodec, *const T>>) -> *const T {
        match self.supported_config(config) {
            Some(list) => list.cast(),
            None => field.map_or(std::ptr::null(), |f| self.read(f)),
        }
    }

    /// `avcodec_get_supported_config`'s list (NULL for "any"), or `None` when the release
    /// lacks the function or refuses the question.
    fn supported_config(&self, config: c_int) -> Option<*const c_void> {
        let get = self.ffmpeg.functions().avcodec_get_supported_config?;
        let mut values = std::ptr::null();
        // SAFETY: no context (defaults), a registered codec, and an out pointer.
        let status = unsafe {
            get(
                std::ptr::null(),
                self.codec,
                config,
                0,
                &mut values,
                std::ptr::null_mut(),
            )
        };
        (status >= 0).then_some(values)
    }
}

/// Copies a list FFmpeg ends with a terminator value; NULL means "any".
///
/// # Safety
///
/// `list` is NULL or points to `T`s of which one satisfies `is_end`.
unsafe fn terminated<T: Copy>(list: *const T, is_end: impl Fn(&T) -> bool) -> Supported<T> {
    if list.is_null() {
        return Supported::Any;
    }
    let mut values = Vec::new();
    // SAFETY: per the contract, reading stops at the terminator.
    unsafe {
        let mut item = list;
        while !is_end(&*item) {
            values.push(*item);
            item = item.add(1);
        }
    }
    Supported::Only(values)
}

impl<T> Supported<T> {
    fn map<U>(self, convert: impl FnOnce(Vec<T>) -> Vec<U>) -> Supported<U> {
        match self {
            Supported::Any => Supported::Any,
            Supported::Only(values) => Supported::Only(convert(values)),
        }
    }
}

impl std::fmt::Debug for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Codec")
            .field("name", &self.name())
            .field("id", &self.id())
            .finish()
    }
}
