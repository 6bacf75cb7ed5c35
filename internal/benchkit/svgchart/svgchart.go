// Package svgchart draws line charts as SVG with the standard library:
// one or more panels side by side, each with its own axes, series as
// polylines with a marker at every point, and one legend for all panels.
// It is what docs/bench.sh draws the benchmark figures with; axes may be
// logarithmic, since process and goroutine figures differ by orders of
// magnitude.
package svgchart

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Chart is a figure of panels sharing a legend.
type Chart struct {
	Title  string
	Note   string // a line under the panels: source, machine
	Panels []Panel
	// Series styles, by series name; a series with no style gets one of
	// the palette in order of first appearance.
	Styles map[string]Style
}

// Panel is one plot.
type Panel struct {
	Title          string
	XLabel, YLabel string
	LogX, LogY     bool
	Series         []Series
}

// Series is a named line through points, drawn in the order given.
type Series struct {
	Name   string
	Points []Point
}

// Point is one value.
type Point struct{ X, Y float64 }

// Style is how a series is drawn.
type Style struct {
	Color  string // any SVG color
	Dashed bool
}

// palette is used for series without a Style.
var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"}

// Layout, in SVG user units.
const (
	panelW, panelH = 420.0, 300.0 // a panel, axes labels included
	marginL        = 70.0         // room for the y tick labels and label
	marginR        = 15.0
	marginT        = 30.0 // the panel title
	marginB        = 45.0 // x tick labels and label
	titleH         = 34.0
	legendRowH     = 18.0
	noteH          = 22.0
)

// Write draws c on w.
func Write(w io.Writer, c Chart) error {
	if len(c.Panels) == 0 {
		return fmt.Errorf("chart %q has no panels", c.Title)
	}
	names, styles := c.legend()
	legendH := legendRowH * float64((len(names)+1)/2)
	width := panelW * float64(len(c.Panels))
	height := titleH + panelH + 10 + legendH + noteH

	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="12">`+"\n",
		num(width), num(height), num(width), num(height))
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(b, `<text x="%s" y="22" font-size="16" text-anchor="middle">%s</text>`+"\n", num(width/2), esc(c.Title))
	for i, p := range c.Panels {
		if err := p.draw(b, float64(i)*panelW, titleH, styles); err != nil {
			return err
		}
	}

	// Legend, two columns.
	y0 := titleH + panelH + 10
	for i, name := range names {
		x := 40 + float64(i%2)*width/2
		y := y0 + float64(i/2)*legendRowH + 12
		st := styles[name]
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`+"\n",
			num(x), num(y-4), num(x+28), num(y-4), esc(st.Color), dash(st))
		fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`+"\n", num(x+36), num(y), esc(name))
	}
	if c.Note != "" {
		fmt.Fprintf(b, `<text x="10" y="%s" font-size="10" fill="#555">%s</text>`+"\n", num(height-8), esc(c.Note))
	}
	fmt.Fprintln(b, "</svg>")
	return b.Flush()
}

// legend returns the series names in order of first appearance and the
// style of each.
func (c Chart) legend() ([]string, map[string]Style) {
	var names []string
	styles := make(map[string]Style)
	next := 0
	for _, p := range c.Panels {
		for _, s := range p.Series {
			if _, ok := styles[s.Name]; ok {
				continue
			}
			names = append(names, s.Name)
			st, ok := c.Styles[s.Name]
			if !ok {
				st = Style{Color: palette[next%len(palette)]}
				next++
			}
			styles[s.Name] = st
		}
	}
	return names, styles
}

// axis maps values of one dimension onto a pixel range.
type axis struct {
	log      bool
	min, max float64 // in value space (log10 of it when log)
	from, to float64 // pixels
}

func (a axis) pos(v float64) float64 {
	if a.log {
		v = math.Log10(v)
	}
	if a.max == a.min {
		return (a.from + a.to) / 2
	}
	return a.from + (v-a.min)/(a.max-a.min)*(a.to-a.from)
}

// newAxis fits an axis to the values, widened to whole powers of ten when
// logarithmic and padded by a twentieth of the range when linear (starting
// at 0 for positive values).
func newAxis(vals []float64, log bool, from, to float64) (axis, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if log {
			if !(v > 0) {
				return axis{}, fmt.Errorf("value %v on a logarithmic axis", v)
			}
			v = math.Log10(v)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return axis{}, fmt.Errorf("value %v cannot be drawn", v)
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if len(vals) == 0 {
		return axis{}, fmt.Errorf("no values")
	}
	if log {
		lo, hi = math.Floor(lo), math.Ceil(hi)
		if lo == hi {
			hi++
		}
	} else {
		if lo > 0 {
			lo = 0
		}
		pad := (hi - lo) / 20
		if pad == 0 {
			pad = 1
		}
		hi += pad
	}
	return axis{log: log, min: lo, max: hi, from: from, to: to}, nil
}

// ticks returns the values to mark: each power of ten of a logarithmic
// axis, with 2 and 5 times it when there are few, or about five round
// steps of a linear one.
func (a axis) ticks() []float64 {
	var out []float64
	if a.log {
		decades := int(a.max - a.min)
		for e := int(a.min); e <= int(a.max); e++ {
			p := math.Pow(10, float64(e))
			out = append(out, p)
			if decades <= 3 && e < int(a.max) {
				out = append(out, 2*p, 5*p)
			}
		}
		return out
	}
	step := math.Pow(10, math.Floor(math.Log10((a.max-a.min)/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if (a.max-a.min)/(step*m) <= 6 {
			step *= m
			break
		}
	}
	for v := math.Ceil(a.min/step) * step; v <= a.max; v += step {
		out = append(out, v)
	}
	return out
}

func (p Panel) draw(b *bufio.Writer, x0, y0 float64, styles map[string]Style) error {
	var xs, ys []float64
	for _, s := range p.Series {
		for _, pt := range s.Points {
			xs = append(xs, pt.X)
			ys = append(ys, pt.Y)
		}
	}
	left, right := x0+marginL, x0+panelW-marginR
	top, bottom := y0+marginT, y0+panelH-marginB
	xa, err := newAxis(xs, p.LogX, left, right)
	if err != nil {
		return fmt.Errorf("panel %q, x: %w", p.Title, err)
	}
	ya, err := newAxis(ys, p.LogY, bottom, top)
	if err != nil {
		return fmt.Errorf("panel %q, y: %w", p.Title, err)
	}

	fmt.Fprintf(b, `<g><text x="%s" y="%s" font-size="13" text-anchor="middle">%s</text>`+"\n", num((left+right)/2), num(y0+18), esc(p.Title))
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#999"/>`+"\n", num(left), num(top), num(right-left), num(bottom-top))

	// Grid and tick labels: the x ticks are the x values themselves.
	for _, v := range ya.ticks() {
		y := ya.pos(v)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e5e5"/>`+"\n", num(left), num(y), num(right), num(y))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(left-5), num(y+4), esc(label(v)))
	}
	for _, v := range uniq(xs) {
		x := xa.pos(v)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e5e5"/>`+"\n", num(x), num(top), num(x), num(bottom))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(x), num(bottom+16), esc(label(v)))
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num((left+right)/2), num(bottom+34), esc(p.XLabel))
	fmt.Fprintf(b, `<text transform="translate(%s %s) rotate(-90)" text-anchor="middle">%s</text>`+"\n", num(x0+16), num((top+bottom)/2), esc(p.YLabel))

	// Series.
	for _, s := range p.Series {
		st := styles[s.Name]
		var pts []string
		for _, pt := range s.Points {
			pts = append(pts, num(xa.pos(pt.X))+","+num(ya.pos(pt.Y)))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"><title>%s</title></polyline>`+"\n",
			esc(st.Color), dash(st), strings.Join(pts, " "), esc(s.Name))
		for _, pt := range s.Points {
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s: %s at %s</title></circle>`+"\n",
				num(xa.pos(pt.X)), num(ya.pos(pt.Y)), esc(st.Color), esc(s.Name), esc(label(pt.Y)), esc(label(pt.X)))
		}
	}
	fmt.Fprintln(b, "</g>")
	return nil
}

func dash(st Style) string {
	if st.Dashed {
		return ` stroke-dasharray="6 4"`
	}
	return ""
}

// uniq returns the distinct values of vs in increasing order.
func uniq(vs []float64) []float64 {
	seen := make(map[float64]bool)
	var out []float64
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// label formats a tick or point value briefly: 8, 0.5, 2.5k, 190k, 1.2M.
func label(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + "M"
	case a >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + "k"
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

// num formats a coordinate.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// esc escapes text for an attribute or element.
func esc(s string) string {
	var b strings.Builder
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		panic(err) // writing to a strings.Builder does not fail
	}
	return b.String()
}
