// go_exec PROGRAM ARGS...: runs PROGRAM through Go's os/exec, which starts the child with
// clone(CLONE_VM|CLONE_VFORK) on the calling goroutine's stack in the Go runtime's memory, and
// prints the child's exit status. The Go runtime must survive whatever happens around the exec.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go_exec PROGRAM ARGS...")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Printf("child exit %d\n", code)
}
