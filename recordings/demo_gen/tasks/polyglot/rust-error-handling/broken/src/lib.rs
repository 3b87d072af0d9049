//! Parsing of the `--port` option.
use std::num::ParseIntError;
use std::thread::sleep;
use std::time::Duration;

/// Parses a TCP port such as "8080".
pub fn parse_port(s: &str) -> Result<u16, ParseIntError> {
    s.trim().parse::<u16>()
}

/// Parses `s`, trying up to `attempts` times (the value may still be arriving
/// from the environment). Returns the last error when every attempt fails.
pub fn parse_port_with_retry(s: &str, attempts: u32) -> Result<u16, ParseIntError> {
    loop {
        if let Ok(port) = parse_port(s) {
            return Ok(port);
        }
        sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_valid_port() {
        assert_eq!(parse_port_with_retry("8080", 3), Ok(8080));
    }

    #[test]
    fn gives_up_after_the_last_attempt() {
        assert!(parse_port_with_retry("http", 3).is_err());
    }
}
