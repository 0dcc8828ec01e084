package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * The registry rows of System V IPC ({@code %ipc}): shared memory, semaphores and message queues,
 * keys ({@code IPC_PRIVATE}), creation flags with the mode ({@code IPC_CREAT|IPC_EXCL|0600}),
 * commands by name, semaphore operations and messages as strace prints them. The structures of
 * IPC_STAT and IPC_SET are shown by address.
 */
final class IpcCalls {
    static final FlagTable RESOURCE_FLAGS = FlagTable.of(01000, "IPC_CREAT", 02000, "IPC_EXCL", 04000, "IPC_NOWAIT");
    static final FlagTable SHM_RESOURCE_FLAGS = FlagTable.of(01000, "IPC_CREAT", 02000, "IPC_EXCL", 04000, "SHM_HUGETLB",
            010000, "SHM_NORESERVE");
    static final FlagTable SHM_FLAGS = FlagTable.of(010000, "SHM_RDONLY", 020000, "SHM_RND", 040000, "SHM_REMAP", 0100000, "SHM_EXEC");
    static final FlagTable SEMOP_FLAGS = FlagTable.of(010000, "SEM_UNDO", 04000, "IPC_NOWAIT");
    static final FlagTable MSG_FLAGS = FlagTable.of(010000, "MSG_NOERROR", 020000, "MSG_EXCEPT", 040000, "MSG_COPY", 04000, "IPC_NOWAIT");
    static final ValueTable SHMCTL = ValueTable.of(0, "IPC_RMID", 1, "IPC_SET", 2, "IPC_STAT", 3, "IPC_INFO", 11, "SHM_LOCK",
            12, "SHM_UNLOCK", 13, "SHM_STAT", 14, "SHM_INFO", 15, "SHM_STAT_ANY");
    static final ValueTable SEMCTL = ValueTable.of(0, "IPC_RMID", 1, "IPC_SET", 2, "IPC_STAT", 3, "IPC_INFO", 11, "GETPID",
            12, "GETVAL", 13, "GETALL", 14, "GETNCNT", 15, "GETZCNT", 16, "SETVAL", 17, "SETALL", 18, "SEM_STAT", 19, "SEM_INFO",
            20, "SEM_STAT_ANY");
    static final ValueTable MSGCTL = ValueTable.of(0, "IPC_RMID", 1, "IPC_SET", 2, "IPC_STAT", 3, "IPC_INFO", 11, "MSG_STAT",
            12, "MSG_INFO", 13, "MSG_STAT_ANY");
    private static final int SEMBUF = 6, SEMOPS_MAX = 1024;

    private IpcCalls() {}

    static List<SyscallSpec> rows() {
        return List.of(
                Row.of("shmget").render((a, c, s) -> key(a[0]) + ", " + Args.ulong(a[1]) + ", " + creation(SHM_RESOURCE_FLAGS, a[2])),
                Row.of("shmat").returns(ReturnStyle.HEX)
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + Args.pointer(a[1]) + ", " + SHM_FLAGS.render(a[2] & 0xffffffffL, "0", "SHM_")),
                Row.of("shmdt").render((a, c, s) -> Args.pointer(a[0])),
                Row.of("shmctl").render((a, c, s) -> Args.intArg(a[0]) + ", " + SHMCTL.render(a[1] & 0xffffffffL, "SHM_") + ", " + Args.pointer(a[2])),
                Row.of("semget").render((a, c, s) -> key(a[0]) + ", " + Args.intArg(a[1]) + ", " + creation(RESOURCE_FLAGS, a[2])),
                Row.of("semop").capture(sembufs(1, 2))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + sembufs(a[1], c.bytes(1), a[2], s) + ", " + Args.uintArg(a[2])),
                Row.of("semtimedop").capture(sembufs(1, 2), new Capture.Bytes(3, Times.TIMESPEC, AT_ENTRY))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + sembufs(a[1], c.bytes(1), a[2], s) + ", " + Args.uintArg(a[2])
                                + ", " + Times.timespec(a[3], c.bytes(3))),
                Row.of("semctl").render((a, c, s) -> Args.intArg(a[0]) + ", " + Args.intArg(a[1]) + ", "
                        + SEMCTL.render(a[2] & 0xffffffffL, "SEM_") + ", " + Args.pointer(a[3])),
                Row.of("msgget").render((a, c, s) -> key(a[0]) + ", " + creation(RESOURCE_FLAGS, a[1])),
                Row.of("msgsnd").capture(new Capture.Gather(1, AT_ENTRY, (m, a, r) -> message(m, a[1], a[2])))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + message(a[1], c.bytes(1), a[2], s) + ", " + Args.ulong(a[2])
                                + ", " + MSG_FLAGS.render(a[3] & 0xffffffffL, "0", "MSG_")),
                Row.of("msgrcv").capture(new Capture.Gather(1, AT_EXIT, (m, a, r) -> r < 0 ? null : message(m, a[1], a[2])))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + message(a[1], c.bytes(1), a[2], s) + ", " + Args.ulong(a[2])
                                + ", " + a[3] + ", " + MSG_FLAGS.render(a[4] & 0xffffffffL, "0", "MSG_")),
                Row.of("msgctl").render((a, c, s) -> Args.intArg(a[0]) + ", " + MSGCTL.render(a[1] & 0xffffffffL, "MSG_") + ", " + Args.pointer(a[2])));
    }

    /** {@code IPC_PRIVATE}, else the key in hex. */
    private static String key(long key) {
        int k = (int) key;
        return k == 0 ? "IPC_PRIVATE" : Args.hex(k & 0xffffffffL);
    }

    /** {@code IPC_CREAT|IPC_EXCL|0600}: the flags, then the permission bits. */
    private static String creation(FlagTable flags, long value) {
        long named = value & ~0777L & 0xffffffffL;
        String mode = StatStructs.octalMode(value & 0777);
        return named == 0 ? mode : flags.render(named, "0") + "|" + mode;
    }

    private static Capture sembufs(int arg, int countArg) {
        return new Capture.Gather(arg, AT_ENTRY, (m, a, r) -> a[arg] == 0 ? null
                : m.read(a[arg], (int) Math.min(a[countArg] & 0xffffffffL, SEMOPS_MAX) * SEMBUF));
    }

    /** {@code [{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}]}. */
    private static String sembufs(long pointer, byte[] bytes, long count, int s) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        StringBuilder out = new StringBuilder("[");
        int n = bytes.length / SEMBUF;
        for (int i = 0; i < n && i < s; i++) {
            if (i > 0) out.append(", ");
            out.append("{sem_num=").append(b.getShort(i * SEMBUF) & 0xffff).append(", sem_op=").append(b.getShort(i * SEMBUF + 2))
                    .append(", sem_flg=").append(SEMOP_FLAGS.render(b.getShort(i * SEMBUF + 4) & 0xffff, "0", "SEM_")).append('}');
        }
        if ((count & 0xffffffffL) > s) out.append(s > 0 ? ", ..." : "...");
        return out.append(']').toString();
    }

    /** A message: its type, then as much of its text as a line shows. */
    private static byte[] message(MemoryReader memory, long pointer, long size) {
        if (pointer == 0) return null;
        byte[] type = memory.read(pointer, 8);
        if (type == null) return null;
        long n = Math.max(0, Math.min(size, memory.bufferLimit()));
        return new Chunks.Writer().add(type).add(memory.read(pointer + 8, (int) n)).bytes();
    }

    /** {@code {mtype=1, mtext="hi"}}. */
    private static String message(long pointer, byte[] gathered, long size, int s) {
        Chunks.Reader in = new Chunks.Reader(gathered);
        byte[] type = in.next();
        if (pointer == 0) return "NULL";
        if (type == null) return Args.pointer(pointer);
        return "{mtype=" + Args.le(type).getLong(0) + ", mtext=" + Quote.buffer(pointer + 8, in.next(), s) + "}";
    }
}
