package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.RecordField;
import dev.jthreadtrace.agent.RecordFormat;
import dev.jthreadtrace.event.JavaRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the lines of one JVM's record file (the format is in {@code agent.RecordFormat}, its string
 * fields escaped by {@code agent.RecordField}), in order:
 * a carrier's mount count is a running total there, and a record here carries what it adds.
 */
final class AgentRecordParser {
    private final int pid;
    private final Map<Integer, Long> mountTotals = new HashMap<>();

    AgentRecordParser(int pid) {
        this.pid = pid;
    }

    /** One line; null for anything that is not a whole record (a line cut short when the JVM was killed). */
    JavaRecord parse(String line) {
        String[] f = line.split(String.valueOf(RecordFormat.FIELD), -1);
        try {
            if (f[0].equals(RecordFormat.CONSTRUCTED) && f.length >= 8) {
                int attrAt = marker(f, 8, RecordFormat.ATTR), stackAt = marker(f, 8, RecordFormat.STACK);
                return new JavaRecord.Constructed(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                        text(f[4]), Long.parseLong(f[5]), text(f[6]), Boolean.parseBoolean(f[7]), pairs(f, 8, Math.min(attrAt, stackAt)),
                        stack(f, stackAt), pairs(f, attrAt + 1, stackAt));
            }
            if (f[0].equals(RecordFormat.RENAMED) && f.length >= 5) {
                return new JavaRecord.Renamed(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]), text(f[4]));
            }
            if (f[0].equals(RecordFormat.SCOPED_VALUES) && f.length >= 4) {
                return new JavaRecord.ScopedValues(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                        pairs(f, 4, f.length));
            }
            if (f[0].equals(RecordFormat.SHUTDOWN) && f.length >= 3) {
                return new JavaRecord.ShutdownBegan(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]));
            }
            if (f[0].equals(RecordFormat.UNCAUGHT) && f.length >= 5) {
                return new JavaRecord.Uncaught(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]), text(f[4]));
            }
            if (f[0].equals(RecordFormat.VIRTUAL_STARTED) && f.length >= 4) {
                return new JavaRecord.VirtualStarted(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                        pairs(f, 4, f.length));
            }
            if (f[0].equals(RecordFormat.PRESENT) && f.length >= 5) {
                int attrAt = marker(f, 5, RecordFormat.ATTR);
                return new JavaRecord.Present(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]), text(f[4]),
                        pairs(f, attrAt + 1, f.length));
            }
            if (f[0].equals(RecordFormat.DUMPED) && f.length >= 5) {
                int attrAt = marker(f, 5, RecordFormat.ATTR);
                return new JavaRecord.Dumped(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]), text(f[4]),
                        pairs(f, attrAt + 1, f.length));
            }
            if (f[0].equals(RecordFormat.MOUNTS) && f.length >= 4) {
                int carrier = Integer.parseInt(f[2]);
                long total = Long.parseLong(f[3]);
                long before = mountTotals.getOrDefault(carrier, 0L);
                if (total <= before) return null;
                mountTotals.put(carrier, total);
                return new JavaRecord.Mounts(pid, Long.parseLong(f[1]), carrier, total - before);
            }
            if (f[0].equals(RecordFormat.STARTED) && f.length >= 7) {
                int attrAt = marker(f, 7, RecordFormat.ATTR), stackAt = marker(f, 7, RecordFormat.STACK);
                return new JavaRecord.Started(pid, Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                        text(f[4]), Long.parseLong(f[5]), text(f[6]),
                        f.length >= 8 && f[7].equals(RecordFormat.ITL) ? pairs(f, 8, Math.min(attrAt, stackAt)) : null,
                        stack(f, stackAt), pairs(f, attrAt + 1, stackAt));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** The index of a marker field ({@code STACK}: no '=', unlike a thread-local) from {@code from} on; the length when absent. */
    private static int marker(String[] f, int from, String marker) {
        for (int i = from; i < f.length; i++) if (f[i].equals(marker)) return i;
        return f.length;
    }

    /** The frames after a STACK marker: class|method|file|line, ';'-separated. */
    private static List<JavaRecord.Frame> stack(String[] f, int stackAt) {
        if (stackAt + 1 >= f.length) return List.of();
        List<JavaRecord.Frame> frames = new ArrayList<>();
        for (String frame : f[stackAt + 1].split(String.valueOf(RecordFormat.FRAME))) {
            String[] p = frame.split(Pattern.quote(String.valueOf(RecordFormat.FRAME_PART)), -1);
            if (p.length == 4) frames.add(new JavaRecord.Frame(text(p[0]), text(p[1]), text(p[2]), Integer.parseInt(p[3])));
        }
        return frames;
    }

    /** A string field as the agent wrote it with {@link RecordField}: the exact string (tabs, newlines, unpaired surrogates). */
    private static String text(String field) {
        return RecordField.unescape(field);
    }

    /** {@code name=value} fields from index {@code from} up to {@code to}. */
    private static Map<String, String> pairs(String[] f, int from, int to) {
        Map<String, String> itls = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            int eq = f[i].indexOf('=');
            if (eq > 0) itls.put(text(f[i].substring(0, eq)), text(f[i].substring(eq + 1)));
        }
        return itls;
    }
}
