/* The FFmpeg headers bindgen reads when a maintainer regenerates the per-major layouts in
 * src/abi/generated/ (ci/regenerate-abi.sh). Users' builds never read this file. */
#include <libavutil/avutil.h>
#include <libavutil/opt.h>
#include <libavutil/frame.h>
#include <libavutil/channel_layout.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
