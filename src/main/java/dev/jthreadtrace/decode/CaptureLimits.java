package dev.jthreadtrace.decode;

/**
 * What the tracer copies beyond the captures themselves: whether fd paths are read for
 * {@code -y} ({@link Capture.ShownFdPath}, {@link Capture.ReturnedFdPath}) and how much of a data
 * buffer {@code -s} shows ({@link Capture#SHOWN}).
 */
public record CaptureLimits(boolean fdPaths, int stringMax) {
    /** strace's defaults: no paths, 32 characters. */
    public static final CaptureLimits DEFAULT = new CaptureLimits(false, 32);
    /** A write to a thread's comm file must be read whole whatever -s says: the model takes the new name from it. */
    private static final int COMM_NAME = 16;

    public CaptureLimits {
        if (stringMax < 0) throw new IllegalArgumentException("negative string limit");
    }

    /** The byte count {@link Capture#SHOWN} stands for: -s, one more for strace's look-ahead, at least a thread name. */
    public int bufferLimit() {
        return Math.max(stringMax + 1, COMM_NAME);
    }

    /** {@code max}, with {@link Capture#SHOWN} resolved. */
    public int resolve(int max) {
        return max == Capture.SHOWN ? bufferLimit() : max;
    }
}
