package traffic

import "testing"

func TestCountsAdd(t *testing.T) {
	all := Counts{1, 2, 3, 4, 5, 6, 7, 8}
	tests := []struct {
		name string
		c, o Counts
		want Counts
	}{
		{"zero adds nothing", all, Counts{}, all},
		{"every field adds into its own", all, all, Counts{2, 4, 6, 8, 10, 12, 14, 16}},
		{"one field alone", Counts{}, Counts{TxDrops: 9}, Counts{TxDrops: 9}},
		{"a sum wraps at 2^64", Counts{RxBytes: ^uint64(0)}, Counts{RxBytes: 2}, Counts{RxBytes: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.c
			got.Add(tc.o)
			if got != tc.want {
				t.Errorf("%+v.Add(%+v) = %+v, want %+v", tc.c, tc.o, got, tc.want)
			}
		})
	}
}
