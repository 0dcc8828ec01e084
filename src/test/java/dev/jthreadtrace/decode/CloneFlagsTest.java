package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CloneFlagsTest {
    static final long PTHREAD_FLAGS = CloneFlags.CLONE_VM | CloneFlags.CLONE_FS | CloneFlags.CLONE_FILES
            | CloneFlags.CLONE_SIGHAND | CloneFlags.CLONE_THREAD | CloneFlags.CLONE_SYSVSEM | CloneFlags.CLONE_SETTLS
            | CloneFlags.CLONE_PARENT_SETTID | CloneFlags.CLONE_CHILD_CLEARTID;

    static byte[] cloneArgs(int size, long... fields) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < fields.length && i * 8 < size; i++) b.putLong(i * 8, fields[i]);
        return b.array();
    }

    @Test
    void clone3WithTheVersion0StructAsGlibcPthreadCreateMakesIt() {
        byte[] args = cloneArgs(64, PTHREAD_FLAGS, 0, 0x7f2107bde990L, 0x7f2107bde990L, 0, 0x7f21073de000L, 0x7fff80,
                0x7f2107bde6c0L);
        assertEquals("clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS"
                        + "|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f2107bde990, parent_tid=0x7f2107bde990,"
                        + " exit_signal=0, stack=0x7f21073de000, stack_size=0x7fff80, tls=0x7f2107bde6c0}, 64)",
                SyscallDecoder.call(SyscallTable.CLONE3, new long[] {0x1000, 64, 0, 0, 0, 0}, captures(0, args), 32));
    }

    @Test
    void clone3Version1ShowsSetTidVersion2ShowsTheCgroup() {
        byte[] v1 = cloneArgs(80, CloneFlags.CLONE_PIDFD, 0x7ffd0000L, 0, 0, 17, 0, 0, 0, 0x7ffd1000L, 1);
        assertEquals("clone3({flags=CLONE_PIDFD, pidfd=0x7ffd0000, exit_signal=SIGCHLD, stack=NULL, stack_size=0,"
                        + " set_tid=0x7ffd1000, set_tid_size=1}, 80)",
                SyscallDecoder.call(SyscallTable.CLONE3, new long[] {0x1000, 80, 0, 0, 0, 0}, captures(0, v1), 32));
        byte[] v2 = cloneArgs(88, CloneFlags.CLONE_INTO_CGROUP, 0, 0, 0, 17, 0, 0, 0, 0, 0, 7);
        assertEquals("clone3({flags=CLONE_INTO_CGROUP, exit_signal=SIGCHLD, stack=NULL, stack_size=0, cgroup=7}, 88)",
                SyscallDecoder.call(SyscallTable.CLONE3, new long[] {0x1000, 88, 0, 0, 0, 0}, captures(0, v2), 32));
    }

    @Test
    void clone3WhoseStructCouldNotBeReadShowsTheAddress() {
        assertEquals("clone3(0x1000, 88)",
                SyscallDecoder.call(SyscallTable.CLONE3, new long[] {0x1000, 88, 0, 0, 0, 0}, Captures.NONE, 32));
    }

    @Test
    void cloneShowsTheExitSignalInTheLowByteAndKeepsUnknownBits() {
        assertEquals("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f00)",
                SyscallDecoder.call(SyscallTable.CLONE, new long[] {0x1200011, 0, 0, 0x7f00, 0, 0}, Captures.NONE, 32));
        assertEquals("clone(child_stack=0x5000, flags=CLONE_UNTRACED|SIGCHLD)",
                SyscallDecoder.call(SyscallTable.CLONE, new long[] {0x800011, 0x5000, 0, 0, 0, 0}, Captures.NONE, 32));
        assertEquals("CLONE_VM|0x8000000000", CloneFlags.renderCloneFlags(0x8000000100L));
        assertEquals("0", CloneFlags.renderCloneFlags(0));
    }

    @Test
    void forkAndVforkHaveNoArguments() {
        assertEquals("fork()", SyscallDecoder.call(SyscallTable.FORK, new long[6], Captures.NONE, 32));
        assertEquals("vfork()", SyscallDecoder.call(SyscallTable.VFORK, new long[6], Captures.NONE, 32));
    }

    static Captures captures(int arg, Object value) {
        Captures c = new Captures();
        c.put(arg, value);
        return c;
    }
}
