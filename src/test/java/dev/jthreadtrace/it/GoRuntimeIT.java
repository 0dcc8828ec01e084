package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Go program is told by the file the kernel exec'd, also where the path exec'd does not name it from
 * the tool's working directory (a relative path, resolved in the caller's: the kernel's /proc/PID/exe at
 * the exec stop), and in a process an attach found running (its /proc/PID/exe).
 */
@Timeout(120)
class GoRuntimeIT {
    private static Path fixture(String name) {
        Path p = Path.of(System.getProperty("jthreadtrace.native", "target/native"), name).toAbsolutePath();
        assertTrue(Files.isExecutable(p), name + " is not built: it needs go, which scripts/test installs (apt-get install golang-go),"
                + " then the build (native/build)");
        return p;
    }

    /** A shell in the fixture's directory runs it as ./go_threads, once and then by exec: both execs are the Go program's. */
    @Test
    void aGoProgramExecdByARelativePathIsToldByTheFileTheKernelExecd(@TempDir Path tmp) throws Exception {
        Path program = fixture("go_threads");
        Path trace = tmp.resolve("relative.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/sh", "-c",
                "cd \"$1\" && ./go_threads 1 0 && exec ./go_threads 1 0", "sh", program.getParent().toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        List<JsonNode> goExecs = ThreadNamesIT.records(trace, "exec").stream().filter(n -> n.path("path").asText().equals("./go_threads")).toList();
        assertEquals(2, goExecs.size(), goExecs.toString());
        for (JsonNode exec : goExecs) assertEquals("go", exec.path("runtime").asText(), exec.toString());
        JsonNode shell = ThreadNamesIT.records(trace, "exec").getFirst();
        assertEquals("/bin/sh", shell.path("path").asText(), shell.toString());
        assertTrue(shell.path("runtime").isNull(), "the shell is no Go program: " + shell);
        // The child that ran it first, and the shell that exec'd it last: both run the Go program at their end.
        List<JsonNode> processes = ThreadNamesIT.records(trace, "process");
        assertEquals(2, processes.size(), processes.toString());
        for (JsonNode p : processes) assertEquals("go", p.path("runtime").asText(), p.toString());
    }

    /** A Go program running before the attach (go_exec waiting for its child): its process record says so. */
    @Test
    void aGoProgramFoundByAnAttachIsToldByItsExe(@TempDir Path tmp) throws Exception {
        Process go = new ProcessBuilder(fixture("go_exec").toString(), "/bin/sleep", "30").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            // Attached once it runs its child: the Go runtime is up.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (go.children().findAny().isEmpty()) {
                assertTrue(go.isAlive() && System.nanoTime() < deadline, "go_exec started its child");
                Thread.sleep(10);
            }
            Path trace = tmp.resolve("attach.jsonl");
            Tool.Result r = Tool.run(Tool.jar("attach", "--duration", "1s", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                    Long.toString(go.pid())));
            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode process = ThreadNamesIT.records(trace, "process").stream().filter(n -> n.path("pid").asLong() == go.pid()).findFirst().orElseThrow();
            assertEquals("go", process.path("runtime").asText(), process.toString());
            JsonNode leader = null;
            for (JsonNode t : ThreadNamesIT.records(trace, "start").getFirst().path("existing_at_attach")) if (t.path("tid").asLong() == go.pid()) leader = t;
            assertEquals("go", leader == null ? null : leader.path("runtime").asText(), String.valueOf(leader));
        } finally {
            go.descendants().forEach(ProcessHandle::destroyForcibly);
            go.destroyForcibly();
            go.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
