//! docs/ANALYTICS.md's table of metrics is the metrics' one definition
//! (`lrs::analytics::metrics::LEARNER_METRICS`), row for row.

use lrs::analytics::metrics::LEARNER_METRICS;

#[test]
fn the_documented_metrics_are_the_catalog() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ANALYTICS.md"))
        .expect("docs/ANALYTICS.md");
    let table = doc
        .split("| metric | column | unit | definition |")
        .nth(1)
        .expect("the metrics table");
    let rows: Vec<Vec<String>> = table
        .lines()
        .skip(2)
        .take_while(|row| row.starts_with('|'))
        .map(|row| {
            row.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().trim_matches('`').to_owned())
                .collect()
        })
        .collect();
    let expected: Vec<Vec<String>> = LEARNER_METRICS
        .iter()
        .map(|m| {
            vec![
                m.name.to_owned(),
                m.column.to_owned(),
                m.unit.to_owned(),
                m.description.to_owned(),
            ]
        })
        .collect();
    assert_eq!(rows, expected);
}
