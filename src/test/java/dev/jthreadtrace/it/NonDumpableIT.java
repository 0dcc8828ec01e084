package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command that makes itself non-dumpable (prctl(PR_SET_DUMPABLE, 0): ssh-agent, gpg-agent,
 * hardened daemons), traced by a user without CAP_SYS_PTRACE (uid 65534): from then on the kernel
 * refuses every read of its memory (process_vm_readv and PTRACE_PEEKDATA), clone3's clone_args
 * included. Its threads must still be threads: what the kernel says of them (/proc/TID/status
 * Tgid), never the default of unread flags ("not CLONE_THREAD", a process). The oracle is the
 * program itself, untraced truth printed from inside: gettid/getpid in each thread, the entries of
 * /proc/self/task ({@code native/nondumpable.c}). Names it gives itself (prctl PR_SET_NAME with a
 * pointer into that memory) come from /proc/TID/comm, and one note on stderr says why.
 */
@Timeout(180)
class NonDumpableIT {
    private static final Pattern THREAD = Pattern.compile("thread (\\d+) of (\\d+)");
    private final AsNobody nobody = new AsNobody();

    @AfterEach
    void cleanUp() throws IOException {
        nobody.close();
    }

    @Test
    void itsThreadsAreThreadsAsTheKernelHasThem() throws Exception {
        Path dir = Files.createTempDirectory("jtt-nodump");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // uid 65534 writes the trace
        Path trace = dir.resolve("t.jsonl");
        // A copy uid 65534 can reach: a checkout in a private directory (mktemp -d, /root) is not.
        Path program = Files.copy(Traced.fixture("nondumpable"), dir.resolve("nondumpable"));
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Tool.Result r = Tool.run(nobody.tool("run", "--jvm", "off", "--no-live", "-e", "clone3,prctl,rt_sigprocmask",
                    "--format", "jsonl", "-o", trace.toString(), "--assert", "processes.total == 2", "--assert", "threads.total == 4",
                    "--assert", "threads{name=\"true\"}.count == 1", "--", program.toString(), "0", "exec"));
            assertEquals(0, r.code(), "the assertions on the kernel's facts pass: " + r.err() + r.out());
            Map<Integer, Integer> truth = new TreeMap<>(); // tid -> pid, as each thread saw itself
            Matcher m = THREAD.matcher(r.out());
            while (m.find()) truth.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            assertEquals(2, truth.size(), "both threads said who they are: " + r.out());
            assertTrue(r.out().contains("tasks 3"), "its /proc/self/task had 3 entries: " + r.out());
            int pid = truth.values().iterator().next();

            assertTrue(r.err().contains("jthreadtrace: note: " + pid + " made itself non-dumpable @"), "the note: " + r.err());
            assertTrue(r.err().contains(" (prctl PR_SET_DUMPABLE 0): without CAP_SYS_PTRACE its memory cannot be read; from then on"),
                    "the note says why: " + r.err());

            // Its child's exec named the file by a path the tracer could not read: the file the kernel ran names it.
            List<JsonNode> execs = ThreadNamesIT.records(trace, "exec");
            assertEquals("/bin/true", execs.getLast().path("path").asText().replaceFirst("^/usr", ""), "the child's exec: " + execs);
            List<JsonNode> threads = ThreadNamesIT.records(trace, "thread").stream().filter(t -> !t.path("name").asText().equals("true"))
                    .toList();
            assertEquals(3, threads.size(), "three tasks besides the child: " + threads);
            JsonNode leader = threads.stream().filter(t -> t.path("tid").asInt() == pid).findFirst().orElseThrow();
            for (JsonNode t : threads) {
                assertEquals(pid, t.path("pid").asInt(), "every task is of the one process: " + t);
                if (t == leader) continue;
                assertEquals(pid, truth.get(t.path("tid").asInt()), "a thread the program started: " + t);
                assertTrue(t.path("clone_flags_unknown").asBoolean(), "its clone_args could not be read, and it says so: " + t);
                assertTrue(t.path("clone_flags").toString().contains("CLONE_THREAD"), "CLONE_THREAD, from its Tgid: " + t);
                // The kernel's tree: a thread's PPid is its process's parent, not its creator.
                assertEquals(leader.path("os_parent").asInt(), t.path("os_parent").asInt(), "kernel parent as /proc has it: " + t);
                // Its prctl(PR_SET_NAME, "worker-nd"): the name could not be read from its memory, the kernel's is in /proc/TID/comm.
                assertTrue(t.path("names").toString().contains("\"worker-nd\""), "the name it gave itself: " + t);
            }
            // main renamed its first thread through that thread's /proc comm file (pthread_setname_np): the
            // file and the bytes are out of the tracer's reach (its /proc/PID/fd is root's), the name the kernel kept is not.
            List<String> finalNames = threads.stream().filter(t -> t != leader).sorted(java.util.Comparator.comparingDouble(
                    t -> t.path("start").asDouble())).map(t -> t.path("name").asText()).toList();
            assertEquals(List.of("renamed-nd", "worker-nd"), finalNames, "the first thread renamed by main, as /proc has it: " + threads);
        } finally {
            Files.deleteIfExists(trace);
            Files.deleteIfExists(program);
            Files.delete(dir);
        }
    }

    /**
     * Its threads start with SIGUSR1 blocked (the kernel's truth: the same trace by a tool with
     * CAP_SYS_PTRACE reads the mask, "[USR1]"). Without CAP_SYS_PTRACE the mask it set could not be
     * read: it is unknown ("?" in the report, null in JSONL, an assertion on it unknown), never the
     * empty mask from before the change; the report's SUMMARY says why, as stderr does.
     */
    @Test
    void masksItSetAreUnknownNotTheOldValue() throws Exception {
        Path dir = Files.createTempDirectory("jtt-nodump");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path trace = dir.resolve("t.jsonl"), report = dir.resolve("r.txt"), rootTrace = dir.resolve("root.jsonl");
        Path program = Files.copy(Traced.fixture("nondumpable"), dir.resolve("nondumpable"));
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        String assertion = "inherits{name=\"*-nd\", hook=\"sigmask\"} == \"[USR1]\"";
        try {
            Tool.Result root = Tool.run(Tool.jar("run", "--jvm", "off", "--no-live", "-e", "clone3,prctl,rt_sigprocmask", "--format",
                    "jsonl", "-o", rootTrace.toString(), "--", program.toString(), "0"));
            assertEquals(0, root.code(), root.err());
            for (JsonNode t : workers(rootTrace)) assertEquals("[USR1]", t.path("inherited").path("sigmask").asText(), "root reads it: " + t);

            Tool.Result jsonl = Tool.run(nobody.tool("run", "--jvm", "off", "--no-live", "-e", "clone3,prctl,rt_sigprocmask",
                    "--format", "jsonl", "-o", trace.toString(), "--", program.toString(), "0"));
            assertEquals(0, jsonl.code(), jsonl.err());
            List<JsonNode> workers = workers(trace);
            assertEquals(2, workers.size(), "both threads: " + workers);
            for (JsonNode t : workers) {
                assertTrue(t.path("inherited").has("sigmask") && t.path("inherited").path("sigmask").isNull(), "unknown, not []: " + t);
                assertTrue(t.path("final").path("sigmask").isNull(), "its mask at the end is unknown too: " + t);
            }

            Tool.Result text = Tool.run(nobody.tool("run", "--jvm", "off", "-e", "clone3,prctl,rt_sigprocmask",
                    "--report", "summary,timeline", "-o", report.toString(), "--assert", assertion, "--", program.toString(), "0"));
            assertEquals(90, text.code(), "the assertion is not answered from an unread mask: " + text.err());
            String out = Files.readString(report);
            assertTrue(out.contains("actual unknown: 2 of the 2 threads started with a sigmask the tracer could not read"), out);
            assertTrue(out.contains("sigmask=? (set @"), "the report shows it unknown: " + out);
            assertFalse(out.contains("sigmask=[]"), out);
            // The live line of its prctl(PR_SET_NAME): the name unread at the entry, the kernel's at the exit; its
            // line printed at the entry is not continued with the other text (it read "0x55..PR_SET_NAME, ...").
            assertTrue(out.contains("PR_SET_NAME, \"worker-nd\") = 0"), out);
            assertFalse(Pattern.compile("0x[0-9a-f]+PR_SET_NAME").matcher(out).find(), out);
            Matcher note = Pattern.compile("  note: (\\d+) made itself non-dumpable @").matcher(out);
            assertTrue(note.find(), "the SUMMARY says why: " + out);
            assertTrue(text.err().contains("jthreadtrace: note: " + note.group(1) + " made itself non-dumpable @"), text.err());
        } finally {
            Files.deleteIfExists(trace);
            Files.deleteIfExists(report);
            Files.deleteIfExists(rootTrace);
            Files.deleteIfExists(program);
            Files.delete(dir);
        }
    }

    private static List<JsonNode> workers(Path trace) throws Exception {
        return ThreadNamesIT.records(trace, "thread").stream().filter(t -> t.path("name").asText().endsWith("-nd")).toList();
    }

    /**
     * attach to such a process of the same user: the kernel refuses PTRACE_SEIZE with EPERM, and
     * the one line names that cause (its /proc/PID entries belong to root), not another user or
     * more privileges, which are not the case.
     */
    @Test
    void attachSaysTheProcessIsNonDumpable() throws Exception {
        Process target = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Traced.fixture("nondumpable").toString(), "0", "wait").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = target.inputReader()) {
            for (String line = out.readLine(); !"ready".equals(line); line = out.readLine()) {
                assertTrue(line != null, "the fixture got ready");
            }
            int pid = (int) target.pid();
            Tool.Result r = Tool.run(nobody.tool("attach", "--jvm", "off", "--duration", "1s", Integer.toString(pid)));
            assertEquals(125, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("jthreadtrace: attach needs CAP_SYS_PTRACE here: pid " + pid + " made itself non-dumpable"
                    + " (prctl PR_SET_DUMPABLE 0, as ssh-agent and other guarded programs do; the files under /proc/" + pid + " belong to"
                    + " root) (ptrace(PTRACE_SEIZE) failed: EPERM (Operation not permitted)): "), r.err());
            target.getOutputStream().close();
            assertTrue(target.waitFor(30, TimeUnit.SECONDS), "the fixture ends, untouched");
            assertEquals(0, target.exitValue());
        } finally {
            target.destroyForcibly();
        }
    }
}
