package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM traced under a umask that takes the owner's bits keeps its Java view, and its umask: the
 * tool (run as uid 65534, for whom modes count, unlike root) and the traced JVM both inherit the
 * user's umask, which made the run's 0700 directory 0500 ({@code umask 0277}: nothing could be
 * made in it) or 0000 ({@code 0777}), and the agent's record file 0400 or 0000: the JVM had kernel
 * names only. The command, a shell that prints its umask and execs the JVM, prints what it prints
 * untraced; the JSONL gives inner-1 and inner-2 their Java view.
 */
@Timeout(180)
class UmaskIT {
    private final AsNobody nobody = new AsNobody();

    @AfterEach
    void removeTheCopies() throws IOException {
        nobody.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0777", "0277"})
    void aJvmTracedUnderAUmaskThatTakesTheOwnersBitsKeepsItsJavaViewAndItsUmask(String umask) throws Exception {
        List<String> program = List.of("/bin/sh", "-c", "umask; exec \"$0\" -cp \"$1\" " + NestedThreads.class.getName(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), nobody.classPath(NestedThreads.class));
        List<String> untracedCommand = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        untracedCommand.addAll(program);
        Tool.Result untraced = Tool.run(underUmask(umask, untracedCommand));
        List<String> tool = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "--"));
        tool.addAll(program);
        Tool.Result traced = Tool.run(underUmask(umask, nobody.tool(tool.toArray(String[]::new))));

        assertEquals(0, untraced.code(), untraced.err());
        assertEquals(umask + "\n", untraced.out(), "the umask as the command sees it untraced");
        assertEquals(0, traced.code(), traced.err());
        assertEquals(untraced.out(), traced.out().lines().filter(l -> !l.startsWith("{")).map(l -> l + "\n")
                .reduce("", String::concat), "the command's own output, its umask: " + traced.err());
        assertFalse(traced.err().contains("no Java view"), traced.err());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> threads = new ArrayList<>();
        for (String line : traced.out().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode record = json.readTree(line);
            if (record.path("type").asText().equals("thread")) threads.add(record);
        }
        for (String name : List.of("inner-1", "inner-2")) {
            assertTrue(threads.stream().anyMatch(t -> t.path("name").asText().equals(name) && t.path("java").isObject()),
                    name + " has its Java view: " + traced.err());
        }
    }

    /** {@code command} run with umask {@code umask}, set by a shell that then execs it. */
    private static List<String> underUmask(String umask, List<String> command) {
        List<String> shell = new ArrayList<>(List.of("/bin/sh", "-c", "umask " + umask + "; exec \"$@\"", "sh"));
        shell.addAll(command);
        return shell;
    }
}
