//! The lexer of Go's `text/template` (Go 1.25, `text/template/parse/lex.go`), for the default
//! delimiters and no custom functions: trim markers, comments, newlines inside actions and
//! the error messages are Go's.

use super::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Bool,
    Char,
    CharConstant,
    Declare,
    Assign,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Item {
    pub kind: Kind,
    /// Byte offset in the template.
    pub pos: usize,
    pub val: String,
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// `- ` after `{{`.
fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

/// ` -` before `}}`.
fn has_right_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

fn keyword(word: &str) -> Option<Kind> {
    Some(match word {
        "block" => Kind::Block,
        "break" => Kind::Break,
        "continue" => Kind::Continue,
        "define" => Kind::Define,
        "else" => Kind::Else,
        "end" => Kind::End,
        "if" => Kind::If,
        "nil" => Kind::Nil,
        "range" => Kind::Range,
        "template" => Kind::Template,
        "with" => Kind::With,
        _ => return None,
    })
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    paren_depth: usize,
    items: Vec<Item>,
}

/// Splits a template into items, ending with `Eof`, or the first lexical error.
pub(super) fn lex(input: &str) -> Result<Vec<Item>, ParseError> {
    let mut l = Lexer {
        input,
        pos: 0,
        start: 0,
        paren_depth: 0,
        items: Vec::new(),
    };
    l.text()?;
    Ok(l.items)
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.input.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn emit(&mut self, kind: Kind) {
        let val = self
            .input
            .get(self.start..self.pos)
            .unwrap_or_default()
            .to_owned();
        self.items.push(Item {
            kind,
            pos: self.start,
            val,
        });
        self.start = self.pos;
    }

    fn error(&self, msg: String) -> ParseError {
        ParseError {
            message: msg,
            pos: self.start,
        }
    }

    /// Text up to each `{{`, then the action; loops until the end.
    fn text(&mut self) -> Result<(), ParseError> {
        loop {
            match self.rest().find(LEFT) {
                Some(x) => {
                    let delim = self.pos + x;
                    let mut end = delim;
                    if has_left_trim(&self.input[delim + LEFT.len()..]) {
                        end = self.start + self.input[self.start..delim].trim_end_matches(is_space).len();
                    }
                    if end > self.start {
                        self.pos = end;
                        self.emit(Kind::Text);
                    }
                    self.pos = delim;
                    self.start = delim;
                    self.left_delim()?;
                }
                None => {
                    self.pos = self.input.len();
                    if self.pos > self.start {
                        self.emit(Kind::Text);
                    }
                    self.emit(Kind::Eof);
                    return Ok(());
                }
            }
        }
    }

    fn left_delim(&mut self) -> Result<(), ParseError> {
        self.pos += LEFT.len();
        let trim = has_left_trim(self.rest());
        let after = if trim { 2 } else { 0 };
        if self.rest()[after..].starts_with("/*") {
            self.pos += after;
            self.start = self.pos;
            return self.comment();
        }
        self.emit(Kind::LeftDelim);
        self.pos += after;
        self.start = self.pos;
        self.paren_depth = 0;
        self.inside_action()
    }

    fn comment(&mut self) -> Result<(), ParseError> {
        self.pos += 2;
        let Some(x) = self.rest().find("*/") else {
            return Err(self.error("unclosed comment".into()));
        };
        self.pos += x + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return Err(self.error("comment ends before closing delimiter".into()));
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT.len();
        if trim {
            self.pos = self.input.len() - self.rest().trim_start_matches(is_space).len();
        }
        self.start = self.pos;
        Ok(())
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim(rest) && rest[2..].starts_with(RIGHT) {
            return (true, true);
        }
        (rest.starts_with(RIGHT), false)
    }

    fn right_delim(&mut self) {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += 2;
            self.start = self.pos;
        }
        self.pos += RIGHT.len();
        self.emit(Kind::RightDelim);
        if trim {
            self.pos = self.input.len() - self.rest().trim_start_matches(is_space).len();
            self.start = self.pos;
        }
    }

    fn inside_action(&mut self) -> Result<(), ParseError> {
        loop {
            let (delim, _) = self.at_right_delim();
            if delim {
                if self.paren_depth == 0 {
                    self.right_delim();
                    return Ok(());
                }
                return Err(self.error("unclosed left paren".into()));
            }
            let Some(c) = self.next() else {
                return Err(self.error("unclosed action".into()));
            };
            match c {
                c if is_space(c) => {
                    self.pos -= c.len_utf8();
                    if self.space() {
                        self.right_delim();
                        return Ok(());
                    }
                }
                '=' => self.emit(Kind::Assign),
                ':' => {
                    if self.next() != Some('=') {
                        return Err(self.error("expected :=".into()));
                    }
                    self.emit(Kind::Declare);
                }
                '|' => self.emit(Kind::Pipe),
                '"' => self.quote()?,
                '`' => self.raw_quote()?,
                '$' => self.variable()?,
                '\'' => self.char_constant()?,
                '.' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => {
                    self.field_or_variable(Kind::Field)?
                }
                '.' | '+' | '-' | '0'..='9' => {
                    self.pos -= 1;
                    self.number()?;
                }
                c if is_alnum(c) => {
                    self.pos -= c.len_utf8();
                    self.identifier()?;
                }
                '(' => {
                    self.emit(Kind::LeftParen);
                    self.paren_depth += 1;
                }
                ')' => {
                    self.emit(Kind::RightParen);
                    if self.paren_depth == 0 {
                        return Err(self.error("unexpected right paren".into()));
                    }
                    self.paren_depth -= 1;
                }
                c if c.is_ascii() && !c.is_ascii_control() => self.emit(Kind::Char),
                c => {
                    return Err(self.error(format!(
                        "unrecognized character in action: U+{:04X}",
                        u32::from(c)
                    )));
                }
            }
        }
    }

    /// A run of spaces. True when it turned out to be the ` -` of a ` -}}` right after one
    /// space (Go then goes straight to the delimiter).
    fn space(&mut self) -> bool {
        let mut n = 0;
        while self.peek().is_some_and(is_space) {
            self.next();
            n += 1;
        }
        let before = self.pos - 1;
        if has_right_trim(&self.input[before..]) && self.input[before + 2..].starts_with(RIGHT) {
            self.pos = before;
            if n == 1 {
                return true;
            }
        }
        self.emit(Kind::Space);
        false
    }

    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) => is_space(c) || matches!(c, '.' | ',' | '|' | ':' | ')' | '(' | '}'),
        }
    }

    fn bad_character(&self) -> ParseError {
        let c = self.peek().unwrap_or('\u{0}');
        self.error(format!("bad character U+{:04X} '{c}'", u32::from(c)))
    }

    fn identifier(&mut self) -> Result<(), ParseError> {
        while self.peek().is_some_and(is_alnum) {
            self.next();
        }
        if !self.at_terminator() {
            return Err(self.bad_character());
        }
        let word = &self.input[self.start..self.pos];
        let kind = match keyword(word) {
            Some(k) => k,
            None if word == "true" || word == "false" => Kind::Bool,
            None => Kind::Identifier,
        };
        self.emit(kind);
        Ok(())
    }

    fn variable(&mut self) -> Result<(), ParseError> {
        if self.at_terminator() {
            self.emit(Kind::Variable);
            return Ok(());
        }
        self.field_or_variable(Kind::Variable)
    }

    fn field_or_variable(&mut self, kind: Kind) -> Result<(), ParseError> {
        if self.at_terminator() {
            self.emit(if kind == Kind::Variable {
                Kind::Variable
            } else {
                Kind::Dot
            });
            return Ok(());
        }
        while self.peek().is_some_and(is_alnum) {
            self.next();
        }
        if !self.at_terminator() {
            return Err(self.bad_character());
        }
        self.emit(kind);
        Ok(())
    }

    fn char_constant(&mut self) -> Result<(), ParseError> {
        loop {
            match self.next() {
                Some('\\') => {
                    if matches!(self.next(), None | Some('\n')) {
                        return Err(self.error("unterminated character constant".into()));
                    }
                }
                None | Some('\n') => return Err(self.error("unterminated character constant".into())),
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(Kind::CharConstant);
        Ok(())
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.next();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    /// Go's `scanNumber`: deliberately loose; the parser checks the syntax.
    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }

    fn number(&mut self) -> Result<(), ParseError> {
        let bad = |l: &Self| l.error(format!("bad number syntax: {:?}", &l.input[l.start..l.pos]));
        if !self.scan_number() {
            return Err(bad(self));
        }
        if matches!(self.peek(), Some('+' | '-')) {
            // Complex: 1+2i.
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                return Err(bad(self));
            }
        }
        self.emit(Kind::Number);
        Ok(())
    }

    fn quote(&mut self) -> Result<(), ParseError> {
        loop {
            match self.next() {
                Some('\\') => {
                    if matches!(self.next(), None | Some('\n')) {
                        return Err(self.error("unterminated quoted string".into()));
                    }
                }
                None | Some('\n') => return Err(self.error("unterminated quoted string".into())),
                Some('"') => break,
                Some(_) => {}
            }
        }
        self.emit(Kind::String);
        Ok(())
    }

    fn raw_quote(&mut self) -> Result<(), ParseError> {
        loop {
            match self.next() {
                None => return Err(self.error("unterminated raw quoted string".into())),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(Kind::RawString);
        Ok(())
    }
}
