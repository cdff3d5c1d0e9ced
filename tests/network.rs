//! Network inputs against servers this test starts on 127.0.0.1 only: an HTTP server that
//! serves a file (whole, or the ranges asked for), one that accepts and then says nothing,
//! one that closes half way through the body; live MPEG-TS over TCP and UDP sent by the
//! crate's own `Output`. Every wait is bounded by a timeout or an interrupt.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::media;
use ffmpeg_runtime::codec::{Encoder, VideoSettings};
use ffmpeg_runtime::format::{Input, Interrupt, MediaType, Output, UrlOptions};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Packet, Rational};

/// How the test server answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// The file, or the byte range asked for.
    Serve,
    /// Reads the request, then says nothing (for at most a minute).
    Stall,
    /// Sends the headers of the whole file and half of it, then closes.
    CloseHalfWay,
}

struct Server {
    port: u16,
    /// Requests answered with a range (206).
    ranges: Arc<AtomicUsize>,
}

/// An HTTP server on 127.0.0.1 serving `body` as `behaviour` says, one thread per
/// connection; every socket has a timeout, so nothing outlives the test by much.
fn http_server(body: Vec<u8>, behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (body, ranges) = (Arc::new(body), Arc::new(AtomicUsize::new(0)));
    let counter = ranges.clone();
    std::thread::spawn(move || {
        for connection in listener.incoming().flatten() {
            let (body, counter) = (body.clone(), counter.clone());
            std::thread::spawn(move || {
                let _ = answer(connection, &body, behaviour, &counter);
            });
        }
    });
    Server { port, ranges }
}

fn answer(
    mut connection: TcpStream,
    body: &[u8],
    behaviour: Behaviour,
    ranges: &AtomicUsize,
) -> std::io::Result<()> {
    connection.set_read_timeout(Some(Duration::from_secs(60)))?;
    connection.set_write_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(connection.try_clone()?);
    let mut range_start = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(range) = lower.strip_prefix("range: bytes=") {
            range_start = range
                .split('-')
                .next()
                .and_then(|s| s.trim().parse::<usize>().ok());
        }
    }
    if behaviour == Behaviour::Stall {
        std::thread::sleep(Duration::from_secs(60));
        return Ok(());
    }
    let total = body.len();
    let start = range_start.unwrap_or(0).min(total);
    let head = match range_start {
        Some(_) => {
            ranges.fetch_add(1, Ordering::Relaxed);
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/{total}\r\n",
                total.saturating_sub(1)
            )
        }
        None => "HTTP/1.1 200 OK\r\n".to_owned(),
    };
    let head = format!(
        "{head}Content-Length: {}\r\nAccept-Ranges: bytes\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        total - start
    );
    connection.write_all(head.as_bytes())?;
    let end = match behaviour {
        Behaviour::CloseHalfWay => (total / 2).max(start),
        _ => total,
    };
    connection.write_all(&body[start..end])?;
    connection.flush()
}

fn url(server: &Server, name: &str) -> String {
    format!("http://127.0.0.1:{}/{name}", server.port)
}

#[test]
fn files_come_over_http_whole_and_by_ranges() {
    let ffmpeg = common::under_test().load();
    let streaming = media::generated(
        "network.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=1",
            "-c:v",
            "mpeg4",
        ],
    );
    // Its index at the end: FFmpeg must ask for ranges to read it.
    let indexed_at_end = media::generated(
        "network_moov_at_end.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=4:size=320x240:rate=25",
            "-c:v",
            "mpeg4",
            "-q:v",
            "2",
        ],
    );
    for path in [&streaming, &indexed_at_end] {
        let server = http_server(std::fs::read(path).unwrap(), Behaviour::Serve);
        let options = UrlOptions::new(&["http", "tcp"]).timeout(Duration::from_secs(20));
        let input = Input::open_url(&ffmpeg, &url(&server, "clip"), &options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let over_http = media::decode_input_md5s(&ffmpeg, input, None).unwrap();
        assert_eq!(over_http, media::decode_md5s(&ffmpeg, path, None).unwrap());
        if path == &indexed_at_end {
            assert!(
                server.ranges.load(Ordering::Relaxed) > 0,
                "ranges were asked for"
            );
        }
    }
}

#[test]
fn only_the_protocols_allowed_are_used_and_unknown_options_are_refused() {
    let ffmpeg = common::under_test().load();
    let server = http_server(b"never served".to_vec(), Behaviour::Serve);
    let tcp_only = UrlOptions::new(&["tcp"]).timeout(Duration::from_secs(5));
    assert!(Input::open_url(&ffmpeg, &url(&server, "x"), &tcp_only).is_err());
    let path = media::generated(
        "network_option.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.2",
            "-c:v",
            "mpeg4",
        ],
    );
    let server = http_server(std::fs::read(path).unwrap(), Behaviour::Serve);
    let options = UrlOptions::new(&["http", "tcp"])
        .timeout(Duration::from_secs(5))
        .option("user_agent", "ffmpeg-runtime-test")
        .option("no_such_option", "1");
    let result = Input::open_url(&ffmpeg, &url(&server, "clip"), &options);
    assert!(
        matches!(&result, Err(Error::OptionNotFound { option, .. }) if option == "no_such_option"),
        "{result:?}"
    );
}

#[test]
fn a_silent_server_times_out() {
    let ffmpeg = common::under_test().load();
    let server = http_server(Vec::new(), Behaviour::Stall);
    let options = UrlOptions::new(&["http", "tcp"]).timeout(Duration::from_secs(1));
    let started = Instant::now();
    let result = Input::open_url(&ffmpeg, &url(&server, "silent"), &options);
    // (Speed is measured in BENCHMARKS.md, not asserted.)
    eprintln!("timed out after {:?}", started.elapsed());
    assert!(matches!(result, Err(Error::TimedOut { .. })), "{result:?}");
}

#[test]
fn an_interrupt_from_another_thread_stops_the_wait() {
    let ffmpeg = common::under_test().load();
    let server = http_server(Vec::new(), Behaviour::Stall);
    let interrupt = Interrupt::new();
    let options = UrlOptions::new(&["http", "tcp"]).interrupt(&interrupt);
    let trigger = interrupt.clone();
    let waker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        trigger.trigger();
        Instant::now()
    });
    let result = Input::open_url(&ffmpeg, &url(&server, "silent"), &options);
    let triggered = waker.join().unwrap();
    eprintln!("interrupted {:?} after the trigger", triggered.elapsed());
    assert!(
        matches!(result, Err(Error::Interrupted { .. })),
        "{result:?}"
    );
    assert!(interrupt.is_triggered());
    // Interrupted until reset.
    let again = Input::open_url(&ffmpeg, &url(&server, "silent"), &options);
    assert!(matches!(again, Err(Error::Interrupted { .. })), "{again:?}");
}

#[test]
fn a_body_cut_half_way_ends_early_without_harm() {
    let ffmpeg = common::under_test().load();
    let path = media::generated(
        "network_cut.ts",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=2",
            "-c:v",
            "mpeg2video",
        ],
    );
    let whole = media::decode_md5s(&ffmpeg, &path, None).unwrap();
    let server = http_server(std::fs::read(&path).unwrap(), Behaviour::CloseHalfWay);
    let options = UrlOptions::new(&["http", "tcp"]).timeout(Duration::from_secs(10));
    let outcome = Input::open_url(&ffmpeg, &url(&server, "cut"), &options)
        .and_then(|input| media::decode_input_md5s(&ffmpeg, input, None));
    match outcome {
        // What came is what the file has, and less of it; the last picture may be one the
        // cut left incomplete (FFmpeg 4.x decodes what it has of it).
        Ok(md5s) => {
            assert!(
                md5s.len() < whole.len(),
                "{} of {}",
                md5s.len(),
                whole.len()
            );
            let complete = md5s.len().saturating_sub(1);
            assert_eq!(md5s[..complete], whole[..complete]);
        }
        Err(error) => assert!(!matches!(error, Error::Panicked(_)), "{error}"),
    }
}

/// A free port on 127.0.0.1 (the OS's choice, released for the caller to use).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends 25 pictures as live MPEG-TS to `url`, retrying the connection for a few seconds.
fn send_live(ffmpeg: Ffmpeg, url: String) -> Result<(), Error> {
    let started = Instant::now();
    let mut output = loop {
        match Output::create_as(&ffmpeg, Path::new(&url), Some("mpegts")) {
            Ok(output) => break output,
            Err(_) if started.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(error) => return Err(error),
        }
    };
    let settings = VideoSettings {
        gop: Some(5),
        ..VideoSettings::new(
            64,
            48,
            ffmpeg.pixel_format("yuv420p")?,
            Rational::new(1, 25),
        )
    };
    let mut encoder = Encoder::video(&ffmpeg, "mpeg4", &settings)?;
    let stream = output.add_stream(&encoder)?;
    output.write_header()?;
    let (mut frame, mut packet) = (
        Frame::video(&ffmpeg, 64, 48, "yuv420p")?,
        Packet::new(&ffmpeg)?,
    );
    for index in 0..25 {
        frame.set_pts(Some(index));
        encoder.send(&frame)?;
        common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream)?;
        // A live pace, so that a UDP receiver keeps up.
        std::thread::sleep(Duration::from_millis(10));
    }
    encoder.send_eof()?;
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream)?;
    output.finish()
}

/// Decodes the received stream's pictures until its end, or until the sender went quiet.
fn received_pictures(ffmpeg: &Ffmpeg, mut input: Input) -> usize {
    let stream = input.best_stream(MediaType::Video).unwrap();
    let index = stream.index();
    let options = ffmpeg_runtime::codec::DecoderOptions::default();
    let mut decoder = ffmpeg_runtime::codec::Decoder::new(&stream, &options).unwrap();
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    let mut pictures = 0;
    loop {
        match input.read_packet(&mut packet) {
            Ok(true) if packet.stream_index() == index => {
                if decoder.send(&packet).is_ok() {
                    while decoder.receive(&mut frame).unwrap_or(false) {
                        pictures += 1;
                    }
                }
            }
            Ok(true) => {}
            Ok(false) | Err(Error::TimedOut { .. }) => break,
            Err(error) => panic!("after {pictures} pictures: {error}"),
        }
    }
    decoder.send_eof().unwrap();
    while decoder.receive(&mut frame).unwrap_or(false) {
        pictures += 1;
    }
    pictures
}

#[test]
fn live_mpegts_arrives_over_tcp_and_udp() {
    let ffmpeg = common::under_test().load();
    // TCP: this side listens, the sender connects, the stream ends when it closes.
    let port = free_port();
    let sender = {
        let ffmpeg = ffmpeg.clone();
        std::thread::spawn(move || send_live(ffmpeg, format!("tcp://127.0.0.1:{port}")))
    };
    let options = UrlOptions::new(&["tcp"]).timeout(Duration::from_secs(20));
    let input = Input::open_url(
        &ffmpeg,
        &format!("tcp://127.0.0.1:{port}?listen=1"),
        &options,
    )
    .unwrap();
    let pictures = received_pictures(&ffmpeg, input);
    sender.join().unwrap().unwrap();
    assert_eq!(pictures, 25, "over TCP");

    // UDP: no end; the receiver stops when the sender has been quiet for its timeout.
    let port = free_port();
    let sender = {
        let ffmpeg = ffmpeg.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            send_live(ffmpeg, format!("udp://127.0.0.1:{port}?pkt_size=1316"))
        })
    };
    let options = UrlOptions::new(&["udp"]).timeout(Duration::from_secs(3));
    let input = Input::open_url(&ffmpeg, &format!("udp://127.0.0.1:{port}"), &options).unwrap();
    let pictures = received_pictures(&ffmpeg, input);
    sender.join().unwrap().unwrap();
    // Datagrams may be lost even on loopback; most must arrive, and decode.
    assert!(pictures >= 20, "{pictures} of 25 over UDP");
}

#[test]
fn framehash_reads_a_url_through_the_protocols_named() {
    let build = common::under_test();
    let path = media::generated(
        "network_framehash.ts",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=96x64:rate=25:duration=0.4",
            "-c:v",
            "mpeg2video",
        ],
    );
    let framehash = |input: &str, extra: &[&str]| {
        common::example_command("framehash", &build)
            .arg(input)
            .args(extra)
            .output()
            .unwrap()
    };
    let from_file = framehash(path.to_str().unwrap(), &[]);
    assert!(from_file.status.success());
    let server = http_server(std::fs::read(&path).unwrap(), Behaviour::Serve);
    let limits = ["--protocols", "http,tcp", "--timeout", "10"];
    let over_http = framehash(&url(&server, "clip.ts"), &limits);
    assert!(
        over_http.status.success(),
        "{}",
        String::from_utf8_lossy(&over_http.stderr)
    );
    assert_eq!(over_http.stdout, from_file.stdout);

    let silent = http_server(Vec::new(), Behaviour::Stall);
    let limits = ["--protocols", "http,tcp", "--timeout", "1"];
    let timed_out = framehash(&url(&silent, "clip.ts"), &limits);
    assert!(!timed_out.status.success());
    let message = String::from_utf8_lossy(&timed_out.stderr).to_lowercase();
    assert!(message.contains("timed out"), "{message}");
}
