//go:build desktop && windows

package app

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32          = windows.NewLazySystemDLL("user32.dll")
	procFindWindowW = user32.NewProc("FindWindowW")
	procSendMessage = user32.NewProc("SendMessageW")
)

// FocusRunningInstance asks a running Net-Pulse window to show itself and
// reports whether one was found. Call it before opening the database and
// before the tray registers, so a second launch leaves no trace. It speaks the
// protocol of Wails' own lock (WM_COPYDATA to a message window,
// internal/frontend/desktop/windows/single_instance.go in Wails v2.16.0),
// which stays in place as the backstop.
func FocusRunningInstance() bool {
	id := "wails-app-" + uniqueID
	class, err1 := windows.UTF16PtrFromString(id + "-sic")
	title, err2 := windows.UTF16PtrFromString(id + "-siw")
	payload, err3 := windows.UTF16FromString(secondInstancePayload())
	if err1 != nil || err2 != nil || err3 != nil {
		return false
	}
	hwnd, _, _ := procFindWindowW.Call(uintptr(unsafe.Pointer(class)), uintptr(unsafe.Pointer(title)))
	if hwnd == 0 {
		return false
	}
	const (
		wmCopyData = 0x004A
		singleInst = 1542 // WMCOPYDATA_SINGLE_INSTANCE_DATA in Wails
	)
	data := struct {
		dwData uintptr
		cbData uint32
		lpData uintptr
	}{singleInst, uint32(len(payload) * 2), uintptr(unsafe.Pointer(&payload[0]))}
	procSendMessage.Call(hwnd, wmCopyData, 0, uintptr(unsafe.Pointer(&data)))
	runtime.KeepAlive(payload)
	return true
}
