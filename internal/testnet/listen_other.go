//go:build !linux

package testnet

import (
	"errors"
	"net"
)

// ListenInNS needs Linux network namespaces.
func (p Pair) ListenInNS(int) (net.Listener, error) {
	return nil, errors.New("network namespaces need Linux")
}

// ListenPacketInNS needs Linux network namespaces.
func (p Pair) ListenPacketInNS(int) (net.PacketConn, error) {
	return nil, errors.New("network namespaces need Linux")
}
