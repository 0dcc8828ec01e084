package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With nothing printing or counting calls ({@code --no-live}, a text report), the tracer waits
 * only for the exits the model reads (decode.ExitNeed): fewer stops, the same report. Each
 * fixture is traced twice by the tool as a user runs it, once as before (every recorded call
 * followed to its exit: the test-only switch {@code -Djthreadtrace.every-exit=true}), and the
 * reports are compared with what differs from run to run anyway left out (times, addresses,
 * tids, the timeline's lanes, which are drawn at those times).
 */
@Timeout(300)
class ExitStopsIT {
    private static final Pattern STOPS = Pattern.compile("stats: (\\d+) stops");
    private static final Pattern LANE = Pattern.compile("[━●◆✕☠]");
    private static final Pattern SECTION = Pattern.compile("[A-Z]{2,}\\b");

    /** One traced run: its report, its --stats stop count and its exit status (the command's). */
    private record Run(String report, long stops, int code) {}

    private static Run run(Path tmp, boolean everyExit, String report, String... command) throws IOException {
        return run(tmp, everyExit, List.of(), report, command);
    }

    private static Run run(Path tmp, boolean everyExit, List<String> options, String report, String... command) throws IOException {
        Path out = Files.createTempFile(tmp, "report", ".txt");
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--stats", "--jvm", "off", "--width", "200", "--report", report,
                "-o", out.toString()));
        args.addAll(options);
        args.add("--");
        args.addAll(List.of(command));
        List<String> cmd = new ArrayList<>(Tool.jar(args.toArray(String[]::new)));
        if (everyExit) cmd.add(1, "-Djthreadtrace.every-exit=true");
        Tool.Result r = Tool.run(cmd);
        Matcher m = STOPS.matcher(r.err());
        assertTrue(m.find(), "no --stats line: " + cmd + "\n" + r.err());
        return new Run(Files.readString(out), Long.parseLong(m.group(1)), r.code());
    }

    /**
     * The report without what differs between two runs of the same program: times, addresses, tids,
     * the timeline's lanes (and legend: lines with a lane's marks), and the MMAP section's rows per
     * thread (glibc trims a new malloc arena with one or two munmaps, depending on where ASLR put
     * it: SeccompIT leaves those out too).
     */
    static String comparable(String report) {
        StringBuilder out = new StringBuilder();
        boolean mmapRows = false;
        for (String line : report.lines().toList()) {
            if (line.startsWith("MMAP ")) mmapRows = true;
            else if (line.isBlank() || !line.startsWith(" ") && !Character.isDigit(line.charAt(0))) mmapRows = false;
            if (mmapRows && !line.startsWith("MMAP ") || LANE.matcher(line).find()) continue;
            out.append(line.replaceAll("0x[0-9a-f]+", "ADDR").replaceAll("\\d+(\\.\\d+)?(ms|µs|us|ns|s)\\b", "T")
                    .replaceAll("\\b\\d{3,}\\b", "N").replaceAll(" +", " ").replaceAll("^HOOK TIMELINE.*", "HOOK TIMELINE"))
                    .append('\n');
        }
        return out.toString();
    }

    /**
     * The report without the FUTEX section and the summary's longest futex waits: these fixtures
     * join threads with pthread_join, whose wait blocks, finds the word changed or is not made at
     * all as the thread ends after the join, meanwhile or before (seen in one of eight runs on a
     * loaded machine). The futex section is compared on fixtures that join without a futex call.
     */
    static String withoutFutex(String comparable) {
        StringBuilder out = new StringBuilder();
        boolean futexRows = false;
        for (String line : comparable.lines().toList()) {
            if (line.startsWith("FUTEX ")) futexRows = true;
            else if (SECTION.matcher(line).lookingAt()) futexRows = false; // a tid is N here, a header is a word
            if (!futexRows && !line.startsWith(" longest blocked in futex")) out.append(line).append('\n');
        }
        return out.toString();
    }

    @Test
    void theReportIsTheSameWithFewerStops(@TempDir Path tmp) throws IOException {
        // Threads (named, pinned, with a signal mask, joined), forks, a vfork, CLONE_PARENT, a non-leader exec, an
        // untraced child: programs whose report does not depend on timing (setname_other's joins do: a worker that
        // ended before main joins it makes no wait; so does leak on a loaded machine: its last thread may not have
        // named itself 50 ms after it was created).
        for (String fixture : List.of("threads", "forker", "vforker", "clone_parent", "exec_thread", "untraced")) {
            String path = Traced.fixture(fixture).toString();
            Run every = run(tmp, true, "all", path), fewer = run(tmp, false, "all", path);
            assertEquals(every.code(), fewer.code(), fixture + ": the exit status changed");
            assertEquals(withoutFutex(comparable(every.report())), withoutFutex(comparable(fewer.report())),
                    fixture + ": the report changed");
            assertTrue(fewer.stops() <= every.stops(), fixture + ": " + fewer.stops() + " stops, before " + every.stops());
            if (List.of("threads", "forker").contains(fixture)) {
                // their spawns, set_tid_address and signal-mask calls no longer stop at the exit
                assertTrue(fewer.stops() < every.stops(), fixture + ": " + fewer.stops() + " stops, before " + every.stops());
            }
        }
    }

    @Test
    void futexWakesStopAtTheirExitOnlyForTheWhoWokeWhomMatching(@TempDir Path tmp) throws IOException {
        String path = Traced.fixture("pingchurn").toString();
        Run every = run(tmp, true, "all", path, "2000", "50");
        Run all = run(tmp, false, "all", path, "2000", "50");
        for (Run r : List.of(every, all)) assertEquals(0, r.code(), "pingchurn's exit status");
        // 2000 hand-overs are ~6000 futex calls, more than half of them wakes: each is the first to begin in its
        // waiter's wait, or finds none waiting (how many stops the futex section itself costs: futex_mix below,
        // whose calls do not depend on timing).
        assertTrue(all.stops() < every.stops() * 0.9, "report all: " + all.stops() + " stops, before " + every.stops());
        for (Run r : List.of(every, all)) {
            assertTrue(r.report().contains("who woke whom"), "wakes that released a wait are still matched:\n" + r.report());
        }
    }

    /**
     * Who woke whom without the wakes' exits: several waiters on one word woken one at a time, a
     * broadcast, a requeue, a wake that released nobody after another had, a timeout. A private
     * wake that is the first to begin while its waiters are blocked does not wait for its exit; the FUTEX
     * and BLOCKED sections and the HTML page's wait marks are those of a trace of every exit. Their
     * lines are compared in any order: which thread blocked first, and so the order of the rows
     * by time blocked, follows the scheduler on a loaded machine.
     */
    @Test
    void whoWokeWhomIsTheSameWithoutTheWakesExits(@TempDir Path tmp) throws IOException {
        String path = Traced.fixture("futex_mix").toString();
        Path everyHtml = tmp.resolve("every.html"), fewerHtml = tmp.resolve("fewer.html");
        Run every = run(tmp, true, List.of("--html", everyHtml.toString()), "futex,blocked", path);
        Run fewer = run(tmp, false, List.of("--html", fewerHtml.toString()), "futex,blocked", path);
        assertEquals(0, every.code(), "every wait ended as the fixture planned:\n" + every.report());
        assertEquals(0, fewer.code(), "every wait ended as the fixture planned:\n" + fewer.report());
        assertEquals(sortedLines(comparable(every.report())), sortedLines(comparable(fewer.report())));
        assertEquals(waitMarks(everyHtml), waitMarks(fewerHtml));
        for (String release : List.of("futex_mix woke N solo-3", "waker-b woke N bcast-1", "waker-a woke N rq-1", "waker-a woke N pair-1")) {
            assertTrue(comparable(fewer.report()).contains(release), release + ":\n" + fewer.report());
        }
        // The wakes that found a waiter blocked stopped at their exits for the futex section; now only three do: main's
        // second and third wake of solo (solo-2 and solo-3 saw the first one begin) and the requeue (its count is read).
        // The same calls recorded for the sections that do not read a wake's count stop as often otherwise (the
        // fixture's joins make no futex call: a join that blocks or not would add two stops or none).
        Run noFutexSection = run(tmp, false, "summary,tree,timeline,blocked", path);
        assertEquals(0, noFutexSection.code());
        assertTrue(fewer.stops() <= noFutexSection.stops() + 3, "with the futex section " + fewer.stops() + " stops, without it "
                + noFutexSection.stops());
    }

    /**
     * Wakes that are the first to begin while their waiter is blocked, yet released nobody (or
     * whose result is no count): a PI unlock handing the lock on (0), a wake of other bits, a
     * private wake of a shared wait, a same-process wake after another process's wake released
     * the wait. Traced with every exit none of them is credited; without those exits neither. The
     * other process's wake that did release it (xproc, race: X is MAP_SHARED, inherited by the
     * child's fork, one futex in both processes) is credited, and so is the FUTEX_WAKE_OP whose
     * second word is the waiter's (wakeop; the kernel wakes both words) (the
     * fixture exits 1 when the kernel's answers were not the planned ones: they are the truth
     * here, since in "race" only timing makes the poster's wake begin before the waiter's exit).
     * Only the who-woke-whom lines are compared: a join blocks or not as the thread ends before it.
     */
    @Test
    void aFirstWakeIsCreditedOnlyWhereNothingElseCanHaveReleasedTheWait(@TempDir Path tmp) throws IOException {
        String path = Traced.fixture("wake_edges").toString();
        for (String mode : List.of("pi", "wakeop", "xproc", "race")) {
            Run every = run(tmp, true, "futex", path, mode);
            Run fewer = run(tmp, false, "futex", path, mode);
            assertEquals(0, every.code(), mode + ": the kernel answered as planned:\n" + every.report());
            assertEquals(0, fewer.code(), mode + ": the kernel answered as planned:\n" + fewer.report());
            assertEquals(wokeLines(every.report()), wokeLines(fewer.report()), mode);
            // WAKE_OP wakes its second word too (it returned 1: the waiter, X its second word).
            List<String> released = mode.equals("xproc") || mode.equals("race") ? List.of("N child-waker woke N waiter on ADDR @T after T")
                    : mode.equals("wakeop") ? List.of("N wakeop woke N waiter on ADDR @T after T") : List.of();
            assertEquals(released, wokeLines(fewer.report()).stream().map(String::strip).filter(l -> !l.startsWith("who woke whom")).toList(),
                    mode + ": only the other process's wake released the wait:\n" + fewer.report());
            assertTrue(fewer.report().contains(mode.equals("pi") ? "c-2" : "waiter"), mode + ": the wait is in the report:\n"
                    + fewer.report());
        }
    }

    /**
     * A shared wake looks its word's page up: on a userfaultfd page nobody fills it blocks for ever,
     * as its waiter does, and both are pending when exit_group tears the threads down (strace -f
     * shows both unfinished), whether or not a section reads the wake's count.
     */
    @Test
    void aWakeBlockedInAPageFaultStaysPending(@TempDir Path tmp) throws IOException {
        String path = Traced.fixture("wake_edges").toString();
        for (String report : List.of("blocked", "futex,blocked")) {
            Run every = run(tmp, true, report, path, "fault");
            Run fewer = run(tmp, false, report, path, "fault");
            assertEquals(0, fewer.code(), "userfaultfd worked:\n" + fewer.report());
            assertEquals(sortedLines(comparable(every.report())), sortedLines(comparable(fewer.report())), report);
            assertTrue(fewer.report().contains("FUTEX_WAKE, 1) = ?"), report + ": the wake is pending:\n" + fewer.report());
            assertFalse(fewer.report().contains("woken by"), report + ": the wake released nobody:\n" + fewer.report());
        }
    }

    /**
     * A contended lock's wait makes the tracer read the lock's head past its word: into a
     * userfaultfd page nobody fills, process_vm_readv waited for ever (the tracer stuck, the waiter
     * held in its entry stop, Ctrl-C and --duration unheard; a hostile tester's find). A few bytes
     * are peeked, which fails there at once: the wait goes on, its owner unknown, the program ends.
     */
    @Test
    void aLockHeadReachingIntoAPageNobodyFillsIsNotWaitedFor(@TempDir Path tmp) throws IOException {
        Run run = run(tmp, false, "blocked", Traced.fixture("wake_edges").toString(), "faulthead");
        assertEquals(0, run.code(), "userfaultfd worked, the program ended:\n" + run.report());
        assertTrue(run.report().contains("FUTEX_WAIT_PRIVATE, 2, NULL) = ?"), "the wait is pending:\n" + run.report());
    }

    private static List<String> wokeLines(String report) {
        return comparable(report).lines().filter(l -> l.contains(" woke ")).sorted().toList();
    }

    private static List<String> sortedLines(String text) {
        return text.lines().sorted().toList();
    }

    /** The HTML page's futex wait marks (who waited, on which word, woken by whom), sorted, without times, addresses and tids. */
    private static List<String> waitMarks(Path html) throws IOException {
        Matcher m = Pattern.compile("<i class=\"(wait|wake)\"[^>]* title=\"([^\"]*)\"").matcher(Files.readString(html));
        List<String> marks = new ArrayList<>();
        while (m.find()) marks.add(m.group(1) + " " + comparable(m.group(2)).strip());
        marks.sort(null);
        assertFalse(marks.isEmpty(), "no wait marks in " + html);
        return marks;
    }

    /**
     * Without the tool's filter (--no-seccomp, as attach always is) an entry stop comes before the
     * program's own seccomp filter decides: a prctl(PR_SET_NAME) and an rt_sigprocmask it refuses
     * changed nothing, and the thread started afterwards inherits neither.
     */
    @Test
    void aCallTheProgramsOwnFilterRefusesChangesNothing(@TempDir Path tmp) throws IOException {
        String path = Traced.fixture("exit_edges").toString();
        Run every = run(tmp, true, List.of("--no-seccomp"), "all", path, "refused");
        Run fewer = run(tmp, false, List.of("--no-seccomp"), "all", path, "refused");
        assertEquals(0, fewer.code(), "the fixture saw both calls refused");
        assertEquals(comparable(every.report()), comparable(fewer.report()));
        assertFalse(fewer.report().contains("renamed"), "the refused name was never the thread's:\n" + fewer.report());
        assertFalse(fewer.report().contains("[USR1]"), "the refused mask was never the thread's:\n" + fewer.report());
    }

    /**
     * With nothing printing calls, the filter lets a signal-mask call with no new set run without a
     * stop (it changes nothing); the mask change between the reads is still followed and inherited.
     */
    @Test
    void signalMaskReadsDoNotStop(@TempDir Path tmp) throws IOException {
        String path = Traced.fixture("exit_edges").toString();
        // the sections the mask reads feed (the fixture's join makes no futex call: no join mark that is there or not)
        Run every = run(tmp, true, "tree,timeline", path, "maskreads");
        Run fewer = run(tmp, false, "tree,timeline", path, "maskreads");
        assertEquals(0, every.code(), "the reads saw the blocked USR2");
        assertEquals(0, fewer.code(), "the reads saw the blocked USR2");
        assertEquals(comparable(every.report()), comparable(fewer.report()));
        assertTrue(fewer.report().contains("USR2"), "the block between the reads was followed:\n" + fewer.report());
        // 1000 reads: two stops each with every exit followed, none now (an entry stop each would leave 1000)
        assertTrue(fewer.stops() <= every.stops() - 1900, fewer.stops() + " stops, before " + every.stops());
    }

    /** A spawn that made no child failed and returned: a thread that then blocks in an unrecorded call is not "in clone". */
    @Test
    void aFailedSpawnIsNoPendingCall(@TempDir Path tmp) throws IOException {
        String path = Traced.fixture("exit_edges").toString();
        Run fewer = run(tmp, false, "blocked", path, "clonefail");
        Run every = run(tmp, true, "blocked", path, "clonefail");
        assertEquals(0, fewer.code());
        assertEquals(comparable(every.report()), comparable(fewer.report()));
        assertFalse(fewer.report().contains("clone("), "no clone is pending:\n" + fewer.report());
    }
}
