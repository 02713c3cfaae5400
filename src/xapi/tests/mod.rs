//! Cross-module tests of the xAPI domain: conformance-suite-derived accept/reject cases for
//! both versions, sample statements, and the behaviour of the public functions.
