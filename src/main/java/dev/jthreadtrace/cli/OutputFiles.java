package dev.jthreadtrace.cli;

import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.FdOutputStream;
import dev.jthreadtrace.sys.Libc;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The files one command writes (-o, --html, --junit-xml), settled before anything runs:
 * <ul>
 * <li>{@link #clash}: none may be a file the command reads (the trace, --assert-file) or another
 * output, or one would silently replace the other ({@code report --html T T} overwrote the trace);</li>
 * <li>{@link #prepare}: a regular file must be writable later (a run of minutes must not be lost to
 * a typo); a FIFO is opened now, once a process reads it, waiting at most
 * {@link #FIFO_WAIT_MS} (a socket is refused): opened at the end, a FIFO without a reader blocked the tool forever after
 * the command had run, and its exit status was lost.</li>
 * </ul>
 * The writers then take their stream from {@link #open}.
 */
final class OutputFiles implements AutoCloseable {
    /** One file on the command line: the option that named it ({@code TRACE.jsonl} for the positional) and its path. */
    record Named(String option, Path path) {}

    static final long FIFO_WAIT_MS = 5000;
    private static final int S_IFMT = 0170000, S_IFIFO = 0010000, S_IFSOCK = 0140000;

    private final Map<Path, OutputStream> early = new HashMap<>();

    /**
     * The usage error when an output is one of {@code inputs} or another output (the same file by
     * {@link Files#isSameFile} when both exist, else the same normalized absolute path); null when
     * every file is distinct.
     */
    static String clash(List<Named> inputs, List<Named> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            Named out = outputs.get(i);
            for (Named in : inputs) {
                if (same(out.path(), in.path())) {
                    return out.option() + " " + out.path() + " is " + (in.option().startsWith("-") ? "the file " + in.option()
                            + " reads" : "the trace being read") + (in.path().equals(out.path()) ? "" : " (" + in.path() + ")")
                            + ": it would be overwritten";
                }
            }
            for (Named other : outputs.subList(0, i)) {
                if (same(out.path(), other.path())) {
                    return other.option() + " " + other.path() + " and " + out.option() + " " + out.path()
                            + " are the same file: one would overwrite the other";
                }
            }
        }
        return null;
    }

    private static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            // fall back to the names
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /**
     * Runs {@code body} with {@code outputs} prepared and closes what it left open; without running
     * it, one line on {@code err} and 125 when an output cannot be written.
     */
    static int using(List<Named> outputs, PrintWriter err, ToIntFunction<OutputFiles> body) {
        try (OutputFiles files = new OutputFiles()) {
            String problem = files.prepare(outputs);
            if (problem != null) {
                err.println("jthreadtrace: " + problem);
                return ExitCodes.TOOL_FAILED;
            }
            return body.applyAsInt(files);
        }
    }

    /**
     * Checks every output and opens the FIFOs among them; the one-line problem
     * ({@code --html out.html: cannot write ...}), or null when all can be written.
     */
    String prepare(List<Named> outputs) {
        for (Named out : outputs) {
            String problem = prepare(out.path());
            if (problem != null) return out.option() + ": " + problem;
        }
        return null;
    }

    private String prepare(Path path) {
        int type = fileType(path);
        if (type == S_IFSOCK) return "cannot write " + path + ": a socket";
        if (type != S_IFIFO) return FileProblems.writableLater(path);
        long deadline = System.nanoTime() + FIFO_WAIT_MS * 1_000_000;
        while (true) {
            try {
                early.put(path, new FdOutputStream(Libc.openForWritingWithoutWaiting(path.toString())));
                return null;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENXIO) return "cannot write " + path + ": " + Errno.text(e.errno());
                if (System.nanoTime() > deadline) {
                    return "cannot write " + path + ": no process reads this FIFO (waited " + FIFO_WAIT_MS / 1000
                            + " s; start its reader first)";
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "cannot write " + path + ": interrupted while waiting for the FIFO's reader";
            }
        }
    }

    /** The file type bits of an existing file ({@code S_IFIFO}, ...), following links; 0 when there is none to read. */
    private static int fileType(Path path) {
        try {
            if (!Files.exists(path) || Files.isRegularFile(path) || Files.isDirectory(path)) return 0;
            return (Integer) Files.getAttribute(path, "unix:mode") & S_IFMT;
        } catch (IOException | RuntimeException e) {
            return 0; // writableLater says what is wrong with it
        }
    }

    /** The stream for an output that {@link #prepare} checked: the one opened then, or the file opened (created, truncated) now. */
    OutputStream open(Path path) throws IOException {
        OutputStream opened = early.remove(path);
        return opened != null ? opened : Files.newOutputStream(path);
    }

    /** Closes what was opened early and never written (the run failed before the end). */
    @Override
    public void close() {
        for (OutputStream s : new ArrayList<>(early.values())) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing was written to it
            }
        }
        early.clear();
    }
}
