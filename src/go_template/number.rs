//! Literals inside actions: Go's `strconv.Unquote` for strings and character constants, and
//! the numbers a URL template might plausibly hold. Exotic numbers (imaginary, complex, hex
//! floats) are accepted as Go would parse them, but not evaluated: see [`Number::Exotic`].

/// A number constant (`parse.NumberNode`), reduced to what can be evaluated here.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Number {
    Int(i64),
    /// A float constant (`1.5`, `1e3`).
    Float(f64),
    /// A character constant: an int in Go (`'a'` is 97).
    Rune(i64),
    /// Go parses it, this module does not evaluate it.
    Exotic,
}

fn illegal(text: &str) -> String {
    format!("illegal number syntax: {text:?}")
}

/// Go syntax for an integer literal with `base` prefix rules (`strconv.ParseInt(s, 0, 64)`).
fn parse_int(text: &str) -> Option<i128> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    // Underscores only between digits, or right after a base prefix.
    let mut prev_digit = prefixed;
    for c in digits.chars() {
        if c == '_' {
            if !prev_digit {
                return None;
            }
            prev_digit = false;
        } else {
            prev_digit = true;
        }
    }
    if digits.is_empty() || digits.ends_with('_') {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let v = i128::from_str_radix(&clean, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// Parses a number token as `parse.newNumber` would, or says why Go refuses it.
pub(super) fn parse_number(text: &str) -> Result<Number, String> {
    if let Some(body) = text.strip_suffix('i') {
        // An imaginary or complex constant: needs digits before the `i`.
        if !body.ends_with(|c: char| c.is_ascii_hexdigit() || c == '.') || body.ends_with(['x', 'X']) {
            return Err(illegal(text));
        }
        return Ok(Number::Exotic);
    }
    if text.to_ascii_lowercase().contains("0x") && text.contains(['p', 'P', '.']) {
        return Ok(Number::Exotic);
    }
    if let Some(v) = parse_int(text) {
        return i64::try_from(v).map(Number::Int).or_else(|_| {
            if v >= 0 && v <= i128::from(u64::MAX) {
                // A uint64 constant: evaluating it overflows int; Go says so at execution.
                Ok(Number::Exotic)
            } else {
                Err(format!("integer overflow: {text:?}"))
            }
        });
    }
    let has_point = text.contains(['.', 'e', 'E']);
    let digits_ok = text
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    match text.parse::<f64>() {
        Ok(_) if !has_point => Err(format!("integer overflow: {text:?}")),
        // `1.0` is an int constant too in Go, but evaluates (and prints) as a float.
        Ok(f) if digits_ok && f.is_finite() => Ok(Number::Float(f)),
        _ => Err(illegal(text)),
    }
}

/// `strconv.UnquoteChar` over a whole quoted literal's inside.
fn unescape(inner: &str, quote: char) -> Result<String, String> {
    let syntax = || "invalid syntax".to_owned();
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == quote && quote == '"' {
            return Err(syntax());
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or_else(syntax)?;
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Result<u32, String> {
            let s: String = (0..n).filter_map(|_| chars.next()).collect();
            if s.len() != n {
                return Err(syntax());
            }
            u32::from_str_radix(&s, 16).map_err(|_| syntax())
        };
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '\'' | '"' if e == quote => out.push(e),
            'x' => {
                let v = hex(&mut chars, 2)?;
                // A byte; only ASCII keeps the text valid UTF-8 here.
                out.push(char::from_u32(v).filter(|c| c.is_ascii()).ok_or_else(syntax)?);
            }
            'u' | 'U' => {
                let v = hex(&mut chars, if e == 'u' { 4 } else { 8 })?;
                out.push(char::from_u32(v).ok_or_else(syntax)?);
            }
            '0'..='7' => {
                let rest: String = (0..2).filter_map(|_| chars.next()).collect();
                let s = format!("{e}{rest}");
                let v = u32::from_str_radix(&s, 8).map_err(|_| syntax())?;
                if s.len() != 3 || v > 255 {
                    return Err(syntax());
                }
                out.push(char::from_u32(v).filter(|c| c.is_ascii()).ok_or_else(syntax)?);
            }
            _ => return Err(syntax()),
        }
    }
    Ok(out)
}

/// Go's `strconv.Unquote` for `"…"` and `` `…` `` literals (as lexed).
pub(super) fn unquote(lit: &str) -> Result<String, String> {
    if let Some(inner) = lit.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        return Ok(inner.replace('\r', ""));
    }
    let inner = lit
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| "invalid syntax".to_owned())?;
    unescape(inner, '"')
}

/// A character constant (`'a'`, `'\n'`): its code point.
pub(super) fn unquote_char(lit: &str) -> Result<Number, String> {
    let malformed = || format!("malformed character constant: {lit}");
    let inner = lit
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .ok_or_else(malformed)?;
    let s = unescape(inner, '\'').map_err(|_| malformed())?;
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(Number::Rune(i64::from(u32::from(c)))),
        _ => Err(malformed()),
    }
}
