// Package benchkit holds what docs/bench-kit.sh and docs/bench.sh need to
// measure procmigrate itself and the programs it migrates: a baseline
// analyzer that does nothing (noop, run by cmd/noopcheck), a generator of
// modules full of worker shapes (genmod, cmd/genmod), a profiling driver
// for migrate check and migrate rewrite (cmd/kitprof) and an SVG chart
// writer for the benchmark figures (svgchart, cmd/benchchart).
//
// Nothing here is part of the migrate command; CI builds and tests it so
// that the scripts keep working, but does not run the scripts.
package benchkit
