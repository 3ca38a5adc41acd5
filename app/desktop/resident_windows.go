//go:build desktop && windows

package desktop

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	procGetMessageW      = windows.NewLazySystemDLL("user32.dll").NewProc("GetMessageW")
	procTranslateMessage = windows.NewLazySystemDLL("user32.dll").NewProc("TranslateMessage")
	procDispatchMessageW = windows.NewLazySystemDLL("user32.dll").NewProc("DispatchMessageW")
)

// runLoop runs the message loop of the main thread, where newTray created
// the tray's hidden window, until quit: tray.finish closes that window, whose
// WM_DESTROY posts the WM_QUIT that ends the loop.
func (sh *shell) runLoop() {
	if !sh.finishTrayAtQuit() {
		<-sh.done
		return
	}
	var msg struct {
		hwnd    uintptr
		message uint32
		wParam  uintptr
		lParam  uintptr
		time    uint32
		pt      struct{ x, y int32 }
	}
	for {
		r, _, _ := procGetMessageW.Call(uintptr(unsafe.Pointer(&msg)), 0, 0, 0)
		if int32(r) <= 0 { // WM_QUIT, or an error
			return
		}
		procTranslateMessage.Call(uintptr(unsafe.Pointer(&msg)))
		procDispatchMessageW.Call(uintptr(unsafe.Pointer(&msg)))
	}
}
