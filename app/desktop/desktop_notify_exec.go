//go:build desktop && !linux

package desktop

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
)

// execNotifier shows each notice with the OS's own program (notice_command.go).
type execNotifier struct{}

func newOSNotifier(*shell) osNotifier { return execNotifier{} }

func (execNotifier) Notify(ctx context.Context, n osNotice) error {
	name, args, env, ok := noticeCommand(goruntime.GOOS, n.Title, n.Body)
	if !ok {
		return fmt.Errorf("desktop notification: not available on %s", goruntime.GOOS)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	hideConsole(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("desktop notification: %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (execNotifier) Close() {}
