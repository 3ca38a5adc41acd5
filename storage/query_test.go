package storage

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

func TestSeriesBuilderMergesOutOfOrder(t *testing.T) {
	b := newSeriesBuilder([]string{"a", "b"})
	for _, v := range []Bucket{{T: 10, Rx: 1, RxPeak: 4}, {T: 20, Rx: 2}, {T: 20, Rx: 3, RxPeak: 1}, {T: 5, Rx: 4}, {T: 10, Rx: 5, RxPeak: 2}, {T: 30, Tx: 6}} {
		b.add(0, v)
	}
	b.add(1, Bucket{T: 7, Tx: 1})
	got := fmt.Sprint(b.finish())
	want := "[{a [{5 4 0 0 0 0 0 {0 0 0 0} false} {10 6 0 0 0 4 0 {0 0 0 0} false} {20 5 0 0 0 1 0 {0 0 0 0} false} {30 0 6 0 0 0 0 {0 0 0 0} false}]} {b [{7 0 1 0 0 0 0 {0 0 0 0} false}]}]"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestQueryIntsReadsRowsAndRefusesOtherTypes(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var got [][]int64
	err := queryInts(ctx, s.r, "SELECT value, value * ? FROM json_each('[1,2,3]')", []int64{-2}, func(row []int64) {
		got = append(got, slices.Clone(row))
	})
	if err != nil || fmt.Sprint(got) != "[[1 -2] [2 -4] [3 -6]]" {
		t.Errorf("got %v, %v", got, err)
	}
	for _, q := range []string{"SELECT 'x'", "SELECT NULL", "SELECT 1.5"} {
		if err := queryInts(ctx, s.r, q, nil, func([]int64) {}); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
}
