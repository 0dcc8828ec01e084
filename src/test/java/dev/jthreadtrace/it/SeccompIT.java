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
