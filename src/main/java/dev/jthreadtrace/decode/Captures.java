package dev.jthreadtrace.decode;

import java.util.List;

/**
 * What the tracer copied for one syscall, keyed by argument index. A value is a {@code byte[]}
 * (buffers and strings, strings without their NUL; read as text by {@link KernelBytes}, every byte kept), a {@code List<String>} (argv) or a
 * {@code String} (an fd's path). Null where nothing was captured or the read failed.
 */
public final class Captures {
    public static final Captures NONE = new Captures();
    private final Object[] byArg = new Object[6];

    public void put(int arg, Object value) {
        byArg[arg] = value;
    }

    public byte[] bytes(int arg) {
        return byArg[arg] instanceof byte[] b ? b : null;
    }

    public String string(int arg) {
        return switch (byArg[arg]) {
            case byte[] b -> KernelBytes.decode(b);
            case String s -> s;
            case null, default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(int arg) {
        return byArg[arg] instanceof List<?> l ? (List<String>) l : null;
    }

    /** The same captures without fd paths (what {@code -y} adds to an fd argument); this one when it has none. */
    public Captures withoutFdPaths() {
        boolean any = false;
        for (Object o : byArg) any |= o instanceof String;
        if (!any) return this;
        Captures out = new Captures();
        for (int i = 0; i < byArg.length; i++) if (!(byArg[i] instanceof String)) out.byArg[i] = byArg[i];
        return out;
    }

    /** A copy: what was captured so far, unaffected by later captures into this one. */
    public Captures copy() {
        if (this == NONE) return NONE;
        Captures out = new Captures();
        System.arraycopy(byArg, 0, out.byArg, 0, byArg.length);
        return out;
    }

    public boolean has(int arg) {
        return byArg[arg] != null;
    }

    public boolean isEmpty() {
        for (Object o : byArg) if (o != null) return false;
        return true;
    }
}
