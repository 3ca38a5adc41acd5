# Step reporting for the shell suites (test/*/run.sh), sourced by them:
# every step prints ok or FAIL and is counted; finish prints the closing
# "N passed, N failed" line and fails when any step failed. No errexit: a
# suite reports every step, and the summary says what failed.

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then ok "$what"; else fail "$what"; return 1; fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
die() { echo "run.sh: $*" >&2; fail "$*"; finish || true; exit 1; }
