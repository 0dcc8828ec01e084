package dev.jthreadtrace.decode;

import java.util.Objects;
import java.util.Set;

/**
 * Everything the tool knows about one syscall, in one row (strace's {@code syscallent.h} entry,
 * gVisor's {@code makeSyscallInfo}): its number and name, the tool's own {@code -e} classes it
 * belongs to (strace's classes come from {@link StraceClasses}), whether it is shown by default and
 * whether the thread model needs it recorded, the memory its decoder needs captured at the stop,
 * how its arguments and its return value are printed, and what it does to the model. A row
 * without a renderer is printed with raw arguments.
 *
 * @param shownByDefault in the {@code -e} set when the user gives none
 * @param modelNeeds     recorded whatever {@code -e} says: the trees and the inheritance timeline need it
 * @param renderer       null for a syscall the tool names but does not decode
 * @param result         null where the return value is printed by {@code returns} alone
 * @param exit           where the call is finished when nothing prints or counts calls ({@link ExitPolicy})
 */
public record SyscallSpec(String name, int nr, Set<SyscallClass> classes, boolean shownByDefault, boolean modelNeeds,
                          CapturePlan capture, ArgsRenderer renderer, ReturnStyle returns, ResultRenderer result,
                          ModelEffect effect, ExitNeed exit) {
    public SyscallSpec {
        Objects.requireNonNull(name);
        classes = Set.copyOf(classes);
        Objects.requireNonNull(capture);
        Objects.requireNonNull(returns);
        Objects.requireNonNull(effect);
        Objects.requireNonNull(exit);
    }

    /** Whether it has a decoder of its own. */
    public boolean decoded() {
        return renderer != null;
    }
}
