package dev.jthreadtrace.agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a new thread inherited, as record fields: the entries of its inherited thread-local map
 * (read through java.lang's private fields with the Lookup the hook was handed), each thread-local named once
 * per instance, and values rendered without calling user code (strings, boxed numbers, booleans,
 * characters and enums; anything else by its class name). Also a class loader, by its class and
 * name or identity hash.
 */
final class InheritedValues {
    /**
     * The name given to each thread-local (or scoped value) instance seen, by identity: a subclass's
     * own hashCode() or equals() must not run inside a Thread constructor.
     */
    private static final WeakIdentityMap<String> LOCAL_NAMES = new WeakIdentityMap<>();
    /** How many instances of each class have a name: the second instance of a class is {@code Name#2}. */
    private static final Map<String, Integer> LOCALS_PER_CLASS = new HashMap<>();

    private InheritedValues() {}

    /**
     * {@code \tname=value} for each entry of an inherited map, read through {@code javaBase} (what
     * Thread handed the hook); past the line's budget, {@code (cut)=N more}. The VarHandles of
     * ThreadLocalMap's table and an entry's value are made here at each call and kept nowhere: in a
     * field of the agent's they would be a program's, to read and write any map's entries it gets
     * hold of (one it sets in that field instead of ours is handed every inherited map).
     */
    static void append(StringBuilder line, Object map, MethodHandles.Lookup javaBase) throws ReflectiveOperationException {
        VarHandle value = JdkFields.of(javaBase, JdkFields.Classes.MAP_ENTRY, "value", Object.class);
        VarHandle table = JdkFields.of(javaBase, JdkFields.Classes.MAP, "table", JdkFields.Classes.MAP_TABLE);
        Object[] entries = (Object[]) table.get(map);
        if (entries == null) return;
        int left = 0;
        for (Object e : entries) {
            if (e == null) continue;
            Object key = ((Reference<?>) e).get();
            if (key == null) continue;
            if (ThreadHook.full(line)) {
                left++;
                continue;
            }
            Object v = value.get(e);
            RecordFormat.pair(line, localName(key), render(v));
        }
        if (left > 0) line.append(RecordFormat.FIELD).append(RecordFormat.CUT).append('=').append(left).append(" more");
    }

    /**
     * One key per thread-local instance, stable within the run: {@code RequestContext} for the first
     * instance of a subclass ({@code RequestContext#2} for a second one); a plain
     * {@code InheritableThreadLocal}, whose declaring place is unknown, is {@code InheritableThreadLocal#1},
     * {@code #2}, ... in the order first seen. (Plain ones all read {@code InheritableThreadLocal}
     * before, so a thread with two of them showed one value.)
     */
    static String localName(Object threadLocal) {
        synchronized (LOCAL_NAMES) {
            String known = LOCAL_NAMES.get(threadLocal);
            if (known != null) return known;
            String className = threadLocal.getClass().getName();
            String base = className.substring(className.lastIndexOf('.') + 1);
            Integer seen = LOCALS_PER_CLASS.get(base);
            int n = seen == null ? 1 : seen + 1;
            LOCALS_PER_CLASS.put(base, n);
            boolean plain = threadLocal.getClass() == InheritableThreadLocal.class || threadLocal.getClass() == ScopedValue.class;
            String name = plain || n > 1 ? base + "#" + n : base;
            LOCAL_NAMES.put(threadLocal, name);
            return name;
        }
    }

    /**
     * A class loader as {@code jdk.internal.loader.ClassLoaders$AppClassLoader@app}: its class and,
     * for a loader class of the JDK's own (loaded by the boot loader), its name; for any other its
     * identity hash, since its getName() may be the user's code and must not run inside start().
     */
    static String loader(ClassLoader l) {
        if (l == null) return "null";
        Class<?> c = l.getClass();
        String name = c.getClassLoader() == null ? l.getName() : null;
        return c.getName() + "@" + (name != null ? name : Integer.toHexString(System.identityHashCode(l)));
    }

    /**
     * A value as text, at a cost bounded whatever the value: a String as it is (only its first
     * {@link RecordField#MAX_CHARS} chars are ever copied, {@link RecordField#escape}); a
     * {@code BigInteger} or {@code BigDecimal} by its digits only up to {@link #MAX_NUMBER_BITS}
     * bits (decimal conversion grows faster than the number: a 4-million-bit one took 9 s at each
     * new Thread), else by its size, {@code <java.math.BigInteger: N bits>}.
     */
    static String render(Object v) {
        if (v == null) return "null";
        if (PlainValues.SET.contains(v.getClass())) return String.valueOf(v);
        if (v.getClass() == BigInteger.class) {
            int bits = ((BigInteger) v).bitLength();
            return bits <= MAX_NUMBER_BITS ? v.toString() : sized(v, bits, "");
        }
        if (v.getClass() == BigDecimal.class) {
            // Its text is the unscaled digits and at most 6 zeros (else an exponent): bounded by the unscaled value.
            BigDecimal d = (BigDecimal) v;
            int bits = d.unscaledValue().bitLength();
            return bits <= MAX_NUMBER_BITS ? d.toString() : sized(v, bits, ", scale " + d.scale());
        }
        if (v instanceof Enum<?> e) return e.getDeclaringClass().getSimpleName() + "." + e.name();
        return "<" + v.getClass().getName() + ">";
    }

    /** Bits of a number rendered by its digits (~310 of them): beyond, its size alone. */
    static final int MAX_NUMBER_BITS = 1024;

    /** {@code <java.math.BigInteger: N bits>}: a number too big to convert to digits inside a Thread constructor. */
    private static String sized(Object n, int bits, String more) {
        return "<" + n.getClass().getName() + ": " + bits + " bits" + more + ">";
    }

    /** Loaded at the first value rendered, not at the agent's start (BigDecimal is not in the JDK's class archive). */
    private static final class PlainValues {
        static final Set<Class<?>> SET = Set.of(String.class, Integer.class, Long.class, Short.class, Byte.class, Double.class, Float.class,
                Boolean.class, Character.class);
    }
}
