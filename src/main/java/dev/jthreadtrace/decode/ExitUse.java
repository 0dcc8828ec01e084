package dev.jthreadtrace.decode;

/**
 * What a consumer of the trace may take from a syscall's exit beyond what its row always needs
 * ({@link ExitNeed}): asked for by the report sections and pages that read it, so a trace that
 * shows none of them does not stop a tracee at exits for it.
 */
public enum ExitUse {
    /**
     * How many waiters a futex wake released (its return value): the who-woke-whom matching
     * ({@code model.FutexLog}) passes over a wake that released nobody after another wake
     * began in the same wait. Read by the report's FUTEX section and the HTML page's wake arrows.
     */
    FUTEX_WOKEN
}
