package dev.jthreadtrace.decode;

import dev.jthreadtrace.testing.CProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every flag and value name of the decoders, and every constant named like a kernel macro, has
 * the kernel header's value: a C program generated from our tables prints the header's value of
 * each name the headers define, and the two must agree.
 */
class UapiHeadersTest {
    private static final String MACRO = "(CLONE|FUTEX|FUTEX2|MAP|PROT|MADV|MREMAP|PR|SECCOMP|RSEQ|O|F|FD|LOCK|SEEK|AT|STATX|S"
            + "|SO|SOL|AF|SCM|SI|CLD|EPOLL|SIGEV|ARCH|TIOC|TC|FIO|SIOCGIF|UTIME)_[A-Z0-9_]+|TCGETS|TCSETS[WF]?|FIONREAD|FIONBIO"
            + "|FIONCLEX|FIOCLEX|FIOASYNC|SIOCGIF[A-Z]+";
    private static final String HEADERS = """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <fcntl.h>
            #include <poll.h>
            #include <signal.h>
            #include <time.h>
            #include <unistd.h>
            #include <net/if.h>
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #include <sys/epoll.h>
            #include <sys/eventfd.h>
            #include <sys/file.h>
            #include <sys/ioctl.h>
            #include <sys/ipc.h>
            #include <sys/mman.h>
            #include <sys/msg.h>
            #include <sys/prctl.h>
            #include <sys/random.h>
            #include <sys/resource.h>
            #include <sys/sem.h>
            #include <sys/shm.h>
            #include <sys/signalfd.h>
            #include <sys/socket.h>
            #include <sys/stat.h>
            #include <sys/statvfs.h>
            #include <sys/time.h>
            #include <sys/timerfd.h>
            #include <sys/uio.h>
            #include <sys/wait.h>
            #include <asm/prctl.h>
            #include <linux/capability.h>
            #include <linux/fs.h>
            #include <linux/futex.h>
            #include <linux/io_uring.h>
            #include <linux/magic.h>
            #include <linux/openat2.h>
            #include <linux/rseq.h>
            #include <linux/sched.h>
            #include <linux/seccomp.h>
            #include <linux/ptrace.h>
            #include <linux/elf.h>
            """;
    /**
     * Names whose value the tracee sees from the kernel but glibc defines otherwise (O_LARGEFILE is
     * 0 in glibc on x86-64, its __O_TMPFILE includes O_DIRECTORY): checked against the kernel's
     * header alone, and left out of the program above.
     */
    private static final List<String> KERNEL_ONLY = List.of("O_LARGEFILE", "__O_TMPFILE");
    private static final String KERNEL_HEADERS = """
            #include <stdio.h>
            #include <asm/fcntl.h>
            """;

    /**
     * Every class of the decode package, nested ones too, found among the compiled classes: a
     * decoder added to the registry is checked without being listed here.
     */
    static List<Class<?>> decoders() throws IOException, ClassNotFoundException {
        Path dir = Path.of("target/classes/dev/jthreadtrace/decode");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".class", "");
                classes.add(Class.forName(Syscalls.class.getPackageName() + "." + name, false, Syscalls.class.getClassLoader()));
            }
        }
        return classes;
    }

    /** name -> the values our tables give it (a name may be in several tables; all must agree). */
    static Map<String, List<Long>> ourValues() throws ReflectiveOperationException, IOException {
        Map<String, List<Long>> out = new TreeMap<>();
        List<Class<?>> decoders = decoders();
        // The registry's renderers live here: a check that found none would pass by accident.
        assertTrue(decoders.contains(CloneFlags.class) && decoders.contains(FutexOps.class) && decoders.size() > 20, decoders.toString());
        for (Class<?> c : decoders) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) continue;
                f.setAccessible(true);
                Object v = f.get(null);
                switch (v) {
                    case FlagTable t -> t.entries().forEach(e -> add(out, e.name(), e.value()));
                    case ValueTable t -> t.entries().forEach((value, name) -> add(out, name, value));
                    case Integer i when f.getName().matches(MACRO) -> add(out, f.getName(), i.longValue());
                    case Long l when f.getName().matches(MACRO) -> add(out, f.getName(), l);
                    case null, default -> { }
                }
            }
        }
        return out;
    }

    private static void add(Map<String, List<Long>> out, String name, long value) {
        out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    /** What a program with {@code headers} prints for each of {@code names} that they define. */
    private static Map<String, Long> headerValues(Path tmp, String headers, java.util.Collection<String> names) throws Exception {
        StringBuilder c = new StringBuilder(headers).append("int main(void) {\n");
        for (String name : names) {
            c.append("#ifdef ").append(name).append("\n  printf(\"%s %lld\\n\", \"").append(name)
                    .append("\", (long long) (").append(name).append("));\n#endif\n");
        }
        c.append("  return 0;\n}\n");
        Map<String, Long> header = new LinkedHashMap<>();
        for (String line : CProgram.output(tmp, c.toString())) {
            String[] parts = line.split(" ");
            header.put(parts[0], Long.parseLong(parts[1]));
        }
        return header;
    }

    @Test
    void ourFlagAndValueTablesAgreeWithTheKernelHeaders(@TempDir Path tmp) throws Exception {
        Map<String, List<Long>> ours = ourValues();
        java.util.Set<String> userspace = new java.util.TreeSet<>(ours.keySet());
        userspace.removeAll(KERNEL_ONLY);
        Map<String, Long> header = headerValues(tmp, HEADERS, userspace);
        Map<String, Long> kernel = headerValues(tmp, KERNEL_HEADERS, KERNEL_ONLY);
        assertEquals(KERNEL_ONLY.size(), kernel.size(), "the kernel header defines " + KERNEL_ONLY + ": " + kernel);
        header.putAll(kernel);
        List<String> wrong = new ArrayList<>();
        header.forEach((name, value) -> {
            for (long v : ours.get(name)) {
                if (v != value) wrong.add(name + ": ours 0x" + Long.toHexString(v) + ", header 0x" + Long.toHexString(value));
            }
        });
        assertEquals(List.of(), wrong);
        // Most names are macros in these headers; the rest (enums, newer than the headers) cannot be checked this way.
        assertTrue(header.size() * 10 >= ours.size() * 8, "checked " + header.size() + " of " + ours.size()
                + "; unchecked: " + ours.keySet().stream().filter(n -> !header.containsKey(n)).toList());
    }
}
