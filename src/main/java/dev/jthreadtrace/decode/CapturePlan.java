package dev.jthreadtrace.decode;

import java.util.List;

/**
 * What memory a syscall's decoder needs copied at the stop, as a function of the raw arguments
 * (which pointer, how long, at entry or at exit). Consulted by the tracer at every recorded
 * syscall entry; pure, so it is tested without a tracee.
 */
@FunctionalInterface
public interface CapturePlan {
    /** Nothing beyond the registers. */
    CapturePlan NONE = args -> List.of();

    List<Capture> captures(long[] args);
}
