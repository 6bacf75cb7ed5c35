package main

import (
	"fmt"
	"sort"
	"strings"
)

// doc is one document to digest.
type doc struct {
	ID   int
	Kind string
	Body string
	Work int // hashing rounds
}

// docKinds are the kinds of document, assigned in turn.
var docKinds = [...]string{"memo", "report", "letter"}

// generate returns the documents of a run: a pure function of its
// arguments, which is what makes the summary reproducible.
func generate(n, work int) []doc {
	docs := make([]doc, n)
	for i := range docs {
		kind := docKinds[i%len(docKinds)]
		docs[i] = doc{ID: i, Kind: kind, Body: fmt.Sprintf("%s %04d %x", kind, i, i*i+3), Work: work}
	}
	return docs
}

// checksum is the work a worker does on a document: FNV-1a over the body,
// folded in again for each round with an xorshift step in between.
func checksum(body string, rounds int) uint64 {
	h := fnv(14695981039346656037, body)
	for r := 0; r < rounds; r++ {
		h = fnv(h, body)
		h ^= h << 13
		h ^= h >> 7
		h ^= h << 17
	}
	return h
}

func fnv(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// summary totals the digests by kind. The sum of digests does not depend
// on the order in which they arrive.
type summary map[string]struct {
	count int
	sum   uint64
}

func (s summary) add(kind string, digest uint64) {
	t := s[kind]
	t.count++
	t.sum += digest
	s[kind] = t
}

func (s summary) String() string {
	kinds := make([]string, 0, len(s))
	for k := range s {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&b, "%s: %d documents, digest sum %d\n", k, s[k].count, s[k].sum)
	}
	b.WriteString("ok\n")
	return b.String()
}
