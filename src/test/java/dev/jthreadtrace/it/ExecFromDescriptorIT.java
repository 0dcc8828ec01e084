package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Execs of a descriptor (native/exec_fd.c: fexecve of an opened /bin/cat, and of a memfd copy of
 * it, as runc re-execs itself): the call passes the path "" (execveat(fd, "", AT_EMPTY_PATH)), and
 * the kernel names the process from the file. The oracle is the untraced run: each child prints
 * its own /proc/self/comm. The exec's name and file in the JSONL, the tree read back from the trace
 * and the name assertions all say what the kernel did.
 */
@Timeout(120)
class ExecFromDescriptorIT {
    /** A child: its pid and the name it read of itself. */
    private record Child(int pid, String comm) {}

    @Test
    void aDescriptorsExecIsNamedByTheKernelNotByItsEmptyPath(@TempDir Path tmp) throws Exception {
        String fixture = Traced.fixture("exec_fd").toString();
        Tool.Result untraced = Tool.run(List.of(fixture));
        assertEquals(0, untraced.code(), untraced.err());
        Map<String, Child> kernel = children(untraced.out());
        assertEquals("cat", kernel.get("fd").comm(), "the kernel names an fexecve'd file by the file: " + untraced.out());
        assertTrue(kernel.get("memfd").comm().startsWith("memfd:exec-fd"), "and a memfd by its name: " + untraced.out());

        Path trace = tmp.resolve("t.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--format", "jsonl", "-o", trace.toString(),
                "--", fixture));
        assertEquals(0, r.code(), r.err());
        Map<String, Child> traced = children(r.out());
        for (String role : List.of("fd", "memfd")) assertEquals(kernel.get(role).comm(), traced.get(role).comm(), "traced as untraced: " + role);

        List<JsonNode> execs = ThreadNamesIT.records(trace, "exec"), threads = ThreadNamesIT.records(trace, "thread");
        for (Child c : traced.values()) {
            JsonNode exec = record(execs, c.pid());
            assertEquals(c.comm(), exec.path("comm").asText(), exec.toString());
            assertEquals(c.comm(), record(threads, c.pid()).path("name").asText(), "the process's name");
            assertEquals("[\"exec_fd\",\"" + c.comm() + "\"]", record(threads, c.pid()).path("names").toString());
        }
        assertEquals(Path.of("/bin/cat").toRealPath().toString(), record(execs, traced.get("fd").pid()).path("path").asText(),
                "the path \"\" names no file: the one the kernel exec'd (/proc/PID/exe)");
        assertTrue(record(execs, traced.get("memfd").pid()).path("path").asText().startsWith("/memfd:exec-fd-prog"), execs.toString());

        // Read back: the tree and the assertions name them as the live run did.
        Tool.Result tree = Tool.run(Tool.jar("report", "--no-live", "--report", "tree", trace.toString()));
        assertEquals(0, tree.code(), tree.err());
        for (Child c : traced.values()) assertTrue(tree.out().contains(c.pid() + " " + c.comm() + " (was exec_fd)"), tree.out());
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "threads{name=\"cat\"}.count == 1",
                "--assert", "threads{name=\"" + traced.get("memfd").comm() + "\"}.count == 1", trace.toString()));
        assertEquals(0, check.code(), check.out() + check.err());
    }

    /** The fixture's lines: each child's name, then "ROLE PID" once it is reaped. */
    private static Map<String, Child> children(String out) {
        List<String> lines = out.lines().toList();
        Map<String, Child> children = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            if (f.length == 2 && (f[0].equals("fd") || f[0].equals("memfd"))) children.put(f[0], new Child(Integer.parseInt(f[1]), lines.get(i - 1)));
        }
        assertEquals(List.of("fd", "memfd"), List.copyOf(children.keySet()), out);
        return children;
    }

    private static JsonNode record(List<JsonNode> records, int tid) {
        return records.stream().filter(n -> n.path("tid").asInt() == tid).findFirst()
                .orElseThrow(() -> new AssertionError("no record of " + tid + " in " + records));
    }
}
