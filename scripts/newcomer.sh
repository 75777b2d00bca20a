#!/usr/bin/env bash
# A scripted newcomer: a fresh clone, the README's commands, a quiz fed garbage, an
# exercise that hangs, then has a syntax error, then makes a known mistake, then passes,
# a corrupt progress file, and mistyped command lines. Every command runs under
# `timeout`; the run fails if any prints a traceback or hangs.
#
#   scripts/newcomer.sh [REPO] [WORKDIR]      (defaults: this clone, a fresh /tmp folder)
set -uo pipefail
repo="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
work="${2:-$(mktemp -d /tmp/formulary-newcomer.XXXX)}"
log="$work/transcript.txt"
export FORMULARY_DATA_DIR="$work/data" FORMULARY_TODAY=2026-12-02
failures=0

step() { printf '\n$ %s\n' "$*" | tee -a "$log"; }
run() {  # run CMD...: show it, its output and its exit status; a traceback or a hang is a failure
    step "$@"
    timeout 300 bash -c "$*" >>"$log.tmp" 2>&1
    local rc=$?
    cat "$log.tmp" | tee -a "$log"
    echo "[exit $rc]" | tee -a "$log"
    if [ $rc -eq 124 ] || grep -q "Traceback" "$log.tmp"; then echo "!! traceback or hang" | tee -a "$log"; failures=$((failures + 1)); fi
    rm -f "$log.tmp"
}

git clone -q "$repo" "$work/formulary" && cd "$work/formulary" || exit 1
F=.venv/bin/formulary
run "make install >/dev/null && echo installed"
run "$F list | tail -3"
run "$F check --only act.sigmoid act.gelu"
run "$F summary lenet5 --depth 1"
run "$F drill --list | head -5"
run "make test PYTEST_ARGS=\"-q -p no:randomly -k 'act.sigmoid and edges'\" | tail -2"

# a quiz fed garbage, then an honest miss, then quit
run "printf 'abc\n\n1e999\n12 apples\n42\nskip\nquit\n' | $F drill --count 3 --seed 1 --answers -"
run "$F drill --stats"

# an exercise: a hang, a syntax error, a known mistake, then the right code
run "$F drill start act.softsign"
cat > drills/mine/activations.py <<'PY'
import numpy as np

def softsign(input):
    x = np.asarray(input)
    while True:          # forgot to leave the loop
        x = x + 0

def softsign_backward(grad_output, input):
    return grad_output
PY
run "$F drill check act.softsign --timeout 3"
printf 'import numpy as np\ndef softsign(input)\n    return input\n' > drills/mine/activations.py
run "$F drill check act.softsign"
cat > drills/mine/activations.py <<'PY'
import numpy as np

def _floats(x, name):
    if not isinstance(x, np.ndarray) or x.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be a float32 or float64 array")
    return x

def softsign(input):
    x = _floats(input, "input")
    return (x / (1 + x)).astype(x.dtype)          # the absolute value forgotten

def softsign_backward(grad_output, input):
    x, g = _floats(input, "input"), _floats(grad_output, "grad_output")
    if g.shape != x.shape:
        raise ValueError(f"grad_output has shape {g.shape}, expected {x.shape}")
    z = x.astype(np.float64)
    with np.errstate(over="ignore"):
        return np.where(np.isinf(z), np.nan, g / (1 + np.abs(z)) ** 2).astype(x.dtype)
PY
run "$F drill check act.softsign"
sed -i 's|return (x / (1 + x)).astype(x.dtype)          # the absolute value forgotten|with np.errstate(invalid="ignore"):\n        return (x / (1 + np.abs(x))).astype(x.dtype)|' drills/mine/activations.py
run "$F drill check act.softsign"

# a corrupt progress file: kept aside, never a traceback, the next session works
run "head -c 40 $FORMULARY_DATA_DIR/progress.json > $FORMULARY_DATA_DIR/cut && mv $FORMULARY_DATA_DIR/cut $FORMULARY_DATA_DIR/progress.json && $F drill --stats"
run "ls $FORMULARY_DATA_DIR"
run "echo 0.5 | $F drill --count 1 --seed 2 --answers -"

# mistyped command lines: one line each, exit 2, and reports/ untouched
run "cp -r reports /tmp/newcomer-reports-before.$$ && $F report --candidate mien; diff -r reports /tmp/newcomer-reports-before.$$ && echo 'reports/ unchanged'; rm -rf /tmp/newcomer-reports-before.$$"
run "$F check --candidate doesnotexist"
run "$F check --device cuda --only act.relu"
run "$F drill --topic actvations"
run "$F drill check act.softsign --package impl"

echo | tee -a "$log"
echo "newcomer run: $failures command(s) with a traceback or a hang; transcript in $log" | tee -a "$log"
exit $((failures > 0))
