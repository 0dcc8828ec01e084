package dev.jthreadtrace.decode;

/** Renders a syscall's arguments strace-style from its registers and the memory captured at the stop. */
@FunctionalInterface
public interface ArgsRenderer {
    String render(long[] args, Captures captures, int stringMax);
}
