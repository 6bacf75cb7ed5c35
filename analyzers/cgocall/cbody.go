package cgocall

import (
	"slices"
	"strings"
)

// assignOps are the C operators that store into their left operand.
var assignOps = setOf(`= += -= *= /= %= &= ^= |= <<= >>=`)

// cControl are the keywords followed by a parenthesized expression that is
// not an argument list.
var cControl = setOf(`if while for switch return sizeof _Alignof alignof
	__alignof__ _Generic typeof __typeof__ defined`)

// scanBody reads the body of fn: its local declarations, its static locals,
// its uses of the unit's file-scope variables and its calls.
func (u *cUnit) scanBody(fn *cFunc, params []string, body []ctok) {
	locals := make(map[string]bool)
	for _, p := range params {
		locals[p] = true
	}
	statics := make(map[string]*cVar)

	// Find the local declarations first: a local that shadows a variable
	// of the unit hides it in the whole function.
	for j := 0; j < len(body); j++ {
		if !statementStart(body, j) || !u.declStart(body, j) {
			continue
		}
		end := j
		for end < len(body) && body[end].text != ";" && body[end].text != "{" {
			end++
		}
		u.localDecl(fn, body[j:end], locals, statics)
		j = end
	}

	// Then classify every use and call.
	var calls []int // indexes of the open parentheses of calls, innermost last
	var parens []int
	for j, t := range body {
		switch t.text {
		case "(":
			parens = append(parens, j)
			if isCallParen(body, j) {
				calls = append(calls, j)
			}
			continue
		case ")":
			if n := len(parens); n > 0 {
				if c := len(calls); c > 0 && calls[c-1] == parens[n-1] {
					calls = calls[:c-1]
				}
				parens = parens[:n-1]
			}
			continue
		}
		if t.kind != cIdent || cKeywords[t.text] || isMember(body, j) {
			continue
		}
		if j+1 < len(body) && body[j+1].text == "(" {
			fn.calls = append(fn.calls, cCall{name: t.text, args: callArgs(body, j+1)})
			if cLockFuncs[t.text] {
				fn.locks = true
			}
			if !locals[t.text] && u.vars[t.text] == nil {
				continue // a function, not a function-pointer variable
			}
		}
		v := statics[t.text]
		if v == nil && !locals[t.text] {
			v = u.vars[t.text]
		}
		if v == nil || !v.shared {
			continue
		}
		var callee string
		if n := len(calls); n > 0 {
			callee = body[calls[n-1]-1].text
		}
		if kind, ok := useOf(body, j, v, callee); ok {
			fn.uses = append(fn.uses, cUse{v: v, kind: kind, callee: callee})
		}
	}
}

// statementStart reports whether body[j] can start a statement or a
// declaration: it follows a brace, a semicolon, or the parenthesis of a
// for clause.
func statementStart(body []ctok, j int) bool {
	if j == 0 {
		return true
	}
	switch body[j-1].text {
	case "{", "}", ";":
		return true
	case "(":
		return j >= 2 && body[j-2].text == "for"
	}
	return false
}

// declStart reports whether the statement starting at body[j] is a
// declaration: it starts with a type keyword, or with a typedef name
// followed by a name or a star.
func (u *cUnit) declStart(body []ctok, j int) bool {
	t := body[j]
	if cTypeWords[t.text] {
		return true
	}
	if !u.typedefs[t.text] && !cStdTypedefs[t.text] {
		return false
	}
	return j+1 < len(body) && (body[j+1].kind == cIdent || body[j+1].text == "*")
}

// localDecl records the names a declaration in a body declares, and its
// static locals when they keep state.
func (u *cUnit) localDecl(fn *cFunc, decl []ctok, locals map[string]bool, statics map[string]*cVar) {
	parts := splitTop(decl, ",")
	s := specifiers(parts[0])
	for _, p := range parts {
		name := declName(p)
		if name == "" || s.typedef {
			continue
		}
		if !s.static {
			locals[name] = true
			continue
		}
		v := &cVar{
			name:   name,
			static: true,
			shared: !s.threadLocal && !s.atomic && !isConstObject(p, s),
			array:  isArray(p, name),
		}
		statics[name] = v
		if v.shared {
			fn.statics = append(fn.statics, v)
		}
	}
}

// isCallParen reports whether the parenthesis body[j] opens an argument
// list: it follows a name that is not a keyword, or a closing bracket.
func isCallParen(body []ctok, j int) bool {
	if j == 0 {
		return false
	}
	prev := body[j-1]
	if prev.kind == cIdent {
		return !cKeywords[prev.text] && !cControl[prev.text]
	}
	return prev.text == ")" || prev.text == "]"
}

// isMember reports whether body[j] names a struct member: it follows . or ->.
func isMember(body []ctok, j int) bool {
	return j > 0 && (body[j-1].text == "." || body[j-1].text == "->")
}

// callArgs returns the arguments of the call whose parenthesis is at
// body[open], each as its tokens joined by spaces.
func callArgs(body []ctok, open int) []string {
	close := matching(body, open)
	if close <= open+1 {
		return nil
	}
	var args []string
	for _, a := range splitTop(body[open+1:close], ",") {
		words := make([]string, len(a))
		for i, t := range a {
			words[i] = t.text
		}
		args = append(args, strings.Join(words, " "))
	}
	return args
}

// useOf classifies the use of v at body[j], inside a call of callee if
// callee is not "". Uses through atomic builtins are not reported.
func useOf(body []ctok, j int, v *cVar, callee string) (useKind, bool) {
	var prev string
	if j > 0 {
		prev = body[j-1].text
	}
	// next follows the variable's postfix chain (counter[i].n = ...);
	// after is the token right after its name, which tells an array used
	// whole (return line;) from one of its elements (return line[0];).
	next, after := "", ""
	if k := skipPostfix(body, j+1); k < len(body) {
		next = body[k].text
	}
	if j+1 < len(body) {
		after = body[j+1].text
	}
	atomic := strings.HasPrefix(callee, "__atomic_") || strings.HasPrefix(callee, "__sync_") || strings.HasPrefix(callee, "atomic_")
	switch {
	case prev == "++" || prev == "--" || assignOps[next] || next == "++" || next == "--":
		return useWrite, true
	case prev == "&" && !operandEnd(body, j-2):
		if atomic {
			return 0, false
		}
		return useAddr, true
	case v.array && callee != "" && (prev == "(" || prev == ",") && (after == "," || after == ")"):
		if atomic {
			return 0, false
		}
		return usePassed, true
	case v.array && prev == "return" && after == ";":
		return useReturn, true
	}
	return useRead, true
}

// operandEnd reports whether body[j] ends an operand, so that a following
// & or * is binary.
func operandEnd(body []ctok, j int) bool {
	if j < 0 {
		return false
	}
	t := body[j]
	switch t.kind {
	case cNumber, cString:
		return true
	case cIdent:
		return !cKeywords[t.text] && t.text != "return"
	}
	return t.text == ")" || t.text == "]"
}

// skipPostfix returns the index after the postfix chain that starts at
// body[k]: index groups and member selections.
func skipPostfix(body []ctok, k int) int {
	for k < len(body) {
		switch body[k].text {
		case "[":
			k = matching(body, k) + 1
		case ".", "->":
			k += 2
		default:
			return k
		}
	}
	return k
}

// writers returns, for each shared file-scope variable of u, the functions
// of u that write it, in order of definition.
func (u *cUnit) writers() map[*cVar][]string {
	w := make(map[*cVar][]string)
	for _, name := range u.order {
		fn := u.funcs[name]
		for _, use := range fn.uses {
			if use.kind != useRead && !slices.Contains(w[use.v], name) {
				w[use.v] = append(w[use.v], name)
			}
		}
	}
	return w
}
