//! IRI / IRL syntax (Data 2.2, 4.3). The LRS "MAY use best-effort validation"; what it MUST do is
//! reject values without a scheme. We check an RFC 3987 scheme, a non-empty remainder, and the
//! absence of characters an IRI can never contain (whitespace, controls, `<>"{}|\^` and backtick).

/// True when `s` looks like an absolute IRI: `scheme ":" rest`.
pub fn is_absolute_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !rest.is_empty()
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_absolute_iris() {
        for ok in [
            "http://example.com",
            "https://example.com/xapi/verbs#defenestrated",
            "urn:uuid:6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "mailto:a@b.c",
            "tag:example.com,2024:x",
            "http://example.com/فعل/خواندن",
            "http://example.com/path/../x",
            "ftp://x",
        ] {
            assert!(is_absolute_iri(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_values_without_a_scheme_or_with_bad_characters() {
        for bad in [
            "",
            "example.com/extension/wrong",
            "not.a.valid.iri.com/activity",
            "ab=c://should.fail.com",
            "should error",
            "://x",
            "1http://x",
            "http:",
            "http://exa mple.com",
            "http://example.com/<x>",
            "abc",
        ] {
            assert!(!is_absolute_iri(bad), "{bad}");
        }
    }
}
