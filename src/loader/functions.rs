//! The function table: every FFmpeg function the crate calls, with its library, the families
//! (libavcodec majors) that have it, and whether it is required. Signatures follow FFmpeg's
//! headers; a `*mut c_void` stands for a struct the crate only touches through `abi`.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::symbols::{Requirement, SymbolSpec, ffi_functions};
use crate::sys::objects::{
    AVAudioFifo, AVBSFContext, AVBitStreamFilter, AVBufferRef, AVCodec, AVCodecContext,
    AVCodecParameters, AVCodecParser, AVCodecParserContext, AVDictionary, AVDictionaryEntry,
    AVFilter, AVFilterContext, AVFilterGraph, AVFilterInOut, AVFilterPad, AVFormatContext, AVFrame,
    AVFrameSideData, AVIOContext, AVInputFormat, AVOption, AVOutputFormat, AVPacket,
    AVPacketSideData, AVPixFmtDescriptor, AVProgram, AVStream, AVStreamGroup, AVSubtitle,
    SwrContext, SwsContext,
};
use crate::sys::{Library, Rational, RawChannelLayout};
use std::ffi::CStr;

/// FFmpeg's log callback. The last argument is a `va_list`; on x86_64 and aarch64 Linux a
/// `va_list` parameter is passed as a pointer, which is all the crate forwards it as.
pub(crate) type LogCallback = unsafe extern "C" fn(*mut c_void, c_int, *const c_char, *mut c_void);

ffi_functions! {
    always AvUtil fn av_version_info() -> *const c_char;
    always AvUtil fn av_get_cpu_flags() -> c_int;
    always AvUtil fn av_force_cpu_flags(flags: c_int);
    always AvUtil fn av_log_set_callback(callback: Option<LogCallback>);
    always AvUtil fn av_log_set_level(level: c_int);
    always AvUtil fn av_log_get_level() -> c_int;
    always AvUtil fn av_strerror(errnum: c_int, buf: *mut c_char, size: usize) -> c_int;
    always AvUtil fn av_malloc(size: usize) -> *mut c_void;
    always AvUtil fn av_max_alloc(max: usize);
    always AvUtil fn av_mallocz(size: usize) -> *mut c_void;
    always AvUtil fn av_dynarray_add_nofree(
        table: *mut c_void,
        count: *mut c_int,
        element: *mut c_void,
    ) -> c_int;
    always AvUtil fn av_free(ptr: *mut c_void);
    always AvUtil fn av_opt_set(
        obj: *mut c_void,
        name: *const c_char,
        value: *const c_char,
        search_flags: c_int,
    ) -> c_int;
    /// The option after `previous` (the first after NULL) of an object with an AVClass.
    always AvUtil fn av_opt_next(obj: *const c_void, previous: *const AVOption) -> *const AVOption;
    /// An option's value as text, allocated with av_malloc for the caller to free.
    always AvUtil fn av_opt_get(
        obj: *mut c_void,
        name: *const c_char,
        search_flags: c_int,
        value: *mut *mut u8,
    ) -> c_int;
    always AvUtil fn av_opt_find(
        obj: *mut c_void,
        name: *const c_char,
        unit: *const c_char,
        opt_flags: c_int,
        search_flags: c_int,
    ) -> *const AVOption;
    always AvUtil fn av_frame_alloc() -> *mut AVFrame;
    always AvUtil fn av_frame_copy_props(target: *mut AVFrame, source: *const AVFrame) -> c_int;
    /// Its size is an `int` in 4.x, hence bound from 5.x only.
    required AvUtil [59..] fn av_buffer_allocz(size: usize) -> *mut AVBufferRef;
    always AvUtil fn av_buffer_unref(buffer: *mut *mut AVBufferRef);
    always AvUtil fn av_frame_free(frame: *mut *mut AVFrame);
    always AvUtil fn av_frame_get_buffer(frame: *mut AVFrame, align: c_int) -> c_int;
    always AvUtil fn av_get_pix_fmt(name: *const c_char) -> c_int;
    always AvUtil fn av_get_sample_fmt(name: *const c_char) -> c_int;
    always AvUtil fn av_frame_unref(frame: *mut AVFrame);
    always AvUtil fn av_frame_ref(target: *mut AVFrame, source: *const AVFrame) -> c_int;
    always AvUtil fn av_frame_make_writable(frame: *mut AVFrame) -> c_int;
    always AvUtil fn av_frame_apply_cropping(frame: *mut AVFrame, flags: c_int) -> c_int;
    always AvUtil fn av_frame_side_data_name(kind: c_uint) -> *const c_char;
    always AvUtil fn av_frame_remove_side_data(frame: *mut AVFrame, kind: c_uint);
    /// Adds a zeroed `AVDynamicHDRPlus` to the frame; the self-check reads its size. Since
    /// 4.2: 4.1 has no HDR10+.
    optional AvUtil [58..] fn av_dynamic_hdr_plus_create_side_data(frame: *mut AVFrame) -> *mut c_void;
    /// `size` is an `int` in 4.x and a `size_t` since: passed as a `size_t`, whose low half
    /// is the `int` where the callee reads one.
    always AvUtil fn av_frame_new_side_data(
        frame: *mut AVFrame,
        kind: c_uint,
        size: usize,
    ) -> *mut AVFrameSideData;
    /// Arrays of side data outside a frame (a graph's links'), since libavutil 59 (7.0).
    optional AvUtil [61..] fn av_frame_side_data_new(
        entries: *mut *mut *mut AVFrameSideData,
        count: *mut c_int,
        kind: c_uint,
        size: usize,
        flags: c_uint,
    ) -> *mut AVFrameSideData;
    /// Since libavutil 59 (7.0).
    optional AvUtil [61..] fn av_frame_side_data_free(
        entries: *mut *mut *mut AVFrameSideData,
        count: *mut c_int,
    );
    /// The legacy channel-layout helper, gone with libavutil 59 (7.0).
    optional AvUtil [58..=60] fn av_get_default_channel_layout(channels: c_int) -> i64;
    always AvUtil fn av_dict_set(
        dictionary: *mut *mut AVDictionary,
        key: *const c_char,
        value: *const c_char,
        flags: c_int,
    ) -> c_int;
    always AvUtil fn av_dict_copy(
        target: *mut *mut AVDictionary,
        source: *const AVDictionary,
        flags: c_int,
    ) -> c_int;
    always AvUtil fn av_dict_free(dictionary: *mut *mut AVDictionary);
    always AvUtil fn av_dict_get(
        dictionary: *const AVDictionary,
        key: *const c_char,
        previous: *const AVDictionaryEntry,
        flags: c_int,
    ) -> *const AVDictionaryEntry;
    always AvUtil fn av_image_copy_to_buffer(
        dst: *mut u8,
        dst_size: c_int,
        src_data: *const *const u8,
        src_linesize: *const c_int,
        pix_fmt: c_int,
        width: c_int,
        height: c_int,
        align: c_int,
    ) -> c_int;
    always AvUtil fn av_image_get_buffer_size(
        pix_fmt: c_int,
        width: c_int,
        height: c_int,
        align: c_int,
    ) -> c_int;
    always AvUtil fn av_image_fill_pointers(
        data: *mut *mut u8,
        pix_fmt: c_int,
        height: c_int,
        base: *mut u8,
        linesizes: *const c_int,
    ) -> c_int;
    always AvUtil fn av_image_fill_linesizes(
        linesizes: *mut c_int,
        pix_fmt: c_int,
        width: c_int,
    ) -> c_int;
    always AvUtil fn av_color_range_name(range: c_uint) -> *const c_char;
    always AvUtil fn av_chroma_location_name(location: c_uint) -> *const c_char;
    always AvUtil fn av_color_space_name(space: c_uint) -> *const c_char;
    always AvUtil fn av_color_primaries_name(primaries: c_uint) -> *const c_char;
    always AvUtil fn av_color_transfer_name(transfer: c_uint) -> *const c_char;
    always AvUtil fn av_color_range_from_name(name: *const c_char) -> c_int;
    always AvUtil fn av_color_space_from_name(name: *const c_char) -> c_int;
    always AvUtil fn av_color_primaries_from_name(name: *const c_char) -> c_int;
    always AvUtil fn av_color_transfer_from_name(name: *const c_char) -> c_int;
    always AvUtil fn av_chroma_location_from_name(name: *const c_char) -> c_int;
    always AvUtil fn av_display_rotation_get(matrix: *const i32) -> f64;
    optional AvUtil [58..] fn av_stereo3d_type_name(kind: c_uint) -> *const c_char;
    /// The name of an `enum AVAlphaMode` (`premultiplied`, `straight`), since libavutil 60.11.
    optional AvUtil [62..] fn av_alpha_mode_name(mode: c_int) -> *const c_char;
    /// Readies an `AVBPrint` (its text in its own bytes where `size_max` is 1).
    optional AvUtil [58..] fn av_bprint_init(buffer: *mut c_void, size_init: c_uint, size_max: c_uint);
    optional AvUtil [58..] fn av_spherical_projection_name(projection: c_int) -> *const c_char;
    optional AvUtil [58..] fn av_stereo3d_from_name(name: *const c_char) -> c_int;
    always AvUtil fn av_get_pix_fmt_name(pix_fmt: c_int) -> *const c_char;
    /// The next pixel format descriptor (the first after NULL); NULL after the last.
    always AvUtil fn av_pix_fmt_desc_next(previous: *const AVPixFmtDescriptor) -> *const AVPixFmtDescriptor;
    always AvUtil fn av_pix_fmt_desc_get_id(descriptor: *const AVPixFmtDescriptor) -> c_int;
    always AvUtil fn av_pix_fmt_desc_get(format: c_int) -> *const AVPixFmtDescriptor;
    always AvUtil fn av_audio_fifo_alloc(
        sample_fmt: c_int,
        channels: c_int,
        samples: c_int,
    ) -> *mut AVAudioFifo;
    always AvUtil fn av_audio_fifo_free(fifo: *mut AVAudioFifo);
    always AvUtil fn av_audio_fifo_write(
        fifo: *mut AVAudioFifo,
        data: *const *mut u8,
        samples: c_int,
    ) -> c_int;
    always AvUtil fn av_audio_fifo_read(
        fifo: *mut AVAudioFifo,
        data: *const *mut u8,
        samples: c_int,
    ) -> c_int;
    always AvUtil fn av_audio_fifo_size(fifo: *mut AVAudioFifo) -> c_int;
    always AvUtil fn av_get_bytes_per_sample(sample_fmt: c_int) -> c_int;
    always AvUtil fn av_sample_fmt_is_planar(sample_fmt: c_int) -> c_int;
    always AvUtil fn av_get_sample_fmt_name(sample_fmt: c_int) -> *const c_char;
    always AvUtil fn av_get_picture_type_char(picture_type: c_int) -> c_char;
    always AvUtil fn av_get_media_type_string(media_type: c_int) -> *const c_char;
    /// `AVChannelLayout` helpers arrived in libavutil 57.24 (FFmpeg 5.1), inside family 5.x.
    optional AvUtil [59..] fn av_channel_layout_default(layout: *mut RawChannelLayout, channels: c_int);
    optional AvUtil [59..] fn av_channel_layout_describe(
        layout: *const RawChannelLayout,
        buffer: *mut c_char,
        size: usize,
    ) -> c_int;
    optional AvUtil [59..] fn av_channel_layout_from_mask(layout: *mut RawChannelLayout, mask: u64) -> c_int;
    optional AvUtil [59..] fn av_channel_layout_from_string(
        layout: *mut RawChannelLayout,
        text: *const c_char,
    ) -> c_int;
    optional AvUtil [59..] fn av_channel_layout_uninit(layout: *mut RawChannelLayout);
    /// The legacy lookup by name (`stereo`, `5.1`, `FL+FR`, `3c`): a mask and a count.
    optional AvUtil [58..=60] fn av_get_extended_channel_layout(
        name: *const c_char,
        mask: *mut u64,
        channels: *mut c_int,
    ) -> c_int;
    optional AvUtil [58..=60] fn av_get_channel_layout_string(
        buffer: *mut c_char,
        size: c_int,
        channels: c_int,
        mask: u64,
    );

    always SwResample fn swr_alloc() -> *mut SwrContext;
    always SwResample fn swr_free(context: *mut *mut SwrContext);
    always SwResample fn swr_config_frame(context: *mut SwrContext, out: *const AVFrame, input: *const AVFrame) -> c_int;
    always SwResample fn swr_init(context: *mut SwrContext) -> c_int;
    always SwResample fn swr_convert_frame(context: *mut SwrContext, out: *mut AVFrame, input: *const AVFrame) -> c_int;
    always SwResample fn swr_get_delay(context: *mut SwrContext, base: i64) -> i64;

    always SwScale fn sws_getCachedContext(
        context: *mut SwsContext,
        src_w: c_int,
        src_h: c_int,
        src_format: c_int,
        dst_w: c_int,
        dst_h: c_int,
        dst_format: c_int,
        flags: c_int,
        src_filter: *mut c_void,
        dst_filter: *mut c_void,
        param: *const f64,
    ) -> *mut SwsContext;
    always SwScale fn sws_scale(
        context: *mut SwsContext,
        src: *const *const u8,
        src_stride: *const c_int,
        src_slice_y: c_int,
        src_slice_h: c_int,
        dst: *const *mut u8,
        dst_stride: *const c_int,
    ) -> c_int;
    always SwScale fn sws_freeContext(context: *mut SwsContext);
    always SwScale fn sws_isSupportedInput(pix_fmt: c_int) -> c_int;
    always SwScale fn sws_isSupportedOutput(pix_fmt: c_int) -> c_int;
    always SwScale fn sws_getCoefficients(colorspace: c_int) -> *const c_int;
    always SwScale fn sws_setColorspaceDetails(
        context: *mut SwsContext,
        source_table: *const c_int,
        source_full_range: c_int,
        target_table: *const c_int,
        target_full_range: c_int,
        brightness: c_int,
        contrast: c_int,
        saturation: c_int,
    ) -> c_int;

    always AvCodec fn avcodec_configuration() -> *const c_char;
    always AvCodec fn avcodec_license() -> *const c_char;
    always AvCodec fn avcodec_find_decoder_by_name(name: *const c_char) -> *const AVCodec;
    always AvCodec fn avcodec_find_encoder_by_name(name: *const c_char) -> *const AVCodec;
    always AvCodec fn avcodec_get_name(id: c_uint) -> *const c_char;
    always AvCodec fn avcodec_descriptor_get(id: c_uint) -> *const c_void;
    always AvCodec fn avcodec_profile_name(id: c_uint, profile: c_int) -> *const c_char;
    always AvCodec fn av_get_bits_per_sample(id: c_uint) -> c_int;
    always AvCodec fn av_codec_iterate(opaque: *mut *mut c_void) -> *const AVCodec;
    always AvCodec fn av_codec_is_encoder(codec: *const AVCodec) -> c_int;
    always AvCodec fn av_codec_is_decoder(codec: *const AVCodec) -> c_int;
    always AvCodec fn avcodec_find_decoder(id: c_uint) -> *const AVCodec;
    always AvCodec fn avcodec_find_encoder(id: c_uint) -> *const AVCodec;
    always AvCodec fn avcodec_find_best_pix_fmt_of_list(
        list: *const c_int,
        source: c_int,
        has_alpha: c_int,
        loss: *mut c_int,
    ) -> c_int;
    always AvCodec fn avcodec_open2(
        context: *mut AVCodecContext,
        codec: *const AVCodec,
        options: *mut *mut AVDictionary,
    ) -> c_int;
    always AvCodec fn avcodec_parameters_to_context(
        context: *mut AVCodecContext,
        parameters: *const AVCodecParameters,
    ) -> c_int;
    always AvCodec fn avcodec_send_packet(context: *mut AVCodecContext, packet: *const AVPacket) -> c_int;
    always AvCodec fn avcodec_receive_frame(context: *mut AVCodecContext, frame: *mut AVFrame) -> c_int;
    always AvCodec fn avcodec_flush_buffers(context: *mut AVCodecContext);
    always AvCodec fn av_packet_unref(packet: *mut AVPacket);
    always AvCodec fn av_packet_side_data_name(kind: c_int) -> *const c_char;
    /// Adds `size` bytes of side data to a packet, returning them. The size is an `int` in
    /// 4.x and a `size_t` since: a 64-bit value that fits in 32 bits reads the same to both.
    always AvCodec fn av_packet_new_side_data(packet: *mut AVPacket, kind: c_int, size: u64) -> *mut u8;
    /// Adds (or replaces) an entry of `size` bytes to a side-data array, returning it; arrived
    /// in libavcodec 60.30 (FFmpeg 6.1), with codecpar's coded side data.
    optional AvCodec [60..] fn av_packet_side_data_new(
        entries: *mut *mut AVPacketSideData,
        count: *mut c_int,
        kind: c_int,
        size: usize,
        flags: c_int,
    ) -> *mut AVPacketSideData;
    always AvCodec fn avcodec_send_frame(context: *mut AVCodecContext, frame: *const AVFrame) -> c_int;
    always AvCodec fn avcodec_receive_packet(context: *mut AVCodecContext, packet: *mut AVPacket) -> c_int;
    always AvCodec fn av_packet_rescale_ts(packet: *mut AVPacket, from: Rational, to: Rational);
    always AvCodec fn avcodec_parameters_copy(to: *mut AVCodecParameters, from: *const AVCodecParameters) -> c_int;
    always AvCodec fn avcodec_alloc_context3(codec: *const AVCodec) -> *mut AVCodecContext;
    always AvCodec fn avcodec_free_context(context: *mut *mut AVCodecContext);
    always AvCodec fn avcodec_parameters_alloc() -> *mut AVCodecParameters;
    always AvCodec fn avcodec_parameters_free(parameters: *mut *mut AVCodecParameters);
    always AvCodec fn avcodec_parameters_from_context(
        parameters: *mut AVCodecParameters,
        context: *const AVCodecContext,
    ) -> c_int;
    always AvCodec fn av_packet_alloc() -> *mut AVPacket;
    always AvCodec fn av_packet_free(packet: *mut *mut AVPacket);
    always AvCodec fn av_new_packet(packet: *mut AVPacket, size: c_int) -> c_int;
    always AvCodec fn av_get_audio_frame_duration2(
        parameters: *mut AVCodecParameters,
        frame_bytes: c_int,
    ) -> c_int;
    always AvCodec fn av_packet_ref(target: *mut AVPacket, source: *const AVPacket) -> c_int;
    always AvCodec fn av_packet_copy_props(target: *mut AVPacket, source: *const AVPacket) -> c_int;
    always AvCodec fn av_packet_make_writable(packet: *mut AVPacket) -> c_int;
    /// Arrived in libavcodec 61.13 (FFmpeg 7.1): 7.0 lacks it.
    optional AvCodec [61..] fn avcodec_get_supported_config(
        avctx: *const AVCodecContext,
        codec: *const AVCodec,
        config: c_int,
        flags: c_uint,
        out_configs: *mut *const c_void,
        out_num_configs: *mut c_int,
    ) -> c_int;

    /// The subtitle calls, the same in every release 4.x–9.x (the packet became `const` in
    /// libavcodec 60, which the ABI does not see).
    always AvCodec fn avcodec_decode_subtitle2(
        context: *mut AVCodecContext,
        subtitle: *mut AVSubtitle,
        got_subtitle: *mut c_int,
        packet: *const AVPacket,
    ) -> c_int;
    always AvCodec fn avcodec_encode_subtitle(
        context: *mut AVCodecContext,
        buffer: *mut u8,
        size: c_int,
        subtitle: *const AVSubtitle,
    ) -> c_int;
    always AvCodec fn avsubtitle_free(subtitle: *mut AVSubtitle);

    always AvCodec fn av_bsf_get_by_name(name: *const c_char) -> *const AVBitStreamFilter;
    always AvCodec fn av_bsf_iterate(opaque: *mut *mut c_void) -> *const AVBitStreamFilter;
    always AvCodec fn av_bsf_alloc(filter: *const AVBitStreamFilter, context: *mut *mut AVBSFContext) -> c_int;
    always AvCodec fn av_bsf_list_parse_str(text: *const c_char, context: *mut *mut AVBSFContext) -> c_int;
    always AvCodec fn av_bsf_init(context: *mut AVBSFContext) -> c_int;
    always AvCodec fn av_bsf_send_packet(context: *mut AVBSFContext, packet: *mut AVPacket) -> c_int;
    always AvCodec fn av_bsf_receive_packet(context: *mut AVBSFContext, packet: *mut AVPacket) -> c_int;
    always AvCodec fn av_bsf_flush(context: *mut AVBSFContext);
    always AvCodec fn av_bsf_free(context: *mut *mut AVBSFContext);
    always AvCodec fn av_parser_iterate(opaque: *mut *mut c_void) -> *const AVCodecParser;
    always AvCodec fn av_parser_init(codec_id: c_int) -> *mut AVCodecParserContext;
    always AvCodec fn av_parser_close(context: *mut AVCodecParserContext);

    always AvFormat fn avformat_alloc_context() -> *mut AVFormatContext;
    always AvFormat fn av_codec_get_id(tags: *const *const c_void, tag: c_uint) -> c_uint;
    always AvFormat fn av_codec_get_tag2(
        tags: *const *const c_void,
        codec: c_uint,
        tag: *mut c_uint,
    ) -> c_int;
    always AvFormat fn avformat_query_codec(
        format: *const AVOutputFormat,
        codec: c_uint,
        compliance: c_int,
    ) -> c_int;
    always AvFormat fn avformat_alloc_output_context2(
        context: *mut *mut AVFormatContext,
        format: *const AVOutputFormat,
        format_name: *const c_char,
        filename: *const c_char,
    ) -> c_int;
    always AvFormat fn avio_open(context: *mut *mut AVIOContext, url: *const c_char, flags: c_int) -> c_int;
    always AvFormat fn avio_closep(context: *mut *mut AVIOContext) -> c_int;
    always AvFormat fn avformat_init_output(
        context: *mut AVFormatContext,
        options: *mut *mut AVDictionary,
    ) -> c_int;
    always AvFormat fn avformat_write_header(context: *mut AVFormatContext, options: *mut *mut AVDictionary) -> c_int;
    always AvFormat fn av_interleaved_write_frame(context: *mut AVFormatContext, packet: *mut AVPacket) -> c_int;
    always AvFormat fn av_write_trailer(context: *mut AVFormatContext) -> c_int;
    always AvFormat fn avformat_open_input(
        context: *mut *mut AVFormatContext,
        url: *const c_char,
        format: *const AVInputFormat,
        options: *mut *mut AVDictionary,
    ) -> c_int;
    always AvFormat fn avformat_find_stream_info(
        context: *mut AVFormatContext,
        options: *mut *mut AVDictionary,
    ) -> c_int;
    always AvFormat fn avformat_close_input(context: *mut *mut AVFormatContext);
    /// Adds stream side data of `size` bytes (libavformat 58–60), returning its buffer. The
    /// size is an `int` in 4.x and a `size_t` since: passed in a register, a 64-bit value
    /// that fits in 32 bits reads the same to both.
    optional AvFormat [58..=60] fn av_stream_new_side_data(
        stream: *mut AVStream,
        kind: c_int,
        size: u64,
    ) -> *mut u8;
    always AvFormat fn av_read_frame(context: *mut AVFormatContext, packet: *mut AVPacket) -> c_int;
    always AvFormat fn av_find_best_stream(
        context: *mut AVFormatContext,
        media_type: c_int,
        wanted_stream: c_int,
        related_stream: c_int,
        decoder: *mut *const AVCodec,
        flags: c_int,
    ) -> c_int;
    always AvFormat fn avformat_seek_file(
        context: *mut AVFormatContext,
        stream_index: c_int,
        min_ts: i64,
        ts: i64,
        max_ts: i64,
        flags: c_int,
    ) -> c_int;
    always AvFormat fn av_find_input_format(short_name: *const c_char) -> *const AVInputFormat;
    /// The rate the CLI gives a stream's pictures; it reads the demuxer's own decoder
    /// context, which no layout shows.
    always AvFormat fn av_guess_frame_rate(
        context: *mut AVFormatContext,
        stream: *mut AVStream,
        frame: *mut AVFrame,
    ) -> Rational;
    /// A codec's RFC 6381 name (`avc1.64001f`), written into an `AVBPrint`, since
    /// libavformat 62.7 (8.1).
    optional AvFormat [62..] fn av_mime_codec_str(
        parameters: *const AVCodecParameters,
        frame_rate: Rational,
        out: *mut c_void,
    ) -> c_int;
    /// Names of `AV_DISPOSITION_*` bits, since libavformat 59 (5.0).
    optional AvFormat [59..] fn av_disposition_to_string(disposition: c_int) -> *const c_char;
    always AvFormat fn av_demuxer_iterate(opaque: *mut *mut c_void) -> *const AVInputFormat;
    always AvFormat fn av_muxer_iterate(opaque: *mut *mut c_void) -> *const AVOutputFormat;
    always AvFormat fn av_guess_format(
        short_name: *const c_char,
        filename: *const c_char,
        mime_type: *const c_char,
    ) -> *const AVOutputFormat;
    always AvFormat fn av_guess_codec(
        format: *const AVOutputFormat,
        short_name: *const c_char,
        filename: *const c_char,
        mime_type: *const c_char,
        kind: c_int,
    ) -> c_uint;
    always AvFormat fn avformat_free_context(context: *mut AVFormatContext);
    always AvFormat fn avformat_new_stream(
        context: *mut AVFormatContext,
        codec: *const AVCodec,
    ) -> *mut AVStream;
    always AvFormat fn av_new_program(context: *mut AVFormatContext, id: c_int) -> *mut AVProgram;
    always AvFormat fn av_program_add_stream_index(
        context: *mut AVFormatContext,
        program_id: c_int,
        stream_index: c_uint,
    );
    /// Stream groups, since libavformat 61 (7.0): the self-check proves their layout with a
    /// group of its own; `avformat_stream_group_name` names a group's kind as ffprobe does.
    required AvFormat [61..] fn avformat_stream_group_create(
        context: *mut AVFormatContext,
        kind: c_uint,
        options: *mut *mut AVDictionary,
    ) -> *mut AVStreamGroup;
    required AvFormat [61..] fn avformat_stream_group_add_stream(
        group: *mut AVStreamGroup,
        stream: *mut AVStream,
    ) -> c_int;
    required AvFormat [61..] fn avformat_stream_group_name(kind: c_uint) -> *const c_char;
    always AvFormat fn avio_alloc_context(
        buffer: *mut u8,
        buffer_size: c_int,
        write_flag: c_int,
        opaque: *mut c_void,
        read_packet: *const c_void,
        write_packet: *const c_void,
        seek: *const c_void,
    ) -> *mut AVIOContext;
    always AvFormat fn avio_context_free(context: *mut *mut AVIOContext);

    // libavfilter is optional: a build without it loads, and these stay unbound.
    optional AvFilter [58..] fn avfilter_graph_alloc() -> *mut AVFilterGraph;
    optional AvFilter [58..] fn avfilter_graph_free(graph: *mut *mut AVFilterGraph);
    optional AvFilter [58..] fn avfilter_get_by_name(name: *const c_char) -> *const AVFilter;
    optional AvFilter [58..] fn avfilter_graph_create_filter(
        context: *mut *mut AVFilterContext,
        filter: *const AVFilter,
        name: *const c_char,
        args: *const c_char,
        opaque: *mut c_void,
        graph: *mut AVFilterGraph,
    ) -> c_int;
    optional AvFilter [58..] fn avfilter_graph_alloc_filter(
        graph: *mut AVFilterGraph,
        filter: *const AVFilter,
        name: *const c_char,
    ) -> *mut AVFilterContext;
    optional AvFilter [58..] fn avfilter_init_str(context: *mut AVFilterContext, args: *const c_char) -> c_int;
    optional AvFilter [58..] fn avfilter_graph_parse_ptr(
        graph: *mut AVFilterGraph,
        filters: *const c_char,
        inputs: *mut *mut AVFilterInOut,
        outputs: *mut *mut AVFilterInOut,
        log_context: *mut c_void,
    ) -> c_int;
    optional AvFilter [58..] fn avfilter_inout_free(inout: *mut *mut AVFilterInOut);
    optional AvFilter [58..] fn avfilter_link(
        source: *mut AVFilterContext,
        source_pad: c_uint,
        target: *mut AVFilterContext,
        target_pad: c_uint,
    ) -> c_int;
    optional AvFilter [58..] fn avfilter_graph_config(graph: *mut AVFilterGraph, log_context: *mut c_void) -> c_int;
    optional AvFilter [58..] fn avfilter_pad_get_type(pads: *const AVFilterPad, index: c_int) -> c_int;
    optional AvFilter [58..] fn av_buffersrc_add_frame_flags(
        context: *mut AVFilterContext,
        frame: *mut AVFrame,
        flags: c_int,
    ) -> c_int;
    optional AvFilter [58..] fn av_buffersrc_close(context: *mut AVFilterContext, pts: i64, flags: c_uint) -> c_int;
    optional AvFilter [58..] fn av_buffersink_get_frame_flags(
        context: *mut AVFilterContext,
        frame: *mut AVFrame,
        flags: c_int,
    ) -> c_int;
    optional AvFilter [58..] fn av_buffersink_set_frame_size(context: *mut AVFilterContext, frame_size: c_uint);
    optional AvFilter [58..] fn av_buffersink_get_type(context: *const AVFilterContext) -> c_int;
    optional AvFilter [58..] fn av_buffersink_get_time_base(context: *const AVFilterContext) -> Rational;
    optional AvFilter [58..] fn av_buffersink_get_format(context: *const AVFilterContext) -> c_int;
    optional AvFilter [58..] fn av_buffersink_get_frame_rate(context: *const AVFilterContext) -> Rational;
    optional AvFilter [58..] fn av_buffersink_get_w(context: *const AVFilterContext) -> c_int;
    optional AvFilter [58..] fn av_buffersink_get_h(context: *const AVFilterContext) -> c_int;
    optional AvFilter [58..] fn av_buffersink_get_sample_aspect_ratio(context: *const AVFilterContext) -> Rational;
    optional AvFilter [58..] fn av_buffersink_get_channels(context: *const AVFilterContext) -> c_int;
    optional AvFilter [58..] fn av_buffersink_get_sample_rate(context: *const AVFilterContext) -> c_int;
    optional AvFilter [58..=60] fn av_buffersink_get_channel_layout(context: *const AVFilterContext) -> u64;
    /// `AVBufferSrcParameters`, allocated by the library (its size grew with the releases).
    optional AvFilter [58..] fn av_buffersrc_parameters_alloc() -> *mut c_void;
    optional AvFilter [58..] fn av_buffersrc_parameters_set(
        context: *mut AVFilterContext,
        parameters: *mut c_void,
    ) -> c_int;
    /// Since libavfilter 10.9 (8.0): the side data of a sink's link.
    optional AvFilter [62..] fn av_buffersink_get_side_data(
        context: *const AVFilterContext,
        count: *mut c_int,
    ) -> *const *const AVFrameSideData;
    /// Since libavfilter 9.16 (7.0), which negotiates pictures' matrix and range.
    optional AvFilter [61..] fn av_buffersink_get_colorspace(context: *const AVFilterContext) -> c_int;
    /// Since libavfilter 9.16 (7.0).
    optional AvFilter [61..] fn av_buffersink_get_color_range(context: *const AVFilterContext) -> c_int;
    /// Since libavfilter 8.44 (5.1), with `AVChannelLayout`.
    optional AvFilter [59..] fn av_buffersink_get_ch_layout(
        context: *const AVFilterContext,
        layout: *mut RawChannelLayout,
    ) -> c_int;
}
