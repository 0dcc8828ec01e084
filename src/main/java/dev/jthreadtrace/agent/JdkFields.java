package dev.jthreadtrace.agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;

/**
 * Private fields of the JDK's classes the agent reads, as VarHandles rather than reflection (the
 * first {@code Field.get} spins method-handle classes for its accessor, milliseconds of every
 * traced JVM's start, while a VarHandle on a reference field, called with Object types, runs code
 * the JDK ships pre-generated), found through a {@code Lookup} that the rewritten java.base code
 * hands over with each call that needs one ({@code MethodHandles.lookup()} inside
 * {@code java.lang.Thread} or {@code java.lang.Shutdown}): no package of java.base is opened to
 * the agent (no {@code Instrumentation.redefineModule}, whose first call spins the JDK's own
 * lambdas), and no such Lookup is ever kept. The agent's classes live in the boot loader's unnamed
 * module, open to any program's reflection: a Lookup kept in a field of theirs would be the
 * program's too, with java.base's internals behind it. Every method here takes the Lookup it uses
 * as an argument, so a program that calls one by reflection gets what its own Lookup gives, no more.
 */
final class JdkFields {
    private JdkFields() {}

    /**
     * Whether {@code lookup} is what the rewritten code of {@code from} (a java.base class) handed
     * over: {@code MethodHandles.lookup()} there, with full privilege. No program can make one
     * (a {@code privateLookupIn} from another module has no module access), so a hook that a
     * program calls with a Lookup of its own reads nothing through it.
     */
    static boolean handedOverBy(MethodHandles.Lookup lookup, Class<?> from) {
        return lookup != null && lookup.lookupClass() == from && lookup.hasFullPrivilegeAccess()
                && from.getClassLoader() == null && from.getModule() == Object.class.getModule();
    }

    static VarHandle of(MethodHandles.Lookup javaBase, Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, javaBase).findVarHandle(owner, name, type);
    }

    static VarHandle ofStatic(MethodHandles.Lookup javaBase, Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, javaBase).findStaticVarHandle(owner, name, type);
    }

    /**
     * A full-privilege Lookup in {@code target}, a class of any module, without opening its package
     * to the agent ({@code Module.implAddOpens} spins the JDK's lambdas: ~30 ms at the exit of a
     * JVM on a loaded machine): the JDK's own trusted Lookup, read once through its {@code Field}
     * made accessible by java.base's Lookup, never kept; the caller keeps the result in a local.
     */
    static MethodHandles.Lookup privateLookupIn(MethodHandles.Lookup javaBase, Class<?> target) throws Throwable {
        Field trusted = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
        VarHandle override = of(javaBase, AccessibleObject.class, "override", boolean.class);
        override.set((AccessibleObject) trusted, true);
        try {
            return MethodHandles.privateLookupIn(target, (MethodHandles.Lookup) MethodHandles.lookup().unreflectGetter(trusted).invokeExact());
        } finally {
            // The Field is a fresh copy, but a copy made accessible must not outlive its use either.
            override.set((AccessibleObject) trusted, false);
        }
    }

    /** A JDK class by name, loaded by the boot loader and not initialised. */
    static Class<?> named(String name) throws ClassNotFoundException {
        return Class.forName(name, false, null);
    }

    /**
     * java.lang's classes whose fields the hooks read at each call (a {@code Class.forName} costs
     * ~3 us, more than the VarHandles made from it): kept, as they give no power (any program may
     * name them), in final fields (no program sets others in their place). Loaded at the first use.
     */
    static final class Classes {
        static final Class<?> MAP_ENTRY = boot("java.lang.ThreadLocal$ThreadLocalMap$Entry");
        static final Class<?> MAP_TABLE = MAP_ENTRY.arrayType();
        static final Class<?> MAP = boot("java.lang.ThreadLocal$ThreadLocalMap");
        static final Class<?> SCOPED_CARRIER = boot("java.lang.ScopedValue$Carrier");

        private Classes() {}

        private static Class<?> boot(String name) {
            try {
                return named(name);
            } catch (ClassNotFoundException e) {
                throw new NoClassDefFoundError(name);
            }
        }
    }
}
