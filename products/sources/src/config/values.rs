//! Single values of `sources.toml` checked: an extension, a bounding box,
//! a credential's reference.

use toml::Spanned;

use super::{Lines, RawAuth};
use crate::{Auth, ConfigError};

pub(super) fn extension(lines: &Lines, value: &Spanned<String>) -> Result<String, ConfigError> {
    let ext = value.get_ref().trim_start_matches('.');
    if !ext.is_empty()
        && ext.len() <= 12
        && ext.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
    {
        Ok(ext.to_ascii_lowercase())
    } else {
        Err(lines.at(
            value,
            format!(
                "ext {:?}: letters and digits such as \"grib2\"",
                value.get_ref()
            ),
        ))
    }
}

/// The extension of the URL's last path segment, when it has a plain one.
pub(super) fn url_extension(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 12 && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

pub(super) fn check_bbox([w, s, e, n]: [f64; 4]) -> Result<[f64; 4], String> {
    let ok = [w, s, e, n].iter().all(|v| v.is_finite())
        && (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n)
        && s <= n;
    if ok {
        Ok([w, s, e, n])
    } else {
        Err("bbox is [west, south, east, north] in degrees, south ≤ north".into())
    }
}

pub(super) fn check_auth(auth: &RawAuth) -> Result<Auth, String> {
    let header = &auth.header;
    if header.is_empty()
        || !header
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(format!("auth: {header:?} is not an HTTP header name"));
    }
    match (&auth.env, &auth.file) {
        (Some(env), None) if !env.is_empty() => Ok(Auth::Env {
            header: header.clone(),
            var: env.clone(),
        }),
        (None, Some(file)) if !file.is_empty() => Ok(Auth::File {
            header: header.clone(),
            path: file.into(),
        }),
        _ => Err(
            "auth: the secret by reference, env = \"NAME\" or file = \"path\" (one of them)".into(),
        ),
    }
}
