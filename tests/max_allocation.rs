//! `Ffmpeg::set_max_allocation`, in a process of its own (it caps the whole libavutil): a
//! picture larger than the cap is refused with an error, and a damaged DVB subtitle stream
//! (1.7 KB, found by fuzzing) that makes 5.1's decoder ask twice for 1.9 GiB is decoded
//! within the cap, its errors counted, where it had taken 2 GiB of memory.

mod common;

use std::io::Cursor;

use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::subtitle::SubtitleDecoder;
use ffmpeg_runtime::{Frame, Packet};

/// The fuzzer's input: MPEG-TS with one DVB subtitle stream, its segments damaged.
const DAMAGED_DVB_HEX: [&str; 38] = [
    "474011100042f0250001c1fe0000ff01ff0001fc80144812010646466d70656709536572766963653031777c43ca",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff4740001000",
    "00b00d0001c100000001f0002ab104b2ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff28",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff47",
    "5000100002b01c0001c10000e100f00006e100f00a5908756e6410000100011546319effffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffff47410030075000007b0c7e00000001bd00ad848005210007d86120000f140001000500002f001f0f100001",
    "00081e0b00ff000200140f120001001a000f009f108080ff019feb808000029f10808000039f7e8080000f110001",
    "00100007001000082700000300000000f0000f1300010047000001002000201016c5b16c5b00f01016c5b16c5b00",
    "f01016c5b16c5b00f01016c5b16c5b00f01016c5b16c5b00f01016c5b16c5b00f01016c5b16c5b00f01016c5b16c",
    "5b00f00f80000147010031b400ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffff0000ff474100320750000085987e00000001bd00b5848005210009029120000f140001000500",
    "002f001f0f10000100081e1b00ff000200140f120001001a000f009f108080ff019feb808000029f10808000039f",
    "7e8080000f11000100100017001400082700000300000000f0000f130001004f000011002400241016c5b16c5b16",
    "c0f01016c5b16c5b16c0f01016c5b16c5b16c0f01016c5b16c5b16c0f01016c5b16c5b16c0f01016c5b16c5b16c0",
    "f01016c5b16c5b16c0f01016c5b16c47010033ac00ffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffff5b16c0f00f8000010000ff474000110000b00d0001c100000001f0002ab104b2",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffff736b6970ffffffffffffffffffffff5b16c5b16c5b00f0",
    "1016c5b16c5b16c5b16c5b00f00f8000010000ff4741003a07500000afc87e00000001bd00dd848005210009ab51",
    "20000f140001000500002f001f0f10000100081e5b00ff000200140f120001001a000f009f108080ff00809feb02",
    "80019f10808000039f7e8080000f110001001000578023f6082700000300000000f0000f13000100770000510038",
    "00381016c5b16c5b16c5b16c5b16c0f01016c5b16c5b16c5b16c5b16c0f01016c5b16c5b16c5b16c5b16c0f01016",
    "c5b16c5b16c5b16c5b16c0f01016c5b16c5b16c5b16c5b164701003b8400ffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffc0f01016c5b16c5b16c5b16c5b16c0f01016c5b16c5b16",
    "c5b16c5b16c0f01016c5b16c5b16c5b16c5b16c0f00f8000010000ff",
];

fn damaged_dvb() -> Vec<u8> {
    let hex: String = DAMAGED_DVB_HEX.concat();
    let digit = |c: u8| (c as char).to_digit(16).unwrap() as u8;
    hex.as_bytes()
        .chunks_exact(2)
        .map(|pair| digit(pair[0]) << 4 | digit(pair[1]))
        .collect()
}

/// The peak resident memory of this process, in bytes (Linux's `VmHWM`).
#[cfg(target_os = "linux")]
fn peak_resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[test]
fn no_block_above_the_cap_is_allocated() {
    let ffmpeg = common::under_test().load();
    ffmpeg.set_max_allocation(64 << 20);
    // A 8192x8192 RGBA picture needs one block of 256 MiB.
    assert!(Frame::video(&ffmpeg, 8192, 8192, &ffmpeg.pixel_format("rgba").unwrap()).is_err());
    assert!(Frame::video(&ffmpeg, 1920, 1080, &ffmpeg.pixel_format("rgba").unwrap()).is_ok());
    let mut input = Input::from_reader(&ffmpeg, Cursor::new(damaged_dvb())).unwrap();
    let stream = input
        .streams()
        .find(|s| s.media_type() == MediaType::Subtitle);
    let mut decoder = SubtitleDecoder::new(&stream.expect("a DVB subtitle stream")).unwrap();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let (mut decoded, mut refused) = (0, 0);
    while input.read_packet(&mut packet).unwrap_or(false) {
        match decoder.decode(&packet) {
            Ok(subtitle) => decoded += usize::from(subtitle.is_some()),
            Err(error) => {
                assert!(error.is_bad_data(), "{error}");
                refused += 1;
            }
        }
    }
    assert!(decoded + refused > 0);
    #[cfg(target_os = "linux")]
    assert!(
        peak_resident() < 1 << 30,
        "peak {} MiB",
        peak_resident() >> 20
    );
    ffmpeg.set_max_allocation(i32::MAX as usize);
    assert!(Frame::video(&ffmpeg, 8192, 8192, &ffmpeg.pixel_format("rgba").unwrap()).is_ok());
}
