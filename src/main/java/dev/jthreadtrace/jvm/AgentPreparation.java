package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The tool's work for the JVM layer that depends on nothing of the traced command: reading the
 * agent's files ({@link AgentFiles}) and transforming the JDK classes it rewrites
 * ({@link PreparedJdkClasses}). Done at the first JVM's exec, the reading held that JVM stopped and
 * the transformation took a core from its start; {@link #startEarly} does both on a thread of
 * their own while the tool itself starts. Either is otherwise done by the first caller that needs
 * it, and by nobody twice: a caller that comes while the early thread is at it waits for it.
 */
final class AgentPreparation {
    private final FutureTask<AgentFiles> files;
    private final FutureTask<PreparedJdkClasses> classes = new FutureTask<>(PreparedJdkClasses::make);
    private final AtomicBoolean started = new AtomicBoolean();

    AgentPreparation(Path agentJar) {
        files = new FutureTask<>(() -> AgentFiles.read(agentJar));
    }

    /** Starts both now, files first (the first exec needs them first), on a daemon thread; once. */
    void startEarly() {
        if (!started.compareAndSet(false, true)) return;
        Thread.ofPlatform().daemon().name("jthreadtrace-jvm-prepare").start(() -> {
            files.run();
            classes.run();
        });
    }

    /** The agent's files: read now unless already read (or being read: then waited for). */
    AgentFiles files() throws IOException {
        files.run();
        try {
            return files.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the agent jar", e);
        }
    }

    /** The prepared classes if they are made already, else null (nothing is waited for). */
    PreparedJdkClasses classesIfReady() {
        return classes.isDone() ? classes() : null;
    }

    /** The prepared classes, made now unless already made (or being made: then waited for); null when they cannot be. */
    PreparedJdkClasses classes() {
        classes.run();
        try {
            return classes.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
