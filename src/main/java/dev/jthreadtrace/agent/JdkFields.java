package dev.jthreadtrace.agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;

/**
 * Private fields of the JDK's classes the agent reads, as VarHandles rather than reflection (the
 * first {@code Field.get} spins method-handle classes for its accessor, milliseconds of every
 * traced JVM's start, while a VarHandle on a reference field, called with Object types, runs code
 * the JDK ships pre-generated), found through a {@code Lookup} of {@code java.lang.Thread} that the
 * rewritten Thread hands over ({@link #takeJavaBase}). From inside {@code java.base} any of its
 * classes may be looked into: no package of it is opened to the agent, so no
 * {@code Instrumentation.redefineModule}, whose first call spins the JDK's own lambdas (10 ms and
 * more of every JVM's start).
 */
final class JdkFields {
    /** Full-privilege access in java.lang.Thread, once handed over; null before. */
    private static volatile MethodHandles.Lookup javaBase;
    /** The thread that asks for the Lookup now ({@link #takeJavaBase}): only it may hand one over. */
    private static volatile Thread asking;

    private JdkFields() {}

    /**
     * Takes a {@code Lookup} of {@code java.lang.Thread} from the rewritten Thread: its
     * {@code checkAccess()}, a no-op since JDK 24 that the JDK itself never calls, is rewritten to
     * call {@link ThreadHook#javaBase} with {@code MethodHandles.lookup()} first. Taken only from
     * the installing thread while it asks, so a program that calls {@code checkAccess()} hands the
     * agent nothing. True when it has one.
     */
    @SuppressWarnings("removal")
    static boolean takeJavaBase() {
        if (javaBase != null) return true;
        asking = Thread.currentThread();
        try {
            Thread.currentThread().checkAccess();
        } finally {
            asking = null;
        }
        return javaBase != null;
    }

    /** What {@link ThreadHook#javaBase} got: kept when asked for, on the asking thread, a full-privilege Lookup of Thread. */
    static void handedOver(MethodHandles.Lookup lookup) {
        if (asking == Thread.currentThread() && lookup != null && lookup.lookupClass() == Thread.class
                && lookup.hasFullPrivilegeAccess()) {
            javaBase = lookup;
        }
    }

    static VarHandle of(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, base()).findVarHandle(owner, name, type);
    }

    static VarHandle ofStatic(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, base()).findStaticVarHandle(owner, name, type);
    }

    /**
     * A full-privilege Lookup in {@code target}, a class of any module, without opening its package
     * to the agent ({@code Module.implAddOpens} spins the JDK's lambdas: ~30 ms at the exit of a
     * JVM on a loaded machine): the JDK's own trusted Lookup, read once through its {@code Field}
     * made accessible by java.base's Lookup, never kept.
     */
    static MethodHandles.Lookup privateLookupIn(Class<?> target) throws Throwable {
        Field trusted = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
        VarHandle override = of(AccessibleObject.class, "override", boolean.class);
        override.set((AccessibleObject) trusted, true);
        return MethodHandles.privateLookupIn(target, (MethodHandles.Lookup) MethodHandles.lookup().unreflectGetter(trusted).invokeExact());
    }

    private static MethodHandles.Lookup base() throws IllegalAccessException {
        MethodHandles.Lookup lookup = javaBase;
        if (lookup == null) throw new IllegalAccessException("no Lookup of java.base was handed over");
        return lookup;
    }

    /** A JDK class by name, loaded by the boot loader and not initialised. */
    static Class<?> named(String name) throws ClassNotFoundException {
        return Class.forName(name, false, null);
    }
}
