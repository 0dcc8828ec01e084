package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where {@link LiveJavaNames} gets the agents' records from: the files they grow while a trace
 * runs ({@link AgentDirectoryFeed}), or a saved trace's records as a replay reaches their time.
 */
interface JavaRecordFeed {
    /**
     * Hands on the records that are new by the event at {@code eventNs} (the tracer's clock);
     * {@code now}: the caller needs them at once (a clone whose start() record must be read).
     */
    void read(long eventNs, boolean now, Consumer<JavaRecord> into);

    void close();

    /** A saved trace's records, given as the replayed events pass their time. */
    final class Saved implements JavaRecordFeed {
        private final List<JavaRecord> records;
        private int next;

        Saved(List<JavaRecord> records) {
            this.records = records.stream().sorted(Comparator.comparingLong(JavaRecord::ns)).toList();
        }

        @Override
        public void read(long eventNs, boolean now, Consumer<JavaRecord> into) {
            while (next < records.size() && records.get(next).ns() <= eventNs) into.accept(records.get(next++));
        }

        @Override
        public void close() {
            // nothing open
        }
    }
}
