//! Charts as SVG, drawn on the server: no script, readable by screen readers (each chart has
//! a title with its numbers).

use maud::{Markup, html};

/// A sparkline of a series (e.g. statements per course week), `width` × `height` pixels.
pub fn sparkline(label: &str, values: &[f64], width: u32, height: u32) -> Markup {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let step = if values.len() > 1 {
        f64::from(width - 2) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = 1.0 + step * i as f64;
            let y = if max > 0.0 {
                f64::from(height - 2) * (1.0 - v / max) + 1.0
            } else {
                f64::from(height - 1)
            };
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let numbers: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
    let description = format!("{label}: {}", numbers.join(", "));
    html! {
        svg.spark role="img" aria-label=(description) width=(width) height=(height)
            viewBox={"0 0 " (width) " " (height)} xmlns="http://www.w3.org/2000/svg" {
            title { (description) }
            @if points.len() > 1 {
                polyline points=(points.join(" ")) {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_spans_its_box_and_names_its_numbers() {
        let svg = sparkline("statements per week", &[0.0, 5.0, 10.0], 100, 20).into_string();
        assert!(
            svg.contains(r#"points="1.0,19.0 50.0,10.0 99.0,1.0""#),
            "{svg}"
        );
        assert!(svg.contains("statements per week: 0, 5, 10"), "{svg}");
        let flat = sparkline("none", &[], 100, 20).into_string();
        assert!(!flat.contains("polyline"), "{flat}");
    }
}
