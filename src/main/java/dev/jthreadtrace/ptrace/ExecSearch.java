package dev.jthreadtrace.ptrace;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code execvp} looks for a command, as glibc's {@code __execvpe} does: a name with a slash
 * is used as it is; otherwise each directory of {@code PATH} in turn ("/bin:/usr/bin" when PATH is
 * unset, an empty entry meaning the current directory). Which failures move on to the next
 * directory, and which error the search ends with, are glibc's too. Pure: the tracer runs each
 * candidate as an {@code execve} inside the start gate, so the search sees the files as the command would.
 */
public final class ExecSearch {
    static final int ENOENT = 2, ENOEXEC = 8, EACCES = 13, ENOTDIR = 20, ENODEV = 19, ESTALE = 116, ETIMEDOUT = 110;
    private static final byte[] DEFAULT_PATH = "/bin:/usr/bin".getBytes(StandardCharsets.US_ASCII);

    private ExecSearch() {}

    /** The paths to try, in order; {@code path} is PATH's value, or null when it is unset. */
    public static List<byte[]> candidates(byte[] name, byte[] path) {
        if (name.length == 0) return List.of();
        for (byte b : name) if (b == '/') return List.of(name);
        List<byte[]> out = new ArrayList<>();
        byte[] dirs = path == null ? DEFAULT_PATH : path;
        int start = 0;
        for (int i = 0; i <= dirs.length; i++) {
            if (i < dirs.length && dirs[i] != ':') continue;
            ByteArrayOutputStream candidate = new ByteArrayOutputStream();
            if (i > start) {
                candidate.write(dirs, start, i - start);
                candidate.write('/');
            }
            candidate.write(name, 0, name.length);
            out.add(candidate.toByteArray());
            start = i + 1;
        }
        return out;
    }

    /** Whether an execve that failed with {@code errno} lets the search go on to the next directory. */
    static boolean tryNext(int errno) {
        return errno == EACCES || errno == ENOENT || errno == ESTALE || errno == ENOTDIR || errno == ENODEV || errno == ETIMEDOUT;
    }

    /** How much of a file bash (5.2) looks at to tell a binary from a script ({@code execute_cmd.c}: a hostile tester found 128, not 80). */
    static final int SAMPLE_BYTES = 128;

    /**
     * Whether a file the kernel would not exec (ENOEXEC) is a binary, which bash refuses ("cannot execute
     * binary file", 126) rather than run as a script: it starts with an ELF header, or its first line
     * holds a NUL byte ({@code check_binary_file}). glibc's execvp hands any such file to /bin/sh.
     */
    static boolean looksBinary(byte[] sample) {
        if (sample.length >= 4 && sample[0] == 0x7f && sample[1] == 'E' && sample[2] == 'L' && sample[3] == 'F') return true;
        for (byte b : sample) {
            if (b == '\n') return false;
            if (b == 0) return true;
        }
        return false;
    }

    /** The argv glibc runs a file that is no binary and has no #! line with: {@code /bin/sh FILE ARGS...}. */
    static List<byte[]> scriptArgv(byte[] file, List<byte[]> argv) {
        List<byte[]> out = new ArrayList<>();
        out.add("/bin/sh".getBytes(StandardCharsets.US_ASCII));
        out.add(file);
        out.addAll(argv.subList(1, argv.size()));
        return out;
    }
}
