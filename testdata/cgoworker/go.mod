module example.com/cgoworker

go 1.22
