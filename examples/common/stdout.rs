//! Standard output for the examples that print lines. A reader that has gone (`| head`) ends
//! the program with one line on standard error and a failure status, as framehash and probe
//! end, rather than with the panic `println!` gives.

use std::io::Write;

/// Writes one line to standard output; ends the program where it cannot.
pub fn line(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_fmt(text).and_then(|()| out.write_all(b"\n")) {
        let program = std::env::args().next().unwrap_or_default();
        let name = std::path::Path::new(&program)
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        eprintln!("{name}: writing to standard output: {error}");
        std::process::exit(1);
    }
}
