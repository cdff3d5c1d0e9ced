//! The filters the CLI's autorotation puts before any other, for pictures a display matrix
//! says to show turned or mirrored.

/// The filters that show pictures upright which [`Stream::rotation`](crate::format::Stream::rotation)
/// says to turn by `rotation` degrees clockwise, as the CLI's autorotation puts them before
/// any other: `transpose=clock`, `hflip,vflip` or `transpose=cclock`; `None` for no turn or
/// one that is not a quarter. A matrix that also mirrors needs [`upright_filters_for`].
pub fn upright_filters(rotation: Option<i32>) -> Option<&'static str> {
    match rotation? {
        90 => Some("transpose=clock"),
        180 => Some("hflip,vflip"),
        270 => Some("transpose=cclock"),
        _ => None,
    }
}

/// The filters the CLI's autorotation puts before any other for pictures shown through
/// `matrix` (the first picture's [`Frame::display_matrix`](crate::Frame::display_matrix),
/// else the stream's [`Stream::display_matrix`](crate::format::Stream::display_matrix)),
/// chosen by the 5.1 CLI's rules: a quarter turn is `transpose=clock`, or
/// `transpose=cclock_flip` where the matrix also mirrors (likewise `cclock` and
/// `clock_flip`); a half turn `hflip`, `vflip` or both, by which axes it reverses; no turn
/// `vflip` where it reverses rows; another angle `rotate=θ*PI/180`. `None` for no matrix,
/// one that shows the pictures as stored, or one of no angle (a zero column).
///
/// A JPEG of EXIF orientation 2 (mirrored) gives `hflip`, 5 (mirrored and turned)
/// `transpose=cclock_flip`, as the CLI turns them.
pub fn upright_filters_for(matrix: Option<&[i32; 9]>) -> Option<String> {
    let matrix = matrix?;
    let theta = cli_rotation(matrix)?;
    let near = |angle: f64| (theta - angle).abs() < 1.0;
    let filters = if near(90.0) {
        let transpose = if matrix[3] > 0 {
            "cclock_flip"
        } else {
            "clock"
        };
        format!("transpose={transpose}")
    } else if near(180.0) {
        let flips = [(matrix[0] < 0, "hflip"), (matrix[4] < 0, "vflip")];
        let chosen: Vec<&str> = flips.iter().filter(|f| f.0).map(|f| f.1).collect();
        chosen.join(",")
    } else if near(270.0) {
        let transpose = if matrix[3] < 0 {
            "clock_flip"
        } else {
            "cclock"
        };
        format!("transpose={transpose}")
    } else if theta.abs() > 1.0 {
        format!("rotate={theta:.6}*PI/180")
    } else if matrix[4] < 0 {
        "vflip".to_owned()
    } else {
        String::new()
    };
    (!filters.is_empty()).then_some(filters)
}

/// The clockwise turn the CLI reads from a matrix (its `get_rotation`): libavutil's
/// counterclockwise angle (`av_display_rotation_get`), negated, rounded to a degree and
/// brought into [0, 360) less a little; `None` where that angle is undefined.
fn cli_rotation(matrix: &[i32; 9]) -> Option<f64> {
    let fixed = |at: usize| f64::from(matrix[at]) / 65536.0;
    let columns = (fixed(0).hypot(fixed(3)), fixed(1).hypot(fixed(4)));
    if columns.0 == 0.0 || columns.1 == 0.0 {
        return None;
    }
    let counterclockwise = -(fixed(1) / columns.1)
        .atan2(fixed(0) / columns.0)
        .to_degrees();
    let theta = -counterclockwise.round();
    Some(theta - 360.0 * (theta / 360.0 + 0.9 / 360.0).floor())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libavutil's `av_display_rotation_set(angle)`, then `av_display_matrix_flip` of
    /// the columns where `mirrored`.
    fn matrix(angle: f64, mirrored: bool) -> [i32; 9] {
        let radians = -angle.to_radians();
        let fixed = |value: f64| (value * 65536.0) as i32;
        let (c, s) = (radians.cos(), radians.sin());
        let mut m = [fixed(c), fixed(-s), 0, fixed(s), fixed(c), 0, 0, 0, 1 << 30];
        if mirrored {
            (m[0], m[3], m[6]) = (-m[0], -m[3], -m[6]);
        }
        m
    }

    #[test]
    fn each_exif_orientation_gets_the_clis_filters() {
        // What libavcodec's JPEG decoder attaches for EXIF orientations 1 to 8.
        let cases = [
            ((0.0, false), None),
            ((0.0, true), Some("hflip")),
            ((180.0, false), Some("hflip,vflip")),
            ((180.0, true), Some("vflip")),
            ((90.0, true), Some("transpose=cclock_flip")),
            ((90.0, false), Some("transpose=clock")),
            ((-90.0, true), Some("transpose=clock_flip")),
            ((-90.0, false), Some("transpose=cclock")),
        ];
        for ((angle, mirrored), filters) in cases {
            let matrix = matrix(angle, mirrored);
            let chosen = upright_filters_for(Some(&matrix));
            assert_eq!(chosen.as_deref(), filters, "{angle} {mirrored}");
        }
    }

    #[test]
    fn no_matrix_or_no_angle_turns_nothing_and_odd_angles_rotate() {
        assert_eq!(upright_filters_for(None), None);
        assert_eq!(upright_filters_for(Some(&[0; 9])), None);
        let turned = matrix(-45.0, false);
        assert_eq!(
            upright_filters_for(Some(&turned)).as_deref(),
            Some("rotate=315.000000*PI/180")
        );
    }
}
