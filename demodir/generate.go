package demodir

//go:generate go run ./internal/gen -out ../assets/demo
