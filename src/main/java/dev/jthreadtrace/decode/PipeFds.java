package dev.jthreadtrace.decode;

/**
 * The two descriptors pipe, pipe2 and socketpair return in an {@code int[2]}: {@code [3, 4]}, with
 * {@code -y} {@code [3<pipe:[1234]>, 4<pipe:[1234]>]}. Gathered at exit with their paths.
 */
final class PipeFds {
    private PipeFds() {}

    /** pipe and pipe2 at exit: the two ints, then each one's path (null chunks without -y). */
    static byte[] gatherPipe(MemoryReader memory, long[] args, long ret) {
        return gatherAt(memory, args[0], ret);
    }

    /** socketpair at exit: its array is the fourth argument. */
    static byte[] gatherSocketpair(MemoryReader memory, long[] args, long ret) {
        return gatherAt(memory, args[3], ret);
    }

    private static byte[] gatherAt(MemoryReader memory, long pointer, long ret) {
        if (ret < 0 || pointer == 0) return null;
        byte[] fds = memory.read(pointer, 8);
        if (fds == null) return null;
        var b = Args.le(fds);
        return new Chunks.Writer().add(fds).add(memory.fdPath(b.getInt(0))).add(memory.fdPath(b.getInt(4))).bytes();
    }

    /** {@code [3, 4]}; the pointer when the call failed. */
    static String render(long pointer, Captures c, int slot) {
        Chunks.Reader in = new Chunks.Reader(c.bytes(slot));
        byte[] fds = in.next();
        if (fds == null || fds.length < 8) return Args.pointer(pointer);
        var b = Args.le(fds);
        String first = c.shownPath(in.nextString()), second = c.shownPath(in.nextString());
        return "[" + Args.fd(b.getInt(0), first) + ", " + Args.fd(b.getInt(4), second) + "]";
    }
}
