package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import java.util.List;
import java.util.Map;

/**
 * About how many bytes of the tool's heap one agent record takes once parsed: what the reader of
 * the agents' files counts against {@link AgentRecords#MAX_KEPT_BYTES}. The bytes of a record file
 * are no measure of it: a 40-byte line {@code C ... fake-1 false} became about 230 bytes of objects
 * (the record, its strings, an empty map), and a line of short thread-locals {@code a=b} costs a map
 * entry and two strings per 4 bytes, so 64 MiB of such lines took a gigabyte. An upper estimate of a
 * 64-bit JVM's layout with compressed pointers: a string is its object and array headers and
 * two bytes a character (a Latin-1 string takes half).
 */
final class RecordFootprint {
    /** A record's own object and fields, and its slots in the lists that hold it (read, sorted, joined). */
    static final int RECORD = 96;
    static final int STRING = 48;
    static final int MAP = 64, MAP_ENTRY = 48;
    static final int FRAME = 40;

    private RecordFootprint() {}

    static long of(JavaRecord record) {
        return RECORD + switch (record) {
            case JavaRecord.Constructed c -> text(c.creatorName()) + text(c.name()) + map(c.inherited()) + frames(c.stack())
                    + map(c.attributes());
            case JavaRecord.Started s -> text(s.starterName()) + text(s.name()) + map(s.inherited()) + frames(s.stack())
                    + map(s.attributes());
            case JavaRecord.Renamed n -> text(n.name());
            case JavaRecord.Present p -> text(p.name()) + map(p.attributes());
            case JavaRecord.Dumped d -> text(d.name()) + map(d.attributes());
            case JavaRecord.ScopedValues v -> map(v.bindings());
            case JavaRecord.VirtualStarted v -> map(v.attributes());
            case JavaRecord.Uncaught u -> text(u.exception());
            case JavaRecord.Locks l -> l.threads().stream().mapToLong(RecordFootprint::lockedThread).sum();
            case JavaRecord.ShutdownBegan x -> 0;
            case JavaRecord.Mounts m -> 0;
        };
    }

    private static long lockedThread(JavaRecord.LockedThread t) {
        long bytes = RECORD + text(t.name()) + text(t.state()) + frames(t.frames());
        if (t.waiting() != null) bytes += RECORD + text(t.waiting().lock().id()) + text(t.waiting().lock().className());
        for (JavaRecord.Lock lock : t.held()) bytes += RECORD + text(lock.id()) + text(lock.className());
        return bytes;
    }

    private static long text(String s) {
        return s == null ? 0 : STRING + 2L * s.length();
    }

    private static long map(Map<String, String> map) {
        if (map == null || map.isEmpty()) return 0;
        long bytes = MAP;
        for (var e : map.entrySet()) bytes += MAP_ENTRY + text(e.getKey()) + text(e.getValue());
        return bytes;
    }

    private static long frames(List<JavaRecord.Frame> frames) {
        long bytes = 0;
        for (JavaRecord.Frame f : frames) bytes += FRAME + text(f.className()) + text(f.method()) + text(f.file());
        return bytes;
    }
}
