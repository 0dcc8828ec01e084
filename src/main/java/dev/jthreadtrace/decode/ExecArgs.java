package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.List;

/** {@code execve}'s path, argv and envp, as strace prints them (the environment as a pointer and how many variables). */
final class ExecArgs {
    /** The most environment pointers counted. */
    private static final int MAX_VARS = 1 << 16;

    private ExecArgs() {}

    static String render(String path, List<String> argv, long pathPointer, long argvPointer, long envp, byte[] envCount,
                         int stringMax) {
        return (path != null ? Args.quoted(path, Math.max(stringMax, 4096)) : Args.pointer(pathPointer)) + ", "
                + (argv != null ? Args.stringArray(argv, stringMax) : Args.pointer(argvPointer)) + ", "
                + Args.pointer(envp) + (envp != 0 && envCount != null && envCount.length == 4
                ? " /* " + Args.le(envCount).getInt(0) + " vars */" : "");
    }

    /** At exec's entry: how many strings the NULL-terminated pointer array in {@code arg} holds (4 bytes). */
    static Gatherer countStrings(int arg) {
        return (memory, args, ret) -> {
            long array = args[arg];
            if (array == 0) return null;
            int count = 0;
            while (count < MAX_VARS) {
                byte[] block = memory.read(array + 8L * count, 8 * 16);
                if (block == null) block = memory.read(array + 8L * count, 8);
                if (block == null) return null;
                ByteBuffer b = Args.le(block);
                for (int i = 0; i < block.length / 8; i++, count++) {
                    if (b.getLong(8 * i) == 0) return count(count);
                }
            }
            return count(count);
        };
    }

    /** The 4-byte count the renderer reads. */
    static byte[] count(int n) {
        return Args.le(new byte[4]).putInt(0, n).array();
    }
}
