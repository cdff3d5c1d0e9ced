//! [`ChannelLayout`]: which audio channels, read from and written to whichever API the loaded
//! family has (`AVChannelLayout` from 5.1 on, the legacy count and mask before).

use std::ffi::{CString, c_char, c_int};

use crate::abi::ChannelFields;
use crate::abi::constants::{CHANNEL_ORDER_NATIVE, CHANNEL_ORDER_UNSPEC};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::sys::RawChannelLayout;

/// An audio channel layout: the channel count and, when the source says which channels they
/// are, their mask of FFmpeg's `AV_CH_*` bits, with FFmpeg's name of it (`stereo`,
/// `5.1(side)`, `3 channels`).
///
/// Unlike pixel and sample formats, the mask means the same channels in every release, so a
/// layout read from one loaded FFmpeg may be given to another. A layout in an order other
/// than the mask's (custom or ambisonic) has no mask but keeps its count and FFmpeg's name
/// of it (`ambisonic 1`); written back, it is parsed from that name, and has the count only
/// where the loaded FFmpeg cannot parse it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelLayout {
    channels: u32,
    mask: Option<u64>,
    name: String,
    /// Whether the channels are named in an order other than the mask's (custom, ambisonic).
    other_order: bool,
}

impl ChannelLayout {
    /// The number of channels.
    pub fn channels(&self) -> u32 {
        self.channels
    }

    /// The channels' `AV_CH_*` mask; `None` when the source gave a count only (FFmpeg's
    /// unspecified order) or an order a mask cannot say.
    pub fn mask(&self) -> Option<u64> {
        self.mask
    }

    /// FFmpeg's description, as ffprobe's `channel_layout` gives it; for a count only,
    /// FFmpeg's `3 channels` where ffprobe prints `unknown`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the source said only how many channels there are: not for a layout in a
    /// custom or ambisonic order, which has no mask but says which channels they are.
    pub fn is_unspecified(&self) -> bool {
        self.mask.is_none() && !self.other_order
    }

    /// This layout, or for a count only FFmpeg's default layout for the count, as decoders'
    /// frames get it and so the CLI's graphs and resamplers.
    pub(crate) fn or_default(self, ffmpeg: &Ffmpeg) -> Result<ChannelLayout> {
        if self.is_unspecified() {
            ffmpeg.default_channel_layout(self.channels)
        } else {
            Ok(self)
        }
    }

    /// The layout of `channels` with `mask` (`None`: the count only), named by `ffmpeg`.
    fn describe(ffmpeg: &Ffmpeg, channels: c_int, mask: Option<u64>) -> ChannelLayout {
        let f = ffmpeg.functions();
        let mut buffer = [0 as c_char; 128];
        // SAFETY: both describe functions write at most the given size, NUL-terminated; the
        // layout described is a local one that owns no memory.
        let name = unsafe {
            match (f.av_channel_layout_describe, f.av_get_channel_layout_string) {
                (Some(describe), _) => {
                    let raw = raw_layout(channels, mask);
                    describe(&raw, buffer.as_mut_ptr(), buffer.len());
                }
                (None, Some(describe)) => describe(
                    buffer.as_mut_ptr(),
                    buffer.len() as c_int,
                    channels,
                    mask.unwrap_or(0),
                ),
                (None, None) => {}
            }
            crate::sys::c_text(buffer.as_ptr())
        };
        let name = Some(name)
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| format!("{channels} channels"));
        ChannelLayout {
            channels: channels as u32,
            mask,
            name,
            other_order: false,
        }
    }
}

impl std::fmt::Display for ChannelLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Ffmpeg {
    /// The channel layout FFmpeg names so: `mono`, `stereo`, `5.1`, `7.1(wide)`, a list of
    /// channels (`FL+FR+LFE`), or a count (`3c`), as the CLI's `-ch_layout` takes it.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`] when this FFmpeg does not know the name,
    /// [`Error::InvalidText`] for a name with a NUL.
    pub fn channel_layout(&self, name: &str) -> Result<ChannelLayout> {
        let c_name = CString::new(name).map_err(|_| Error::invalid_text("channel layout", name))?;
        let unknown = || Error::unknown_name("channel layout", name);
        let f = self.functions();
        if let (Some(_), Some(uninit)) =
            (f.av_channel_layout_from_string, f.av_channel_layout_uninit)
        {
            let layout = parse(self, &c_name).and_then(|mut raw| {
                // SAFETY: a layout this FFmpeg parsed, read, then freed with whatever map it
                // allocated.
                unsafe {
                    let layout = self.read_raw(&raw);
                    uninit(&mut raw);
                    layout
                }
            });
            return layout.ok_or_else(unknown);
        }
        let lookup = f
            .av_get_extended_channel_layout
            .ok_or_else(|| Error::unsupported("Ffmpeg::channel_layout", "no channel layout API"))?;
        let (mut mask, mut channels) = (0u64, 0 as c_int);
        // SAFETY: a lookup in FFmpeg's static tables, writing two locals.
        let status = unsafe { lookup(c_name.as_ptr(), &mut mask, &mut channels) };
        if status < 0 || channels <= 0 {
            return Err(unknown());
        }
        Ok(ChannelLayout::describe(
            self,
            channels,
            Some(mask).filter(|&m| m != 0),
        ))
    }

    /// FFmpeg's default layout for `channels` (stereo for 2, 5.1 for 6, …); a count without
    /// a mask where FFmpeg has none.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for 0 or a count beyond a C `int`.
    pub fn default_channel_layout(&self, channels: u32) -> Result<ChannelLayout> {
        let count = c_int::try_from(channels)
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| Error::out_of_range("channels", channels))?;
        let f = self.functions();
        let mask = if let Some(set_default) = f.av_channel_layout_default {
            let mut raw = raw_layout(0, None);
            // SAFETY: fills a local layout; a default one is native or unspecified, neither
            // of which owns memory.
            unsafe { set_default(&mut raw, count) };
            (raw.order == CHANNEL_ORDER_NATIVE).then_some(raw.mask_or_map)
        } else {
            // SAFETY: a lookup in FFmpeg's static table.
            let default = f.av_get_default_channel_layout.map(|d| unsafe { d(count) });
            default.filter(|&m| m > 0).map(|m| m as u64)
        };
        Ok(ChannelLayout::describe(self, count, mask))
    }

    /// The native layout of the channels `mask` names.
    pub(crate) fn channel_layout_of_mask(&self, mask: u64) -> ChannelLayout {
        ChannelLayout::describe(self, mask.count_ones() as c_int, Some(mask))
    }

    /// A layout FFmpeg filled; `None` without channels.
    ///
    /// # Safety
    ///
    /// `raw` is a valid layout of this FFmpeg (a custom one's map alive).
    pub(crate) unsafe fn read_raw(&self, raw: &RawChannelLayout) -> Option<ChannelLayout> {
        if raw.nb_channels <= 0 {
            return None;
        }
        let mask = (raw.order == CHANNEL_ORDER_NATIVE).then_some(raw.mask_or_map);
        let mut layout = ChannelLayout::describe(self, raw.nb_channels, mask);
        if let (None, Some(describe)) = (mask, self.functions().av_channel_layout_describe) {
            // A custom or ambisonic order: FFmpeg's own name of it.
            let mut buffer = [0 as c_char; 128];
            // SAFETY: per the contract; writes at most the given size, NUL-terminated.
            unsafe {
                describe(raw, buffer.as_mut_ptr(), buffer.len());
                layout.name = crate::sys::c_text(buffer.as_ptr());
            }
            layout.other_order = raw.order != CHANNEL_ORDER_UNSPEC;
        }
        Some(layout)
    }
}

/// The layout an audio filter graph's sink negotiated; `None` for video or an unknown one.
pub(crate) fn of_sink(
    ffmpeg: &Ffmpeg,
    sink: *const crate::sys::objects::AVFilterContext,
) -> Option<ChannelLayout> {
    let f = ffmpeg.functions();
    if let (Some(get), Some(uninit)) = (f.av_buffersink_get_ch_layout, f.av_channel_layout_uninit) {
        let mut raw = raw_layout(0, None);
        // SAFETY: a configured sink copies its layout into `raw` (allocating a custom map,
        // freed below by uninit).
        unsafe {
            let layout = (get(sink, &mut raw) >= 0)
                .then(|| ffmpeg.read_raw(&raw))
                .flatten();
            uninit(&mut raw);
            return layout;
        }
    }
    let channels = f.av_buffersink_get_channels.map(|get| {
        // SAFETY: reads a configured sink's channel count.
        unsafe { get(sink) }
    })?;
    let mask = f.av_buffersink_get_channel_layout.map(|get| {
        // SAFETY: reads a configured sink's channel mask.
        unsafe { get(sink) }
    });
    (channels > 0).then(|| ChannelLayout::describe(ffmpeg, channels, mask.filter(|&m| m != 0)))
}

/// A layout that owns no memory: native with `mask`, else a count in unspecified order.
fn raw_layout(channels: c_int, mask: Option<u64>) -> RawChannelLayout {
    RawChannelLayout {
        order: if mask.is_some() {
            CHANNEL_ORDER_NATIVE
        } else {
            CHANNEL_ORDER_UNSPEC
        },
        nb_channels: channels,
        mask_or_map: mask.unwrap_or(0),
        opaque: std::ptr::null_mut(),
    }
}

/// The layout of a frame, codec context or codec parameters; `None` without channels.
///
/// # Safety
///
/// `object` is a live struct whose layout the fields come from.
pub(crate) unsafe fn read<S>(
    ffmpeg: &Ffmpeg,
    object: *const S,
    fields: ChannelFields<S>,
) -> Option<ChannelLayout> {
    // SAFETY: per the contract: fields at proven offsets of the live object.
    unsafe {
        match (fields.ch_layout, fields.channels, fields.mask) {
            (Some(ch_layout), _, _) => ffmpeg.read_raw(&*ch_layout.address(object)),
            (None, Some(channels), Some(mask)) => {
                let count = channels.read(object);
                // As those releases' avcodec_open2: a mask of another count than the one
                // stated (a stream whose layout changed while it was probed) is ignored.
                let mask = Some(mask.read(object))
                    .filter(|&m| m != 0 && i64::from(m.count_ones()) == i64::from(count));
                (count > 0).then(|| ChannelLayout::describe(ffmpeg, count, mask))
            }
            _ => None,
        }
    }
}

/// Sets `layout` on a frame or codec context, replacing the one it had.
///
/// # Safety
///
/// As for [`read`], and nothing else accesses the fields meanwhile.
pub(crate) unsafe fn write<S>(
    ffmpeg: &Ffmpeg,
    object: *mut S,
    fields: ChannelFields<S>,
    layout: &ChannelLayout,
) -> Result<()> {
    let count = c_int::try_from(layout.channels)
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| Error::out_of_range("channels", layout.channels))?;
    let f = ffmpeg.functions();
    // SAFETY: writes at proven offsets of the live object, after FFmpeg freed what the old
    // layout owned.
    unsafe {
        if let (Some(ch_layout), Some(uninit), Some(from_mask)) = (
            fields.ch_layout,
            f.av_channel_layout_uninit,
            f.av_channel_layout_from_mask,
        ) {
            let target = ch_layout.address(object).cast_mut();
            uninit(target);
            return match layout.mask {
                Some(mask) => check(
                    ffmpeg,
                    "av_channel_layout_from_mask",
                    from_mask(target, mask),
                )
                .map(drop),
                None => {
                    let parsed = layout
                        .other_order
                        .then(|| parse_other_order(ffmpeg, layout, count))
                        .flatten();
                    // The object takes over the parsed layout's map, freed with it.
                    ch_layout.write(object, parsed.unwrap_or(raw_layout(count, None)));
                    Ok(())
                }
            };
        }
        let (Some(channels), Some(mask)) = (fields.channels, fields.mask) else {
            return Err(Error::unsupported(
                "channel layout",
                "this FFmpeg has no channel layout API",
            ));
        };
        channels.write(object, count);
        mask.write(object, layout.mask.unwrap_or(0));
    }
    Ok(())
}

/// A custom or ambisonic order parsed back from FFmpeg's own description of it (its map
/// owned by the result); `None` where this FFmpeg cannot parse it into `count` channels.
fn parse_other_order(
    ffmpeg: &Ffmpeg,
    layout: &ChannelLayout,
    count: c_int,
) -> Option<RawChannelLayout> {
    let uninit = ffmpeg.functions().av_channel_layout_uninit?;
    let name = CString::new(layout.name.as_str()).ok()?;
    let mut raw = parse(ffmpeg, &name)?;
    if raw.nb_channels == count {
        return Some(raw);
    }
    // SAFETY: a layout this FFmpeg parsed, of another count: freed here, used no more.
    unsafe { uninit(&mut raw) };
    None
}

/// `name` parsed by this FFmpeg (`av_channel_layout_from_string`), its map owned by the
/// result: the caller frees it, or hands it to an object that does. `None` where it does
/// not parse, or this FFmpeg has no such call.
fn parse(ffmpeg: &Ffmpeg, name: &std::ffi::CStr) -> Option<RawChannelLayout> {
    let f = ffmpeg.functions();
    let (from_string, uninit) = (
        f.av_channel_layout_from_string?,
        f.av_channel_layout_uninit?,
    );
    let mut raw = raw_layout(0, None);
    // SAFETY: parses into a local layout; a failed parse is freed here (uninit takes a
    // zeroed layout too).
    unsafe {
        if from_string(&mut raw, name.as_ptr()) >= 0 {
            return Some(raw);
        }
        uninit(&mut raw);
    }
    None
}

/// Gives channels that have a count but no layout FFmpeg's default layout for the count
/// (mono, stereo, 5.1…), as the ffmpeg CLI guesses every input's; a count FFmpeg has no
/// default for, and a layout already said, stay as they are.
///
/// # Safety
///
/// As for [`write`].
pub(crate) unsafe fn guess_unspecified<S>(
    ffmpeg: &Ffmpeg,
    object: *mut S,
    fields: ChannelFields<S>,
) -> Result<()> {
    // SAFETY: per the contract: fields at proven offsets of the live object.
    let count = unsafe {
        if !fields.is_unspecified(object) {
            return Ok(());
        }
        fields.count(object)
    };
    let Some(count) = count.and_then(|c| u32::try_from(c).ok()).filter(|&c| c > 0) else {
        return Ok(());
    };
    let guessed = ffmpeg.default_channel_layout(count)?;
    if guessed.mask.is_none() {
        return Ok(());
    }
    // SAFETY: per the contract.
    unsafe { write(ffmpeg, object, fields, &guessed) }
}

/// What a call taking a channel layout accepts: a [`ChannelLayout`], FFmpeg's name of one
/// (`"stereo"`), or a count (FFmpeg's default layout for it).
pub trait ChannelLayoutArg: sealed::Sealed {
    /// The layout, resolved in `ffmpeg`.
    #[doc(hidden)]
    fn layout_in(&self, ffmpeg: &Ffmpeg) -> Result<ChannelLayout>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for &super::ChannelLayout {}
    impl Sealed for &str {}
    impl Sealed for u32 {}
}

impl ChannelLayoutArg for &ChannelLayout {
    fn layout_in(&self, _: &Ffmpeg) -> Result<ChannelLayout> {
        Ok((*self).clone())
    }
}

impl ChannelLayoutArg for &str {
    fn layout_in(&self, ffmpeg: &Ffmpeg) -> Result<ChannelLayout> {
        ffmpeg.channel_layout(self)
    }
}

impl ChannelLayoutArg for u32 {
    fn layout_in(&self, ffmpeg: &Ffmpeg) -> Result<ChannelLayout> {
        ffmpeg.default_channel_layout(*self)
    }
}
