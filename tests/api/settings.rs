//! The settings table of the README is the clap definitions' (`lrs::config::Config`): the same
//! variables, and where a setting has a fixed default, the same default.

use std::collections::BTreeMap;

use clap::CommandFactory;

/// Every environment variable of every command, with its default values.
fn clap_settings() -> BTreeMap<String, Vec<String>> {
    let mut settings = BTreeMap::new();
    let mut commands = vec![lrs::cli::Cli::command()];
    while let Some(command) = commands.pop() {
        for arg in command.get_arguments() {
            if let Some(env) = arg.get_env() {
                let default = arg
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect();
                settings.insert(env.to_string_lossy().into_owned(), default);
            }
        }
        commands.extend(command.get_subcommands().cloned());
    }
    settings
}

/// The README's settings table: each variable with the text of its default cell.
fn readme_settings() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let table = readme
        .split("| variable | default | meaning |")
        .nth(1)
        .expect("the settings table");
    let mut settings = BTreeMap::new();
    for row in table.lines().skip(2) {
        if !row.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = row.split(" | ").collect();
        let names = cells[0].trim_start_matches("| ");
        for name in names.split(", ") {
            settings.insert(name.trim_matches('`').to_owned(), cells[1].to_owned());
        }
    }
    settings
}

#[test]
fn the_readme_lists_exactly_the_settings_clap_defines_with_their_defaults() {
    let clap = clap_settings();
    let readme = readme_settings();
    let missing: Vec<&String> = clap.keys().filter(|k| !readme.contains_key(*k)).collect();
    let unknown: Vec<&String> = readme.keys().filter(|k| !clap.contains_key(*k)).collect();
    assert!(missing.is_empty(), "not in the README's table: {missing:?}");
    assert!(
        unknown.is_empty(),
        "in the README's table, not a setting: {unknown:?}"
    );
    for (name, defaults) in &clap {
        let cell = &readme[name];
        // A literal default is shown as that literal. An IRI may be named in words, and 0
        // stands for a computed default ("200 per CPU"), which the README states; so do
        // settings without a default (computed at start) and lists of IRIs.
        if let [default] = defaults.as_slice() {
            assert!(
                cell.starts_with(&format!("`{default}`"))
                    || ((default.contains("://") || default == "0") && !cell.starts_with('`')),
                "{name}: clap's default is {default}, the README says {cell}"
            );
        }
    }
    assert!(clap.len() > 25, "the settings were found: {clap:?}");
}
