//! Templates of URLs and product tokens: `gfs.t{run:%H}z.pgrb2.f{lead:03}`.
//!
//! A field is `{name}` or `{name:spec}`: times (`run`, `valid`) take a
//! strftime spec (`%Y%m%d`), the lead (whole hours) a width (`03` pads with
//! zeros, `3` with spaces is refused: URLs have no spaces). `{{` and `}}` are
//! literal braces. Parsed once when the file is read, so that a bad spec is
//! refused with its line instead of failing at three in the morning.

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// The values a template is expanded with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// The model run, for sources that publish runs.
    pub run: Option<DateTime<Utc>>,
    /// Hours after the run.
    pub lead: Option<u32>,
    /// The time the product is valid for.
    pub valid: DateTime<Utc>,
}

/// A field a template may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Run,
    Lead,
    Valid,
}

impl Field {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "run" => Some(Self::Run),
            "lead" => Some(Self::Lead),
            "valid" => Some(Self::Valid),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Run => "run",
            Self::Lead => "lead",
            Self::Valid => "valid",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Time(Field, String),
    Lead { width: usize },
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Longest template accepted, in bytes.
pub const MAX_TEMPLATE: usize = 2_048;
/// Widest zero padding of a lead.
const MAX_WIDTH: usize = 6;

impl Template {
    /// Reads `text`, allowing only the fields in `allowed`.
    pub fn parse(text: &str, allowed: &[Field]) -> Result<Self, String> {
        if text.len() > MAX_TEMPLATE {
            return Err(format!(
                "the template is {} bytes; at most {MAX_TEMPLATE} are accepted",
                text.len()
            ));
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(at) = rest.find(['{', '}']) {
            literal.push_str(&rest[..at]);
            let tail = &rest[at..];
            if let Some(after) = tail.strip_prefix("{{") {
                literal.push('{');
                rest = after;
                continue;
            }
            if let Some(after) = tail.strip_prefix("}}") {
                literal.push('}');
                rest = after;
                continue;
            }
            if tail.starts_with('}') {
                return Err("a `}` without its `{` (write `}}` for a brace)".into());
            }
            let end = tail
                .find('}')
                .ok_or("a `{` without its `}` (write `{{` for a brace)")?;
            let inside = &tail[1..end];
            let (name, spec) = match inside.split_once(':') {
                Some((name, spec)) => (name, Some(spec)),
                None => (inside, None),
            };
            let field = Field::parse(name)
                .filter(|f| allowed.contains(f))
                .ok_or_else(|| unknown_field(name, allowed))?;
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(match (field, spec) {
                (Field::Lead, spec) => Part::Lead {
                    width: lead_width(spec.unwrap_or(""))?,
                },
                (time, spec) => {
                    let spec = spec.unwrap_or("%Y%m%d%H%M").to_string();
                    check_strftime(&spec)?;
                    Part::Time(time, spec)
                }
            });
            rest = &tail[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Self { parts })
    }

    /// The template filled with `moment`'s values; a field the moment lacks
    /// (a lead for an observation) is written empty.
    pub fn expand(&self, moment: &Moment) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Time(field, spec) => {
                    let time = match field {
                        Field::Run => moment.run,
                        _ => Some(moment.valid),
                    };
                    if let Some(time) = time {
                        // Checked on parsing: formatting cannot fail.
                        let _ = write!(out, "{}", time.format(spec));
                    }
                }
                Part::Lead { width } => {
                    if let Some(lead) = moment.lead {
                        let _ = write!(out, "{lead:0width$}");
                    }
                }
            }
        }
        out
    }

    /// Whether the template names `field`.
    pub fn names(&self, field: Field) -> bool {
        self.parts.iter().any(|p| match p {
            Part::Time(f, _) => *f == field,
            Part::Lead { .. } => field == Field::Lead,
            Part::Text(_) => false,
        })
    }
}

fn unknown_field(name: &str, allowed: &[Field]) -> String {
    let names: Vec<String> = allowed
        .iter()
        .map(|f| format!("{{{}}}", f.name()))
        .collect();
    format!(
        "`{{{name}}}` is not a field of this source; it may use {}",
        names.join(", ")
    )
}

fn lead_width(spec: &str) -> Result<usize, String> {
    if spec.is_empty() {
        return Ok(0);
    }
    let digits = spec
        .strip_prefix('0')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            format!("`{{lead:{spec}}}`: a lead takes a zero-padded width such as `{{lead:03}}`")
        })?;
    digits
        .parse::<usize>()
        .ok()
        .filter(|w| (1..=MAX_WIDTH).contains(w))
        .ok_or_else(|| format!("`{{lead:{spec}}}`: widths of 1 to {MAX_WIDTH} are accepted"))
}

fn check_strftime(spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("an empty time format (write `{run:%Y%m%d}`, or `{run}`)".into());
    }
    if StrftimeItems::new(spec).any(|item| matches!(item, Item::Error)) {
        return Err(format!(
            "`{spec}` is not a strftime format such as `%Y%m%d%H`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const ALL: [Field; 3] = [Field::Run, Field::Lead, Field::Valid];

    fn moment() -> Moment {
        let run = Utc.with_ymd_and_hms(2026, 12, 7, 6, 0, 0).unwrap();
        Moment {
            run: Some(run),
            lead: Some(24),
            valid: run + chrono::Duration::hours(24),
        }
    }

    #[test]
    fn fields_are_filled_as_the_centre_writes_them() {
        let t = Template::parse(
            "http://c.example/gfs.{run:%Y%m%d}/{run:%H}/gfs.t{run:%H}z.f{lead:03}?t={valid:%Y-%m-%dT%H:%M:%SZ}&x={{y}}",
            &ALL,
        )
        .unwrap();
        assert_eq!(
            t.expand(&moment()),
            "http://c.example/gfs.20261207/06/gfs.t06z.f024?t=2026-12-08T06:00:00Z&x={y}"
        );
        assert!(t.names(Field::Lead) && t.names(Field::Run) && t.names(Field::Valid));
        let plain = Template::parse("{lead}h_{run}", &ALL).unwrap();
        assert_eq!(plain.expand(&moment()), "24h_202612070600");
    }

    #[test]
    fn bad_templates_say_what_is_wrong() {
        let err = |text: &str, allowed: &[Field]| Template::parse(text, allowed).unwrap_err();
        assert!(err("{member}", &ALL).contains("`{member}` is not a field"));
        assert!(err("{run}", &[Field::Valid]).contains("it may use {valid}"));
        assert!(err("{lead:3}", &ALL).contains("zero-padded width"));
        assert!(err("{lead:099}", &ALL).contains("widths of 1 to 6"));
        assert!(err("{run:%Q}", &ALL).contains("not a strftime format"));
        assert!(err("{run:}", &ALL).contains("empty time format"));
        assert!(err("a{run", &ALL).contains("without its `}`"));
        assert!(err("a}b", &ALL).contains("without its `{`"));
        assert!(err(&"x".repeat(MAX_TEMPLATE + 1), &ALL).contains("at most"));
    }
}
