/* The FFmpeg headers bindgen reads when a maintainer regenerates the per-major layouts in
 * src/abi/. Users' builds never read this file. */
#include <libavutil/avutil.h>
#include <libavutil/cpu.h>
#include <libavutil/log.h>
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libavutil/channel_layout.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
