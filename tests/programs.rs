//! Programs (MPEG-TS services): those a transport stream declares, read as ffprobe reads
//! them, and those an output is given, written as the CLI's `-program` writes them.

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::format::{Input, Output, Program};
use ffmpeg_runtime::{Error, Ffmpeg};
use serde_json::Value;

/// A transport stream of one picture stream and two sound streams in two services, as the
/// CLI's `-program` makes it: `First` (number 3) of the pictures and the first sound,
/// `Second` (number 7) of the other sound.
fn two_services() -> PathBuf {
    media::generated(
        "programs_two_services.ts",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=10:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
            "-map",
            "0",
            "-map",
            "1",
            "-map",
            "1",
            "-c:v",
            "mpeg2video",
            "-c:a",
            "mp2",
            "-program",
            "title=First:program_num=3:st=0:st=1",
            "-program",
            "title=Second:program_num=7:st=2",
        ],
    )
}

fn service(id: i32, streams: Vec<usize>, name: &str) -> Program {
    let metadata = [("service_name", name), ("service_provider", "FFmpeg")];
    let metadata = metadata.map(|(k, v)| (k.to_owned(), v.to_owned()));
    Program::new(id, streams, metadata.to_vec())
}

/// A program's id, its streams (their indexes or codecs) and its tags.
type Described<T> = (i32, Vec<T>, Vec<(String, String)>);

/// Each program's id, streams and tags (its number and PIDs are the demuxer's).
fn described(programs: &[Program]) -> Vec<Described<usize>> {
    let each = programs
        .iter()
        .map(|p| (p.id, p.streams.clone(), p.metadata.clone()));
    each.collect()
}

/// `source`'s streams copied into `target`, which is given `programs` before its header.
fn copy_with_programs(ffmpeg: &Ffmpeg, source: &Path, target: &Path, programs: &[Program]) {
    media::copy_streams(
        ffmpeg,
        source,
        target,
        |_| true,
        |output, _| {
            for program in programs {
                output.add_program(program).unwrap();
            }
        },
    );
}

/// On every build: the services read back with their numbers, PIDs, streams and tags; on
/// 5.1 as ffprobe reads them.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_transport_streams_services_read_as_ffprobe_reads_them() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let input = Input::open(&ffmpeg, two_services()).unwrap();
    let programs = input.programs();
    let expected = [
        service(3, vec![0, 1], "First"),
        service(7, vec![2], "Second"),
    ];
    assert_eq!(described(&programs), described(&expected));
    let numbers: Vec<i32> = programs.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [3, 7]);
    assert!(
        programs
            .iter()
            .all(|p| p.pmt_pid >= 0x1000 && p.pcr_pid >= 0x100)
    );
    // `probe --show-programs`: each program with its streams, before the streams.
    let mut probe = common::probe_command(&build);
    probe.arg(two_services()).arg("--show-programs");
    let mut ours = json_of(&mut probe, "probe");
    let listed = ours["programs"].as_array().unwrap();
    let ids: Vec<&Value> = listed.iter().map(|p| &p["program_id"]).collect();
    assert_eq!(ids, [3, 7]);
    assert_eq!(listed[0]["streams"][1], ours["streams"][1]);
    if build.name != "5.1" {
        return; // ffprobe is Debian's 5.1
    }
    let mut ffprobe = std::process::Command::new("ffprobe");
    ffprobe
        .args(["-v", "error", "-of", "json", "-show_programs"])
        .args(["-show_streams", "-show_format"])
        .arg(two_services())
        .env_remove("LD_LIBRARY_PATH");
    let mut theirs = json_of(&mut ffprobe, "ffprobe");
    for report in [&mut ours, &mut theirs] {
        report["format"].as_object_mut().unwrap().remove("filename");
    }
    assert_eq!(ours, theirs);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&ours), keys(&theirs));
    assert_eq!(keys(&ours["programs"][0]), keys(&theirs["programs"][0]));
}

fn json_of(command: &mut std::process::Command, what: &str) -> Value {
    serde_json::from_slice(&common::stdout_bytes_of(command, what)).unwrap()
}

/// On every build: programs given to an output are the services its transport stream
/// declares, in the order given whatever their ids, each with its streams (which the demuxer
/// numbers in the order of the services) and tags; on 5.1 as the CLI's `-program` writes them.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn programs_given_to_an_output_are_its_services() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let dir = common::scratch_dir("programs_given");
    let target = dir.join("given.ts");
    let given = [service(20, vec![2], "Radio"), service(10, vec![0, 1], "TV")];
    copy_with_programs(&ffmpeg, &two_services(), &target, &given);
    let read = services_of(&ffmpeg, &target);
    let expected = [
        (20, vec!["mp2".to_owned()], given[0].metadata.clone()),
        (
            10,
            vec!["mpeg2video".into(), "mp2".into()],
            given[1].metadata.clone(),
        ),
    ];
    assert_eq!(read, expected);
    if build.name != "5.1" {
        return; // the CLI is Debian's 5.1
    }
    let cli = dir.join("cli.ts");
    let mut command = media::cli();
    command.args(["-y", "-i"]).arg(two_services());
    command.args(["-map", "0", "-c", "copy"]);
    command.args(["-program", "program_num=20:title=Radio:st=2"]);
    command.args(["-program", "program_num=10:title=TV:st=0:st=1"]);
    common::stdout_bytes_of(command.arg(&cli), "the CLI's programs");
    assert_eq!(services_of(&ffmpeg, &cli), read);
}

/// Each program of `path`: its id, the codecs of its streams, its tags.
fn services_of(ffmpeg: &Ffmpeg, path: &Path) -> Vec<Described<String>> {
    let input = Input::open(ffmpeg, path).unwrap();
    let codec = |index: usize| input.stream(index).unwrap().codec_name();
    let programs = input.programs();
    let each = programs.iter().map(|p| {
        let codecs = p.streams.iter().map(|&i| codec(i)).collect();
        (p.id, codecs, p.metadata.clone())
    });
    each.collect()
}

/// On every build: a program of a stream the output has not is refused, and nothing is
/// added after the header.
#[test]
fn programs_an_output_cannot_take_are_refused() {
    let ffmpeg = common::under_test().load();
    let target = common::scratch_dir("programs_refused").join("refused.ts");
    let mut output = Output::create(&ffmpeg, &target).unwrap();
    let refused = output.add_program(&service(1, vec![0], "Nothing"));
    assert!(
        matches!(refused, Err(Error::StreamNotFound { .. })),
        "{refused:?}"
    );
}
