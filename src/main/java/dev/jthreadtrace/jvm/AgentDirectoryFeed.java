package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agents' record files in the tool's private directory, read as they grow while the trace
 * runs (on the consumer thread, never the ptrace thread): every {@link #REFRESH_NS} at most, and
 * at once when asked. The traced program can write the directory: files are opened as
 * {@link AgentFile} does (regular files only, no links), and a directory filled with more than
 * {@link #MAX_ENTRIES} entries is not listed again.
 */
final class AgentDirectoryFeed implements JavaRecordFeed {
    static final long REFRESH_NS = 20_000_000L;
    private static final int MAX_ENTRIES = 4096;
    /** Record files followed at once (a JVM each; more only in the report), each holding at most a line being written. */
    private static final int MAX_FILES = 256;

    /** The run's directory, or null while none was made (no JVM yet: nothing to list). */
    private final Supplier<Path> directory;
    private final Map<Path, AgentFile> files = new HashMap<>();
    private final Set<Path> notRecordFiles = new HashSet<>();
    private long lastRefresh;
    private boolean givenUp;

    AgentDirectoryFeed(Supplier<Path> directory) {
        this.directory = directory;
    }

    @Override
    public void read(long eventNs, boolean now, Consumer<JavaRecord> into) {
        long clock = System.nanoTime();
        if (!now && clock - lastRefresh <= REFRESH_NS) return;
        lastRefresh = clock;
        Path made = directory.get();
        if (givenUp || made == null) return;
        int listed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(made)) {
            for (Path file : entries) {
                if (++listed > MAX_ENTRIES) {
                    givenUp = true;
                    return;
                }
                if (notRecordFiles.contains(file)) continue;
                AgentFile agentFile = files.get(file);
                if (agentFile == null) {
                    agentFile = files.size() < MAX_FILES ? AgentFile.openLive(file) : null;
                    if (agentFile == null) {
                        notRecordFiles.add(file);
                        continue;
                    }
                    files.put(file, agentFile);
                }
                agentFile.newRecords(into);
            }
        } catch (IOException | RuntimeException e) {
            // live names are a convenience: the report reads the files again at the end
        }
    }

    @Override
    public void close() {
        for (AgentFile f : files.values()) {
            try {
                f.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
        files.clear();
    }
}
