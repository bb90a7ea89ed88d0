//! The parser of Go's `text/template` (Go 1.25, `text/template/parse/parse.go`) with Go's
//! built-in functions only: the same trees and the same refusals (unknown functions and
//! undefined variables are parse errors in Go, not execution errors).

use std::collections::HashMap;

use super::ParseError;
use super::lex::{Item, Kind, lex};
use super::number::{Number, parse_number, unquote, unquote_char};

/// Go's predefined template functions (`text/template/funcs.go`).
pub(super) const FUNCS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Text(String),
    Action(Pipe),
    If(Control),
    With(Control),
    Range(Control),
    /// `{{template "name" pipeline}}` (also what a `{{block}}` leaves in place).
    Template {
        name: String,
        pipe: Option<Pipe>,
        pos: usize,
    },
    Break,
    Continue,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Control {
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Command {
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Arg {
    pub pos: usize,
    pub kind: ArgKind,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum ArgKind {
    Dot,
    Nil,
    Bool(bool),
    Number(Number),
    String(String),
    /// A function name.
    Identifier(String),
    /// `.A.B`
    Field(Vec<String>),
    /// `$x.A.B` (`$` alone included).
    Variable(String, Vec<String>),
    /// `(pipeline)`
    Pipe(Pipe),
    /// `(pipeline).A.B`
    Chain(Box<Arg>, Vec<String>),
}

/// A parsed template: the main tree and the `define`d / `block` ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub(super) root: Vec<Node>,
    pub(super) defined: HashMap<String, Vec<Node>>,
}

/// Parses like `template.New("").Parse(text)`.
pub fn parse(text: &str) -> Result<Template, ParseError> {
    let items = lex(text)?;
    let mut p = Parser {
        items,
        at: 0,
        vars: vec!["$".to_owned()],
        range_depth: 0,
        depth: 0,
        defined: HashMap::new(),
    };
    let root = p.top()?;
    let mut defined = p.defined;
    // Go's `add`: the main tree is one of the set; a `{{define ""}}` with content wins over an
    // empty main tree.
    let main = match defined.remove("") {
        Some(d) if is_empty_tree(&root) => d,
        Some(d) if !is_empty_tree(&d) => {
            return Err(ParseError {
                message: "template: multiple definition of template \"\"".into(),
                pos: 0,
            });
        }
        _ => root,
    };
    Ok(Template { root: main, defined })
}

fn is_empty_tree(nodes: &[Node]) -> bool {
    nodes.iter().all(|n| match n {
        Node::Text(t) => t.trim_matches([' ', '\t', '\r', '\n']).is_empty(),
        _ => false,
    })
}

struct Parser {
    items: Vec<Item>,
    at: usize,
    vars: Vec<String>,
    range_depth: usize,
    /// Nesting of parentheses and control structures.
    depth: usize,
    defined: HashMap<String, Vec<Node>>,
}

const MAX_DEPTH: usize = 1000;

fn describe(item: &Item) -> String {
    match item.kind {
        Kind::Eof => "EOF".into(),
        Kind::Block
        | Kind::Break
        | Kind::Continue
        | Kind::Dot
        | Kind::Define
        | Kind::Else
        | Kind::End
        | Kind::If
        | Kind::Nil
        | Kind::Range
        | Kind::Template
        | Kind::With => format!("<{}>", item.val),
        _ if item.val.chars().count() > 10 => {
            format!("{:?}...", item.val.chars().take(10).collect::<String>())
        }
        _ => format!("{:?}", item.val),
    }
}

/// What ended an item list.
enum Stop {
    End(usize),
    Else(usize),
}

impl Parser {
    fn error<T>(&self, pos: usize, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            message: message.into(),
            pos,
        })
    }

    fn peek(&self) -> &Item {
        let last = self.items.len().saturating_sub(1);
        &self.items[self.at.min(last)]
    }

    fn next(&mut self) -> Item {
        let item = self.peek().clone();
        self.at += 1;
        item
    }

    fn backup(&mut self) {
        self.at = self.at.saturating_sub(1);
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next();
            if item.kind != Kind::Space {
                return item;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let item = self.next_non_space();
        self.backup();
        item
    }

    fn unexpected<T>(&self, item: &Item, context: &str) -> Result<T, ParseError> {
        self.error(item.pos, format!("unexpected {} in {context}", describe(item)))
    }

    fn expect(&mut self, kind: Kind, context: &str) -> Result<Item, ParseError> {
        let item = self.next_non_space();
        if item.kind != kind {
            return self.unexpected(&item, context);
        }
        Ok(item)
    }

    fn top(&mut self) -> Result<Vec<Node>, ParseError> {
        let mut root = Vec::new();
        while self.peek().kind != Kind::Eof {
            if self.peek().kind == Kind::LeftDelim {
                let at = self.at;
                self.next();
                if self.next_non_space().kind == Kind::Define {
                    self.definition()?;
                    continue;
                }
                self.at = at;
            }
            match self.text_or_action()? {
                Ok(node) => root.extend(node),
                Err(Stop::End(pos)) => return self.error(pos, "unexpected {{end}}"),
                Err(Stop::Else(pos)) => return self.error(pos, "unexpected {{else}}"),
            }
        }
        Ok(root)
    }

    fn definition(&mut self) -> Result<(), ParseError> {
        const CONTEXT: &str = "define clause";
        let name = self.next_non_space();
        if !matches!(name.kind, Kind::String | Kind::RawString) {
            return self.unexpected(&name, CONTEXT);
        }
        let name_text = unquote(&name.val).map_err(|m| ParseError {
            message: m,
            pos: name.pos,
        })?;
        self.expect(Kind::RightDelim, CONTEXT)?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".to_owned()]);
        let (list, stop) = self.item_list()?;
        self.vars = saved;
        if let Stop::Else(pos) = stop {
            return self.error(pos, format!("unexpected {{{{else}}}} in {CONTEXT}"));
        }
        self.add(name_text, list, name.pos)
    }

    fn add(&mut self, name: String, list: Vec<Node>, pos: usize) -> Result<(), ParseError> {
        match self.defined.get(&name) {
            Some(old) if !is_empty_tree(old) && !is_empty_tree(&list) => {
                self.error(pos, format!("template: multiple definition of template {name:?}"))
            }
            Some(old) if !is_empty_tree(old) => Ok(()),
            _ => {
                self.defined.insert(name, list);
                Ok(())
            }
        }
    }

    /// `Ok(None)` for a comment-free nothing; `Err(Stop)` at `{{end}}` / `{{else}}`.
    fn text_or_action(&mut self) -> Result<Result<Option<Node>, Stop>, ParseError> {
        let item = self.next_non_space();
        match item.kind {
            Kind::Text => Ok(Ok(Some(Node::Text(item.val)))),
            Kind::LeftDelim => self.action(),
            _ => self.unexpected(&item, "input"),
        }
    }

    fn item_list(&mut self) -> Result<(Vec<Node>, Stop), ParseError> {
        let mut list = Vec::new();
        while self.peek_non_space().kind != Kind::Eof {
            match self.text_or_action()? {
                Ok(node) => list.extend(node),
                Err(stop) => return Ok((list, stop)),
            }
        }
        let pos = self.peek().pos;
        self.error(pos, "unexpected EOF")
    }

    fn action(&mut self) -> Result<Result<Option<Node>, Stop>, ParseError> {
        let item = self.next_non_space();
        let node = match item.kind {
            Kind::Block => self.block()?,
            Kind::Break | Kind::Continue => {
                let word = if item.kind == Kind::Break {
                    "break"
                } else {
                    "continue"
                };
                let next = self.next_non_space();
                if next.kind != Kind::RightDelim {
                    return self.unexpected(&next, &format!("{{{{{word}}}}}"));
                }
                if self.range_depth == 0 {
                    return self.error(item.pos, format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                if item.kind == Kind::Break {
                    Node::Break
                } else {
                    Node::Continue
                }
            }
            Kind::Else => {
                // `{{else if …}}` / `{{else with …}}` leave the keyword for the caller.
                if !matches!(self.peek_non_space().kind, Kind::If | Kind::With) {
                    self.expect(Kind::RightDelim, "else")?;
                }
                return Ok(Err(Stop::Else(item.pos)));
            }
            Kind::End => {
                self.expect(Kind::RightDelim, "end")?;
                return Ok(Err(Stop::End(item.pos)));
            }
            Kind::If => Node::If(self.control("if")?),
            Kind::With => Node::With(self.control("with")?),
            Kind::Range => Node::Range(self.control("range")?),
            Kind::Template => self.template()?,
            _ => {
                self.backup();
                Node::Action(self.pipeline("command", Kind::RightDelim)?)
            }
        };
        Ok(Ok(Some(node)))
    }

    fn control(&mut self, context: &str) -> Result<Control, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let pos = self.peek().pos;
            return self.error(pos, "max expression depth exceeded");
        }
        let vars = self.vars.len();
        let pipe = self.pipeline(context, Kind::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, stop) = self.item_list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let else_list = match stop {
            Stop::End(_) => None,
            Stop::Else(pos) => {
                let chained = match (context, self.peek_non_space().kind) {
                    ("if", Kind::If) => Some(true),
                    ("with", Kind::With) => Some(false),
                    _ => None,
                };
                match chained {
                    Some(is_if) => {
                        self.next_non_space();
                        let inner = self.control(context)?;
                        Some(vec![if is_if { Node::If(inner) } else { Node::With(inner) }])
                    }
                    None => {
                        let (list, stop) = self.item_list()?;
                        if let Stop::Else(_) = stop {
                            return self.error(pos, "expected end; found {{else}}");
                        }
                        Some(list)
                    }
                }
            }
        };
        self.vars.truncate(vars);
        self.depth -= 1;
        Ok(Control {
            pipe,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, context: &str) -> Result<(String, usize), ParseError> {
        let item = self.next_non_space();
        match item.kind {
            Kind::String | Kind::RawString => {
                unquote(&item.val).map(|n| (n, item.pos)).map_err(|m| ParseError {
                    message: m,
                    pos: item.pos,
                })
            }
            _ => self.unexpected(&item, context),
        }
    }

    fn template(&mut self) -> Result<Node, ParseError> {
        const CONTEXT: &str = "template clause";
        let (name, pos) = self.template_name(CONTEXT)?;
        let pipe = if self.next_non_space().kind != Kind::RightDelim {
            self.backup();
            Some(self.pipeline(CONTEXT, Kind::RightDelim)?)
        } else {
            None
        };
        Ok(Node::Template { name, pipe, pos })
    }

    fn block(&mut self) -> Result<Node, ParseError> {
        const CONTEXT: &str = "block clause";
        let (name, pos) = self.template_name(CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Kind::RightDelim)?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".to_owned()]);
        let saved_depth = std::mem::take(&mut self.range_depth);
        let (list, stop) = self.item_list()?;
        self.vars = saved;
        self.range_depth = saved_depth;
        if let Stop::Else(p) = stop {
            return self.error(p, format!("unexpected {{{{else}}}} in {CONTEXT}"));
        }
        self.add(name.clone(), list, pos)?;
        Ok(Node::Template {
            name,
            pipe: Some(pipe),
            pos,
        })
    }

    fn pipeline(&mut self, context: &str, end: Kind) -> Result<Pipe, ParseError> {
        let pos = self.peek_non_space().pos;
        let mut pipe = Pipe {
            pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        loop {
            let v = self.peek_non_space();
            if v.kind != Kind::Variable {
                break;
            }
            let at = self.at;
            self.next_non_space();
            let after = self.peek().clone();
            let next = self.peek_non_space();
            match next.kind {
                Kind::Assign | Kind::Declare => {
                    pipe.is_assign = next.kind == Kind::Assign;
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    break;
                }
                Kind::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    if context == "range" && pipe.decl.len() < 2 {
                        let following = self.peek_non_space();
                        if matches!(
                            following.kind,
                            Kind::Variable | Kind::RightDelim | Kind::RightParen
                        ) {
                            continue;
                        }
                        return self.error(following.pos, "range can only initialize variables");
                    }
                    return self.error(next.pos, format!("too many declarations in {context}"));
                }
                _ => {
                    let _ = after;
                    self.at = at;
                    break;
                }
            }
        }
        loop {
            let token = self.next_non_space();
            match token.kind {
                k if k == end => {
                    self.check_pipeline(&pipe, context, token.pos)?;
                    return Ok(pipe);
                }
                Kind::Bool
                | Kind::CharConstant
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&token, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str, pos: usize) -> Result<(), ParseError> {
        if pipe.cmds.is_empty() {
            return self.error(pos, format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(first) = c.args.first()
                && matches!(
                    first.kind,
                    ArgKind::Bool(_) | ArgKind::Dot | ArgKind::Nil | ArgKind::Number(_) | ArgKind::String(_)
                )
            {
                return self.error(
                    first.pos,
                    format!("non executable command in pipeline stage {}", i + 1),
                );
            }
        }
        Ok(())
    }

    fn command(&mut self) -> Result<Command, ParseError> {
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                args.push(operand);
            }
            let token = self.next();
            match token.kind {
                Kind::Space => continue,
                Kind::RightDelim | Kind::RightParen => self.backup(),
                Kind::Pipe => {}
                _ => return self.unexpected(&token, "operand"),
            }
            break;
        }
        if args.is_empty() {
            let pos = self.peek().pos;
            return self.error(pos, "empty command");
        }
        Ok(Command { args })
    }

    fn operand(&mut self) -> Result<Option<Arg>, ParseError> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Kind::Field {
            return Ok(Some(node));
        }
        let mut fields = Vec::new();
        while self.peek().kind == Kind::Field {
            let f = self.next();
            fields.push(f.val.trim_start_matches('.').to_owned());
        }
        let pos = node.pos;
        let kind = match node.kind {
            ArgKind::Field(mut base) => {
                base.extend(fields);
                ArgKind::Field(base)
            }
            ArgKind::Variable(name, mut base) => {
                base.extend(fields);
                ArgKind::Variable(name, base)
            }
            ArgKind::Bool(_) | ArgKind::String(_) | ArgKind::Number(_) | ArgKind::Nil | ArgKind::Dot => {
                return self.error(pos, "unexpected . after term");
            }
            other => ArgKind::Chain(Box::new(Arg { pos, kind: other }), fields),
        };
        Ok(Some(Arg { pos, kind }))
    }

    fn term(&mut self) -> Result<Option<Arg>, ParseError> {
        let token = self.next_non_space();
        let pos = token.pos;
        let kind = match token.kind {
            Kind::Identifier => {
                if !FUNCS.contains(&token.val.as_str()) {
                    return self.error(pos, format!("function {:?} not defined", token.val));
                }
                ArgKind::Identifier(token.val)
            }
            Kind::Dot => ArgKind::Dot,
            Kind::Nil => ArgKind::Nil,
            Kind::Variable => {
                let mut parts = token.val.split('.');
                let name = parts.next().unwrap_or("$").to_owned();
                if !self.vars.contains(&name) {
                    return self.error(pos, format!("undefined variable {name:?}"));
                }
                ArgKind::Variable(name, parts.map(str::to_owned).collect())
            }
            Kind::Field => ArgKind::Field(vec![token.val.trim_start_matches('.').to_owned()]),
            Kind::Bool => ArgKind::Bool(token.val == "true"),
            Kind::CharConstant => {
                ArgKind::Number(unquote_char(&token.val).map_err(|m| ParseError { message: m, pos })?)
            }
            Kind::Number => {
                ArgKind::Number(parse_number(&token.val).map_err(|m| ParseError { message: m, pos })?)
            }
            Kind::LeftParen => {
                // Our guard against stack exhaustion; a 200-character template never gets here.
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return self.error(pos, "max expression depth exceeded");
                }
                let pipe = self.pipeline("parenthesized pipeline", Kind::RightParen)?;
                self.depth -= 1;
                ArgKind::Pipe(pipe)
            }
            Kind::String | Kind::RawString => {
                ArgKind::String(unquote(&token.val).map_err(|m| ParseError { message: m, pos })?)
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(Arg { pos, kind }))
    }
}
