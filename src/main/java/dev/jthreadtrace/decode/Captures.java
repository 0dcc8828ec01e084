package dev.jthreadtrace.decode;

import java.util.List;

/**
 * What the tracer copied for one syscall, keyed by slot: the argument index (0-5), {@link #RETURNED}
 * for the path of a returned descriptor, {@link #EXTRA} for a second capture of an argument. A
 * value is a {@code byte[]} (buffers, strings without their NUL, read as text by {@link KernelBytes},
 * every byte kept; {@link Chunks}), a {@code List<String>} (argv), a {@code String} (an fd's path) or
 * a {@link FileId} (the file an fd opens).
 * Null where nothing was captured or the read failed.
 */
public final class Captures {
    public static final Captures NONE = new Captures();
    /** The slot of the path of the descriptor the call returned ({@code -y}). */
    public static final int RETURNED = 6;
    /** A slot for a capture whose argument's own slot is taken (an argument read at entry and at exit). */
    public static final int EXTRA = 7;
    /** How many slots there are. */
    public static final int SLOTS = 8;
    private final Object[] bySlot = new Object[SLOTS];
    /** Set on the copy {@link #withoutFdPaths()} makes: paths inside gathered chunks are not shown either. */
    private boolean pathsHidden;

    public void put(int slot, Object value) {
        bySlot[slot] = value;
    }

    public byte[] bytes(int slot) {
        return bySlot[slot] instanceof byte[] b ? b : null;
    }

    public String string(int slot) {
        return switch (bySlot[slot]) {
            case byte[] b -> KernelBytes.decode(b);
            case String s -> s;
            case null, default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(int slot) {
        return bySlot[slot] instanceof List<?> l ? (List<String>) l : null;
    }

    /** The file a descriptor argument opens ({@link Capture.FdFile}), or null. */
    public FileId fileId(int slot) {
        return bySlot[slot] instanceof FileId f ? f : null;
    }

    /** The path of a descriptor argument (captured for -y), or null. */
    public String fdPath(int slot) {
        return bySlot[slot] instanceof String s ? s : null;
    }

    /** A path read from gathered chunks, or null when the lines do not show paths. */
    public String shownPath(String path) {
        return pathsHidden ? null : path;
    }

    /** Whether paths read from gathered chunks are shown (not a copy made by {@link #withoutFdPaths()}). */
    public boolean showsPaths() {
        return !pathsHidden;
    }

    /** The same captures without fd paths (what {@code -y} adds to an fd argument); this one when it has none. */
    public Captures withoutFdPaths() {
        if (this == NONE) return this;
        Captures out = new Captures();
        for (int i = 0; i < bySlot.length; i++) if (!(bySlot[i] instanceof String)) out.bySlot[i] = bySlot[i];
        out.pathsHidden = true;
        return out;
    }

    /** A copy: what was captured so far, unaffected by later captures into this one. */
    public Captures copy() {
        if (this == NONE) return NONE;
        Captures out = new Captures();
        System.arraycopy(bySlot, 0, out.bySlot, 0, bySlot.length);
        out.pathsHidden = pathsHidden;
        return out;
    }

    public boolean has(int slot) {
        return bySlot[slot] != null;
    }

    public boolean isEmpty() {
        for (Object o : bySlot) if (o != null) return false;
        return true;
    }
}
