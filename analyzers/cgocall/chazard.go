package cgocall

import (
	"fmt"
	"strings"
)

// cCode is the C code of one package: the preamble of each cgo file and
// the package's .c files. Its memo of hazards lives as long as one pass.
type cCode struct {
	units   []*cUnit
	writers map[*cUnit]map[*cVar][]string
	memo    map[*cFunc]*cHazard
	busy    map[*cFunc]bool
}

// cHazard says why a C function is unsafe to run on several threads at
// once.
type cHazard struct {
	reason string // completes "whose preamble definition ...": "writes the static variable counter"
	libc   bool   // the state is libc's, reached through a call of a libc function
}

func newCCode(units []*cUnit) *cCode {
	c := &cCode{
		units:   units,
		writers: make(map[*cUnit]map[*cVar][]string),
		memo:    make(map[*cFunc]*cHazard),
		busy:    make(map[*cFunc]bool),
	}
	for _, u := range units {
		c.writers[u] = u.writers()
	}
	return c
}

// lookup returns the definition of the C function name as code in unit
// from sees it: its own definition, or a non-static one of another unit.
// With no unit, a static definition of any unit will also do.
func (c *cCode) lookup(from *cUnit, name string) (*cUnit, *cFunc) {
	if from != nil {
		if fn := from.funcs[name]; fn != nil {
			return from, fn
		}
	}
	for _, u := range c.units {
		if fn := u.funcs[name]; fn != nil && !fn.static {
			return u, fn
		}
	}
	if from == nil {
		for _, u := range c.units {
			if fn := u.funcs[name]; fn != nil {
				return u, fn
			}
		}
	}
	return nil, nil
}

// reaches reports whether the C function name of the package's code calls
// target, directly or through other functions of the package's C code.
func (c *cCode) reaches(name, target string) bool {
	seen := make(map[*cFunc]bool)
	var visit func(u *cUnit, name string) bool
	visit = func(u *cUnit, name string) bool {
		cu, fn := c.lookup(u, name)
		if fn == nil || seen[fn] {
			return false
		}
		seen[fn] = true
		for _, call := range fn.calls {
			if call.name == target || visit(cu, call.name) {
				return true
			}
		}
		return false
	}
	return visit(nil, name)
}

// hazard returns why fn of unit u is not thread-safe, or nil if the
// scanner sees no reason: the first of a static local that keeps state, a
// write to a shared variable, a read of one that another function writes,
// and a call of an unsafe libc function or of an unsafe function of the
// package's C code.
func (c *cCode) hazard(u *cUnit, fn *cFunc) *cHazard {
	if h, ok := c.memo[fn]; ok {
		return h
	}
	if c.busy[fn] {
		return nil // recursion: the first visit decides
	}
	c.busy[fn] = true
	h := c.ownHazard(u, fn)
	if h == nil {
		h = c.callHazard(u, fn)
	}
	delete(c.busy, fn)
	c.memo[fn] = h
	return h
}

// ownHazard is the hazard of the state fn itself touches.
func (c *cCode) ownHazard(u *cUnit, fn *cFunc) *cHazard {
	if fn.locks {
		return nil // its state is taken to be guarded
	}
	if len(fn.statics) > 0 {
		return &cHazard{reason: "keeps state in the static local variable " + fn.statics[0].name}
	}
	for _, use := range fn.uses {
		if use.v.static && fn.isStaticLocal(use.v) {
			continue // reported above when it keeps state
		}
		what := varKind(use.v) + " " + use.v.name
		switch use.kind {
		case useWrite:
			return &cHazard{reason: "writes the " + what}
		case useAddr:
			return &cHazard{reason: "takes the address of the " + what}
		case usePassed:
			return &cHazard{reason: fmt.Sprintf("passes the %s to %s", what, use.callee)}
		case useReturn:
			return &cHazard{reason: "returns the " + what + ", which every caller shares"}
		}
	}
	for _, use := range fn.uses {
		if use.kind != useRead {
			continue
		}
		for _, w := range c.writers[u][use.v] {
			if w != fn.name {
				return &cHazard{reason: fmt.Sprintf("reads the %s %s, which %s writes", varKind(use.v), use.v.name, w)}
			}
		}
	}
	return nil
}

// callHazard is the hazard of the first unsafe function fn calls.
func (c *cCode) callHazard(u *cUnit, fn *cFunc) *cHazard {
	for _, call := range fn.calls {
		if call.name == fn.name {
			continue
		}
		if cu, callee := c.lookup(u, call.name); callee != nil {
			if h := c.hazard(cu, callee); h != nil {
				return &cHazard{reason: fmt.Sprintf("calls %s, which %s", call.name, h.reason), libc: h.libc}
			}
			continue
		}
		f, ok := libc[call.name]
		if !ok || f.nullArg >= 0 && !(f.nullArg < len(call.args) && isCNull(call.args[f.nullArg])) {
			continue
		}
		reason := fmt.Sprintf("calls %s, which %s", call.name, posixPhrase(f))
		if f.nullArg >= 0 {
			reason = fmt.Sprintf("calls %s with a NULL argument, which %s", call.name, posixPhrase(f))
		}
		return &cHazard{reason: reason, libc: true}
	}
	return nil
}

// isStaticLocal reports whether v is one of fn's static locals.
func (fn *cFunc) isStaticLocal(v *cVar) bool {
	for _, s := range fn.statics {
		if s == v {
			return true
		}
	}
	return false
}

// varKind names the kind of a shared variable for messages.
func varKind(v *cVar) string {
	if v.static {
		return "static variable"
	}
	return "global variable"
}

// isCNull reports whether the C argument text, tokens joined by spaces,
// is a null pointer constant, possibly cast: NULL, 0, (char *) NULL.
func isCNull(arg string) bool {
	for strings.HasPrefix(arg, "(") {
		i := strings.Index(arg, ")")
		if i < 0 {
			return false
		}
		arg = strings.TrimSpace(arg[i+1:])
	}
	switch arg {
	case "NULL", "0", "nullptr":
		return true
	}
	return false
}

// posixPhrase says that POSIX does not require f to be thread-safe.
func posixPhrase(f libcFunc) string {
	if f.removed {
		return "POSIX.1-2001 did not require to be thread-safe"
	}
	return "POSIX does not require to be thread-safe"
}
