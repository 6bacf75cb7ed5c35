package main

import analyzersuite "github.com/procmigrate/procmigrate/analyzers/suite"

// suite is every analyzer "migrate check" runs. The one list lives in
// analyzers/suite, which the golangci-lint plugin shares; add an analyzer
// there and it is checked, documented in help and tested.
var suite = analyzersuite.All()
