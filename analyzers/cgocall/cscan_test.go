package cgocall

import (
	"strings"
	"testing"
)

func TestLexC(t *testing.T) {
	src := `#include <stdio.h>
#cgo LDFLAGS: -lfoo \
	-lbar
// int hidden = 1;
/* static int also_hidden; */
static const char *s = "a \"quoted\" /* not a comment */ string";
char c = '\'';
int x = a->b++ + .5e-3;
`
	toks, dirs, err := lexC(src)
	if err != nil {
		t.Fatal(err)
	}
	wantDirs := []string{"#include <stdio.h>", "#cgo LDFLAGS: -lfoo -lbar"}
	if strings.Join(dirs, "|") != strings.Join(wantDirs, "|") {
		t.Errorf("directives = %q, want %q", dirs, wantDirs)
	}
	var words []string
	for _, tok := range toks {
		words = append(words, tok.text)
	}
	got := strings.Join(words, " ")
	want := `static const char * s = "a \"quoted\" /* not a comment */ string" ; char c = '\'' ; int x = a -> b ++ + .5e-3 ;`
	if got != want {
		t.Errorf("tokens:\n got %s\nwant %s", got, want)
	}
	if toks[0].line != 6 {
		t.Errorf("first token on line %d, want 6", toks[0].line)
	}

	for _, bad := range []string{"/* open", `char *s = "open`, "char c = 'x"} {
		if _, _, err := lexC(bad); err == nil {
			t.Errorf("lexC(%q) succeeded, want an error", bad)
		}
	}
}

func TestScanHazards(t *testing.T) {
	src := `
#include <string.h>
#include <time.h>

typedef struct { int n; } counter_t;

static int counter;
static const int limit = 10;
static const char *const names[] = {"a", "b"};
static char line[64];
int total;
static _Thread_local int per_thread;
static _Atomic long hits;
static int table[4] = {1, 2, 3, 4};

/* next_id writes counter. */
static int next_id(void) { return ++counter; }

static int get_limit(void) { return limit + (int)strlen(names[1]); }

static const char *render(int n) {
	snprintf(line, sizeof line, "%d", n);
	return line;
}

static void add(int n) { total += n; }
static int sum(void) { return total; }

static int calls(void) {
	static int n;
	return n++;
}

static int tl(void) { return per_thread++; }
static long hit(void) { return __atomic_add_fetch(&hits, 1, __ATOMIC_SEQ_CST); }
static int lookup(int i) { return table[i & 3]; }
static void set(int i, int v) { table[i] = v; }

static int shadow(int counter) { counter++; return counter; }
static int local_shadow(void) { int total = 0; total++; return total; }

static int year(time_t t) { struct tm *tm = localtime(&t); return tm->tm_year; }
static int indirect(void) { return next_id() + 1; }

static int guarded(void) {
	pthread_mutex_lock(&mu);
	counter++;
	pthread_mutex_unlock(&mu);
	return counter;
}

static char *tmp(void) { return tmpnam(NULL); }
static char *tmp_buf(char *buf) { return tmpnam(buf); }

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static __attribute__((unused)) int attr(void) { return counter; }
static counter_t make(void) { counter_t c = {0}; c.n++; return c; }
`
	u, err := scanC("the preamble of x.go", src, true)
	if err != nil {
		t.Fatal(err)
	}
	code := newCCode([]*cUnit{u})
	tests := []struct {
		fn   string
		want string // "" for no hazard
		libc bool
	}{
		{"next_id", "writes the static variable counter", false},
		{"get_limit", "", false},
		{"render", "passes the static variable line to snprintf", false},
		{"add", "writes the global variable total", false},
		{"sum", "reads the global variable total, which add writes", false},
		{"calls", "keeps state in the static local variable n", false},
		{"tl", "", false},
		{"hit", "", false},
		{"lookup", "reads the static variable table, which set writes", false},
		{"set", "writes the static variable table", false},
		{"shadow", "", false},
		{"local_shadow", "", false},
		{"year", "calls localtime, which POSIX does not require to be thread-safe", true},
		{"indirect", "calls next_id, which writes the static variable counter", false},
		{"guarded", "", false},
		{"tmp", "calls tmpnam with a NULL argument, which POSIX does not require to be thread-safe", true},
		{"tmp_buf", "", false},
		{"cmp", "", false},
		{"attr", "reads the static variable counter, which next_id writes", false},
		{"make", "", false},
	}
	for _, tt := range tests {
		fn := u.funcs[tt.fn]
		if fn == nil {
			t.Errorf("function %s not found; have %v", tt.fn, u.order)
			continue
		}
		h := code.hazard(u, fn)
		got, libc := "", false
		if h != nil {
			got, libc = h.reason, h.libc
		}
		if got != tt.want || libc != tt.libc {
			t.Errorf("hazard(%s) = %q (libc %v), want %q (libc %v)", tt.fn, got, libc, tt.want, tt.libc)
		}
	}
	if !u.typedefs["counter_t"] {
		t.Errorf("typedef counter_t not recorded")
	}
	for _, name := range []string{"counter_t", "next_id", "n"} {
		if u.vars[name] != nil {
			t.Errorf("%s recorded as a file-scope variable", name)
		}
	}
}

func TestLibraries(t *testing.T) {
	tests := []struct {
		preamble string
		want     string // orList of libraries
		mutex    string // mutexBase of the first
	}{
		{"#include <stdio.h>\n#include <sys/types.h>\n#cgo LDFLAGS: -lm -lpthread", "", ""},
		{"#cgo LDFLAGS: -lsqlite3 -L/opt/lib\n#include <sqlite3.h>", "libsqlite3", "libsqlite3"},
		{"#cgo linux LDFLAGS: -l foo ${SRCDIR}/lib/libbar.a\n", "libfoo or libbar", "libfoo"},
		{"#cgo pkg-config: --static libpng zlib", "libpng or zlib", "libpng"},
		{`#include "vendor/fast-json.h"` + "\n#include <string.h>", "vendor/fast-json.h", "vendorfastjson"},
		{"#cgo CFLAGS: -I/opt/include -lnotaflag", "", ""},
		{"// #include <hidden.h>\n#define X 1", "", ""},
	}
	for _, tt := range tests {
		u, err := scanC("x", tt.preamble, true)
		if err != nil {
			t.Fatal(err)
		}
		libs := libraries([]*cUnit{u})
		if got := orList(libs); got != tt.want {
			t.Errorf("libraries(%q) = %q, want %q", tt.preamble, got, tt.want)
		}
		if len(libs) > 0 && mutexBase(libs[0]) != tt.mutex {
			t.Errorf("mutexBase(%q) = %q, want %q", libs[0], mutexBase(libs[0]), tt.mutex)
		}
	}
}
