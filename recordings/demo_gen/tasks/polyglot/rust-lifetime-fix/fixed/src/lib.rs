//! Small string helpers used by the CLI.

/// Returns the longer of two string slices (the first one on a tie).
pub fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.len() >= b.len() { a } else { b }
}

/// Counts the words separated by ASCII whitespace.
pub fn word_count(s: &str) -> usize {
    s.split_ascii_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_longer() {
        assert_eq!(longest("ab", "abc"), "abc");
    }

    #[test]
    fn ties_go_left() {
        assert_eq!(longest("xy", "zw"), "xy");
    }

    #[test]
    fn counts_words() {
        assert_eq!(word_count("  one two\tthree "), 3);
    }
}
