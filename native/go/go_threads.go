// go_threads [LOCKED [NAMED]]: a Go program whose runtime starts as many OS threads as its scheduler
// needs. LOCKED goroutines (default 4) lock their OS thread and end while locked, which makes the
// runtime end that thread and start others: the runtime's thread count follows LOCKED. NAMED
// goroutines (default 1) lock a thread and name it "go-named" (prctl PR_SET_NAME): threads of the
// program's own, which diff compares. Built with the Go toolchain (no cgo, no libc).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// The main goroutine keeps the main thread: no other goroutine (a named one) runs on it.
func init() {
	runtime.LockOSThread()
}

func arg(i, def int) int {
	if len(os.Args) > i {
		if n, err := strconv.Atoi(os.Args[i]); err == nil {
			return n
		}
	}
	return def
}

func main() {
	var wg sync.WaitGroup
	for i := 0; i < arg(1, 4); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread()
			time.Sleep(time.Duration(10+5*(i%4)) * time.Millisecond)
		}(i)
	}
	var named sync.WaitGroup
	for i := 0; i < arg(2, 1); i++ {
		named.Add(1)
		go func() {
			runtime.LockOSThread()
			name := []byte("go-named\x00")
			syscall.RawSyscall6(syscall.SYS_PRCTL, syscall.PR_SET_NAME, uintptr(unsafe.Pointer(&name[0])), 0, 0, 0, 0)
			named.Done()
			select {} // stays locked: the named thread lives until the program exits
		}()
	}
	wg.Wait()
	named.Wait()
	ents, _ := os.ReadDir("/proc/self/task")
	fmt.Println("threads alive at end:", len(ents))
}
