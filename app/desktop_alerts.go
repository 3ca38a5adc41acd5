//go:build desktop

package app

// alertNotices turns the Service's alerts into OS notices; the returned
// function stops them. Until the Service publishes alerts there are none.
func (sh *shell) alertNotices() (<-chan osNotice, func()) {
	return nil, func() {}
}
