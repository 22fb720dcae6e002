//! A source's credential, read from where `sources.toml` says it is when a
//! request is made.

use reqwest::header::{HeaderName, HeaderValue};
use sources::Auth;

use super::http::FetchError;

/// The header carrying a source's credential, read now (never kept, never
/// logged: an error names where it should be, not what it is).
pub(super) fn credential(
    auth: Option<&Auth>,
) -> Result<Option<(HeaderName, HeaderValue)>, FetchError> {
    let Some(auth) = auth else { return Ok(None) };
    let (header, value) = match auth {
        Auth::Env { header, var } => (
            header,
            std::env::var(var)
                .map_err(|_| FetchError::Credential(format!("the variable {var} is not set")))?,
        ),
        Auth::File { header, path } => (
            header,
            std::fs::read_to_string(path)
                .map_err(|e| FetchError::Credential(format!("{}: {e}", path.display())))?
                .trim()
                .to_string(),
        ),
    };
    let name = HeaderName::from_bytes(header.as_bytes())
        .map_err(|_| FetchError::Credential(format!("{header:?} is not a header name")))?;
    let mut value = HeaderValue::from_str(&value)
        .map_err(|_| FetchError::Credential("the value cannot be sent as a header".into()))?;
    value.set_sensitive(true);
    Ok(Some((name, value)))
}
