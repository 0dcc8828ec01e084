package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The run's {@link AgentDirectory}, made the first time a JVM needs it: at the exec of the first
 * JDK launcher that can take the agent (on the ptrace thread, at the exec stop, so before that JVM
 * runs a single instruction), at the first {@code attach} to a running JVM, or before the launch
 * with {@code --jvm env} (the environment names it). A run that starts no JVM makes none: making it
 * (a directory, a copy of the agent jar, its classes unpacked) was most of what {@code --jvm on}
 * cost a program that is no JVM. Once closed it is never made: nothing is written into a run's
 * temporary directory after the run's end began.
 */
final class AgentDirectoryOnDemand implements AutoCloseable {
    /** The agent's files, read early or now ({@link AgentPreparation}). */
    private final AgentPreparation preparation;
    private final AgentOptions options;
    /** Written under the lock, read without it by the consumer thread (live names). */
    private volatile AgentDirectory made;
    private boolean closed;
    /** Why it could not be made, once: it is not tried again at every exec. */
    private IOException failed;

    AgentDirectoryOnDemand(AgentPreparation preparation, AgentOptions options) {
        this.preparation = preparation;
        this.options = options;
    }

    /** The directory, made now if it was not; an exception when it cannot be (or the run is ending). */
    synchronized AgentDirectory get() throws IOException {
        if (made != null) return made;
        if (closed) throw new IOException("the run is ending");
        if (failed != null) throw failed;
        try {
            made = AgentDirectory.create(preparation.files(), options);
        } catch (IOException e) {
            failed = e;
            throw e;
        }
        return made;
    }

    /** The directory if it was made (and not yet removed), else null: nothing is made here. */
    AgentDirectory ifMade() {
        return made;
    }

    /** Where the agents' records are, or null while there is no directory. */
    Path pathIfMade() {
        AgentDirectory directory = made;
        return directory == null ? null : directory.path();
    }

    /** From now on nothing is written into the directory (made or not), and none is made. */
    void stopWriting() {
        AgentDirectory directory;
        synchronized (this) {
            closed = true;
            directory = made;
        }
        if (directory != null) directory.stopWriting();
    }

    /** Removes the directory if it was made; none is made afterwards. */
    @Override
    public void close() {
        stopWriting();
        AgentDirectory directory = made;
        if (directory != null) directory.close();
    }
}
