package svgchart

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

// element is an SVG element as the test reads it back.
type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parse reads every element of an SVG document, failing on bad XML.
func parse(t *testing.T, data []byte) []element {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var (
		out   []element
		stack []int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, data)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].text += string(tok)
			}
		}
	}
	return out
}

func twoPanels() Chart {
	return Chart{
		Title: "throughput & memory <per worker>",
		Note:  "2 CPUs",
		Styles: map[string]Style{
			"process":   {Color: "#d62728"},
			"goroutine": {Color: "#1f77b4", Dashed: true},
		},
		Panels: []Panel{
			{
				Title: "tasks/s", XLabel: "workers", YLabel: "tasks/s", LogX: true, LogY: true,
				Series: []Series{
					{Name: "process", Points: []Point{{8, 9753}, {64, 7931}, {256, 7333}}},
					{Name: "goroutine", Points: []Point{{8, 61082}, {64, 189380}, {256, 193190}}},
				},
			},
			{
				Title: "MB per worker", XLabel: "workers", YLabel: "MB", LogX: true,
				Series: []Series{
					{Name: "process", Points: []Point{{8, 3.27}, {64, 2.97}, {256, 3.01}}},
					{Name: "goroutine", Points: []Point{{8, 0.34}, {64, 0.07}, {256, 0.036}}},
				},
			},
		},
	}
}

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, twoPanels()); err != nil {
		t.Fatal(err)
	}
	elems := parse(t, b.Bytes())
	if elems[0].name != "svg" {
		t.Fatalf("root element is %s, want svg", elems[0].name)
	}

	// One polyline per series and panel, styled by name, with a point each.
	var lines []element
	for _, e := range elems {
		if e.name == "polyline" {
			lines = append(lines, e)
		}
	}
	if len(lines) != 4 {
		t.Fatalf("%d polylines, want 4", len(lines))
	}
	for _, l := range lines {
		if n := len(strings.Fields(l.attrs["points"])); n != 3 {
			t.Errorf("polyline %q has %d points, want 3", l.text, n)
		}
	}
	if lines[1].attrs["stroke"] != "#1f77b4" || lines[1].attrs["stroke-dasharray"] == "" {
		t.Errorf("goroutine line is drawn %v, want its style", lines[1].attrs)
	}

	// Higher values are drawn higher: the goroutine throughput at 256 is
	// above the process one at 256, and to the right of both at 8.
	proc, gor := points(t, lines[0]), points(t, lines[1])
	if !(gor[2][1] < proc[2][1]) {
		t.Errorf("goroutine throughput drawn at y=%v, not above process at y=%v", gor[2][1], proc[2][1])
	}
	if !(proc[0][0] < proc[1][0] && proc[1][0] < proc[2][0]) {
		t.Errorf("x positions %v are not increasing", proc)
	}

	// Text is escaped, and the legend names each series once.
	if !strings.Contains(b.String(), "throughput &amp; memory &lt;per worker&gt;") {
		t.Error("title is not escaped")
	}
	legend := 0
	for _, e := range elems {
		if e.name == "text" && (e.text == "process" || e.text == "goroutine") {
			legend++
		}
	}
	if legend != 2 {
		t.Errorf("legend has %d entries, want 2", legend)
	}
}

// points returns the coordinates of a polyline.
func points(t *testing.T, l element) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, p := range strings.Fields(l.attrs["points"]) {
		xs, ys, _ := strings.Cut(p, ",")
		x, err1 := strconv.ParseFloat(xs, 64)
		y, err2 := strconv.ParseFloat(ys, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad point %q", p)
		}
		out = append(out, [2]float64{x, y})
	}
	return out
}

func TestWriteRejects(t *testing.T) {
	c := twoPanels()
	c.Panels[0].Series[0].Points[0].Y = 0
	if err := Write(io.Discard, c); err == nil || !strings.Contains(err.Error(), "logarithmic") {
		t.Errorf("zero on a log axis: err = %v", err)
	}
	if err := Write(io.Discard, Chart{Title: "empty"}); err == nil {
		t.Error("a chart without panels was drawn")
	}
}

func TestTicks(t *testing.T) {
	a, err := newAxis([]float64{7333, 193190}, true, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := a.ticks()
	want := []float64{1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6}
	if len(got) != len(want) {
		t.Fatalf("log ticks = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("log ticks = %v, want %v", got, want)
		}
	}
	lin, err := newAxis([]float64{0.5, 3.3}, false, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	ticks := lin.ticks()
	if len(ticks) < 3 || len(ticks) > 7 || ticks[0] != 0 {
		t.Errorf("linear ticks = %v, want 3 to 7 from 0", ticks)
	}
}

func TestLabel(t *testing.T) {
	for v, want := range map[float64]string{8: "8", 0.036: "0.036", 2500: "2.5k", 193190: "193k", 1.2e6: "1.2M"} {
		if got := label(v); got != want {
			t.Errorf("label(%v) = %q, want %q", v, got, want)
		}
	}
}
