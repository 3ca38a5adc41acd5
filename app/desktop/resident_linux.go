//go:build desktop && linux

package desktop

// runLoop waits for quit. The tray is plain D-Bus on Linux and needs no
// event loop of its own.
func (sh *shell) runLoop() {
	<-sh.done
	if sh.tray != nil {
		sh.tray.finish()
	}
}
