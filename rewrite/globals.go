package rewrite

import (
	"go/ast"
	"go/types"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// processWideUse is one use of process-wide state in worker code. The
// table of what is process-wide is shared with the analyzers
// (workers.ProcessGlobal), so that what check reports and what rewrite
// refuses agree.
//
// The serving branch itself may use os.Args, the standard streams and
// os.Exit: the rewriter replaces those. Anywhere else in worker code they
// are refused as well.
type processWideUse struct {
	id  *ast.Ident
	obj types.Object
	why string
}

// findProcessWide returns the uses of process-wide state under n, skipping
// the identifiers in allowed.
func findProcessWide(n ast.Node, info *types.Info, allowed map[*ast.Ident]bool) []processWideUse {
	var uses []processWideUse
	for _, u := range workers.GlobalUses(n, info, allowed) {
		if isObj(u.Object, "runtime", "LockOSThread") {
			continue // pins only the goroutine; the namespace calls that make it matter are refused themselves
		}
		uses = append(uses, processWideUse{u.Ident, u.Object, u.Why})
	}
	return uses
}

// isObj reports whether obj is the package-level object path.name.
func isObj(obj types.Object, path, name string) bool {
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name
}
