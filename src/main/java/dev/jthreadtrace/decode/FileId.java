package dev.jthreadtrace.decode;

/**
 * Which file a descriptor opens, as the kernel names it: the device ({@code major << 20 | minor},
 * the form /proc/PID/maps shows) and the inode. A path does not say which file it is (one removed
 * and another made under its name); this does. What a shared mapping of the file maps: the memory
 * object the kernel keys a shared futex word by (model.SharedMappings).
 */
public record FileId(long device, long inode) {
    /** The device number /proc/PID/maps shows as {@code MAJOR:MINOR} (hex), as one value. */
    public static long device(long major, long minor) {
        return major << 20 | minor;
    }
}
