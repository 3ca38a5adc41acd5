package storage

import (
	"fmt"
	"testing"
)

func TestSeriesBuilderMergesOutOfOrder(t *testing.T) {
	b := newSeriesBuilder([]string{"a", "b"})
	for _, v := range []Bucket{{T: 10, Rx: 1, RxPeak: 4}, {T: 20, Rx: 2}, {T: 20, Rx: 3, RxPeak: 1}, {T: 5, Rx: 4}, {T: 10, Rx: 5, RxPeak: 2}, {T: 30, Tx: 6}} {
		b.add(0, v)
	}
	b.add(1, Bucket{T: 7, Tx: 1})
	got := fmt.Sprint(b.finish())
	want := "[{a [{5 4 0 0 0} {10 6 0 4 0} {20 5 0 1 0} {30 0 6 0 0}]} {b [{7 0 1 0 0}]}]"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
