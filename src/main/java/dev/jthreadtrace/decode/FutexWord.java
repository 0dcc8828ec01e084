package dev.jthreadtrace.decode;

/**
 * A futex word of a process: the key under which the tracer's exit choice (ptrace.ExitChoice) and
 * the model's futex log (model.FutexLog) count the waits and wakes on it. equals and hashCode are
 * written out: a record's own are bootstrapped (ObjectMethods: method handles spun at run time,
 * kept by no AOT cache) at the first futex of every trace, ~7% of the tool's main thread at start.
 */
public record FutexWord(int tgid, long uaddr) {
    @Override
    public boolean equals(Object other) {
        return other instanceof FutexWord w && w.tgid == tgid && w.uaddr == uaddr;
    }

    @Override
    public int hashCode() {
        return 31 * tgid + Long.hashCode(uaddr);
    }
}
