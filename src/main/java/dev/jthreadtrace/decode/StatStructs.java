package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;

/**
 * The structures of the stat family as strace prints them without {@code -v}: {@code struct stat}
 * ({@code {st_mode=S_IFREG|0644, st_size=2916, ...}}), {@code struct statx} and {@code struct
 * statfs}, file modes ({@code S_IFDIR|0755}, {@code 0644}) and device numbers
 * ({@code makedev(0x1, 0x3)}). Layouts are x86-64's.
 */
public final class StatStructs {
    /** {@code sizeof(struct stat)}, {@code struct statx}, {@code struct statfs} on x86-64. */
    public static final int STAT_BYTES = 144, STATX_BYTES = 256, STATFS_BYTES = 120;
    static final int S_IFMT = 0170000, S_ISUID = 04000, S_ISGID = 02000, S_ISVTX = 01000, S_IFCHR = 0020000, S_IFBLK = 0060000;
    static final int STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_SIZE = 0x200;

    private static final ValueTable FILE_TYPES = ValueTable.of(0100000, "S_IFREG", 0140000, "S_IFSOCK", 0010000, "S_IFIFO",
            0120000, "S_IFLNK", 0040000, "S_IFDIR", 0060000, "S_IFBLK", 0020000, "S_IFCHR");
    /** {@code AT_*} flags of the *at() calls (strace's at_flags). */
    static final FlagTable AT_FLAGS = FlagTable.of(0x100, "AT_SYMLINK_NOFOLLOW", 0x200, "AT_REMOVEDIR", 0x400, "AT_SYMLINK_FOLLOW",
            0x800, "AT_NO_AUTOMOUNT", 0x1000, "AT_EMPTY_PATH", 0x8000, "AT_RECURSIVE");
    private static final FlagTable STATX_SYNC = FlagTable.of(0x2000, "AT_STATX_FORCE_SYNC", 0x4000, "AT_STATX_DONT_SYNC");
    private static final int AT_STATX_SYNC_TYPE = 0x6000;
    /** STATX_ALL and STATX_BASIC_STATS are masks: listed first, so they are matched whole. */
    static final FlagTable STATX_MASKS = FlagTable.of(0xfff, "STATX_ALL", 0x7ff, "STATX_BASIC_STATS", 0x1, "STATX_TYPE",
            0x2, "STATX_MODE", 0x4, "STATX_NLINK", 0x8, "STATX_UID", 0x10, "STATX_GID", 0x20, "STATX_ATIME", 0x40, "STATX_MTIME",
            0x80, "STATX_CTIME", 0x100, "STATX_INO", 0x200, "STATX_SIZE", 0x400, "STATX_BLOCKS", 0x800, "STATX_BTIME",
            0x1000, "STATX_MNT_ID", 0x2000, "STATX_DIOALIGN");
    static final FlagTable STATX_ATTRS = FlagTable.of(0x4, "STATX_ATTR_COMPRESSED", 0x10, "STATX_ATTR_IMMUTABLE",
            0x20, "STATX_ATTR_APPEND", 0x40, "STATX_ATTR_NODUMP", 0x800, "STATX_ATTR_ENCRYPTED", 0x1000, "STATX_ATTR_AUTOMOUNT",
            0x2000, "STATX_ATTR_MOUNT_ROOT", 0x100000, "STATX_ATTR_VERITY", 0x200000, "STATX_ATTR_DAX");
    static final FlagTable STATFS_FLAGS = FlagTable.of(0x20, "ST_VALID", 0x1, "ST_RDONLY", 0x2, "ST_NOSUID", 0x4, "ST_NODEV",
            0x8, "ST_NOEXEC", 0x10, "ST_SYNCHRONOUS", 0x40, "ST_MANDLOCK", 0x400, "ST_NOATIME", 0x800, "ST_NODIRATIME",
            0x1000, "ST_RELATIME", 0x2000, "ST_NOSYMFOLLOW");

    private StatStructs() {}

    /** {@code 0644} (strace's {@code %#03o}: a leading 0, at least three digits). */
    public static String octalMode(long mode) {
        String o = Long.toOctalString(mode & 0xffffffffL);
        String s = mode == 0 ? "0" : "0" + o;
        return s.length() >= 3 ? s : "0".repeat(3 - s.length()) + s;
    }

    /** {@code S_IFREG|S_ISUID|0755}; the octal number alone for an unknown file type. */
    public static String symbolicMode(long mode) {
        int m = (int) mode;
        if ((m & S_IFMT) == 0) return octalMode(m);
        String type = FILE_TYPES.nameOrNull(m & S_IFMT);
        if (type == null) return octalMode(m & 0xffffffffL);
        return type + "|" + ((m & S_ISUID) != 0 ? "S_ISUID|" : "") + ((m & S_ISGID) != 0 ? "S_ISGID|" : "")
                + ((m & S_ISVTX) != 0 ? "S_ISVTX|" : "") + octalMode(m & ~(S_IFMT | S_ISUID | S_ISGID | S_ISVTX));
    }

    /** {@code makedev(0x88, 0)} from a glibc-encoded {@code dev_t}. */
    static String makedev(long dev) {
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        return "makedev(" + Args.hex(major & 0xffffffffL) + ", " + Args.hex(minor & 0xffffffffL) + ")";
    }

    /** A captured {@code struct stat}: {@code {st_mode=..., st_size=..., ...}}; the pointer when unread. */
    public static String stat(long pointer, byte[] bytes) {
        if (bytes == null || bytes.length < STAT_BYTES) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        int mode = b.getInt(24);
        int type = mode & S_IFMT;
        String sizeOrDevice = type == S_IFCHR || type == S_IFBLK ? "st_rdev=" + makedev(b.getLong(40))
                : "st_size=" + Long.toUnsignedString(b.getLong(48));
        return "{st_mode=" + symbolicMode(mode) + ", " + sizeOrDevice + ", ...}";
    }

    /** statx's flags: the sync type by name, then the other AT_ flags. */
    static String statxFlags(long flags) {
        int f = (int) flags;
        String sync = STATX_SYNC.render(f & AT_STATX_SYNC_TYPE, "AT_STATX_SYNC_AS_STAT");
        int rest = f & ~AT_STATX_SYNC_TYPE;
        return rest == 0 ? sync : sync + "|" + AT_FLAGS.render(rest, "0");
    }

    /** A captured {@code struct statx}, the fields strace shows without -v. */
    public static String statx(long pointer, byte[] bytes) {
        if (bytes == null || bytes.length < STATX_BYTES) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        int mask = b.getInt(0);
        StringBuilder out = new StringBuilder("{stx_mask=").append(STATX_MASKS.render(mask & 0xffffffffL, "0"))
                .append(", stx_attributes=").append(STATX_ATTRS.render(b.getLong(8), "0"));
        if ((mask & (STATX_TYPE | STATX_MODE)) != 0) out.append(", stx_mode=").append(symbolicMode(b.getShort(28) & 0xffff));
        if ((mask & STATX_SIZE) != 0) out.append(", stx_size=").append(Long.toUnsignedString(b.getLong(40)));
        return out.append(", ...}").toString();
    }

    /** A captured {@code struct statfs}: every field, the type by its magic name. */
    public static String statfs(long pointer, byte[] bytes) {
        if (bytes == null || bytes.length < STATFS_BYTES) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{f_type=" + FsMagic.render(b.getLong(0)) + ", f_bsize=" + b.getLong(8) + ", f_blocks=" + u(b.getLong(16))
                + ", f_bfree=" + u(b.getLong(24)) + ", f_bavail=" + u(b.getLong(32)) + ", f_files=" + u(b.getLong(40))
                + ", f_ffree=" + u(b.getLong(48)) + ", f_fsid={val=[" + Args.hex(b.getInt(56) & 0xffffffffL) + ", "
                + Args.hex(b.getInt(60) & 0xffffffffL) + "]}, f_namelen=" + b.getLong(64) + ", f_frsize=" + b.getLong(72)
                + ", f_flags=" + STATFS_FLAGS.render(b.getLong(80), "0") + "}";
    }

    private static String u(long v) {
        return Long.toUnsignedString(v);
    }
}
