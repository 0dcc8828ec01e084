package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BLOCKED's lock owner when the owner ended holding the lock and folded past --keep-ended
 * (native/ended_owner.c, ended by SIGINT): the report names it as the unfolded run does, by the tid
 * the program printed, and says it folded; never "no thread".
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read of the fixture's stdout is not interruptible
class FoldedHangIT {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    /** The BLOCKED line of the fixture's main thread (its futex wait's words), and the owner's tid the program printed. */
    private record Blocked(String words, int owner) {}

    private Blocked trace(Path tmp, String mode, String keepEnded) throws Exception {
        Path out = tmp.resolve(mode + keepEnded + ".txt"), err = tmp.resolve("err");
        Process p = Hangs.start(started, Tool.jar("run", "-e", "futex", "-o", out.toString(), "--report", "blocked", "--width", "250",
                "--keep-ended", keepEnded, "--kill-after", "2s", "--", Traced.fixture("ended_owner").toString(), mode, "10"), err);
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int owner = -1, pid = -1;
        for (String line; pid < 0 && (line = in.readLine()) != null; ) {
            if (line.startsWith("owner ")) owner = Integer.parseInt(line.substring(6).strip());
            if (line.startsWith("hung ")) pid = Integer.parseInt(line.substring(5).strip());
        }
        assertTrue(owner > 0 && pid > 0, "the fixture printed its owner and its pid");
        Hangs.awaitInFutex(pid, 1);
        Thread.sleep(500);
        Hangs.interrupt(p);
        String report = Files.readString(out);
        List<String> lines = report.lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("  " + pid + " ended_owner ")) at = i;
        assertTrue(at >= 0 && at + 1 < lines.size(), report);
        return new Blocked(lines.get(at + 1).strip(), owner);
    }

    /** The owner exited before main's wait began: "a thread that ended holding the lock", folded or not. */
    @Test
    void anOwnerThatEndedBeforeTheWaitIsNamedAsEndedFoldedOrNot(@TempDir Path tmp) throws Exception {
        Blocked whole = trace(tmp, "ended", "100"), folded = trace(tmp, "ended", "2");
        // Read at the wait, or again in the look at the end (main still in that wait): the same tid.
        assertTrue(whole.words().matches(".*owner unknown \\(tid " + whole.owner()
                + " read at the (wait|end) is a thread that ended holding the lock\\).*"), whole.words());
        assertTrue(folded.words().matches(".*owner unknown \\(tid " + folded.owner()
                + " read at the (wait|end) is a thread that ended holding the lock \\(folded past --keep-ended\\)\\).*"), folded.words());
    }

    /** The owner held the lock when main's wait began and exited later: the owner is read, folded or not. */
    @Test
    void anOwnerAliveAtTheWaitThatFoldedIsStillTheOwner(@TempDir Path tmp) throws Exception {
        Blocked whole = trace(tmp, "after", "100"), folded = trace(tmp, "after", "2");
        assertTrue(whole.words().contains(", owner " + whole.owner() + " ("), whole.words());
        assertTrue(whole.words().contains("; waits for " + whole.owner() + " owner, which holds the mutex"), whole.words());
        assertTrue(folded.words().contains(", owner " + folded.owner() + " ("), folded.words());
        assertTrue(folded.words().contains("; waits for " + folded.owner() + " (folded), which ended holding it"), folded.words());
    }
}
