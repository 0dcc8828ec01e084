package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.FileId;
import dev.jthreadtrace.event.TraceEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * At an attach, the shared mappings a process made before it, read from {@code /proc/PID/maps}
 * (before the stop loop: no /proc read in it): the lines whose permissions end in {@code s}, each
 * with the device and inode of the object it maps, which say which memory object a shared futex word
 * there is (model.SharedMappings). At most {@link #MAX} per process are kept; a line that does not
 * parse is passed over (the file is the kernel's, the path in it the program's).
 */
final class SharedMaps {
    static final int MAX = 1024;

    private SharedMaps() {}

    /** Process {@code pid}'s shared mappings now; none when the file cannot be read (the process ended, hidepid). */
    static List<TraceEvent.SharedMapping> of(int pid) {
        List<TraceEvent.SharedMapping> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc", Integer.toString(pid), "maps"), StandardCharsets.ISO_8859_1)) {
            for (String line; (line = in.readLine()) != null && out.size() < MAX; ) {
                TraceEvent.SharedMapping m = parse(line);
                if (m != null) out.add(m);
            }
        } catch (IOException | RuntimeException e) {
            return out; // what was read so far: the process may have ended meanwhile
        }
        return out;
    }

    /**
     * The memory object of the shared mapping that begins at {@code address} in process {@code pid}
     * (its /proc/PID/maps line: the lines are in address order, so the read stops there), or null when
     * there is none (the mapping is already gone, the process ended). At a MAP_SHARED mmap's exit, with
     * the address it returned: the object the kernel mapped. A descriptor read at the entry could name
     * another file by then (a thread of the program swapping it with dup2: a hostile tester's).
     */
    static FileId fileAt(int pid, long address) {
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc", Integer.toString(pid), "maps"), StandardCharsets.ISO_8859_1)) {
            for (String line; (line = in.readLine()) != null; ) {
                int dash = line.indexOf('-');
                if (dash <= 0) return null;
                long start = Long.parseUnsignedLong(line, 0, dash, 16);
                if (Long.compareUnsigned(start, address) > 0) return null;
                if (start != address) continue;
                TraceEvent.SharedMapping m = parse(line);
                return m == null ? null : new FileId(m.device(), m.inode());
            }
        } catch (IOException | RuntimeException e) {
            return null; // the process ended, or a line the kernel will not write
        }
        return null;
    }

    /** {@code 7f..-7f.. rw-s 00001000 00:01 4242   /dev/zero (deleted)}: a shared mapping, or null. */
    static TraceEvent.SharedMapping parse(String line) {
        String[] f = line.split(" +", 6);
        if (f.length < 5 || f[1].length() != 4 || f[1].charAt(3) != 's') return null;
        int dash = f[0].indexOf('-'), colon = f[3].indexOf(':');
        if (dash < 0 || colon < 0) return null;
        try {
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16), end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            long device = Long.parseLong(f[3].substring(0, colon), 16) << 20 | Long.parseLong(f[3].substring(colon + 1), 16);
            long inode = Long.parseUnsignedLong(f[4]);
            return Long.compareUnsigned(end, start) > 0 ? new TraceEvent.SharedMapping(start, end, Long.parseUnsignedLong(f[2], 16), device, inode) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
