//! Go's printing and escaping for template values: `fmt.Sprint`/`Sprintln`/a subset of
//! `Sprintf`, and the `urlquery`, `html` and `js` escapers (`text/template/funcs.go`,
//! `net/url.QueryEscape`).

use std::fmt::Write as _;

use super::exec::Value;

/// `%v` of one value, as `fmt` prints it; `None` where this module cannot be sure.
pub(super) fn format_v(v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Byte(b) => b.to_string(),
        Value::Float(f) => format_float(*f)?,
        Value::Nil | Value::Invalid => "<nil>".to_owned(),
        // `fmt` prints a pointer to a struct as `&{…}`.
        Value::Data(d) => format!("&{{{} {} {}}}", d.user_id, d.code, d.org_id),
        Value::Missing => return None,
    })
}

/// `%v` of a float64: shortest representation, exponent outside [1e-4, 1e21).
fn format_float(f: f64) -> Option<String> {
    if f == 0.0 || (f.abs() >= 1e-4 && f.abs() < 1e21) {
        Some(format!("{f}"))
    } else {
        None
    }
}

fn is_string(v: &Value) -> bool {
    matches!(v, Value::Str(_))
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
pub(super) fn sprint(args: &[Value]) -> Option<String> {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !is_string(a) && !is_string(&args[i - 1]) {
            out.push(' ');
        }
        out.push_str(&format_v(a)?);
    }
    Some(out)
}

/// `fmt.Sprintln`: always spaces, and a newline.
pub(super) fn sprintln(args: &[Value]) -> Option<String> {
    let parts: Option<Vec<String>> = args.iter().map(format_v).collect();
    Some(parts?.join(" ") + "\n")
}

/// `fmt.Sprintf` for the verbs a link needs (`%s %v %d %q %x %X %%`, no flags or width).
/// `None` for anything else, including Go's `%!` error forms.
pub(super) fn sprintf(format: &str, args: &[Value]) -> Option<String> {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = chars.next()?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = next.next()?;
        match (verb, arg) {
            ('s' | 'v', Value::Str(s)) => out.push_str(s),
            ('v', other) => out.push_str(&format_v(other)?),
            ('d', Value::Int(i)) => out.push_str(&i.to_string()),
            ('d', Value::Byte(b)) => out.push_str(&b.to_string()),
            ('q', Value::Str(s)) => out.push_str(&go_quote(s)),
            ('x' | 'X', Value::Str(s)) => {
                for b in s.bytes() {
                    let _ = if verb == 'x' {
                        write!(out, "{b:02x}")
                    } else {
                        write!(out, "{b:02X}")
                    };
                }
            }
            ('x', Value::Int(i)) if *i >= 0 => out.push_str(&format!("{i:x}")),
            ('X', Value::Int(i)) if *i >= 0 => out.push_str(&format!("{i:X}")),
            _ => return None,
        }
    }
    if next.next().is_some() {
        return None;
    }
    Some(out)
}

/// `strconv.Quote` for printable text; `None` when Go would escape something we don't model.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `evalArgs` of the escapers: one string as it is, else `fmt.Sprint` of the printable values
/// (where a missing value prints as `<no value>`).
pub(super) fn escaper_input(args: &[Value]) -> Option<String> {
    if let [Value::Str(s)] = args {
        return Some(s.clone());
    }
    if let [Value::Data(d)] = args {
        // `printableValue` takes the struct out of its pointer.
        return Some(format!("{{{} {} {}}}", d.user_id, d.code, d.org_id));
    }
    let mut printable = Vec::new();
    for a in args {
        printable.push(match a {
            Value::Nil | Value::Invalid => Value::Str("<no value>".to_owned()),
            Value::Data(_) => return None,
            other => other.clone(),
        });
    }
    sprint(&printable)
}

/// `url.QueryEscape`.
pub(super) fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// `template.HTMLEscapeString`.
pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `template.JSEscapeString`.
pub(super) fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if !c.is_ascii() && c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}
