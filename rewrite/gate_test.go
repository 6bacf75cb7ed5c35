package rewrite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// TestTypeCheckGate checks the last line of defence: a plan whose edits do
// not type-check, a bug the planning did not catch, leaves its site
// unchanged with the type error as the reason, and the package's other
// site still converts. The bug is made by hand: the privatized counter of
// "upper" is not handed to the helper that uses it.
func TestTypeCheckGate(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/gate\n\ngo 1.22\n",
		"main.go": `package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

var hits int

func count() { hits++ }

func upperAll() {
	b, _ := io.ReadAll(os.Stdin)
	count()
	fmt.Print(strings.ToUpper(string(b)), hits)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "upper" {
		upperAll()
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "lower" {
		b, _ := io.ReadAll(os.Stdin)
		fmt.Print(strings.ToLower(string(b)))
		return
	}
	fmt.Println(upper("hi"), lower("HO"))
}

func upper(s string) string {
	cmd := exec.Command(os.Args[0], "upper")
	cmd.Stdin = strings.NewReader(s)
	out, _ := cmd.Output()
	return string(out)
}

func lower(s string) string {
	cmd := exec.Command(os.Args[0], "lower")
	cmd.Stdin = strings.NewReader(s)
	out, _ := cmd.Output()
	return string(out)
}
`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs, err := load(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatal(err)
	}
	ix := newExportIndex(pkgs[0].Dir, pkgs)
	mod := newModuleIndex(pkgs)
	x := newPkgIndex(pkgs[0])
	var plans []*sitePlan
	for _, s := range workers.Find(x.files, x.info, x.pkg.Types).Spawns {
		plans = append(plans, planSite(mod, x, s))
	}
	if len(plans) != 2 || plans[0].level == Unchanged || plans[1].level == Unchanged || len(plans[0].private) != 1 {
		for _, p := range plans {
			t.Logf("%s: %v %s", siteRole(p), p.level, p.reason)
		}
		t.Fatalf("want two converting sites, the first privatizing hits")
	}

	plans[0].private[0].path = nil // count keeps naming the moved hits
	out, err := applyChecked(ix, x, plans)
	if err != nil {
		t.Fatal(err)
	}
	if plans[0].level != Unchanged || !strings.Contains(plans[0].reason, "does not type-check") || !strings.Contains(plans[0].reason, "hits") {
		t.Errorf("broken site: level %v, reason %q; want it unchanged by the type error", plans[0].level, plans[0].reason)
	}
	t.Logf("broken site: %s", plans[0].reason)
	if plans[1].level == Unchanged {
		t.Errorf("the other site is left unchanged: %s", plans[1].reason)
	}
	if len(out) == 0 {
		t.Errorf("nothing is written for the site that checks")
	}
}
