//go:build linux

package desktop

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// closeWindow asks the window to close the way a window manager's close
// button does: a WM_DELETE_WINDOW client message. Xvfb runs no window
// manager, so the test speaks the few X11 requests this takes itself.
func closeWindow(windowID string) error {
	win, err := strconv.ParseUint(strings.TrimPrefix(windowID, "0x"), 16, 32)
	if err != nil {
		return err
	}
	conn, err := net.DialTimeout("unix", "/tmp/.X11-unix/X"+strings.TrimPrefix(env.display, ":"), 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	le := binary.LittleEndian

	// Connection setup: little-endian, protocol 11.0, no authorisation
	// (Xvfb started without -auth accepts local clients).
	setup := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := conn.Write(setup); err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(conn, head); err != nil {
		return err
	}
	if head[0] != 1 {
		return fmt.Errorf("X server refused the connection (status %d)", head[0])
	}
	if _, err := io.CopyN(io.Discard, conn, int64(le.Uint16(head[6:]))*4); err != nil {
		return err
	}

	atom := func(name string) (uint32, error) {
		pad := (4 - len(name)%4) % 4
		var req bytes.Buffer
		req.Write([]byte{16, 0}) // InternAtom, only-if-exists false
		binary.Write(&req, le, uint16((8+len(name)+pad)/4))
		binary.Write(&req, le, uint16(len(name)))
		req.Write([]byte{0, 0})
		req.WriteString(name)
		req.Write(make([]byte, pad))
		if _, err := conn.Write(req.Bytes()); err != nil {
			return 0, err
		}
		reply := make([]byte, 32)
		if _, err := io.ReadFull(conn, reply); err != nil {
			return 0, err
		}
		if reply[0] != 1 {
			return 0, fmt.Errorf("InternAtom %s: X error %d", name, reply[1])
		}
		return le.Uint32(reply[8:]), nil
	}
	protocols, err := atom("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	deleteWindow, err := atom("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}

	var req bytes.Buffer
	req.Write([]byte{25, 0})                        // SendEvent, no propagation
	binary.Write(&req, le, uint16(11))              // 44 bytes
	binary.Write(&req, le, uint32(win))             // destination
	binary.Write(&req, le, uint32(0))               // event mask 0: the window's owner
	req.Write([]byte{33, 32, 0, 0})                 // ClientMessage, format 32
	binary.Write(&req, le, uint32(win))             // window
	binary.Write(&req, le, protocols)               // message type
	binary.Write(&req, le, [5]uint32{deleteWindow}) // data: the protocol, CurrentTime
	// GetInputFocus has a reply: once it arrives, the event was delivered.
	req.Write([]byte{43, 0, 1, 0})
	if _, err := conn.Write(req.Bytes()); err != nil {
		return err
	}
	reply := make([]byte, 32)
	if _, err := io.ReadFull(conn, reply); err != nil {
		return err
	}
	if reply[0] != 1 {
		return fmt.Errorf("SendEvent: X error %d", reply[1])
	}
	return nil
}
