//! Lines simplified for a zoom: Ramer–Douglas–Peucker (the `geo` crate),
//! by indices, so what belongs to each kept point (a track's times) stays
//! with it.

use geo::{Coord, LineString, SimplifyIdx};

/// Points simplified in one piece at most. RDP recurses once per kept point
/// in the worst case and is quadratic there: a track of 50 000 points that
/// zigzags would recurse 50 000 deep and overflow the thread's stack, which
/// aborts the server. Simplifying in pieces of this size bounds the depth and
/// the work; a piece's ends are always kept, which costs a point per piece.
const PIECE: usize = 1_000;

/// Tolerances beyond this many degrees draw nothing useful.
pub const MAX_TOLERANCE_DEG: f64 = 10.0;

/// Indices of `points` (`[lon, lat]` in degrees) that keep every other point
/// within `tolerance` degrees of the line: the first and the last always.
/// A tolerance that is not positive keeps every point.
pub fn simplified(points: &[[f64; 2]], tolerance: f64) -> Vec<usize> {
    if points.len() <= 2 || tolerance.is_nan() || tolerance <= 0.0 {
        return (0..points.len()).collect();
    }
    let tolerance = tolerance.min(MAX_TOLERANCE_DEG);
    let mut kept = Vec::new();
    let mut start = 0;
    while start < points.len() - 1 {
        let end = (start + PIECE).min(points.len() - 1);
        let piece: LineString<f64> = points[start..=end]
            .iter()
            .map(|&[x, y]| Coord { x, y })
            .collect();
        let indices = piece.simplify_idx(tolerance);
        // Each piece starts where the one before ended: its first is kept already.
        let skip = usize::from(!kept.is_empty());
        kept.extend(indices.into_iter().skip(skip).map(|i| start + i));
        start = end;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_keeps_its_ends_and_a_corner_is_kept() {
        let line: Vec<[f64; 2]> = (0..=100).map(|i| [i as f64 * 0.01, 0.0]).collect();
        assert_eq!(simplified(&line, 0.001), vec![0, 100]);
        let mut corner = line.clone();
        corner.extend((1..=100).map(|i| [1.0, i as f64 * 0.01]));
        assert_eq!(simplified(&corner, 0.001), vec![0, 100, 200]);
        assert_eq!(
            simplified(&corner, 0.0).len(),
            201,
            "no tolerance, no change"
        );
        assert_eq!(simplified(&corner, f64::NAN).len(), 201);
        assert_eq!(simplified(&[], 1.0), Vec::<usize>::new());
        assert_eq!(simplified(&[[0.0, 0.0]], 1.0), vec![0]);
    }

    #[test]
    fn fifty_thousand_corners_are_simplified_without_deep_recursion() {
        // Every point of a zigzag is a corner: RDP's deepest case (whole,
        // it overflows a 2 MiB stack).
        let zigzag: Vec<[f64; 2]> = (0..50_000)
            .map(|i| [i as f64, if i % 2 == 0 { 0.0 } else { 1.0 }])
            .collect();
        let kept = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || simplified(&zigzag, 0.1))
            .unwrap()
            .join()
            .expect("simplified within a 2 MiB stack, tokio's default");
        assert_eq!(kept.len(), 50_000, "every corner kept");
        assert!(
            kept.windows(2).all(|w| w[1] == w[0] + 1),
            "in order, no repeats"
        );
    }

    #[test]
    fn pieces_join_without_repeating_their_shared_point() {
        // A square wave: straight runs between corners, across three pieces.
        let wave: Vec<[f64; 2]> = (0..5_001)
            .map(|i| [i as f64, ((i / 100) % 2) as f64])
            .collect();
        let kept = simplified(&wave, 0.1);
        assert_eq!(kept.first(), Some(&0));
        assert_eq!(kept.last(), Some(&5_000));
        assert!(kept.windows(2).all(|w| w[0] < w[1]), "no point twice");
        assert!(
            kept.contains(&2_000) && kept.contains(&4_000),
            "piece ends kept"
        );
        assert!(kept.len() < 250, "runs collapse: {}", kept.len());
    }
}
