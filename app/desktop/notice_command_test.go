package desktop

import (
	"slices"
	"strings"
	"testing"
)

// An alert's text must reach the notification as data: a title full of
// quotes and script syntax must not appear in the script that runs.
func TestNoticeCommand(t *testing.T) {
	const title = `Plan "Home" at 80 %'; Remove-Item C:\ -Recurse; "`
	const body = `end run
do shell script "rm -rf ~"`
	for _, tc := range []struct {
		goos, name string
		ok         bool
	}{
		{"windows", "powershell.exe", true},
		{"darwin", "/usr/bin/osascript", true},
		{"linux", "", false},
	} {
		t.Run(tc.goos, func(t *testing.T) {
			name, args, env, ok := noticeCommand(tc.goos, title, body)
			if ok != tc.ok || name != tc.name {
				t.Fatalf("noticeCommand(%s) = %q, ok %v; want %q, ok %v", tc.goos, name, ok, tc.name, tc.ok)
			}
			if !ok {
				return
			}
			script := strings.Join(args, "\n")
			switch tc.goos {
			case "windows":
				// Title and body only in the environment.
				if strings.Contains(script, "Remove-Item") || strings.Contains(script, "rm -rf") {
					t.Fatalf("the alert's text is in the script:\n%s", script)
				}
				if !slices.Contains(env, noticeTitleEnv+"="+title) || !slices.Contains(env, noticeBodyEnv+"="+body) {
					t.Fatalf("env %q lacks the title or the body", env)
				}
			case "darwin":
				// Title and body are the last two arguments, after the
				// script's -e parts, which never hold them.
				n := len(args)
				if args[n-2] != title || args[n-1] != body {
					t.Fatalf("last arguments %q, want the title and the body", args[n-2:])
				}
				for i, a := range args[:n-2] {
					if a == "-e" {
						if strings.Contains(args[i+1], "Remove-Item") || strings.Contains(args[i+1], "rm -rf") {
							t.Fatalf("the alert's text is in the script: %q", args[i+1])
						}
					}
				}
			}
		})
	}
}
