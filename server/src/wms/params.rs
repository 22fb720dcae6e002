//! A WMS request's parameters, as clients send them: keys in any case
//! (`LAYERS`, `layers`, msui's lower case), values percent-decoded, the
//! first of a repeated key kept.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::exception::WmsError;

/// Longest query read (a request's parameters, not data).
const MAX_QUERY: usize = 16 * 1024;

pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(query: &str) -> Result<Self, WmsError> {
        if query.len() > MAX_QUERY {
            return Err(WmsError::invalid(format!(
                "the request is over {MAX_QUERY} bytes"
            )));
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|e| WmsError::invalid(format!("the request cannot be read: {e}")))?;
        let mut map = HashMap::new();
        for (key, value) in pairs {
            map.entry(key.to_ascii_lowercase()).or_insert(value);
        }
        Ok(Self(map))
    }

    /// The value of `key` (lower case), if given and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The value of `key`, or an exception saying it is missing.
    pub fn need(&self, key: &str) -> Result<&str, WmsError> {
        self.get(key)
            .ok_or_else(|| WmsError::invalid(format!("{} is missing", key.to_ascii_uppercase())))
    }

    /// A number of pixels from 1 to `max`.
    pub fn pixels(&self, key: &str, max: u32) -> Result<u32, WmsError> {
        self.need(key)?
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|v| (1..=max).contains(v))
            .ok_or_else(|| {
                WmsError::invalid(format!(
                    "{} must be a whole number from 1 to {max}",
                    key.to_ascii_uppercase()
                ))
            })
    }

    /// A time dimension's value: ISO 8601 in UTC (`2011-01-15T12:00:00Z`,
    /// or without its `Z`, as some clients send it).
    pub fn time(&self, keys: &[&str]) -> Result<Option<DateTime<Utc>>, WmsError> {
        let Some((key, text)) = keys.iter().find_map(|k| self.get(k).map(|v| (*k, v))) else {
            return Ok(None);
        };
        let parsed = DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
                    .map(|t| t.and_utc())
            })
            .map_err(|_| {
                WmsError::dimension(format!(
                    "{} = {text:?} is not a time such as 2011-01-15T12:00:00Z",
                    key.to_ascii_uppercase()
                ))
            })?;
        Ok(Some(parsed))
    }
}
