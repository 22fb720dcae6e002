//! Basic CQL2 (OGC 21-065, the "Basic CQL2" conformance class), text and
//! JSON, read into an expression: `and`, `or`, `not`, the six comparisons
//! and `IS [NOT] NULL` of properties and literals (strings, numbers,
//! booleans, `TIMESTAMP('…')`, `DATE('…')`). That is all the catalogue can
//! answer, so it is all that is read; anything else (`LIKE`, `IN`, spatial
//! and temporal functions) is named in the refusal.
//!
//! The input is at most [`MAX_FILTER_BYTES`](super::MAX_FILTER_BYTES) and
//! the reader is recursive: nesting (parentheses, `NOT`s, JSON objects) is
//! counted and refused past [`MAX_DEPTH`](super::MAX_DEPTH) before it can
//! grow the stack.

use serde_json::Value;

use super::MAX_DEPTH;

/// A filter as read, before its properties and literals are checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `and`, `or`, `not`, `isNull` or a comparison (`=`, `<>`, `<`, `<=`,
    /// `>`, `>=`), or, from JSON, whatever `op` said (refused later, by name).
    Op {
        op: String,
        args: Vec<Expr>,
    },
    Property(String),
    Text(String),
    Number(f64),
    Bool(bool),
    Timestamp(String),
    Date(String),
}

/// The operators basic CQL2 has, as refusals list them.
pub const BASIC: &str = "and, or, not, =, <>, <, <=, >, >=, IS NULL";

fn not_basic(what: &str) -> String {
    format!("{what} is not basic CQL2 ({BASIC})")
}

/// Reads cql2-text. The error is the reason, for a 400.
pub fn parse_text(text: &str) -> Result<Expr, String> {
    let mut reader = Text {
        chars: text.chars().collect(),
        at: 0,
        depth: 0,
    };
    let expr = reader.or()?;
    reader.space();
    match reader.peek() {
        None => Ok(expr),
        Some(c) => Err(format!("unexpected {c:?} at character {}", reader.at + 1)),
    }
}

struct Text {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

impl Text {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// The word at the cursor (letters, digits, `_`, `:`, `.`), not taken.
    fn word(&self) -> String {
        self.chars[self.at..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '.'))
            .collect()
    }

    /// Takes `keyword` (any case) if it is the next word.
    fn keyword(&mut self, keyword: &str) -> bool {
        self.space();
        let word = self.word();
        let taken = word.eq_ignore_ascii_case(keyword);
        if taken {
            self.at += word.chars().count();
        }
        taken
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut args = vec![self.and()?];
        while self.keyword("or") {
            args.push(self.and()?);
        }
        Ok(joined("or", args))
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut args = vec![self.not()?];
        while self.keyword("and") {
            args.push(self.not()?);
        }
        Ok(joined("and", args))
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.keyword("not") {
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(op("not", vec![inner]));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr, String> {
        self.space();
        if self.peek() == Some('(') {
            self.at += 1;
            self.deeper()?;
            let inner = self.or()?;
            self.depth -= 1;
            self.space();
            if self.peek() != Some(')') {
                return Err("a ( is not closed".into());
            }
            self.at += 1;
            return Ok(inner);
        }
        let left = self.operand()?;
        self.space();
        if self.keyword("is") {
            let negated = self.keyword("not");
            if !self.keyword("null") {
                return Err("IS is followed by NULL or NOT NULL".into());
            }
            let test = op("isNull", vec![left]);
            return Ok(if negated { op("not", vec![test]) } else { test });
        }
        if let Some(comparison) = self.comparison() {
            let right = self.operand()?;
            return Ok(op(comparison, vec![left, right]));
        }
        let word = self.word();
        if ["like", "in", "between", "ilike"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            return Err(not_basic(&word.to_uppercase()));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Option<&'static str> {
        let two: String = self.chars[self.at..].iter().take(2).collect();
        let (symbol, len) = match two.as_str() {
            "<>" => ("<>", 2),
            "<=" => ("<=", 2),
            ">=" => (">=", 2),
            _ => match two.chars().next()? {
                '=' => ("=", 1),
                '<' => ("<", 1),
                '>' => (">", 1),
                _ => return None,
            },
        };
        self.at += len;
        Some(symbol)
    }

    fn operand(&mut self) -> Result<Expr, String> {
        self.space();
        match self.peek() {
            None => Err("the filter ends where a value was expected".into()),
            Some('\'') => self.string().map(Expr::Text),
            Some('"') => self.quoted_property().map(Expr::Property),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => {
                let word = self.word();
                self.at += word.chars().count();
                self.space();
                if self.peek() == Some('(') {
                    return self.function(&word);
                }
                Ok(match word.to_ascii_lowercase().as_str() {
                    "true" => Expr::Bool(true),
                    "false" => Expr::Bool(false),
                    _ => Expr::Property(word),
                })
            }
            Some(c) => Err(format!("unexpected {c:?} at character {}", self.at + 1)),
        }
    }

    /// `TIMESTAMP('…')` or `DATE('…')`; any other function is not basic.
    fn function(&mut self, name: &str) -> Result<Expr, String> {
        let wrap = match name.to_ascii_lowercase().as_str() {
            "timestamp" => Expr::Timestamp,
            "date" => Expr::Date,
            _ => return Err(not_basic(name)),
        };
        self.at += 1;
        self.space();
        if self.peek() != Some('\'') {
            return Err(format!("{name} takes a string"));
        }
        let text = self.string()?;
        self.space();
        if self.peek() != Some(')') {
            return Err(format!("{name}( is not closed"));
        }
        self.at += 1;
        Ok(wrap(text))
    }

    /// A `'…'` string, `''` standing for a quote.
    fn string(&mut self) -> Result<String, String> {
        self.quoted('\'')
            .ok_or_else(|| "a string is not closed".into())
    }

    /// A `"…"` property name, `""` standing for a quote.
    fn quoted_property(&mut self) -> Result<String, String> {
        self.quoted('"')
            .ok_or_else(|| "a quoted name is not closed".into())
    }

    fn quoted(&mut self, quote: char) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            self.at += 1;
            if c != quote {
                out.push(c);
            } else if self.peek() == Some(quote) {
                out.push(quote);
                self.at += 1;
            } else {
                return Some(out);
            }
        }
    }

    fn number(&mut self) -> Result<Expr, String> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        {
            self.at += 1;
        }
        let text: String = self.chars[start..self.at].iter().collect();
        text.parse::<f64>()
            .map(Expr::Number)
            .map_err(|_| format!("{text:?} is not a number"))
    }
}

fn op(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Op {
        op: name.into(),
        args,
    }
}

/// `a OR b OR c` as one `or` of three; one term alone as itself.
fn joined(name: &str, mut args: Vec<Expr>) -> Expr {
    if args.len() == 1 {
        return args.remove(0);
    }
    op(name, args)
}

/// Reads cql2-json, already parsed as JSON (its depth checked by the caller).
pub fn parse_json(value: &Value) -> Result<Expr, String> {
    Ok(match value {
        Value::Bool(b) => Expr::Bool(*b),
        Value::Number(n) => Expr::Number(n.as_f64().unwrap_or(f64::INFINITY)),
        Value::String(s) => Expr::Text(s.clone()),
        Value::Object(fields) => {
            let field = |name: &str| fields.get(name).and_then(Value::as_str);
            if let (Some(name), Some(Value::Array(args))) = (field("op"), fields.get("args")) {
                Expr::Op {
                    op: name.to_string(),
                    args: args.iter().map(parse_json).collect::<Result<_, _>>()?,
                }
            } else if let Some(name) = field("property") {
                Expr::Property(name.to_string())
            } else if let Some(text) = field("timestamp") {
                Expr::Timestamp(text.to_string())
            } else if let Some(text) = field("date") {
                Expr::Date(text.to_string())
            } else if fields.contains_key("interval") || fields.contains_key("type") {
                return Err(not_basic("an interval or a geometry"));
            } else {
                return Err(
                    "an object that is neither an operation, a property nor a literal".into(),
                );
            }
        }
        Value::Null => return Err("null is not a value".into()),
        Value::Array(_) => return Err(not_basic("an array")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn property(name: &str) -> Expr {
        Expr::Property(name.into())
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let read = parse_text("NOT a = 1 or b <> 'x''y' AND \"c:d\" >= -2.5e1").unwrap();
        assert_eq!(
            read,
            op(
                "or",
                vec![
                    op("not", vec![op("=", vec![property("a"), Expr::Number(1.0)])]),
                    op(
                        "and",
                        vec![
                            op("<>", vec![property("b"), Expr::Text("x'y".into())]),
                            op(">=", vec![property("c:d"), Expr::Number(-25.0)]),
                        ]
                    ),
                ]
            )
        );
    }

    #[test]
    fn null_tests_times_and_booleans_are_read() {
        assert_eq!(
            parse_text("x IS NOT NULL").unwrap(),
            op("not", vec![op("isNull", vec![property("x")])])
        );
        assert_eq!(
            parse_text("datetime < timestamp('2026-06-01T00:00:00Z')").unwrap(),
            op(
                "<",
                vec![
                    property("datetime"),
                    Expr::Timestamp("2026-06-01T00:00:00Z".into())
                ]
            )
        );
        assert_eq!(parse_text(" TRUE ").unwrap(), Expr::Bool(true));
    }

    #[test]
    fn what_is_not_basic_is_named_and_broken_text_is_refused() {
        for (text, reason) in [
            ("title LIKE 'a%'", "LIKE is not basic"),
            (
                "S_INTERSECTS(geometry, POINT(0 0))",
                "S_INTERSECTS is not basic",
            ),
            ("a = ", "ends where a value"),
            ("'open", "not closed"),
            ("(a = 1", "not closed"),
            ("a = 1 b", "unexpected"),
            ("a IS 3", "NULL"),
            ("a = 1..2", "not a number"),
            ("a = TIMESTAMP(3)", "takes a string"),
        ] {
            let why = parse_text(text).unwrap_err();
            assert!(why.contains(reason), "{text}: {why}");
        }
        let deep = format!("{}a = 1", "NOT ".repeat(MAX_DEPTH + 1));
        assert!(parse_text(&deep).unwrap_err().contains("nested"));
    }

    #[test]
    fn hostile_text_is_refused_and_the_next_filter_is_read() {
        for text in [
            "",
            "   ",
            "a =",
            "((((",
            "\"open",
            "a = TIMESTAMP('",
            "a = -",
        ] {
            assert!(parse_text(text).is_err(), "{text:?}");
        }
        // A number too big for a float reads as infinite; the filter then
        // refuses it as no value to compare with (`operand`).
        assert_eq!(
            parse_text("a = 1e99999").unwrap(),
            op("=", vec![property("a"), Expr::Number(f64::INFINITY)])
        );
        let deep = format!("{}a = 1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse_text(&deep).unwrap_err().contains("nested"));
        assert!(parse_json(&serde_json::json!({})).is_err());
        assert!(parse_json(&serde_json::json!({"op": "and", "args": "x"})).is_err());
        assert_eq!(
            parse_text("a = 1").unwrap(),
            op("=", vec![property("a"), Expr::Number(1.0)])
        );
    }
}
