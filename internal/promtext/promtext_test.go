package promtext

import (
	"testing"
)

func TestBuffer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*Buffer)
		want  string
	}{
		{"family and plain sample", func(b *Buffer) {
			b.Family("x_total", "Things.", "counter")
			b.Uint("x_total", 42)
		}, "# HELP x_total Things.\n# TYPE x_total counter\nx_total 42\n"},
		{"labels keep their order", func(b *Buffer) {
			b.Sample("g", 1.5, "b", "2", "a", "1")
		}, "g{b=\"2\",a=\"1\"} 1.5\n"},
		{"label values escaped", func(b *Buffer) {
			b.Sample("g", 0, "plan", "a \"quoted\" \\ back\nslash")
		}, "g{plan=\"a \\\"quoted\\\" \\\\ back\\nslash\"} 0\n"},
		{"help escapes backslash and newline, not quotes", func(b *Buffer) {
			b.Family("g", "say \"hi\"\\\nthere", "gauge")
		}, "# HELP g say \"hi\"\\\\\\nthere\n# TYPE g gauge\n"},
		{"bytes that are not UTF-8 become U+FFFD", func(b *Buffer) {
			b.Family("g", "bad \xff help", "gauge")
			b.Sample("g", 1, "interface", "3f4a9c2b1d0e/x\xff\xfe")
		}, "# HELP g bad \uFFFD help\n# TYPE g gauge\ng{interface=\"3f4a9c2b1d0e/x\uFFFD\"} 1\n"},
		{"large integers exactly", func(b *Buffer) {
			b.Uint("c_total", 1<<40+5, "interface", "eth0")
		}, "c_total{interface=\"eth0\"} 1099511627781\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b Buffer
			tc.write(&b)
			if got := string(b.Bytes()); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestHistogram(t *testing.T) {
	h := NewHistogram("d_seconds", "Durations.", []float64{0.001, 0.01, 0.1})
	for _, v := range []float64{0.0005, 0.001, 0.002, 0.05, 3} {
		h.Observe(v)
	}
	var b Buffer
	h.Write(&b)
	want := "# HELP d_seconds Durations.\n# TYPE d_seconds histogram\n" +
		"d_seconds_bucket{le=\"0.001\"} 2\n" + // 0.0005 and 0.001: the bound is inclusive
		"d_seconds_bucket{le=\"0.01\"} 3\n" +
		"d_seconds_bucket{le=\"0.1\"} 4\n" +
		"d_seconds_bucket{le=\"+Inf\"} 5\n" +
		"d_seconds_sum 3.0535\n" +
		"d_seconds_count 5\n"
	if got := string(b.Bytes()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
