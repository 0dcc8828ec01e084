package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.jsonl.TraceReader;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Which calls a replay ({@code report -e SET}) prints: those the run showed. A call the run
 * recorded without showing it was recorded only where its report needed it (an rt_sigprocmask with
 * no new set, an mprotect, not at all; a futex wake at its entry, without its result), and with no
 * {@code enter} record: printed, such lines read as every call, whole. They are left out, and one
 * note names them.
 */
final class ReplayedCalls {
    private static final int NAMED = 8;

    private ReplayedCalls() {}

    /** {@code asked} less the calls the run recorded unshown, said in one note on {@code err} when there are any. */
    static boolean[] shown(boolean[] asked, TraceReader.Header header, PrintWriter err) {
        boolean[] shown = asked.clone(), runShown = header.shown(), unshown = header.unshown();
        List<String> left = new ArrayList<>();
        for (int nr = 0; nr < shown.length; nr++) {
            if (!shown[nr] || runShown[nr] || !unshown[nr]) continue;
            shown[nr] = false;
            left.add(SyscallTable.name(nr));
        }
        if (!left.isEmpty()) {
            err.println("jthreadtrace: note: the run did not show " + String.join(", ", left.subList(0, Math.min(NAMED, left.size())))
                    + (left.size() > NAMED ? " and " + (left.size() - NAMED) + " more" : "") + " (its -e): it recorded such calls only"
                    + " where its report needed them, not every call nor every result, so their lines are left out; run -e to see them");
        }
        return shown;
    }
}
