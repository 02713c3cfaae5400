//! The one error type of the xAPI domain: where in the document the problem is, and what it is.

use std::fmt;

/// A rejected statement, agent parameter or signature. `path` names the offending property
/// (`statement.context.contextActivities.parent[0].id`), `message` says what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ValidationError {
    pub path: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationError {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Re-roots the path, e.g. `statement.actor` to `statements[3].actor` for batch requests.
    pub fn with_root(mut self, root: &str) -> Self {
        for prefix in ["statement", "agent"] {
            if let Some(rest) = self.path.strip_prefix(prefix)
                && (rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
            {
                self.path = format!("{root}{rest}");
                return self;
            }
        }
        self
    }
}

/// A JSON location built while walking a document, rendered as `a.b[2].c`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Path(String);

impl Path {
    pub(crate) fn root(name: &str) -> Self {
        Path(name.to_owned())
    }

    /// A child property. Keys that are not plain identifiers (extension IRIs, language tags)
    /// are quoted so the path stays readable: `result.extensions["http://x"]`.
    pub(crate) fn key(&self, key: &str) -> Self {
        let plain = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if plain {
            Path(format!("{}.{key}", self.0))
        } else {
            Path(format!("{}[{key:?}]", self.0))
        }
    }

    pub(crate) fn index(&self, i: usize) -> Self {
        Path(format!("{}[{i}]", self.0))
    }

    pub(crate) fn err(&self, message: impl Into<String>) -> ValidationError {
        ValidationError::new(self.0.clone(), message)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_path_colon_message() {
        let e = ValidationError::new("statement.actor.mbox", "must be a mailto IRI");
        assert_eq!(e.to_string(), "statement.actor.mbox: must be a mailto IRI");
    }

    #[test]
    fn paths_render_keys_and_indexes() {
        let p = Path::root("statement")
            .key("context")
            .key("contextActivities")
            .key("parent")
            .index(0)
            .key("id");
        assert_eq!(
            p.to_string(),
            "statement.context.contextActivities.parent[0].id"
        );
        let q = Path::root("statement")
            .key("result")
            .key("extensions")
            .key("http://x/y");
        assert_eq!(q.to_string(), "statement.result.extensions[\"http://x/y\"]");
    }

    #[test]
    fn with_root_rewrites_only_the_root() {
        let e = ValidationError::new("statement.actor", "x").with_root("statements[3]");
        assert_eq!(e.path, "statements[3].actor");
        let e = ValidationError::new("statement", "x").with_root("statements[0]");
        assert_eq!(e.path, "statements[0]");
        let e = ValidationError::new("statementx", "x").with_root("statements[0]");
        assert_eq!(e.path, "statementx");
    }
}
