//! ZITADEL test-renders a `urlTemplate` (Go `text/template`, data `{UserID, Code, OrgID}`)
//! before doing anything else. This is a checker for the part of Go's template language a
//! URL template can sensibly use: it tells parse errors (`DOMAIN-oGh5e`: unclosed actions,
//! unterminated strings, unknown functions or variables, unbalanced `if`/`end`, empty
//! actions) from execution errors (`DOMAIN-ieYa7`: fields the data has not, arguments given
//! to a field, an undefined `{{template}}`).
//!
//! Deliberate simplification: Go only fails on fields in branches it executes; we check every
//! branch, so `{{if false}}{{.LoginName}}{{end}}` is refused here but accepted by ZITADEL.

use std::collections::HashSet;

/// Why Go's `text/template` would refuse a URL template: at parsing or at execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GoTemplateError {
    Parse(String),
    Exec(String),
}

/// The fields of ZITADEL's `ConfirmURLData`.
const FIELDS: &[&str] = &["UserID", "Code", "OrgID"];

/// Deepest parenthesised expression accepted (Go's parser also has a limit).
const MAX_DEPTH: usize = 100;

/// Go's predefined template functions.
const FUNCS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// `.A.B` (also after a variable: `$x.A`).
    Field(Vec<String>),
    Dot,
    Var(String, Vec<String>),
    Ident(String),
    Literal,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    If,
    With,
    Range,
    Define,
}

fn parse_err(msg: impl Into<String>) -> GoTemplateError {
    GoTemplateError::Parse(msg.into())
}

/// Checks a template the way ZITADEL's test render would.
pub(crate) fn check(template: &str) -> Result<(), GoTemplateError> {
    let mut checker = Checker::default();
    checker.vars.insert("$".to_owned());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let (tokens, after) = lex_action(&rest[start + 2..])?;
        rest = after;
        if let Some(tokens) = tokens {
            checker.action(&tokens)?;
        }
    }
    if !checker.blocks.is_empty() {
        return Err(parse_err("unexpected EOF"));
    }
    if let Some(name) = checker.used.difference(&checker.defined).next() {
        return Err(GoTemplateError::Exec(format!("no such template {name:?}")));
    }
    match checker.exec_error {
        Some(e) => Err(GoTemplateError::Exec(e)),
        None => Ok(()),
    }
}

/// Lexes one action after its `{{`. Returns its tokens (`None` for a comment) and the text
/// after its `}}`.
fn lex_action(mut s: &str) -> Result<(Option<Vec<Tok>>, &str), GoTemplateError> {
    // A left trim marker is "-" followed by white space.
    if let Some(t) = s.strip_prefix('-')
        && t.starts_with([' ', '\t', '\r', '\n'])
    {
        s = t;
    }
    let trimmed = s.trim_start();
    if let Some(comment) = trimmed.strip_prefix("/*") {
        let end = comment.find("*/").ok_or_else(|| parse_err("unclosed comment"))?;
        let after = comment[end + 2..].trim_start();
        let after = after.strip_prefix('-').unwrap_or(after);
        return match after.strip_prefix("}}") {
            Some(rest) => Ok((None, rest)),
            None => Err(parse_err("comment ends before closing delimiter")),
        };
    }

    let mut tokens = Vec::new();
    let mut chars = s.char_indices().peekable();
    let mut prev_space = true;
    while let Some(&(i, c)) = chars.peek() {
        let rest = &s[i..];
        if let Some(after) = rest.strip_prefix("}}") {
            return Ok((Some(tokens), after));
        }
        if let Some(after) = rest.strip_prefix("-}}")
            && prev_space
        {
            return Ok((Some(tokens), after));
        }
        chars.next();
        prev_space = c.is_whitespace();
        match c {
            c if c.is_whitespace() => {}
            '|' => tokens.push(Tok::Pipe),
            '(' => tokens.push(Tok::LParen),
            ')' => tokens.push(Tok::RParen),
            ',' => tokens.push(Tok::Comma),
            '=' => tokens.push(Tok::Assign),
            ':' => match chars.next() {
                Some((_, '=')) => tokens.push(Tok::Declare),
                _ => return Err(parse_err("expected :=")),
            },
            '"' | '`' | '\'' => {
                lex_quoted(c, &mut chars)?;
                tokens.push(Tok::Literal);
            }
            '.' => {
                if chars.peek().is_some_and(|&(_, d)| d.is_ascii_digit()) {
                    take_word(s, &mut chars);
                    tokens.push(Tok::Literal);
                } else {
                    let fields = take_fields(s, i, &mut chars);
                    tokens.push(if fields.is_empty() {
                        Tok::Dot
                    } else {
                        Tok::Field(fields)
                    });
                }
            }
            '$' => {
                let name = format!("${}", take_word(s, &mut chars));
                let fields = match chars.peek() {
                    Some(&(j, '.')) => {
                        chars.next();
                        take_fields(s, j, &mut chars)
                    }
                    _ => Vec::new(),
                };
                tokens.push(Tok::Var(name, fields));
            }
            c if c.is_ascii_digit() || c == '+' || c == '-' => {
                take_word(s, &mut chars);
                tokens.push(Tok::Literal);
            }
            c if c.is_alphabetic() || c == '_' => {
                let word = format!("{c}{}", take_word(s, &mut chars));
                tokens.push(Tok::Ident(word));
            }
            c => return Err(parse_err(format!("unexpected {c:?} in command"))),
        }
    }
    Err(parse_err("unclosed action"))
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// Consumes identifier characters (also digits and `.`/`+`/`-` inside numbers).
fn take_word<'a>(s: &'a str, chars: &mut Chars<'a>) -> &'a str {
    let start = chars.peek().map(|&(i, _)| i).unwrap_or(s.len());
    let mut end = start;
    while let Some(&(i, c)) = chars.peek() {
        if c.is_alphanumeric() || c == '_' {
            chars.next();
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    &s[start..end]
}

/// After a `.` at `dot`: the chain `A.B.C` (empty for a lone dot).
fn take_fields<'a>(s: &'a str, _dot: usize, chars: &mut Chars<'a>) -> Vec<String> {
    let mut fields = Vec::new();
    loop {
        let word = take_word(s, chars);
        if word.is_empty() {
            break;
        }
        fields.push(word.to_owned());
        match chars.peek() {
            Some(&(_, '.')) => {
                chars.next();
            }
            _ => break,
        }
    }
    fields
}

fn lex_quoted(quote: char, chars: &mut Chars<'_>) -> Result<(), GoTemplateError> {
    while let Some((_, c)) = chars.next() {
        match c {
            c if c == quote => return Ok(()),
            '\\' if quote != '`' => {
                chars.next();
            }
            '\n' if quote != '`' => break,
            _ => {}
        }
    }
    Err(parse_err("unterminated quoted string"))
}

#[derive(Default)]
struct Checker {
    blocks: Vec<Block>,
    vars: HashSet<String>,
    defined: HashSet<String>,
    used: HashSet<String>,
    exec_error: Option<String>,
}

impl Checker {
    fn exec(&mut self, msg: String) {
        self.exec_error.get_or_insert(msg);
    }

    fn action(&mut self, tokens: &[Tok]) -> Result<(), GoTemplateError> {
        let Some(first) = tokens.first() else {
            return Err(parse_err("missing value for command"));
        };
        let rest = &tokens[1..];
        let keyword = match first {
            Tok::Ident(w) => w.as_str(),
            _ => return self.pipeline(tokens, false, 0),
        };
        match keyword {
            "if" | "with" | "range" => {
                if rest.is_empty() {
                    return Err(parse_err(format!("missing value for {keyword}")));
                }
                self.pipeline(rest, keyword == "range", 0)?;
                self.blocks.push(match keyword {
                    "if" => Block::If,
                    "with" => Block::With,
                    _ => Block::Range,
                });
                Ok(())
            }
            "else" => {
                match self.blocks.last() {
                    Some(Block::If | Block::With | Block::Range) => {}
                    _ => return Err(parse_err("unexpected {{else}}")),
                }
                match rest.first() {
                    None => Ok(()),
                    Some(Tok::Ident(w)) if (w == "if" || w == "with") && rest.len() > 1 => {
                        self.pipeline(&rest[1..], false, 0)
                    }
                    Some(_) => Err(parse_err("unexpected token in {{else}}")),
                }
            }
            "end" => {
                if !rest.is_empty() {
                    return Err(parse_err("unexpected token in {{end}}"));
                }
                self.blocks
                    .pop()
                    .map(|_| ())
                    .ok_or_else(|| parse_err("unexpected {{end}}"))
            }
            "define" | "block" | "template" => {
                if !matches!(rest.first(), Some(Tok::Literal)) {
                    return Err(parse_err(format!("missing name in {{{{{keyword}}}}}")));
                }
                // The name's text is not kept by the lexer; all names count as one.
                let name = "<named template>".to_owned();
                match keyword {
                    "define" if rest.len() == 1 => {
                        self.defined.insert(name);
                        self.blocks.push(Block::Define);
                        Ok(())
                    }
                    "define" => Err(parse_err("unexpected token in {{define}}")),
                    "block" => {
                        self.defined.insert(name);
                        self.blocks.push(Block::Define);
                        if rest.len() > 1 {
                            self.pipeline(&rest[1..], false, 0)?;
                        }
                        Ok(())
                    }
                    _ => {
                        self.used.insert(name);
                        if rest.len() > 1 {
                            self.pipeline(&rest[1..], false, 0)?;
                        }
                        Ok(())
                    }
                }
            }
            "break" | "continue" => {
                if !self.blocks.contains(&Block::Range) || !rest.is_empty() {
                    return Err(parse_err(format!("{{{{{keyword}}}}} outside {{{{range}}}}")));
                }
                Ok(())
            }
            _ => self.pipeline(tokens, false, 0),
        }
    }

    /// `[decl :=] command | command …`
    fn pipeline(&mut self, tokens: &[Tok], in_range: bool, depth: usize) -> Result<(), GoTemplateError> {
        if depth > MAX_DEPTH {
            return Err(parse_err("max expression depth exceeded"));
        }
        let mut tokens = tokens;
        // Variable declarations: `$x :=`, `$x =`, and in range `$i, $e :=`.
        let decl_len = match tokens {
            [Tok::Var(_, f), Tok::Declare | Tok::Assign, ..] if f.is_empty() => Some(1),
            [Tok::Var(_, f1), Tok::Comma, Tok::Var(_, f2), Tok::Declare, ..]
                if in_range && f1.is_empty() && f2.is_empty() =>
            {
                Some(3)
            }
            _ => None,
        };
        if let Some(n) = decl_len {
            for t in &tokens[..n] {
                if let Tok::Var(name, _) = t {
                    self.vars.insert(name.clone());
                }
            }
            tokens = &tokens[n + 1..];
        }
        if tokens.is_empty() {
            return Err(parse_err("missing value for command"));
        }
        for command in tokens.split(|t| *t == Tok::Pipe) {
            self.command(command, depth)?;
        }
        Ok(())
    }

    fn command(&mut self, tokens: &[Tok], depth: usize) -> Result<(), GoTemplateError> {
        let Some(first) = tokens.first() else {
            return Err(parse_err("missing value for command"));
        };
        if let Tok::Ident(w) = first
            && w == "nil"
        {
            return Err(parse_err("nil is not a command"));
        }
        let mut i = 0;
        let mut operands = 0;
        while i < tokens.len() {
            match &tokens[i] {
                Tok::LParen => {
                    let close = matching_paren(tokens, i)?;
                    self.pipeline(&tokens[i + 1..close], false, depth + 1)?;
                    i = close;
                }
                Tok::RParen => return Err(parse_err("unexpected right paren")),
                Tok::Pipe | Tok::Declare | Tok::Assign | Tok::Comma => {
                    return Err(parse_err("unexpected token in operand"));
                }
                Tok::Ident(w) => {
                    let known = FUNCS.contains(&w.as_str()) || matches!(w.as_str(), "true" | "false" | "nil");
                    if !known {
                        return Err(parse_err(format!("function {w:?} not defined")));
                    }
                }
                Tok::Field(fields) => self.fields(fields),
                Tok::Var(name, fields) => {
                    if !self.vars.contains(name) {
                        return Err(parse_err(format!("undefined variable {name:?}")));
                    }
                    if name == "$" {
                        self.fields(fields);
                    } else if let Some(f) = fields.first() {
                        // Variables hold strings here; strings have no fields.
                        self.exec(format!("can't evaluate field {f} in type string"));
                    }
                }
                Tok::Dot | Tok::Literal => {}
            }
            operands += 1;
            i += 1;
        }
        let callable = matches!(first, Tok::Ident(w) if FUNCS.contains(&w.as_str()));
        if operands > 1 && !callable {
            self.exec("can't give argument to non-function".to_owned());
        }
        Ok(())
    }

    /// A field chain on the template data.
    fn fields(&mut self, fields: &[String]) {
        match fields {
            [] => {}
            [f, ..] if !FIELDS.contains(&f.as_str()) => {
                self.exec(format!("can't evaluate field {f} in type domain.ConfirmURLData"))
            }
            [_, f, ..] => self.exec(format!("can't evaluate field {f} in type string")),
            [_] => {}
        }
    }
}

fn matching_paren(tokens: &[Tok], open: usize) -> Result<usize, GoTemplateError> {
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        match t {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Ok(j);
                }
            }
            _ => {}
        }
    }
    Err(parse_err("unclosed left paren"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(t: &str) -> &'static str {
        match check(t) {
            Ok(()) => "ok",
            Err(GoTemplateError::Parse(_)) => "parse",
            Err(GoTemplateError::Exec(_)) => "exec",
        }
    }

    #[test]
    fn good_templates_pass() {
        for t in [
            "https://example.com/verify?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}",
            "https://example.com/v/{{urlquery .Code}}",
            "https://example.com/v/{{.Code | urlquery}}",
            "plain text without actions",
            "{{- .Code -}}",
            "{{/* a comment */}}{{.Code}}",
            "{{if .Code}}{{.Code}}{{else}}none{{end}}",
            "{{with $c := .Code}}{{$c}}{{end}}",
            "{{printf \"%s-%s\" .UserID (urlquery .Code)}}",
            "https://x/{{$.Code}}",
            "}} stray closers are text",
        ] {
            assert_eq!(kind(t), "ok", "{t}");
        }
    }

    #[test]
    fn parse_errors() {
        for t in [
            "https://example.com/{{",
            "{{.Code",
            "{{}}",
            "{{\"unterminated}}",
            "{{foo .Code}}",
            "{{if .Code}}x",
            "{{end}}",
            "{{else}}",
            "{{$x}}",
            "{{(.Code}}",
            "{{.Code)}}",
            "{{.Code | }}",
            "{{/* unclosed",
            "{{break}}",
            "{{.Code @}}",
        ] {
            assert_eq!(kind(t), "parse", "{t}");
        }
    }

    #[test]
    fn deep_parentheses_are_refused_not_overflowing() {
        let deep = format!("{{{{{}.Code{}}}}}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(kind(&deep), "parse");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_templates_never_panic(t in "[{}().|$a-zA-Z\"`'/* :=,-]{0,200}") {
            let _ = check(&t);
        }

        #[test]
        fn arbitrary_text_never_panics(t in ".{0,200}") {
            let _ = check(&t);
        }
    }

    #[test]
    fn exec_errors() {
        for t in [
            "https://example.com/{{.LoginName}}",
            "{{.Code.Length}}",
            "{{.Code 1}}",
            "{{template \"missing\"}}",
            "{{$x := .Code}}{{$x.Foo}}",
        ] {
            assert_eq!(kind(t), "exec", "{t}");
        }
    }
}
