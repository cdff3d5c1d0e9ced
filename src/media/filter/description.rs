//! Reading a graph description (the CLI's `-vf`/`-filter_complex` syntax) only as far as the
//! crate needs to name what is wrong in it: the filters it names, and which filter and option
//! FFmpeg's messages blame for a failure.

use crate::ffmpeg::FilterError;

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

/// What a failed parse means, from FFmpeg's error code and the messages it logged meanwhile.
pub(super) fn parse_failure(
    code: std::ffi::c_int,
    messages: &[String],
    named: &[String],
    strerror: String,
) -> FilterError {
    let joined = if messages.is_empty() {
        strerror
    } else {
        messages.join("; ")
    };
    let find = |marker: &str| messages.iter().find_map(|m| quoted_after(m, marker));
    // 5.x: "Error initializing filter 'scale' with args …"; 6.1 and later: "Error applying
    // option 'foo' to filter 'scale': …" or "Error initializing filter 'scale': …".
    let filter = find("to filter")
        .or_else(|| find("initializing filter"))
        .map(str::to_owned)
        .or_else(|| (named.len() == 1).then(|| named[0].clone()));
    let option = find("Option").or_else(|| find("applying option"));
    if code == crate::abi::constants::AVERROR_OPTION_NOT_FOUND
        && let Some(option) = option
    {
        return FilterError::UnknownOption {
            filter: filter.unwrap_or_default(),
            option: option.to_owned(),
        };
    }
    match filter {
        Some(filter) if messages.iter().any(|m| !m.contains("No such filter")) => {
            FilterError::InvalidArguments {
                filter,
                message: joined,
            }
        }
        _ => FilterError::Syntax { message: joined },
    }
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
    }
}
