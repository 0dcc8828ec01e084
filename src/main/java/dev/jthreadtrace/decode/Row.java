package dev.jthreadtrace.decode;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Builds one registry row ({@link SyscallSpec}); every part not given has the neutral value (no
 * capture, decimal return, no model effect). The family row lists ({@code FileRows},
 * {@code NetworkRows}, ...) and {@link Syscalls} write their rows with it.
 */
final class Row {
    private final String name;
    private final Set<SyscallClass> classes;
    private boolean byDefault, needed;
    private CapturePlan capture = CapturePlan.NONE;
    private ReturnStyle returns = ReturnStyle.DECIMAL;
    private ResultRenderer result;
    private ModelEffect effect = ModelEffect.NONE;
    private ExitNeed exit = ExitNeed.ALWAYS;

    private Row(String name, Set<SyscallClass> classes) {
        this.name = name;
        this.classes = classes;
    }

    /** A row in the tool's own classes ({@code %thread}, {@code %futex}, {@code %hooks}); strace's come from its table. */
    static Row of(String name, SyscallClass... classes) {
        return new Row(name, classes.length == 0 ? EnumSet.noneOf(SyscallClass.class) : EnumSet.copyOf(Arrays.asList(classes)));
    }

    /** A syscall the tool names in a class but does not decode: raw arguments, no effect. */
    static SyscallSpec named(String name, SyscallClass... classes) {
        return of(name, classes).build(null);
    }

    Row byDefault() {
        byDefault = true;
        return this;
    }

    Row needed() {
        needed = true;
        return this;
    }

    Row capture(CapturePlan plan) {
        capture = plan;
        return this;
    }

    /** Captures that do not depend on the arguments. */
    Row capture(Capture... captures) {
        List<Capture> list = List.of(captures);
        capture = args -> list;
        return this;
    }

    Row returns(ReturnStyle style) {
        returns = style;
        return this;
    }

    /** A return value strace prints with more than the number (only when the call succeeded). */
    Row result(ResultRenderer r) {
        result = r;
        return this;
    }

    Row effect(ModelEffect e) {
        effect = e;
        return this;
    }

    /** Where the call may be taken as finished when nothing prints or counts calls (default: its exit). */
    Row exit(ExitNeed need) {
        exit = need;
        return this;
    }

    /** The renderer comes last: it turns the builder into the row. */
    SyscallSpec render(ArgsRenderer r) {
        return build(r);
    }

    private SyscallSpec build(ArgsRenderer renderer) {
        int nr = SyscallTable.number(name).orElseThrow(() -> new IllegalStateException("no syscall number for " + name));
        return new SyscallSpec(name, nr, classes, byDefault, needed, capture, renderer, returns, result, effect, exit);
    }
}
