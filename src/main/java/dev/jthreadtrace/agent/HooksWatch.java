package dev.jthreadtrace.agent;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;

/**
 * Watches {@code java.lang.Thread} lose the hooks, when it happens: another agent (a program's
 * Launcher-Agent-Class, an APM agent, a JVMTI agent) redefining Thread with a class file of its own,
 * or retransforming it when the agent put the hooks in by a retransformation (which then starts from
 * the JVM's own class file). The JVM hands every registered transformer the class file it is about to
 * install; one that does not name {@link ThreadHook} has none of the hooks, and the agent says so at
 * once ({@link ThreadHook#hooksGone}), in a record the tool reads while the JVM runs on and that a
 * JVM killed afterwards keeps (found only at the exit before, which a killed JVM never reaches).
 * Registered once the hooks are in, retransformation-capable (called for retransformations too),
 * removed before a detach gives Thread back. Every class load calls it too (the JVM's
 * ClassFileLoadHook): it returns at once (javac compiling a class took the same CPU time with and
 * without a transformer that returns at once: 1.45-1.58 s, measured).
 */
final class HooksWatch implements ClassFileTransformer {
    static final HooksWatch INSTANCE = new HooksWatch();
    /** The hooks' class as a rewritten Thread's constant pool names it. */
    private static final byte[] HOOK_CLASS = ThreadHook.class.getName().replace('.', '/').getBytes(StandardCharsets.US_ASCII);

    private HooksWatch() {}

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        if (redefined != Thread.class) return null;
        try {
            if (!names(bytes, HOOK_CLASS)) ThreadHook.hooksGone();
        } catch (Throwable t) {
            // never the redefining program's failure
        }
        return null;
    }

    /** Whether {@code bytes} hold {@code name} (a class file's constant pool keeps it as modified UTF-8, ASCII here). */
    static boolean names(byte[] bytes, byte[] name) {
        outer:
        for (int at = 0; at <= bytes.length - name.length; at++) {
            for (int i = 0; i < name.length; i++) {
                if (bytes[at + i] != name[i]) continue outer;
            }
            return true;
        }
        return false;
    }
}
