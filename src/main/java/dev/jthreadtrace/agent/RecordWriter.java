package dev.jthreadtrace.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The JVM's record file ({@link RecordFile}: past its first writes a shared mapping, where a write
 * is a copy, no system call) and what waits before it goes there. Every record is written at once (a JVM killed by SIGKILL or
 * ended by {@code Runtime.halt} loses none of them), but for two kinds that wait: a virtual
 * thread's construction record waits for its start() ({@link #hold}), and a carrier's count of
 * the virtual threads it mounted is kept in its own state (a program may mount millions). Both go
 * out with the next platform thread's start record or any record written {@code now}, at the next
 * record after 100 ms, and at JVM exit (the end of {@code Shutdown.runHooks()}, in the exiting
 * thread: no thread of ours); a JVM killed or halted loses those of its last 100 ms. Everything
 * here is guarded by the class lock.
 */
final class RecordWriter {
    private static final int BUFFER = 64 * 1024;
    private static final long FLUSH_AFTER_NS = 100_000_000L;
    private static RecordFile out;
    // Not buffered until the exit hook is in place.
    private static boolean buffered;
    private static final byte[] buffer = new byte[BUFFER];
    private static int used;
    /** When what waits last went out (held records, mount counts): it waits 100 ms at most, while records come. */
    private static long lastFlushNs;
    /** The states that hold a construction record. */
    private static final Set<HookState> HOLDING = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Every carrier that has mounted a virtual thread, for the flush to report their counts (not a concurrent queue: few carriers, under the class lock). */
    private static final List<HookState> CARRIERS = new ArrayList<>();

    private RecordWriter() {}

    /** Records go to {@code name} in {@code directory} (the run's, as the agent found it now). */
    static synchronized void open(Path directory, String name) throws IOException {
        out = new RecordFile(directory, name);
    }

    /** Whether records are written (not yet closed by a detach). */
    static synchronized boolean open() {
        return out != null;
    }

    /** The tool detached: what is buffered is written, and nothing more. */
    static synchronized void close() {
        try {
            writeBuffered();
        } catch (Throwable t) {
            // nothing more to do: the records are the tool's, not the application's
        }
        out = null;
        buffered = false;
    }

    /** From now on virtual threads' construction records may wait for their start: {@link #flush} runs at JVM exit. */
    static synchronized void bufferUntilExit() {
        buffered = true;
    }

    /** Writes what is buffered. */
    static synchronized void flush() throws IOException {
        writeBuffered();
    }

    /** A carrier that mounted its first virtual thread: its count goes out with each flush. */
    static synchronized void carrier(HookState state) {
        CARRIERS.add(state);
    }

    /**
     * Writes a line; {@code now}: what waits (held construction records, mount counts) goes out
     * before it.
     */
    static void write(StringBuilder line, boolean now) throws IOException {
        byte[] bytes = line.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        synchronized (RecordWriter.class) {
            if (out == null) return; // disabled while this hook ran
            if (!buffered) {
                writeBuffered();
                out.write(bytes, 0, bytes.length);
                return;
            }
            append(bytes);
            // Written now in any case (a copy into the mapping); {@code now} also releases what waits.
            if (now || System.nanoTime() - lastFlushNs > FLUSH_AFTER_NS) writeBuffered();
            else writeBuffer();
        }
    }

    /**
     * A virtual thread's construction record waits in its constructor's state for the thread's
     * start(), which adds the context class loader it runs with (settable in between): one record
     * per virtual thread, not two (a record at each start made the file a fifth larger). It
     * goes out as it is, and the start then writes an A record, when the buffer is written first
     * (a flush, a platform thread's record, 100 ms), this thread constructs another one, or another
     * thread starts it. Not buffering yet: written at once, no loader.
     */
    static void hold(HookState state, Thread created, StringBuilder line, String stack) throws IOException {
        synchronized (RecordWriter.class) {
            if (out == null) return;
            if (!buffered) {
                write(line.append(stack), false);
                return;
            }
            if (state.held != null) release(state, null);
            long nanos = System.nanoTime();
            state.heldThread = created;
            state.held = line;
            state.heldStack = stack;
            HOLDING.add(state);
            if (nanos - lastFlushNs > FLUSH_AFTER_NS) writeBuffered();
        }
    }

    /**
     * A virtual thread starts: the record {@code state} holds for it gets its loader; false when it
     * holds none for it (the record went out: the caller writes an A record instead).
     */
    static boolean started(HookState state, Thread started, String ccl) throws IOException {
        synchronized (RecordWriter.class) {
            if (out == null) return true;
            if (state.heldThread == started) {
                release(state, ccl);
                if (System.nanoTime() - lastFlushNs > FLUSH_AFTER_NS) writeBuffered();
                return true;
            }
            releaseHeld(); // its construction record, if another thread holds it, goes first
            return false;
        }
    }

    /** Holding the class lock: the record {@code state} holds into the buffer, with the loader when it is known ({@code ccl}). */
    private static void release(HookState state, String ccl) throws IOException {
        StringBuilder line = state.held;
        if (ccl != null) RecordFormat.marker(line, RecordFormat.ATTR).append(RecordFormat.FIELD).append("ccl=").append(ccl);
        line.append(state.heldStack).append('\n');
        state.heldThread = null;
        state.held = null;
        state.heldStack = null;
        HOLDING.remove(state);
        append(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Holding the class lock: every held record into the buffer. */
    private static void releaseHeld() throws IOException {
        if (HOLDING.isEmpty()) return;
        for (HookState state : HOLDING.toArray(new HookState[0])) release(state, null);
    }

    /** Holding the class lock: {@code bytes} into the buffer, which is written first when they do not fit. */
    private static void append(byte[] bytes) throws IOException {
        if (bytes.length > BUFFER - used) writeBuffer();
        if (bytes.length > BUFFER) {
            out.write(bytes, 0, bytes.length);
            return;
        }
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    /**
     * Holding the class lock: an M line for each carrier that mounted more since the last one. A
     * full buffer is written first, as for any record: the flush at the JVM's exit has no next
     * flush, and a count left out there stayed at an earlier one (881 mounts for 1000 virtual threads).
     */
    private static void appendMountCounts() throws IOException {
        for (HookState carrier : CARRIERS) {
            long mounts = carrier.mounts;
            if (mounts == carrier.mountsWritten || carrier.carrierTid == null) continue;
            carrier.mountsWritten = mounts;
            append(RecordFormat.record(RecordFormat.MOUNTS, System.nanoTime(), carrier.carrierTid).append(RecordFormat.FIELD)
                    .append(mounts).append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Holding the class lock: the held records, the mount counts, then the whole buffer to the file. */
    private static void writeBuffered() throws IOException {
        if (out == null) return;
        releaseHeld();
        appendMountCounts();
        writeBuffer();
        lastFlushNs = System.nanoTime();
    }

    private static void writeBuffer() throws IOException {
        if (used == 0) return;
        int n = used;
        used = 0;
        out.write(buffer, 0, n);
    }
}
