package cgocall

import (
	"fmt"
	"go/ast"
	"sort"
)

// KeptState returns, for each C function defined in the cgo preambles of
// files, why a call of it leaves state that a later call sees: it writes
// a scalar that is not a local, such as a static counter, or reads one
// that another function writes, itself or through the functions of the
// preamble it calls. Such state was one per worker process; once the
// workers are goroutines it is one for all of them, and no lock gives each
// its own copy back. A static buffer that every call fills anew, or a
// strtok position that each sequence of calls starts over, is not kept
// state in this sense: serializing the calls is enough for those.
//
// A preamble the scanner cannot read is reported as an error naming the
// file, so that a caller can refuse rather than guess.
func KeptState(files []*ast.File) (map[string]string, error) {
	var units []*cUnit
	for _, f := range files {
		src, ok := preamble(f)
		if !ok {
			continue
		}
		u, err := scanC("the preamble of "+f.Name.Name, src, true)
		if err != nil {
			return nil, fmt.Errorf("read the cgo preamble: %w", err)
		}
		units = append(units, u)
	}
	out := make(map[string]string)
	for _, u := range units {
		writers := u.writers()
		names := append([]string(nil), u.order...)
		sort.Strings(names)
		for _, name := range names {
			if why := keptBy(u, writers, u.funcs[name], map[*cFunc]bool{}); why != "" {
				out[name] = why
			}
		}
	}
	return out, nil
}

// keptBy returns why fn keeps state across calls, or "".
func keptBy(u *cUnit, writers map[*cVar][]string, fn *cFunc, seen map[*cFunc]bool) string {
	if fn == nil || seen[fn] {
		return ""
	}
	seen[fn] = true
	for _, v := range fn.statics {
		if !v.array {
			return "keeps the static local variable " + v.name + " from one call to the next"
		}
	}
	for _, use := range fn.uses {
		if use.v.array || !use.v.shared {
			continue
		}
		switch use.kind {
		case useWrite, useAddr:
			return "writes the " + varKind(use.v) + " " + use.v.name + ", which the next call sees"
		case useRead:
			for _, w := range writers[use.v] {
				if w != fn.name {
					return fmt.Sprintf("reads the %s %s, which %s writes", varKind(use.v), use.v.name, w)
				}
			}
		}
	}
	for _, call := range fn.calls {
		if why := keptBy(u, writers, u.funcs[call.name], seen); why != "" {
			return "calls " + call.name + ", which " + why
		}
	}
	return ""
}
