package main

import "testing"

func TestIsVetInvocation(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"-V=full"}, true},
		{[]string{"-flags"}, true},
		{[]string{"/tmp/go-build/vet.cfg"}, true},
		{[]string{"-execworker", "-pipeipc=false", "/tmp/go-build/vet.cfg"}, true},
		{[]string{"check", "./weird.cfg"}, false},
		{[]string{"rewrite", "-C", "dir", "x.cfg"}, false},
		{[]string{"check"}, false},
		{nil, false},
	} {
		if got := isVetInvocation(tc.args); got != tc.want {
			t.Errorf("isVetInvocation(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
