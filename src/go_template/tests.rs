//! Cases taken from Go's own tests and documentation (`text/template/parse/parse_test.go`
//! `errorTests`, `text/template/exec_test.go` `execTests`, `text/template/doc.go`), run
//! against ZITADEL's data.

use super::*;

fn data() -> Data {
    Data {
        user_id: "u1".into(),
        code: "c d".into(),
        org_id: "o1".into(),
    }
}

/// "ok:<output>", "parse: <message>", "exec: <message>" or "preview unavailable".
fn run(t: &str) -> String {
    match render(t, data()) {
        Ok(Rendered::Text(s)) => format!("ok:{s}"),
        Ok(Rendered::Unevaluable(_)) => "preview unavailable".into(),
        Err(GoTemplateError::Parse(e)) => format!("parse: {}", e.message),
        Err(GoTemplateError::Exec(e)) => format!("exec: {}", e.message),
    }
}

fn ok(t: &str, want: &str) {
    assert_eq!(run(t), format!("ok:{want}"), "{t}");
}

fn parse_error(t: &str, containing: &str) {
    let got = run(t);
    assert!(
        got.starts_with("parse: ") && got.contains(containing),
        "{t}: {got}"
    );
}

fn exec_error(t: &str, containing: &str) {
    let got = run(t);
    assert!(
        got.starts_with("exec: ") && got.contains(containing),
        "{t}: {got}"
    );
}

#[test]
fn zitadels_own_cases() {
    // internal/domain/human_email_test.go and url_template_test.go at v4.13.1.
    ok(
        "https://example.com/email/verify?userID={{.UserID}}&code={{.Code}}&orgID={{.OrgID}}",
        "https://example.com/email/verify?userID=u1&code=c d&orgID=o1",
    );
    parse_error("{{", "unclosed action");
    exec_error(
        "{{.Foo}}",
        "can't evaluate field Foo in type *domain.ConfirmURLData",
    );
}

#[test]
fn pipelines_and_builtins() {
    ok("https://x/?c={{.Code | urlquery}}", "https://x/?c=c+d");
    ok(
        "{{urlquery \"http://www.example.org/\"}}",
        "http%3A%2F%2Fwww.example.org%2F",
    );
    ok("{{printf \"%s-%s\" .UserID .Code}}", "u1-c d");
    ok("{{.Code | printf \"%q\"}}", "\"c d\"");
    ok("{{printf \"%d%%\" 5}}", "5%");
    ok(
        "{{html \"<script>alert(\\\"XSS\\\");</script>\"}}",
        "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;",
    );
    ok("{{js \"It'd be nice.\"}}", "It\\'d be nice.");
    ok(
        "{{print 1 2}}|{{print \"a\" \"b\"}}|{{print 1 \"a\"}}",
        "1 2|ab|1a",
    );
    ok("{{len .Code}} {{index .Code 1}} {{slice .Code 1 3}}", "3 32  d");
    ok("{{and 1 0}} {{or 0 \"x\"}} {{not .Code}}", "0 x false");
    ok("{{if eq .OrgID \"a\" \"o1\"}}yes{{end}}", "yes");
    ok("{{if lt 1 2}}a{{end}}{{if ge \"b\" \"a\"}}b{{end}}", "ab");
    ok("{{.}}", "{u1 c d o1}");
    ok("{{print nil}}", "<nil>");
}

#[test]
fn trim_markers_and_comments() {
    // doc.go: "{{23 -}} < {{- 45}}" gives "23<45"; "{{-3}}" is the number -3.
    ok("{{23 -}} < {{- 45}}", "23<45");
    ok("{{-3}}", "-3");
    ok(" \n\t{{- .Code -}} \n x", "c dx");
    ok("a{{/* a comment */}}b", "ab");
    ok("a \n{{- /* trimmed */ -}}\n b", "ab");
    parse_error("{{ /* c */ }}", "unexpected");
    parse_error("{{/*}}", "unclosed comment");
    parse_error("{{/* c */ x}}", "comment ends before closing delimiter");
}

#[test]
fn control_structures_run_only_the_taken_branch() {
    // Go fails only on fields it evaluates.
    ok("{{if false}}{{.LoginName}}{{end}}x", "x");
    exec_error(
        "{{if true}}{{.LoginName}}{{end}}",
        "can't evaluate field LoginName",
    );
    ok("{{if .Code}}A{{else}}B{{end}}", "A");
    ok("{{if not .Code}}A{{else if .OrgID}}B{{end}}", "B");
    ok("{{with $c := .Code}}{{$c}}{{end}}", "c d");
    ok("{{with \"\"}}a{{else with .OrgID}}{{.}}{{end}}", "o1");
    ok("{{$x := 1}}{{$x = 2}}{{$x}}", "2");
    ok("{{range 3}}{{.}}{{end}}", "012");
    ok(
        "{{range $i := 5}}{{if eq $i 3}}{{break}}{{end}}{{$i}}{{end}}",
        "012",
    );
    ok("{{range 4}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}", "023");
    ok("{{range 0}}x{{else}}none{{end}}", "none");
    exec_error("{{range .Code}}{{end}}", "range can't iterate over c d");
}

#[test]
fn named_templates() {
    ok("{{define \"l\"}}[{{.}}]{{end}}{{template \"l\" .Code}}", "[c d]");
    ok("{{block \"b\" .OrgID}}<{{.}}>{{end}}", "<o1>");
    exec_error("{{template \"x\"}}", "template \"x\" not defined");
    exec_error(
        "{{define \"a\"}}{{template \"a\" .}}{{end}}{{template \"a\" .}}",
        "exceeded maximum template depth",
    );
    parse_error(
        "{{define \"a\"}}a{{end}}{{define \"a\"}}b{{end}}",
        "multiple definition of template",
    );
}

#[test]
fn go_parse_errors() {
    // parse_test.go errorTests.
    parse_error("line1\n{{", "unclosed action");
    parse_error("{{\n\n\n\n\n", "unclosed action");
    parse_error("line1\n{{\nx\n}}", "function \"x\" not defined");
    parse_error("{{foo}}", "function \"foo\" not defined");
    parse_error("{{.X (1 2 3}}", "unclosed left paren");
    parse_error("{{.X 1 2 3 ) }}", "unexpected right paren");
    parse_error("{{(.X 1 2 3", "unclosed action");
    parse_error("{{`x`3}}", "in operand");
    parse_error("{{a#}}", "'#'");
    parse_error("{{'a}}", "unterminated character constant");
    parse_error("{{\"a}}", "unterminated quoted string");
    parse_error("{{`a}}", "unterminated raw quoted string");
    parse_error("{{0xi}}", "number syntax");
    parse_error("{{range .X}}", "unexpected EOF");
    parse_error("{{$a,$b,$c := 23}}", "too many declarations");
    parse_error("{{$a}}", "undefined variable \"$a\"");
    parse_error("{{true.any}}", "unexpected . after term");
    parse_error("{{12|false}}", "non executable command in pipeline stage 2");
    parse_error("{{ ( ) }}", "missing value for parenthesized pipeline");
    parse_error("{{range $k}}{{end}}", "undefined variable");
    parse_error("{{range $k,}}{{end}}", "missing value for range");
    parse_error("{{range $k, .}}{{end}}", "range can only initialize variables");
    parse_error("{{range .}}{{end}} {{break}}", "{{break}} outside {{range}}");
    parse_error(
        "{{range .}}{{else}}{{break}}{{end}}",
        "{{break}} outside {{range}}",
    );
    parse_error("{{range .}}{{break 10}}{{end}}", "unexpected \"10\" in {{break}}");
    parse_error("{{end}}", "unexpected {{end}}");
    parse_error("{{else}}", "unexpected {{else}}");
    parse_error("{{}}", "missing value for command");
    parse_error("{{089}}", "integer overflow");
    parse_error(
        "{{if .Code}}{{define \"x\"}}{{end}}{{end}}",
        "unexpected <define>",
    );
}

#[test]
fn go_exec_errors() {
    exec_error("{{.Code.Length}}", "can't evaluate field Length in type string");
    exec_error(
        "{{.code}}",
        "can't evaluate field code in type *domain.ConfirmURLData",
    );
    exec_error(
        "{{.Code 1}}",
        "Code has arguments but cannot be invoked as function",
    );
    exec_error("{{1 | .Code}}", "Code has arguments");
    exec_error("{{nil}}", "nil is not a command");
    exec_error("{{len .}}", "len of type domain.ConfirmURLData");
    exec_error("{{call .Code}}", "error calling call");
    exec_error("{{not}}", "wrong number of args for not: want 1 got 0");
    exec_error("{{printf 3}}", "expected string");
    exec_error("{{index .Code 9}}", "index out of range: 9");
    exec_error("{{eq 1 \"a\"}}", "incompatible types for comparison");
    exec_error("{{\"x\" 1}}", "can't give argument to non-function");
    exec_error("{{$x = 1}}", "undefined variable: $x");
}

#[test]
fn numbers() {
    ok(
        "{{1.5}} {{1e3}} {{0x10}} {{'a'}} {{1_000}} {{0o17}} {{0b11}}",
        "1.5 1000 16 97 1000 15 3",
    );
}

#[test]
fn what_cannot_be_previewed_is_not_refused() {
    for t in [
        "{{printf \"%5s\" .Code}}",
        "{{1i}}",
        "{{print 1e300}}",
        "{{eq . .}}",
    ] {
        assert_eq!(run(t), "preview unavailable", "{t}");
    }
}

#[test]
fn endless_work_is_bounded() {
    assert_eq!(run("{{range 1000000000}}x{{end}}"), "preview unavailable");
    let deep = format!("{{{{{}.Code{}}}}}", "(".repeat(300), ")".repeat(300));
    assert_eq!(run(&deep), "ok:c d");
}

proptest::proptest! {
    #[test]
    fn arbitrary_templates_never_panic(t in "[{}().|$a-zA-Z\"`'/* :=,-]{0,120}") {
        let _ = run(&t);
    }

    #[test]
    fn arbitrary_text_never_panics(t in ".{0,120}") {
        let _ = run(&t);
    }
}
