package cgocall

import (
	"slices"
	"strings"
)

// This file reads C code, a cgo preamble or a .c file of the package, far
// enough to say which of its functions keep state between calls: it finds
// the function definitions, the variables declared at file scope and as
// static locals, and, in each body, which of those variables are written
// or read and which functions are called. It is a scanner, not a parser:
//
// TODO(procmigrate): macros are not expanded, so a write hidden in a macro
// (#define BUMP() (counter++)) is not seen, and both branches of #if are
// read as if both were compiled.
//
// TODO(procmigrate): a local variable that shadows a file-scope one hides it
// in the whole function, not only in its block; a function-pointer return
// type (int (*f(void))(int) { ... }) and K&R definitions are not
// recognized; a write through a pointer copied from a static variable
// (int *p = &counter; *p = 1) counts only as taking its address.

// cUnit is one piece of C code compiled on its own: a preamble or a .c
// file. Static variables and functions are private to it.
type cUnit struct {
	name       string // "the preamble of worker.go" or "counter.c", for messages
	preamble   bool
	funcs      map[string]*cFunc
	order      []string         // function names in order of definition
	vars       map[string]*cVar // file-scope variables
	typedefs   map[string]bool
	directives []string // preprocessor lines, for #cgo and #include
}

// cVar is a variable at file scope or a static local.
type cVar struct {
	name   string
	static bool // has internal linkage, or is a static local
	shared bool // one instance for all threads, and not atomic: neither const, _Thread_local nor _Atomic
	array  bool
}

// cFunc is a function defined in a unit.
type cFunc struct {
	name    string
	static  bool
	statics []*cVar // static locals that keep state
	uses    []cUse  // uses of the unit's file-scope variables, in order
	calls   []cCall // calls, in order
	locks   bool    // takes a lock: its accesses are taken to be serialized
}

// cUse is one use of a file-scope variable in a function body.
type cUse struct {
	v      *cVar
	kind   useKind
	callee string // the function the variable is passed to, for usePassed
}

// useKind is how a body uses a variable.
type useKind int

const (
	useRead   useKind = iota
	useWrite          // assigned, incremented or decremented
	useAddr           // its address is taken, so it may be written through it
	usePassed         // an array passed to a function, which may write it
	useReturn         // an array returned, so callers share its storage
)

// cCall is a call in a function body.
type cCall struct {
	name string
	args []string // each argument's tokens, joined by spaces
}

// cKeywords are the C words that never name a variable or a function.
var cKeywords = setOf(`auto break case char const continue default do double
	else enum extern float for goto if inline int long register restrict
	return short signed sizeof static struct switch typedef union unsigned
	void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
	_Imaginary _Noreturn _Static_assert _Thread_local alignas alignof bool
	thread_local typeof __thread __inline __inline__ __restrict __restrict__
	__volatile__ __const __extension__ __attribute__ __attribute __declspec
	__asm__ __asm asm __typeof__ __typeof __alignof__ __builtin_va_list`)

// cTypeWords start a declaration in a function body.
var cTypeWords = setOf(`auto char const double enum extern float int long
	register short signed static struct union unsigned void volatile _Atomic
	_Bool _Complex _Thread_local bool thread_local __thread __extension__
	typeof __typeof__ __attribute__`)

// cStdTypedefs are the typedef names of the standard headers that start
// declarations in bodies; the preamble's own typedefs are added per unit.
var cStdTypedefs = setOf(`size_t ssize_t ptrdiff_t intptr_t uintptr_t
	int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t
	intmax_t uintmax_t off_t pid_t uid_t gid_t mode_t time_t clock_t
	suseconds_t socklen_t wchar_t wint_t FILE DIR va_list pthread_t
	pthread_mutex_t pthread_once_t sig_atomic_t mbstate_t locale_t`)

// cLockFuncs serialize what follows them. A function that calls one is
// taken to guard its state with it.
//
// TODO(procmigrate): that the lock covers the accesses is not checked.
var cLockFuncs = setOf(`pthread_mutex_lock pthread_mutex_trylock
	pthread_rwlock_wrlock pthread_rwlock_rdlock pthread_spin_lock
	pthread_once call_once mtx_lock mtx_trylock flockfile`)

// cAttrWords are followed by a parenthesized group that is not a
// parameter list.
var cAttrWords = setOf(`__attribute__ __attribute __declspec __asm__ __asm
	asm _Alignas alignas __typeof__ __typeof typeof _Static_assert`)

func setOf(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// scanC reads the C text src of the unit named name.
func scanC(name, src string, preamble bool) (*cUnit, error) {
	toks, dirs, err := lexC(src)
	if err != nil {
		return nil, err
	}
	u := &cUnit{
		name:       name,
		preamble:   preamble,
		funcs:      make(map[string]*cFunc),
		vars:       make(map[string]*cVar),
		typedefs:   make(map[string]bool),
		directives: dirs,
	}

	// Declare the file-scope names first, then read the bodies, so that
	// every body sees every variable whatever the order of definition.
	type pending struct {
		fn     *cFunc
		params []string
		body   []ctok
	}
	var bodies []pending
	for i := 0; i < len(toks); {
		end, lbrace := declEnd(toks, i)
		head := toks[i:end]
		if lbrace >= 0 {
			if fn, params := funcHeader(toks[i:lbrace]); fn != nil {
				u.funcs[fn.name] = fn
				u.order = append(u.order, fn.name)
				bodies = append(bodies, pending{fn, params, toks[lbrace+1 : end-1]})
				i = end
				continue
			}
		}
		u.declare(head)
		i = end
	}
	for _, b := range bodies {
		u.scanBody(b.fn, b.params, b.body)
	}
	return u, nil
}

// declEnd returns the end of the file-scope declaration starting at
// toks[i]: after its semicolon, or after the closing brace of a function
// body, whose opening brace is then at lbrace (else lbrace is -1).
func declEnd(toks []ctok, i int) (end, lbrace int) {
	depth := 0 // parentheses and brackets
	for j := i; j < len(toks); j++ {
		switch toks[j].text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		case ";":
			if depth == 0 {
				return j + 1, -1
			}
		case "{":
			close := matching(toks, j)
			if depth == 0 && j > i && toks[j-1].text == ")" && !slices.ContainsFunc(toks[i:j], isText("=")) {
				return close + 1, j // a function body
			}
			j = close // an aggregate body or an initializer
		}
	}
	return len(toks), -1
}

// matching returns the index of the bracket closing toks[open], or the
// last index if it is not closed.
func matching(toks []ctok, open int) int {
	depth := 0
	for j := open; j < len(toks); j++ {
		switch toks[j].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

func isText(s string) func(ctok) bool { return func(t ctok) bool { return t.text == s } }

// funcHeader reads the header of a function definition, the tokens before
// its body, and returns the function with its parameter names, or nil if
// the header declares no function.
func funcHeader(head []ctok) (*cFunc, []string) {
	for j := 0; j+1 < len(head); j++ {
		t := head[j]
		if t.kind != cIdent || head[j+1].text != "(" {
			continue
		}
		if cAttrWords[t.text] {
			j = matching(head, j+1)
			continue
		}
		if cKeywords[t.text] {
			return nil, nil
		}
		close := matching(head, j+1)
		var params []string
		for _, p := range splitTop(head[j+2:close], ",") {
			if name := declName(p); name != "" {
				params = append(params, name)
			}
		}
		static := slices.ContainsFunc(head[:j], isText("static"))
		return &cFunc{name: t.text, static: static}, params
	}
	return nil, nil
}

// declare records the names a file-scope declaration declares: typedef
// names, and variables that are not function prototypes.
func (u *cUnit) declare(decl []ctok) {
	decl = slices.DeleteFunc(slices.Clone(decl), isText(";"))
	if len(decl) == 0 {
		return
	}
	parts := splitTop(decl, ",")
	spec := specifiers(parts[0])
	for _, p := range parts {
		name := declName(p)
		if name == "" {
			continue
		}
		if spec.typedef {
			u.typedefs[name] = true
			continue
		}
		u.vars[name] = &cVar{
			name:   name,
			static: spec.static,
			shared: !spec.threadLocal && !spec.atomic && !isConstObject(p, spec),
			array:  isArray(p, name),
		}
	}
}

// spec is what a declaration's specifiers say about all its declarators.
type spec struct {
	typedef, static, constant, threadLocal, atomic bool
}

// specifiers reads the specifiers in the first declarator of a
// declaration, the words before its name.
func specifiers(first []ctok) spec {
	var s spec
	for _, t := range first {
		switch t.text {
		case "typedef":
			s.typedef = true
		case "static":
			s.static = true
		case "const", "__const":
			s.constant = true
		case "_Thread_local", "thread_local", "__thread":
			s.threadLocal = true
		case "_Atomic":
			s.atomic = true
		case "*", "=":
			return s // the rest belongs to the declarator
		}
	}
	return s
}

// isConstObject reports whether the declarator p declares an object that
// cannot change: const in the specifiers of a non-pointer, or const after
// the last star of a pointer (char *const p).
func isConstObject(p []ctok, s spec) bool {
	if i := slices.IndexFunc(p, isText("=")); i >= 0 {
		p = p[:i]
	}
	star := -1
	for j, t := range p {
		if t.text == "*" {
			star = j
		}
	}
	if star < 0 {
		return s.constant
	}
	return slices.ContainsFunc(p[star+1:], isText("const"))
}

// isArray reports whether the declarator p declares name as an array.
func isArray(p []ctok, name string) bool {
	for j, t := range p {
		if t.text == name && j+1 < len(p) && p[j+1].text == "[" {
			return true
		}
	}
	return false
}

// declName returns the name a declarator declares as a variable or a
// parameter, or "" for a function prototype, a tag declaration (struct s;)
// or an unnamed parameter. Attribute groups, array bounds and initializers
// are skipped; a function pointer (int (*cb)(int)) declares the name inside
// its first parentheses.
func declName(p []ctok) string {
	if i := slices.IndexFunc(p, isText("=")); i >= 0 {
		p = p[:i]
	}
	name := ""
	for j := 0; j < len(p); j++ {
		t := p[j]
		switch {
		case t.text == "(" || t.text == "[" || t.text == "{":
			close := matching(p, j)
			if t.text == "(" && j+1 < len(p) && p[j+1].text == "*" {
				if inner := declName(p[j+1 : close]); inner != "" {
					return inner // (*name)(...)
				}
			}
			j = close
		case cAttrWords[t.text]:
			if j+1 < len(p) && p[j+1].text == "(" {
				j = matching(p, j+1)
			}
		case t.kind == cIdent && !cKeywords[t.text]:
			if j > 0 && (p[j-1].text == "struct" || p[j-1].text == "union" || p[j-1].text == "enum") {
				continue // a tag, not a declarator
			}
			if j+1 < len(p) && p[j+1].text == "(" {
				return "" // a function prototype
			}
			name = t.text
		}
	}
	return name
}

// splitTop splits toks at each sep outside brackets.
func splitTop(toks []ctok, sep string) [][]ctok {
	var (
		parts [][]ctok
		depth int
		start int
	)
	for j, t := range toks {
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case sep:
			if depth == 0 {
				parts = append(parts, toks[start:j])
				start = j + 1
			}
		}
	}
	return append(parts, toks[start:])
}
