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

/// One bar of a bar chart: its label (under the bar), value, and what a reader is told.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub description: String,
}

/// A bar chart, `height` pixels high, bars `bar` pixels wide.
pub fn bars(label: &str, bars: &[Bar], bar: u32, height: u32) -> Markup {
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let plot = f64::from(height - 18);
    let width = (bar + 4) * bars.len().max(1) as u32;
    html! {
        svg.bars role="img" aria-label=(label) width=(width) height=(height)
            viewBox={"0 0 " (width) " " (height)} xmlns="http://www.w3.org/2000/svg" {
            title { (label) }
            @for (i, b) in bars.iter().enumerate() {
                @let h = if max > 0.0 { (plot * b.value / max).max(if b.value > 0.0 { 1.0 } else { 0.0 }) } else { 0.0 };
                @let x = (bar + 4) * i as u32 + 2;
                g tabindex="0" {
                    title { (b.description) }
                    rect x=(x) y=(format!("{:.1}", plot - h)) width=(bar) height=(format!("{h:.1}")) {}
                    text x=(x + bar / 2) y=(height - 4) text-anchor="middle" { (b.label) }
                }
            }
        }
    }
}

/// Viridis in five steps, light (few) to dark (many): ordered in lightness for every reader,
/// colour-blind ones too, and an empty cell lighter than all of them.
const VIRIDIS: [&str; 5] = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];

/// The colour of `value` out of `max` (none for 0).
fn heat(value: i64, max: i64) -> &'static str {
    if value <= 0 || max <= 0 {
        return "#f6f8fa";
    }
    let step = ((value as f64 / max as f64) * VIRIDIS.len() as f64).ceil() as usize;
    VIRIDIS[step.clamp(1, VIRIDIS.len()) - 1]
}

/// A heatmap: one row per `rows` label, one column per `columns` label, `value(row, column)`
/// in each cell, which tells its number on hover and keyboard focus.
pub fn heatmap(
    label: &str,
    rows: &[String],
    columns: &[String],
    value: impl Fn(usize, usize) -> i64,
) -> Markup {
    let (cell, left, top) = (22u32, 220u32, 18u32);
    let width = left + cell * columns.len() as u32 + 4;
    let height = top + cell * rows.len() as u32 + 4;
    let max = (0..rows.len())
        .flat_map(|r| (0..columns.len()).map(move |c| (r, c)))
        .map(|(r, c)| value(r, c))
        .max()
        .unwrap_or(0);
    html! {
        svg.heatmap role="img" aria-label=(label) width=(width) height=(height)
            viewBox={"0 0 " (width) " " (height)} xmlns="http://www.w3.org/2000/svg" {
            title { (label) }
            @for (c, column) in columns.iter().enumerate() {
                text x=(left + cell * c as u32 + cell / 2) y="12" text-anchor="middle" { (column) }
            }
            @for (r, row) in rows.iter().enumerate() {
                @let y = top + cell * r as u32;
                text x=(left - 6) y=(y + cell / 2 + 4) text-anchor="end" {
                    (truncate(row, 32))
                }
                @for (c, column) in columns.iter().enumerate() {
                    @let v = value(r, c);
                    g tabindex="0" {
                        title { (row) ", " (column) ": " (v) " accesses" }
                        rect x=(left + cell * c as u32) y=(y) width=(cell - 2) height=(cell - 2) fill=(heat(v, max)) {}
                    }
                }
            }
        }
    }
}

fn truncate(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(chars - 1).collect();
    cut.push('…');
    cut
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

    #[test]
    fn heat_rises_with_the_value_and_empty_cells_stay_blank() {
        assert_eq!(heat(0, 10), "#f6f8fa");
        assert_eq!(heat(1, 10), VIRIDIS[0]);
        assert_eq!(heat(10, 10), VIRIDIS[4]);
        assert_eq!(heat(5, 10), VIRIDIS[2]);
        let rows = vec!["Reading 1".to_owned()];
        let columns = vec!["W1".to_owned(), "W2".to_owned()];
        let svg = heatmap("accesses", &rows, &columns, |_, c| c as i64 * 3).into_string();
        assert!(svg.contains("Reading 1, W2: 3 accesses"), "{svg}");
    }
}
