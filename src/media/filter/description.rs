//! Reading a graph description (the CLI's `-vf`/`-filter_complex` syntax) only as far as the
//! crate needs to name what is wrong in it: the filters it names, and which filter and option
//! FFmpeg's messages blame for a failure.

use crate::abi::constants::AVERROR_OPTION_NOT_FOUND;
use crate::ffmpeg::FilterError;
use crate::ffmpeg::log_bridge::Logged;

/// The filters a description names, in order (`scale=320:-2,fps=10` → `scale`, `fps`),
/// without their `@instance` suffix. Tokens follow FFmpeg's `av_get_token`: `\` escapes the
/// next character and `'…'` quotes, so a `,` or `[` inside arguments does not end them.
pub(super) fn filter_names(description: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = description;
    loop {
        rest = skip_labels(rest.trim_start());
        let (name, after) = token(rest, "=,;[");
        let name = name.strip_prefix('/').unwrap_or(&name);
        let name = name.split('@').next().unwrap_or_default();
        if !name.is_empty() {
            names.push(name.to_owned());
        }
        rest = after;
        if let Some(arguments) = rest.strip_prefix('=') {
            rest = token(arguments, "[],;").1;
        }
        rest = skip_labels(rest.trim_start());
        match rest.chars().next() {
            Some(',' | ';') => rest = &rest[1..],
            // Anything else is FFmpeg's to refuse; the names so far are all that can be read.
            _ => return names,
        }
    }
}

/// `text` after any `[label]`s and the blanks between them.
fn skip_labels(mut text: &str) -> &str {
    while let Some(label) = text.strip_prefix('[') {
        text = match label.find(']') {
            Some(end) => label[end + 1..].trim_start(),
            None => "",
        };
    }
    text
}

/// One token up to an unescaped, unquoted character of `terminators`: its text (escapes and
/// quotes resolved, outer blanks trimmed) and what follows it.
fn token<'a>(text: &'a str, terminators: &str) -> (String, &'a str) {
    let mut value = String::new();
    let mut quoted = false;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            '\'' => quoted = !quoted,
            c if !quoted && terminators.contains(c) => {
                return (value.trim().to_owned(), &text[at..]);
            }
            c => value.push(c),
        }
    }
    (value.trim().to_owned(), "")
}

/// The text between the first pair of single quotes after `marker` in `message`.
fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    let rest = &rest[rest.find('\'')? + 1..];
    Some(&rest[..rest.find('\'')?])
}

/// What a failed parse means, from FFmpeg's error code and the messages it logged meanwhile
/// (all of them in `message`).
pub(super) fn parse_failure(
    code: std::ffi::c_int,
    logged: &[Logged],
    message: String,
) -> FilterError {
    let find = |marker: &str| logged.iter().find_map(|m| quoted_after(&m.message, marker));
    // The filter is named in 4.x and 5.x ("Error initializing filter 'scale' with args …"),
    // in some 6.1 and later messages ("… to filter 'scale'"), and otherwise by the instance
    // that logged (`Parsed_scale_0`).
    let filter = find("to filter")
        .or_else(|| find("initializing filter"))
        .map(str::to_owned)
        .or_else(|| {
            logged
                .iter()
                .find_map(|m| parsed_filter(m.context.as_deref()?))
        });
    let option = find("Option")
        .or_else(|| find("non-existent option"))
        .or_else(|| find("applying option"));
    if let Some(mismatch) = logged.iter().find_map(|m| media_type_mismatch(&m.message)) {
        return mismatch;
    }
    match (filter, option) {
        (filter, Some(option)) if code == AVERROR_OPTION_NOT_FOUND => FilterError::UnknownOption {
            filter: filter.unwrap_or_default(),
            option: option.to_owned(),
        },
        (Some(filter), _) => FilterError::InvalidArguments { filter, message },
        (None, _) => FilterError::Syntax { message },
    }
}

/// libavfilter's "Media type mismatch between the 'A' filter output pad 0 (video) and the 'B'
/// filter input pad 0 (audio)", as the input pad's error.
fn media_type_mismatch(message: &str) -> Option<FilterError> {
    let rest = &message[message.find("Media type mismatch")?..];
    let kinds: Vec<&'static str> = rest
        .split('(')
        .skip(1)
        .filter_map(|part| match part.split(')').next()? {
            "video" => Some("video"),
            "audio" => Some("audio"),
            _ => None,
        })
        .collect();
    let target = quoted_after(rest, "and the")?;
    let pad = rest.split("input pad ").nth(1)?.split(' ').next()?;
    Some(FilterError::MediaTypeMismatch {
        pad: format!("{target}:{pad}"),
        expected: kinds.get(1).copied()?,
        found: kinds.first().copied()?,
    })
}

/// The filter of an instance the parser named (`Parsed_scale_0` → `scale`).
fn parsed_filter(instance: &str) -> Option<String> {
    let rest = instance.strip_prefix("Parsed_")?;
    let (filter, number) = rest.rsplit_once('_')?;
    number
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| filter.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_past_labels_arguments_quotes_and_escapes() {
        assert_eq!(filter_names("scale=320:-2,fps=10"), ["scale", "fps"]);
        assert_eq!(
            filter_names("split[a][b];[b]hflip[c];[a][c]overlay"),
            ["split", "hflip", "overlay"]
        );
        assert_eq!(
            filter_names("[0:v] drawtext=text='a,b[c]':x=1 [out]; anull@x"),
            ["drawtext", "anull"]
        );
        assert_eq!(
            filter_names(r"pan=mono|c0=c0 , volume=0.5\,1"),
            ["pan", "volume"]
        );
        assert_eq!(filter_names(""), Vec::<String>::new());
        assert_eq!(filter_names("[in"), Vec::<String>::new());
    }

    #[test]
    fn quoted_words_are_found_after_their_marker() {
        let message = "Error applying option 'foo' to filter 'scale': Option not found";
        assert_eq!(quoted_after(message, "applying option"), Some("foo"));
        assert_eq!(quoted_after(message, "to filter"), Some("scale"));
        assert_eq!(quoted_after("Option 'x' not found", "Option"), Some("x"));
        assert_eq!(parsed_filter("Parsed_scale_0").as_deref(), Some("scale"));
        assert_eq!(
            parsed_filter("Parsed_drawtext_12").as_deref(),
            Some("drawtext")
        );
        assert_eq!(parsed_filter("AVFilterGraph"), None);
        let mismatch = "Media type mismatch between the 'Parsed_scale_0' filter output pad 0 \
                        (video) and the 'Parsed_aresample_1' filter input pad 0 (audio)";
        assert_eq!(
            media_type_mismatch(mismatch),
            Some(FilterError::MediaTypeMismatch {
                pad: "Parsed_aresample_1:0".into(),
                expected: "audio",
                found: "video"
            })
        );
    }
}
