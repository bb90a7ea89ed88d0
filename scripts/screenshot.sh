#!/usr/bin/env bash
# Screenshots of the console for the README, made from the real binary:
#
#   assets/screenshot-console.png   a search, the list and one user's detail side by side
#   assets/screenshot-resend.png    the resend dialog over them
#
# Builds the release binary, runs `zitadesk --demo` in a detached tmux session at 120×40
# (TERM=xterm-256color, TZ=UTC, a scratch state and config directory), drives it with
# send-keys, waiting for each screen by polling `capture-pane` with a deadline, captures the
# pane with its colours (`capture-pane -e -p`), turns that into HTML (scripts/ansi2html.py)
# and the HTML into PNG with headless Chromium.
#
# Needs: cargo, tmux, python3, chromium (Debian: `apt-get install -y chromium`); pngquant if
# present makes the files smaller.
# Usage: scripts/screenshot.sh [OUTPUT_DIR]     (default: assets/)
# Not run by CI.

set -euo pipefail

cd "$(dirname "$0")/.."
out_dir="${1:-assets}"
cols=120
rows=40
font_size=16
line_height=20
padding=12
scale=1.5

for tool in tmux python3; do
  command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is needed" >&2; exit 1; }
done
chrome=""
for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$candidate" >/dev/null; then chrome="$candidate"; break; fi
done
[ -n "$chrome" ] || { echo "screenshot.sh: headless Chromium is needed (Debian: apt-get install -y chromium)" >&2; exit 1; }

cargo build --release --quiet
bin="$PWD/target/release/zitadesk"

work="$(mktemp -d)"
socket="zitadesk-shot-$$"
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

tmux_() { tmux -L "$socket" -f /dev/null "$@"; }

# The console, alone in a 120×40 window; nothing from this shell's ZITADEL_* settings.
tmux_ new-session -d -s shot -x "$cols" -y "$rows" \
  env -u ZITADEL_URL -u ZITADEL_TOKEN -u ZITADEL_TOKEN_FILE -u ZITADEL_KEY_FILE -u ZITADEL_ORG_ID \
  -u NO_COLOR -u ZITADESK_PROFILE -u ZITADESK_CONFIG \
  TERM=xterm-256color COLORTERM= TZ=UTC LANG=C.UTF-8 \
  XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config" \
  "$bin" --demo
tmux_ set-option -t shot status off >/dev/null
tmux_ resize-window -t shot -x "$cols" -y "$rows" 2>/dev/null || true

# wait_for PATTERN WHAT: polls the pane's text (10 s at most) until it matches PATTERN (ERE).
wait_for() {
  local deadline=$((SECONDS + 10))
  until tmux_ capture-pane -t shot -p | grep -Eq -- "$1"; do
    if ((SECONDS >= deadline)); then
      echo "screenshot.sh: timed out waiting for $2; the screen:" >&2
      tmux_ capture-pane -t shot -p >&2
      exit 1
    fi
    sleep 0.05
  done
}

# selected_row: the row under the ▶ marker.
selected_row() { tmux_ capture-pane -t shot -p | grep -m1 '▶' || true; }

# shoot NAME TITLE: the pane with colours → HTML → PNG.
shoot() {
  local name="$1" title="$2"
  tmux_ capture-pane -t shot -e -p >"$work/$name.ans"
  # The terminal cursor, where the console shows it (the search line, a text field).
  local cursor=()
  if [ "$(tmux_ display-message -t shot -p '#{cursor_flag}')" = 1 ]; then
    cursor=(--cursor "$(tmux_ display-message -t shot -p '#{cursor_x},#{cursor_y}')")
  fi
  python3 scripts/ansi2html.py --cols "$cols" --rows "$rows" --title "$title" "${cursor[@]}" \
    --font-size "$font_size" --line-height "$line_height" --padding "$padding" \
    <"$work/$name.ans" >"$work/$name.html"
  # DejaVu Sans Mono advances 1233/2048 em per cell.
  local width height
  width=$(python3 -c "import math; print(math.ceil($cols * $font_size * 1233 / 2048) + 2 * $padding)")
  height=$((rows * line_height + 2 * padding))
  mkdir -p "$out_dir"
  "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/chrome" --force-device-scale-factor="$scale" \
    --window-size="$width,$height" --screenshot="$PWD/$out_dir/screenshot-$name.png" \
    "file://$work/$name.html" >/dev/null 2>&1
  [ -s "$out_dir/screenshot-$name.png" ] || { echo "screenshot.sh: Chromium wrote no $name.png" >&2; exit 1; }
  # A palette of 256 colours holds a terminal's few colours and their anti-aliasing: a third
  # of the size. Optional.
  if command -v pngquant >/dev/null; then
    pngquant --force --skip-if-larger --strip --output "$out_dir/screenshot-$name.png" 256 -- "$out_dir/screenshot-$name.png" || true
  fi
  echo "$out_dir/screenshot-$name.png"
}

wait_for 'DISPLAY NAME' 'the users list'
wait_for ' 1 of [0-9]+ *$' 'the first page'

# Search: two letters of a surname ("on": Gibbons, Johnson, Andersson, …), a screenful of users.
query='on'
tmux_ send-keys -t shot '/'
wait_for '^/' 'the search line'
tmux_ send-keys -t shot -l "$query"
wait_for "^/ $query" 'the query in the search line'
wait_for 'Peter Gibbons' 'the search result'
tmux_ send-keys -t shot Enter
wait_for 'Enter open the user' 'the list keys'

# Down to Peter Gibbons (not verified, a code pending), then open him.
for _ in $(seq 1 40); do
  case "$(selected_row)" in *'Peter Gibbons'*) break ;; esac
  before="$(selected_row)"
  tmux_ send-keys -t shot j
  deadline=$((SECONDS + 5))
  while [ "$(selected_row)" = "$before" ] && ((SECONDS < deadline)); do sleep 0.05; done
done
case "$(selected_row)" in *'Peter Gibbons'*) ;; *) echo "screenshot.sh: Peter Gibbons not found in the list" >&2; exit 1 ;; esac
tmux_ send-keys -t shot Enter
wait_for '300000000000000301' 'the detail of Peter Gibbons'
wait_for 'not verified' 'the email status'
shoot console 'zitadesk: list and detail'

# The resend dialog.
tmux_ send-keys -t shot r
wait_for 'Resend verification code' 'the resend dialog'
shoot resend 'zitadesk: resend the verification code'

tmux_ send-keys -t shot Escape
tmux_ send-keys -t shot q
