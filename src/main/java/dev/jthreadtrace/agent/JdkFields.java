package dev.jthreadtrace.agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Private fields of the JDK's classes the agent reads (their packages opened to it by the
 * {@link Installer}), as VarHandles rather than reflection: the first {@code Field.get} spins
 * method-handle classes for its accessor (milliseconds of every traced JVM's start), while a
 * VarHandle on a reference field, called with Object types, runs code the JDK ships pre-generated.
 */
final class JdkFields {
    private JdkFields() {}

    static VarHandle of(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
    }

    static VarHandle ofStatic(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findStaticVarHandle(owner, name, type);
    }

    /** A JDK class by name, loaded by the boot loader and not initialised. */
    static Class<?> named(String name) throws ClassNotFoundException {
        return Class.forName(name, false, null);
    }
}
