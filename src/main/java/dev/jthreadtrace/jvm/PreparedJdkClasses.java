package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.Installer;
import dev.jthreadtrace.agent.PreparedClasses;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDK classes the agent rewrites ({@link Installer#REWRITTEN}), transformed in the tool from its
 * own runtime's class files, for JVMs of the same build to take ready-made ({@link PreparedClasses}).
 * Made in memory, from nothing a traced program wrote, and stored into a run's directory only.
 *
 * @param classes what was transformed
 * @param image   the runtime image they came from ({@link PreparedClasses#imageIdentity}), or null
 */
record PreparedJdkClasses(List<Prepared> classes, String image) {
    /** One class: its bytes as this runtime holds them, and the agent's rewrite of them. */
    record Prepared(String internalName, byte[] original, byte[] transformed) {}

    /**
     * Transforms the classes (the ClassFile API in the tool's JVM: 40-70 ms of CPU at its start);
     * null when one cannot be (then each JVM's agent transforms its own).
     */
    static PreparedJdkClasses make() {
        List<Prepared> made = new ArrayList<>();
        for (String name : Installer.REWRITTEN) {
            try (InputStream in = Object.class.getModule().getResourceAsStream(name + ".class")) {
                if (in == null) continue;
                byte[] original = in.readAllBytes();
                made.add(new Prepared(name, original, Installer.transform(name, original)));
            } catch (IOException | RuntimeException | LinkageError e) {
                return null;
            }
        }
        return new PreparedJdkClasses(List.copyOf(made), PreparedClasses.imageIdentity());
    }

    /** Writes them into {@code directory}, the image last (the agent reads it as "all there"); stops when it is closed. */
    void storeIn(AgentDirectory directory) {
        for (Prepared p : classes) {
            if (!directory.storePrepared(p.internalName(), p.original(), p.transformed())) return;
        }
        if (image != null) directory.storePreparedImage(image);
    }
}
