//! RFC 5646 language tags, the keys of every language map and `context.language`
//! (Data 2.2: the LRS MUST at least validate the sequence of subtag lengths; Data 4.2).
//!
//! This is a well-formedness check of the ABNF in RFC 5646 section 2.1, plus the two validity
//! rules that need no registry: no repeated variant, no repeated extension singleton (the
//! conformance suite rejects `zh-z-aaa-z-bbb-c-ccc`).

/// Grandfathered tags (RFC 5646 2.1, `irregular` and `regular`), compared lowercase.
const GRANDFATHERED: &[&str] = &[
    "en-gb-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-be-fr",
    "sgn-be-nl",
    "sgn-ch-de",
    "art-lojban",
    "cel-gaulish",
    "no-bok",
    "no-nyn",
    "zh-guoyu",
    "zh-hakka",
    "zh-min",
    "zh-min-nan",
    "zh-xiang",
];

fn alpha(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn alnum(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_variant(s: &str) -> bool {
    alnum(s, 5, 8) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit() && alnum(s, 4, 4))
}

/// True when `tag` is a well-formed RFC 5646 language tag.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    if GRANDFATHERED.contains(&lower.as_str()) {
        return true;
    }
    let subtags: Vec<&str> = lower.split('-').collect();
    if subtags.iter().any(|s| !alnum(s, 1, 8)) {
        return false;
    }
    let mut i = 0;
    let at = |i: usize| subtags.get(i).copied();

    // A tag may be private use only: "x-whatever".
    if at(0) == Some("x") {
        return is_private_use_tail(&subtags[1..]);
    }

    // language = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
    let Some(language) = at(0) else { return false };
    if !alpha(language, 2, 8) {
        return false;
    }
    i += 1;
    if language.len() <= 3 {
        // extlang = 3ALPHA *2("-" 3ALPHA)
        let mut extlangs = 0;
        while extlangs < 3 && at(i).is_some_and(|s| alpha(s, 3, 3)) {
            i += 1;
            extlangs += 1;
        }
    }
    if at(i).is_some_and(|s| alpha(s, 4, 4)) {
        i += 1; // script
    }
    if at(i).is_some_and(|s| alpha(s, 2, 2) || digits(s, 3)) {
        i += 1; // region
    }
    let mut variants: Vec<&str> = Vec::new();
    while let Some(v) = at(i).filter(|s| is_variant(s)) {
        if variants.contains(&v) {
            return false;
        }
        variants.push(v);
        i += 1;
    }
    let mut singletons: Vec<&str> = Vec::new();
    while let Some(single) = at(i).filter(|s| s.len() == 1 && *s != "x") {
        if singletons.contains(&single) {
            return false;
        }
        singletons.push(single);
        i += 1;
        let start = i;
        while at(i).is_some_and(|s| alnum(s, 2, 8)) {
            i += 1;
        }
        if i == start {
            return false; // an extension needs at least one subtag
        }
    }
    if at(i) == Some("x") {
        return is_private_use_tail(&subtags[i + 1..]);
    }
    i == subtags.len()
}

fn is_private_use_tail(rest: &[&str]) -> bool {
    !rest.is_empty() && rest.iter().all(|s| alnum(s, 1, 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_tags() {
        for ok in [
            "en",
            "de",
            "en-US",
            "en-GB",
            "de-DE",
            "zh-Hant",
            "sr-Latn-RS",
            "cmn",
            "fr-CA",
            "ja",
            "es",
            "es-MX",
            "es-419",
            "sr-Cyrl",
            "zh-Hans-CN",
            "ase",
            "tlh",
            "und",
            "zh-yue-HK",
            "sl-rozaj-biske",
            "de-CH-1901",
            "en-US-u-islamcal",
            "en-a-bbb-x-a-ccc",
            "x-whatever",
            "i-klingon",
            "en-GB-oed",
            "EN-us",
            "hy-Latn-IT-arevela",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_tags() {
        for bad in [
            "",
            "a12345",
            "a12345678",
            "e",
            "en-",
            "-en",
            "en--US",
            "zh-z-aaa-z-bbb-c-ccc",
            "de-DE-1901-1901",
            "en-a",
            "en-x",
            "x",
            "toolongtag",
            "en_US",
            "en US",
            "12",
            "en-US-a",
            "abcdefghi",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
