//go:build !unix

package pipeline

import "os/exec"

// ownGroup leaves the command as it is: process groups are a Unix idea.
func ownGroup(*exec.Cmd) {}

// killGroup does nothing where there are no process groups.
func killGroup(*exec.Cmd) {}
