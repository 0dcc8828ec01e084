package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jthreadtrace.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A saved trace edited by hand so that a record appears twice, its {@code seq} and every later one
 * renumbered, passes the sequence check; what the copy says, the kernel never reports (a thread born
 * or ended twice, a call of one thread overlapping its previous one). {@code check} refuses it with
 * the line (125) instead of counting a thread or a call twice; what real runs write, tids reused and
 * an exec by a thread that is not the leader included, is read as before.
 */
class RepeatedRecordsTest {
    private static final String RUN = "\"run\":\"00ff00ff00ff00ff\"";

    /** The records of a run without seq: the command 5 starts a thread 6 that makes one call and exits; then the command exits. */
    private static List<String> run56() {
        return new ArrayList<>(List.of(
                "\"type\":\"start\",\"ns\":0,\"t\":0.0,\"pid\":5,\"tracer_pid\":4,\"path\":\"/bin/app\",\"argv\":[\"app\"]",
                spawn(5, 6, 100),
                call(6, 200, 100),
                "\"type\":\"exit\",\"ns\":400,\"t\":0.0,\"tid\":6,\"name\":\"app\",\"code\":0",
                call(5, 500, 100),
                "\"type\":\"exit\",\"ns\":700,\"t\":0.0,\"tid\":5,\"name\":\"app\",\"code\":0"));
    }

    private static String spawn(int creator, int child, long ns) {
        return "\"type\":\"spawn\",\"ns\":" + ns + ",\"t\":0.0,\"tid\":" + child + ",\"name\":\"app\",\"creator\":" + creator
                + ",\"creator_name\":\"app\",\"kind\":\"clone3\",\"flags\":[\"CLONE_VM\",\"CLONE_THREAD\",\"CLONE_SIGHAND\"],"
                + "\"flags_raw\":67840,\"os_parent\":4";
    }

    private static String call(int tid, long ns, long durNs) {
        return "\"type\":\"syscall\",\"ns\":" + ns + ",\"t\":0.0,\"tid\":" + tid + ",\"name\":\"app\",\"syscall\":\"getpid\",\"nr\":39,"
                + "\"args\":[0,0,0,0,0,0],\"ret\":" + tid + ",\"returned\":true,\"error\":null,\"dur_ns\":" + durNs;
    }

    /** The records numbered in order, then the end records, into a file. */
    private static Path file(List<String> records) throws IOException {
        List<String> all = new ArrayList<>(records);
        long end = 10_000;
        all.addAll(List.of("\"type\":\"end\",\"ns\":" + end + ",\"t\":0.00001,\"interrupted_by\":0", "\"type\":\"thread\",\"tid\":5",
                "\"type\":\"process\",\"pid\":5", "\"type\":\"summary\",\"pid\":5"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) lines.add("{\"v\":2,\"seq\":" + (i + 1) + "," + RUN + "," + all.get(i) + "}");
        Path f = Files.createTempFile("repeated", ".jsonl");
        f.toFile().deleteOnExit();
        return Files.writeString(f, String.join("\n", lines) + "\n");
    }

    /** The run with its record {@code at} (0-based) written twice. */
    private static List<String> repeated(int at) {
        List<String> records = run56();
        records.add(at + 1, records.get(at));
        return records;
    }

    /** Thread 6's call (lasting {@code dur} ns) written twice. */
    private static List<String> callRepeated(long dur) {
        List<String> records = run56();
        records.set(2, call(6, 200, dur));
        records.add(3, records.get(2));
        return records;
    }

    /** The command's own tid made again by a spawn record before anything else. */
    private static List<String> commandBornAgain() {
        List<String> records = run56();
        records.add(1, spawn(5, 5, 50));
        return records;
    }

    /** Threads 7 and 8 each made by the other (as a hostile edit of a real trace had them): no tree can hold them. */
    private static List<String> creatorCycle() {
        List<String> records = run56();
        records.addAll(4, List.of(spawn(8, 7, 410), spawn(7, 8, 420)));
        return records;
    }

    /** Thread 7 made by itself. */
    private static List<String> ownCreator() {
        List<String> records = run56();
        records.add(4, spawn(7, 7, 410));
        return records;
    }

    @Test
    void theRunAsWrittenIsRead() throws IOException {
        CliTest.Result r = run("check", "--assert", "threads.total == 2", "--assert", "syscalls.calls == 2", file(run56()).toString());
        assertEquals(0, r.code(), r.out() + r.err());
    }

    /** A run edited into something the kernel never reports: the check it is read for, and what follows "jthreadtrace: FILE". */
    private record Refusal(String what, List<String> records, String assertion, String error) {
        @Override
        public String toString() {
            return what;
        }
    }

    static List<Refusal> refusals() {
        String forged = "a record repeated or forged\n";
        List<Refusal> rows = new ArrayList<>(List.of(
                new Refusal("a thread born twice", repeated(1), "threads.total == 2",
                        ":3: thread 6 is made again (a \"spawn\" record) while alive since line 2, not ended since: " + forged),
                new Refusal("a thread ended twice", repeated(3), "threads.total == 2",
                        ":5: thread 6 ends again (it ended on line 4, and no record made it again): " + forged),
                new Refusal("a process made twice: the command cannot be born again", commandBornAgain(), "threads.total == 2",
                        ":2: thread 5 is made again (a \"spawn\" record) while alive since line 1, not ended since: " + forged),
                new Refusal("two threads each the other's creator", creatorCycle(), "threads.total == 4",
                        ":6: thread 8 is made (a \"spawn\" record) by 7, which descends from 8 (made on line 5): creators form a cycle; "
                                + forged),
                new Refusal("a thread its own creator", ownCreator(), "threads.total == 3",
                        ":5: thread 7 is made by itself (a \"spawn\" record naming it as its own creator): " + forged)));
        for (long dur : new long[] {100, 0}) {
            rows.add(new Refusal("a call of " + dur + " ns ended twice", callRepeated(dur), "syscalls.calls == 2",
                    ":4: a call of thread 6 that begins (ns 200) before its previous call, on line 3, ended (ns " + (200 + dur)
                            + "): one thread's calls do not overlap; " + forged));
        }
        return rows;
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aRepeatedRecordIsRefusedWithItsLine(Refusal refusal) throws IOException {
        Path f = file(refusal.records());
        CliTest.Result r = run("check", "--assert", refusal.assertion(), f.toString());
        assertEquals(ExitCodes.TOOL_FAILED, r.code(), r.out() + r.err());
        assertEquals("jthreadtrace: " + f + refusal.error(), r.err());
    }

    @Test
    void aTidReusedAfterItsThreadEndedAndAnExecByAThreadAreWhatRunsWrite() throws IOException {
        List<String> records = run56();
        // 6 is reused by a new thread after it ended; that thread execs and takes the leader's tid 5, whose last call
        // ended after the exec began (the kernel kills the leader only midway through the exec).
        records.addAll(4, List.of(spawn(5, 6, 450),
                "\"type\":\"exec\",\"ns\":560,\"t\":0.0,\"tid\":5,\"name\":\"true\",\"former_tid\":6,\"path\":\"/bin/true\"",
                "\"type\":\"syscall\",\"ns\":460,\"t\":0.0,\"tid\":5,\"name\":\"true\",\"syscall\":\"execve\",\"nr\":59,"
                        + "\"args\":[0,0,0,0,0,0],\"ret\":0,\"returned\":true,\"error\":null,\"dur_ns\":120",
                spawn(5, 6, 590)));
        records.set(8, call(5, 600, 10));
        records.add(9, "\"type\":\"exit\",\"ns\":650,\"t\":0.0,\"tid\":6,\"name\":\"true\",\"code\":0");
        CliTest.Result r = run("check", "--assert", "threads.total == 4", file(records).toString());
        assertEquals(0, r.code(), records + "\n" + r.out() + r.err());
    }
}
