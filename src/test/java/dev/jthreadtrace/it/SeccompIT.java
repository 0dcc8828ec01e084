package dev.jthreadtrace.it;

import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.fixtures.NestedThreads;
import dev.jthreadtrace.model.ThreadInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seccomp-bpf filter changes how often the tracee stops, never what the trace says. */
@Timeout(180)
class SeccompIT {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{8,}");

    /** The trace as comparable text: per thread (by creation order), the decoded calls and events. */
    static List<String> shape(Traced t) {
        List<ThreadInfo> threads = t.model().threads();
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < threads.size(); i++) index.put(threads.get(i).tid(), i);
        Pattern number = Pattern.compile("\\b\\d+\\b");
        return t.events().stream().map(e -> switch (e) {
            case TraceEvent.Syscall s -> index.get(s.tid()) + " " + number.matcher(ADDRESS.matcher(
                    SyscallDecoder.call(s.nr(), s.args(), s.captures(), 32) + " = "
                            + SyscallDecoder.result(s.nr(), s.ret(), s.error(), s.returned())).replaceAll("ADDR"))
                    .replaceAll(m -> index.containsKey(Integer.parseInt(m.group().length() > 9 ? "0" : m.group()))
                            ? "T" + index.get(Integer.parseInt(m.group())) : m.group());
            case TraceEvent.Spawned s -> index.get(s.creator()) + " spawned " + index.get(s.child()) + " " + s.kind();
            case TraceEvent.Exited x -> index.get(x.tid()) + " exited " + x.code();
            default -> e.getClass().getSimpleName();
        })
                // glibc trims a new malloc arena to 64 MiB alignment with one or two munmaps,
                // depending on where ASLR put the mapping, not on the filter: leave those out.
                .filter(line -> !line.contains(" munmap("))
                .sorted().toList();
    }

    @Test
    void cFixturesGiveTheSameEventsWithAndWithoutTheFilter() {
        for (String fixture : List.of("threads", "forker", "decode_mix", "daemon_exit")) {
            List<String> command = List.of(Traced.fixture(fixture).toString());
            Traced filtered = Traced.run(command, TraceSelection.defaults(), System.getenv(), true);
            Traced full = Traced.run(command, TraceSelection.defaults(), System.getenv(), false);
            List<String> a = shape(full), b = shape(filtered);
            List<String> onlyFull = a.stream().filter(x -> !b.contains(x)).toList();
            List<String> onlyFiltered = b.stream().filter(x -> !a.contains(x)).toList();
            assertEquals(a, b, fixture + ": only without the filter " + onlyFull + "; only with it " + onlyFiltered);
        }
    }

    @Test
    void aStraceClassStopsTheTraceeOnlyAtItsCalls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        List<String> command = List.of(Traced.fixture("decode_files").toString(), tmp.toString());
        TraceSelection file = TraceSelection.parse("%file");
        long[] stops = new long[2];
        int[] events = new int[2];
        for (int i = 0; i < 2; i++) {
            java.nio.file.Files.walk(tmp).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(tmp))
                    .forEach(p -> p.toFile().delete());
            int[] count = {0};
            var outcome = dev.jthreadtrace.session.TraceSession.run(command, System.getenv(), file.recorded(), i == 0,
                    (event, model) -> {
                        if (event instanceof TraceEvent.Syscall) count[0]++;
                    }, () -> { });
            stops[i] = outcome.stats().stops();
            events[i] = count[0];
        }
        assertEquals(events[0], events[1], "the same calls are recorded with and without the filter");
        // Without the filter every call stops twice; with it only the recorded ones (entry and exit),
        // the exec events and the first stop: the reads, writes, fcntls, ioctls... of the fixture run free.
        assertTrue(stops[0] <= 2L * events[0] + 8, "filtered: " + stops[0] + " stops for " + events[0] + " recorded calls");
        assertTrue(stops[1] > stops[0] + 100, "unfiltered " + stops[1] + " stops, filtered " + stops[0]);
    }

    @Test
    void jvmThreadTreeIsTheSameWithAndWithoutTheFilter() {
        List<String> java = JvmIT.java(NestedThreads.class.getName());
        TraceSelection threadsOnly = TraceSelection.parse("%thread");
        Traced filtered = Traced.run(java, threadsOnly, System.getenv(), true);
        Traced full = Traced.run(java, threadsOnly, System.getenv(), false);
        assertEquals(tree(full), tree(filtered));
        assertTrue(tree(filtered).contains("inner-1>inner-2"));
    }

    private static List<String> tree(Traced t) {
        return t.model().threads().stream().filter(th -> th.creator() != null)
                .map(th -> t.model().creatorOf(th).name() + ">" + th.name()).sorted().toList();
    }
}
