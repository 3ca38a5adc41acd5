package units

import "testing"

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		n      int64
		prefix string
		want   string
	}{
		{0, "si", "0 B"}, {1_500_000, "si", "1.50 MB"}, {2 << 30, "iec", "2.00 GiB"}, {123_456_789_012, "si", "123 GB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.n, tt.prefix); got != tt.want {
			t.Errorf("Bytes(%d, %s) = %q, want %q", tt.n, tt.prefix, got, tt.want)
		}
	}
}
