#!/usr/bin/env python3
"""Turn a terminal capture with SGR escapes (`tmux capture-pane -e -p`) into a self-contained
HTML page that looks like the terminal: a grid of `cols` x `rows` cells in a monospace font,
with the 16 ANSI colours, the 256-colour cube, 24-bit colours, bold, dim, italic, underline,
strike-through and reverse video. Wide characters (CJK, most emoji) take two cells.

    ansi2html.py --cols 120 --rows 40 [--cursor X,Y] --title "zitadesk" < capture.txt > capture.html

Only SGR (`ESC [ ... m`) is interpreted; any other escape sequence is dropped. Used by
scripts/screenshot.sh; standard library only.
"""

import argparse
import copy
import html
import re
import sys
import unicodedata

# A dark terminal theme (the console uses only the 16 named colours as accents on the
# terminal's own foreground and background).
DEFAULT_FG = "#d8dee9"
DEFAULT_BG = "#1f2430"
PALETTE = [
    "#2e3440",  # black
    "#e06c75",  # red
    "#98c379",  # green
    "#e5c07b",  # yellow
    "#61afef",  # blue
    "#c678dd",  # magenta
    "#56b6c2",  # cyan
    "#d8dee9",  # white
    "#5c6370",  # bright black
    "#ff7a85",  # bright red
    "#b5e890",  # bright green
    "#ffd68a",  # bright yellow
    "#82c4ff",  # bright blue
    "#e09cf0",  # bright magenta
    "#7fd6e0",  # bright cyan
    "#ffffff",  # bright white
]

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESCAPE = re.compile(r"\x1b(\[[0-9;?:]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def colour_256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        r, g, b = steps[n // 36], steps[(n // 6) % 6], steps[n % 6]
        return "#%02x%02x%02x" % (r, g, b)
    level = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (level, level, level)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.dim = False
        self.italic = False
        self.underline = False
        self.strike = False
        self.reverse = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline,
                self.strike, self.reverse)

    def apply(self, params):
        codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c in (4, 21):
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 9:
                self.strike = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif c == 29:
                self.strike = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    value = colour_256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    value = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    value = None
                    i += 1
                if c == 38:
                    self.fg = value
                else:
                    self.bg = value
            i += 1

    def css(self):
        fg = self.fg or DEFAULT_FG
        bg = self.bg
        if self.reverse:
            fg, bg = (bg or DEFAULT_BG), fg
        rules = ["color:%s" % fg]
        if bg:
            rules.append("background:%s" % bg)
        if self.bold:
            rules.append("font-weight:bold")
        if self.dim:
            rules.append("opacity:0.6")
        if self.italic:
            rules.append("font-style:italic")
        decorations = []
        if self.underline:
            decorations.append("underline")
        if self.strike:
            decorations.append("line-through")
        if decorations:
            rules.append("text-decoration:%s" % " ".join(decorations))
        return ";".join(rules)


def cell_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def convert(text, cols, rows, cursor=None):
    """HTML rows for the capture; `cursor` (x, y) is drawn as a block, as the terminal shows it."""
    style = Style()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = (lines + [""] * rows)[:rows]
    out = []
    for y, line in enumerate(lines):
        # One entry per character: (text, width, style copy); padded to `cols`.
        cells = []
        width = 0
        pos = 0
        for m in SGR.finditer(line):
            width = take(cells, OTHER_ESCAPE.sub("", line[pos:m.start()]), style, width, cols)
            style.apply(m.group(1))
            pos = m.end()
        width = take(cells, OTHER_ESCAPE.sub("", line[pos:]), style, width, cols)
        pad = Style()
        pad.bg = style.bg if not style.reverse else (style.fg or DEFAULT_FG)
        take(cells, " " * (cols - width), pad, width, cols)
        if cursor and cursor[1] == y:
            x = 0
            for i, (ch, w, st) in enumerate(cells):
                if x == cursor[0]:
                    block = copy.copy(st)
                    block.reverse = not block.reverse
                    cells[i] = (ch, w, block)
                    break
                x += w
        runs = []
        for ch, w, st in cells:
            body = '<span class="w">%s</span>' % html.escape(ch) if w == 2 else html.escape(ch)
            css = st.css()
            if runs and runs[-1][0] == css:
                runs[-1][1].append(body)
            else:
                runs.append((css, [body]))
        out.append("".join('<span style="%s">%s</span>' % (css, "".join(b)) for css, b in runs))
    return "\n".join(out)


def take(cells, text, style, width, cols):
    """Appends the characters of `text` that fit in `cols`; returns the width reached. A
    zero-width character (a combining mark) joins the cell before it."""
    snapshot = copy.copy(style)
    for ch in text:
        w = cell_width(ch)
        if w == 0:
            if cells:
                prev = cells[-1]
                cells[-1] = (prev[0] + ch, prev[1], prev[2])
            continue
        if width + w > cols:
            break
        width += w
        cells.append((ch, w, snapshot))
    return width


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
  html, body {{ margin: 0; padding: 0; background: {bg}; }}
  .term {{
    display: inline-block; padding: {pad}px; background: {bg}; color: {fg};
    font-family: "DejaVu Sans Mono", "Liberation Mono", monospace;
    font-size: {size}px; line-height: {line}px; white-space: pre;
    font-variant-ligatures: none;
  }}
  .w {{ display: inline-block; width: 2ch; text-align: center; }}
</style></head>
<body><div class="term">{body}</div></body></html>
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--title", default="terminal")
    ap.add_argument("--font-size", type=int, default=16)
    ap.add_argument("--line-height", type=int, default=20)
    ap.add_argument("--padding", type=int, default=12)
    ap.add_argument("--cursor", metavar="X,Y", help="draw a block cursor at this cell (0-based)")
    args = ap.parse_args()
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    cursor = tuple(int(v) for v in args.cursor.split(",")) if args.cursor else None
    body = convert(text, args.cols, args.rows, cursor)
    sys.stdout.write(PAGE.format(
        title=html.escape(args.title), bg=DEFAULT_BG, fg=DEFAULT_FG, pad=args.padding,
        size=args.font_size, line=args.line_height, body=body))


if __name__ == "__main__":
    main()
